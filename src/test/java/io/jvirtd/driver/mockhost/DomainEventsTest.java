package io.jvirtd.driver.mockhost;

import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.LifecycleCodes;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The events each change raises, in order, as test_driver.c queues them (and as the
 * events_domain_lifecycle python golden shows them); filters, shared hosts and deregistration.
 */
class DomainEventsTest {

    private final DomainTestSupport support = new DomainTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    private static List<String> record(HypervisorConnection c, DomainRef filter) {
        List<String> got = new ArrayList<>();
        c.domains().connectDomainEventRegisterAny(filter, DomainEvent.ID_LIFECYCLE, e -> {
            DomainEvent.Lifecycle l = (DomainEvent.Lifecycle) e;
            got.add(l.domain().name() + ":" + l.domain().id() + ":" + l.event() + ":" + l.detail());
        });
        c.domains().connectDomainEventRegisterAny(filter, DomainEvent.ID_METADATA_CHANGE, e -> {
            DomainEvent.MetadataChange m = (DomainEvent.MetadataChange) e;
            got.add("meta:" + m.domain().name() + ":" + m.type() + ":" + m.nsuri());
        });
        return got;
    }

    @Test
    void lifecycleScenarioMatchesTheGolden() {
        HypervisorConnection c = support.connectDefault();
        List<String> got = record(c, null);
        DomainRef test = c.domains().domainLookupByName("test");
        c.domains().domainDestroy(test);
        c.domains().domainCreate(test);
        c.domains().domainSuspend(test);
        c.domains().domainResume(test);
        DomainRef vm1 = c.domains().domainDefineXML(DomainLifecycleTest.VM1);
        c.domains().domainUndefine(vm1);
        c.domains().domainShutdown(test);
        assertEquals(List.of("test:-1:5:1", "test:2:2:0", "test:2:3:0", "test:2:4:0",
                "vm1:-1:0:0", "vm1:-1:1:0", "test:-1:5:0"), got);
    }

    @Test
    void defineRenameSaveRestoreAndCrashEvents() throws Exception {
        HypervisorConnection c = support.connectDefault();
        List<String> got = record(c, null);
        DomainRef vm1 = c.domains().domainDefineXML(DomainLifecycleTest.VM1);
        c.domains().domainDefineXML(DomainLifecycleTest.VM1);
        c.domains().domainRename(vm1, "vm2", 0);
        assertEquals(List.of("vm1:-1:0:0", "vm1:-1:0:1", "vm1:-1:1:1", "vm2:-1:0:2"), got);
        got.clear();
        DomainRef test = c.domains().domainLookupByName("test");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("save", ".img");
        c.domains().domainSave(test, file.toString());
        c.domains().domainRestore(file.toString());
        c.domains().domainCoreDump(c.domains().domainLookupByName("test"), file + ".core", Flags.DUMP_CRASH);
        c.domains().domainSetMetadata(test, 0, "desc", null, null, 0);
        assertEquals(List.of("test:-1:5:4", "test:2:2:2", "test:-1:5:2", "meta:test:0:null"), got);
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(file + ".core"));
    }

    @Test
    void aDomainFilterOnlySeesThatDomainAndOtherConnectionsSeeChanges() {
        HypervisorConnection a = support.connectDefault();
        HypervisorConnection b = support.connectDefault();
        DomainRef vm1 = a.domains().domainDefineXML(DomainLifecycleTest.VM1);
        List<String> onlyTest = record(b, b.domains().domainLookupByName("test"));
        a.domains().domainCreate(vm1);
        a.domains().domainDestroy(a.domains().domainLookupByName("test"));
        assertEquals(List.of("test:-1:5:1"), onlyTest);
    }

    @Test
    void deregisterIsPerConnectionAndCloseDropsCallbacks() {
        HypervisorConnection a = support.connectDefault();
        HypervisorConnection b = support.connectDefault();
        int id = a.domains().connectDomainEventRegisterAny(null, DomainEvent.ID_LIFECYCLE, e -> { });
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                "invalid argument: could not find event callback " + id + " for deletion",
                () -> b.domains().connectDomainEventDeregisterAny(id));
        a.domains().connectDomainEventDeregisterAny(id);
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                "invalid argument: could not find event callback " + id + " for deletion",
                () -> a.domains().connectDomainEventDeregisterAny(id));
        List<String> got = new ArrayList<>();
        a.domains().connectDomainEventRegisterAny(null, DomainEvent.ID_LIFECYCLE, e -> got.add("x"));
        a.close();
        b.domains().domainSuspend(b.domains().domainLookupByName("test"));
        assertEquals(List.of(), got);
    }

    @Test
    void listFiltersSelectAsVirDomainObjMatchFilter() {
        HypervisorConnection c = support.connectDefault();
        DomainRef vm1 = c.domains().domainDefineXML(DomainLifecycleTest.VM1);
        c.domains().domainSetAutostart(vm1, true);
        c.domains().domainCreateXML(DomainLifecycleTest.TVM, 0);
        c.domains().domainSuspend(c.domains().domainLookupByName("tvm"));
        assertEquals(List.of("test", "vm1", "tvm"), names(c, 0));
        assertEquals(List.of("test", "tvm"), names(c, DomainListFilter.ACTIVE));
        assertEquals(List.of("vm1"), names(c, DomainListFilter.INACTIVE));
        assertEquals(List.of("test", "vm1"), names(c, DomainListFilter.PERSISTENT));
        assertEquals(List.of("tvm"), names(c, DomainListFilter.TRANSIENT));
        assertEquals(List.of("test"), names(c, DomainListFilter.RUNNING));
        assertEquals(List.of("tvm"), names(c, DomainListFilter.PAUSED));
        assertEquals(List.of("vm1"), names(c, DomainListFilter.SHUTOFF));
        assertEquals(List.of(), names(c, DomainListFilter.OTHER));
        assertEquals(List.of("vm1"), names(c, DomainListFilter.AUTOSTART));
        assertEquals(List.of("test", "tvm"), names(c, DomainListFilter.NO_AUTOSTART));
        assertEquals(List.of("test", "vm1", "tvm"), names(c, DomainListFilter.NO_MANAGEDSAVE));
        assertEquals(List.of("tvm"), names(c, DomainListFilter.TRANSIENT | DomainListFilter.PAUSED | DomainListFilter.ACTIVE));
        assertEquals(List.of(), names(c, DomainListFilter.HAS_SNAPSHOT));
        assertEquals(2, c.domains().connectNumOfDomains());
        assertEquals(1, c.domains().connectNumOfDefinedDomains());
        assertEquals(List.of("vm1"), c.domains().connectListDefinedDomains(5));
        assertEquals(List.of(), c.domains().connectListDefinedDomains(0));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x100000) in function testConnectListAllDomains",
                () -> c.domains().connectListAllDomains(1 << 20));
    }

    private static List<String> names(HypervisorConnection c, int flags) {
        return c.domains().connectListAllDomains(flags).stream().map(DomainRef::name).toList();
    }

    @Test
    void eventConstantsAreLibvirts() {
        assertEquals(26, DomainEvent.ID_MEMORY_DEVICE_SIZE_CHANGE);
        assertEquals(5, LifecycleCodes.STOPPED);
        assertEquals(6, LifecycleCodes.STOPPED_FROM_SNAPSHOT);
    }
}
