package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.InterfaceOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test driver's host interfaces (testInterfaceDriver) on a fresh copy of the conformance
 * node file, with the answers libvirt 9.0's test driver gave for the same calls.
 */
class IfaceDriverTest {

    private static final String ETH2 = "<interface type='ethernet' name='eth2'><mac address='aa:bb:cc:dd:ee:02'/>"
            + "</interface>";
    private static final String BR0 = "<interface type='bridge' name='br0'><bridge>"
            + "<interface type='ethernet' name='eth9'/></bridge></interface>";

    @TempDir
    Path dir;

    private InterfaceOps ifaces;
    private HypervisorConnection other;

    @BeforeEach
    void open() throws IOException {
        Path file = Files.writeString(dir.resolve("node.xml"), MockHostDriverTest.resource("testdefault.xml"));
        HypervisorConnection c = new MockHostDriver().open(URI.create("test://" + file), "test://" + file, false)
                .orElseThrow();
        ifaces = c.interfaces();
        other = c;
    }

    private static InterfaceRef ref(String name) {
        return new InterfaceRef(name, "");
    }

    private static void assertError(VirErrorNumber code, VirErrorDomain domain, String message, Runnable r) {
        VirException e = assertThrows(VirException.class, r::run);
        assertEquals(message, e.message());
        assertEquals(code.number(), e.code());
        assertEquals(domain.number(), e.domain());
    }

    @Test
    void nodeFileInterfacesAreActive() {
        assertEquals(1, ifaces.connectNumOfInterfaces());
        assertEquals(0, ifaces.connectNumOfDefinedInterfaces());
        assertEquals(List.of("eth1"), ifaces.connectListInterfaces(10));
        assertEquals(List.of(), ifaces.connectListInterfaces(0));
        assertEquals(List.of(new InterfaceRef("eth1", "aa:bb:cc:dd:ee:ff")), ifaces.connectListAllInterfaces(0));
        assertEquals(List.of(), ifaces.connectListAllInterfaces(IfaceList.LIST_INACTIVE));
        assertTrue(ifaces.interfaceIsActive(ref("eth1")));
    }

    @Test
    void definedInterfacesStartInactiveAndToggle() {
        InterfaceRef r = ifaces.interfaceDefineXML(ETH2, 0);
        assertEquals(new InterfaceRef("eth2", "aa:bb:cc:dd:ee:02"), r);
        assertEquals(List.of("eth2"), ifaces.connectListDefinedInterfaces(5));
        assertFalse(ifaces.interfaceIsActive(r));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST, "Requested operation is not valid",
                () -> ifaces.interfaceDestroy(r, 0));
        ifaces.interfaceCreate(r, 0);
        assertTrue(ifaces.interfaceIsActive(r));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST, "Requested operation is not valid",
                () -> ifaces.interfaceCreate(r, 0));
        // redefining keeps the state
        ifaces.interfaceDefineXML(ETH2, 0);
        assertTrue(ifaces.interfaceIsActive(r));
        ifaces.interfaceUndefine(r);
        assertError(VirErrorNumber.NO_INTERFACE, VirErrorDomain.TEST,
                "Interface not found: no interface with matching name 'eth2'", () -> ifaces.interfaceIsActive(r));
    }

    @Test
    void flagsAreCheckedAsTheTestDriverDoes() {
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x1) in function testInterfaceGetXMLDesc",
                () -> ifaces.interfaceGetXMLDesc(ref("eth1"), 1));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x4) in function testConnectListAllInterfaces",
                () -> ifaces.connectListAllInterfaces(4));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x2) in function testInterfaceDefineXML", () -> ifaces.interfaceDefineXML(ETH2, 2));
    }

    @Test
    void macLookupIsCaseInsensitiveAndCatchesDuplicates() {
        assertEquals(new InterfaceRef("eth1", "AA:BB:CC:DD:EE:FF"), ifaces.interfaceLookupByMACString("AA:BB:CC:DD:EE:FF"));
        assertError(VirErrorNumber.NO_INTERFACE, VirErrorDomain.TEST,
                "Interface not found: no interface with matching mac '00:00:00:00:00:01'",
                () -> ifaces.interfaceLookupByMACString("00:00:00:00:00:01"));
        ifaces.interfaceDefineXML(ETH2.replace("eth2", "eth3").replace(":02", ":ff"), 0);
        assertError(VirErrorNumber.MULTIPLE_INTERFACES, VirErrorDomain.TEST, "multiple matching interfaces found",
                () -> ifaces.interfaceLookupByMACString("aa:bb:cc:dd:ee:ff"));
    }

    @Test
    void aBridgeWithoutMacMatchesAnyMacAsInLibvirt() {
        ifaces.interfaceDefineXML(BR0, 0);
        assertEquals(new InterfaceRef("br0", "11:22:33:44:55:66"), ifaces.interfaceLookupByMACString("11:22:33:44:55:66"));
        assertEquals(new InterfaceRef("br0", ""), ifaces.interfaceLookupByName("br0"));
    }

    @Test
    void rollbackRestoresTheSnapshotWithEveryInterfaceInactive() {
        ifaces.interfaceChangeBegin(0);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: there is another transaction running.",
                () -> ifaces.interfaceChangeBegin(0));
        ifaces.interfaceDefineXML(ETH2, 0);
        ifaces.interfaceUndefine(ref("eth1"));
        ifaces.interfaceChangeRollback(0);
        assertEquals(List.of(new InterfaceRef("eth1", "aa:bb:cc:dd:ee:ff")), ifaces.connectListAllInterfaces(0));
        assertFalse(ifaces.interfaceIsActive(ref("eth1")));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: no transaction running, nothing to rollback.",
                () -> ifaces.interfaceChangeRollback(0));
    }

    @Test
    void commitKeepsTheChanges() {
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: no transaction running, nothing to be committed.",
                () -> ifaces.interfaceChangeCommit(0));
        ifaces.interfaceChangeBegin(0);
        ifaces.interfaceDefineXML(BR0, 0);
        ifaces.interfaceChangeCommit(0);
        assertEquals(2, ifaces.connectListAllInterfaces(0).size());
        assertTrue(ifaces.interfaceIsActive(ref("eth1")));
        ifaces.interfaceChangeBegin(0);
        ifaces.interfaceChangeCommit(0);
    }

    @Test
    void theStateIsTheHostsNotTheConnections() throws IOException {
        ifaces.interfaceDefineXML(ETH2, 0);
        assertEquals(1, other.interfaces().connectNumOfDefinedInterfaces());
    }
}
