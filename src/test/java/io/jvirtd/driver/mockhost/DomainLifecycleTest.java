package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainInfo;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Domain lookup, define/create/undefine and lifecycle transitions of the test driver, with the
 * states, reasons and error texts libvirt 9.0's test driver gives (checked with virsh and
 * python3-libvirt against test:///default).
 */
class DomainLifecycleTest {

    static final String VM1 = "<domain type='test'><name>vm1</name>"
            + "<uuid>11111111-2222-3333-4444-555555555555</uuid>"
            + "<memory>1048576</memory><vcpu>2</vcpu><os><type>hvm</type></os>"
            + "<devices><interface type='network'><source network='default'/></interface></devices>"
            + "</domain>";
    static final String TVM = "<domain type='test'><name>tvm</name><memory>524288</memory>"
            + "<vcpu>1</vcpu><os><type>hvm</type></os></domain>";

    private final MockHostDriver driver = new MockHostDriver();
    private final List<HypervisorConnection> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(HypervisorConnection::close);
    }

    HypervisorConnection connect() {
        HypervisorConnection c = driver.open(URI.create("test:///default"), "test:///default", false)
                .orElseThrow();
        open.add(c);
        return c;
    }

    static void assertError(VirErrorNumber code, VirErrorDomain domain, String message, Runnable call) {
        VirException e = assertThrows(VirException.class, call::run);
        assertEquals(message, e.message(), e.toString());
        assertEquals(code.number(), e.code(), e.toString());
        assertEquals(domain.number(), e.domain(), e.toString());
    }

    @Test
    void defaultHostHasRunningDomainTestWithId1() {
        HypervisorConnection c = connect();
        DomainRef test = c.domains().domainLookupByName("test");
        assertEquals(1, test.id());
        assertEquals("6695eb01-f6a4-8304-79aa-97f2502e193f", test.uuidString());
        assertEquals(test, c.domains().domainLookupByID(1));
        assertEquals(test, c.domains().domainLookupByUUID(test.uuid()));
        // node-file domains start with reason 0, as testParseDomains sets them
        assertEquals(new DomainStateReason(DomainState.RUNNING, 0), c.domains().domainGetState(test, 0));
        DomainInfo info = c.domains().domainGetInfo(test);
        assertEquals(DomainState.RUNNING, info.state());
        assertEquals(8388608, info.maxMem());
        assertEquals(2097152, info.memory());
        assertEquals(2, info.nrVirtCpu());
        assertEquals(1, c.domains().connectNumOfDomains());
        assertArrayEquals(new int[] {1}, c.domains().connectListDomains(10));
        assertEquals(0, c.domains().connectNumOfDefinedDomains());
        assertTrue(c.domains().domainIsPersistent(test));
        assertTrue(c.domains().domainIsActive(test));
    }

    @Test
    void lookupFailuresSayDomainNotFound() {
        HypervisorConnection c = connect();
        assertError(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST, "Domain not found",
                () -> c.domains().domainLookupByName("nosuch"));
        assertError(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST, "Domain not found",
                () -> c.domains().domainLookupByID(42));
        assertError(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST, "Domain not found",
                () -> c.domains().domainLookupByUUID(new byte[16]));
    }

    @Test
    void staleHandleNamesUuidAndName() {
        HypervisorConnection c = connect();
        DomainRef vm1 = c.domains().domainDefineXML(VM1);
        c.domains().domainUndefine(vm1);
        assertError(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST,
                "Domain not found: no domain with matching uuid '11111111-2222-3333-4444-555555555555' (vm1)",
                () -> c.domains().domainGetInfo(vm1));
    }

    @Test
    void suspendResumeShutdownStartTransitions() {
        HypervisorConnection c = connect();
        DomainRef test = c.domains().domainLookupByName("test");
        c.domains().domainSuspend(test);
        assertEquals(new DomainStateReason(DomainState.PAUSED, StateReason.Paused.USER), c.domains().domainGetState(test, 0));
        c.domains().domainResume(test);
        assertEquals(new DomainStateReason(DomainState.RUNNING, StateReason.Running.UNPAUSED),
                c.domains().domainGetState(test, 0));
        c.domains().domainShutdown(test);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.SHUTDOWN),
                c.domains().domainGetState(test, 0));
        assertEquals(-1, c.domains().domainLookupByName("test").id());
        DomainRef started = c.domains().domainCreate(test);
        assertEquals(2, started.id());
        assertEquals(new DomainStateReason(DomainState.RUNNING, StateReason.Running.BOOTED),
                c.domains().domainGetState(test, 0));
        c.domains().domainReboot(started, 0);
        c.domains().domainReset(started, 0);
        assertEquals(new DomainStateReason(DomainState.RUNNING, StateReason.Running.BOOTED),
                c.domains().domainGetState(test, 0));
        c.domains().domainDestroy(started);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.DESTROYED),
                c.domains().domainGetState(test, 0));
    }

    @Test
    void stateErrorsUseLibvirtTexts() {
        HypervisorConnection c = connect();
        DomainRef test = c.domains().domainLookupByName("test");
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: Domain 'test' is already running", () -> c.domains().domainCreate(test));
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: domain 'test' not paused", () -> c.domains().domainResume(test));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "invalid argument: cannot set memory higher than max memory",
                () -> c.domains().domainSetMemory(test, 99999999));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "invalid argument: requested cpu amount exceeds maximum supported amount (64 > 32)",
                () -> c.domains().domainSetVcpusFlags(test, 64, 1));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: cannot rename active domain",
                () -> c.domains().domainRename(test, "x", 0));
        c.domains().domainDestroy(test);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.DOMAIN,
                "Requested operation is not valid: domain is not running", () -> c.domains().domainDestroy(test));
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: domain 'test' not running", () -> c.domains().domainSuspend(test));
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: domain 'test' not running", () -> c.domains().domainShutdown(test));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.DOMAIN,
                "Requested operation is not valid: domain is not running", () -> c.domains().domainManagedSave(test, 0));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x4) in function testDomainUndefineFlags",
                () -> c.domains().domainUndefineFlags(test, 4));
    }

    @Test
    void defineStartUndefineAndTransientCreate() {
        HypervisorConnection c = connect();
        DomainRef vm1 = c.domains().domainDefineXML(VM1);
        assertEquals(-1, vm1.id());
        assertEquals(List.of("vm1"), c.domains().connectListDefinedDomains(10));
        assertFalse(c.domains().domainIsActive(vm1));
        DomainRef running = c.domains().domainCreateWithFlags(vm1, 0);
        assertEquals(2, running.id());
        assertTrue(c.domains().domainGetXMLDesc(vm1, 0).contains("<target dev='testnet0'/>"));
        c.domains().domainUndefine(running);
        assertFalse(c.domains().domainIsPersistent(running));
        c.domains().domainDestroy(running);
        assertThrows(VirException.class, () -> c.domains().domainLookupByName("vm1"));

        DomainRef tvm = c.domains().domainCreateXML(TVM, 0);
        assertEquals(3, tvm.id());
        assertFalse(c.domains().domainIsPersistent(tvm));
        c.domains().domainDestroy(tvm);
        assertThrows(VirException.class, () -> c.domains().domainLookupByName("tvm"));
    }

    @Test
    void defineDuplicateNameWithOtherUuidFails() {
        HypervisorConnection c = connect();
        String dup = "<domain type='test'><name>test</name><memory>1024</memory>"
                + "<uuid>00000000-0000-0000-0000-000000000001</uuid><os><type>hvm</type></os></domain>";
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN,
                "operation failed: domain 'test' already exists with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f",
                () -> c.domains().domainDefineXML(dup));
    }

    @Test
    void managedSaveThenStartClearsTheImage() {
        HypervisorConnection c = connect();
        DomainRef test = c.domains().domainLookupByName("test");
        c.domains().domainManagedSave(test, 0);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.SAVED),
                c.domains().domainGetState(test, 0));
        assertTrue(c.domains().domainHasManagedSaveImage(test, 0));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: Refusing to undefine while domain managed save image exists",
                () -> c.domains().domainUndefine(test));
        c.domains().domainCreate(test);
        assertFalse(c.domains().domainHasManagedSaveImage(test, 0));
    }
}
