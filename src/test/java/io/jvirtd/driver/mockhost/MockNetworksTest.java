package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.NetworkOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test_driver.c's network entry points: state, lists, updates, events, node-file loading. */
class MockNetworksTest {

    private static final String NET1 = "<network><name>net1</name><uuid>55555555-aaaa-4bbb-8ccc-000000000005</uuid>"
            + "<forward mode='nat'/><bridge name='virbr1'/><ip address='192.168.150.1' netmask='255.255.255.0'>"
            + "<dhcp><range start='192.168.150.2' end='192.168.150.254'/></dhcp></ip></network>";
    private static final String ISO = "<network><name>isolated</name>"
            + "<uuid>66666666-aaaa-4bbb-8ccc-000000000006</uuid><ip address='10.9.9.1' prefix='24'/></network>";

    private final DomainTestSupport support = new DomainTestSupport();
    private final NetworkOps n = support.connect("test://" + Path.of("src/test/resources/nodefile/testnode.xml")
            .toAbsolutePath()).networks();

    @AfterEach
    void close() {
        support.close();
    }

    private List<String> names(int flags) {
        return n.connectListAllNetworks(flags).stream().map(NetworkRef::name).sorted().toList();
    }

    @Test
    void nodeFileNetworksAreDefinedAndRunning() {
        assertEquals(List.of("default", "private"), names(0));
        assertEquals(2, n.connectNumOfNetworks());
        assertEquals(0, n.connectNumOfDefinedNetworks());
        NetworkRef priv = n.networkLookupByName("private");
        assertEquals("brpriv", n.networkGetBridgeName(priv));
        assertTrue(n.networkIsPersistent(priv));
        assertEquals(priv, n.networkLookupByUUID(priv.uuid()));
    }

    @Test
    void defineStartDestroyUndefineAndTransientNetworks() {
        NetworkRef net1 = n.networkDefineXML(NET1);
        assertEquals(List.of("net1"), n.connectListDefinedNetworks(10));
        assertFalse(n.networkIsActive(net1));
        n.networkCreate(net1);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: Network 'net1' is already running", () -> n.networkCreate(net1));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: Network 'net1' is still running", () -> n.networkUndefine(net1));
        n.networkDestroy(net1);
        n.networkDestroy(net1);   // the test driver does not check: destroying twice succeeds
        n.networkUndefine(net1);
        assertError(VirErrorNumber.NO_NETWORK, VirErrorDomain.TEST,
                "Network not found: no network with matching name 'net1'", () -> n.networkLookupByName("net1"));

        NetworkRef iso = n.networkCreateXML(ISO);
        assertFalse(n.networkIsPersistent(iso));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.NETWORK,
                "Requested operation is not valid: network is already active as 'isolated'",
                () -> n.networkCreateXML(ISO));
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: network 'isolated' does not have a bridge name.", () -> n.networkGetBridgeName(iso));
        n.networkDestroy(iso);
        assertEquals(List.of("default", "private"), names(0));
    }

    @Test
    void nameAndUuidClashes() {
        n.networkDefineXML(NET1);
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.NETWORK,
                "operation failed: network 'net1' already exists with uuid 55555555-aaaa-4bbb-8ccc-000000000005",
                () -> n.networkDefineXML(NET1.replace("55555555-aaaa", "55555556-aaaa")));
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.NETWORK,
                "operation failed: network 'net1' is already defined with uuid 55555555-aaaa-4bbb-8ccc-000000000005",
                () -> n.networkDefineXML(NET1.replace("<name>net1", "<name>net2")));
    }

    @Test
    void listAllFiltersCombineAsLibvirtDoes() {
        n.networkDefineXML(NET1);
        n.networkCreateXML(ISO);
        n.networkSetAutostart(n.networkLookupByName("net1"), true);
        assertEquals(List.of("default", "isolated", "net1", "private"), names(0));
        assertEquals(List.of("net1"), names(NetworkOps.LIST_INACTIVE));
        assertEquals(List.of("default", "isolated", "private"), names(NetworkOps.LIST_ACTIVE));
        assertEquals(List.of("isolated"), names(NetworkOps.LIST_TRANSIENT));
        assertEquals(List.of("net1"), names(NetworkOps.LIST_AUTOSTART));
        assertEquals(List.of("default", "private"), names(NetworkOps.LIST_ACTIVE | NetworkOps.LIST_PERSISTENT
                | NetworkOps.LIST_NO_AUTOSTART));
        assertEquals(List.of("default", "isolated", "net1", "private"),
                names(NetworkOps.LIST_ACTIVE | NetworkOps.LIST_INACTIVE));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x40) in function testConnectListAllNetworks", () -> n.connectListAllNetworks(64));
    }

    @Test
    void updateChangesLiveOrConfigAsTheFlagsSay() {
        NetworkRef def = n.networkLookupByName("default");
        String host = "<host mac='52:54:00:00:00:01' ip='192.168.122.5'/>";
        // a config-only change of a running network goes to the saved definition, which the
        // test driver never shows (and keeps past destroy)
        n.networkUpdate(def, 3, 4, -1, host, NetworkOps.UPDATE_AFFECT_CONFIG);
        assertFalse(n.networkGetXMLDesc(def, 0).contains("52:54:00:00:00:01"));
        n.networkUpdate(def, 3, 4, -1, host.replace("01", "02"), 0);   // current = live
        assertTrue(n.networkGetXMLDesc(def, 0).contains("52:54:00:00:00:02"));
        n.networkDestroy(def);
        assertTrue(n.networkGetXMLDesc(def, 0).contains("52:54:00:00:00:02"));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.NETWORK,
                "Requested operation is not valid: network is not running",
                () -> n.networkUpdate(def, 3, 4, -1, host, NetworkOps.UPDATE_AFFECT_LIVE));
        n.networkUpdate(def, 3, 4, -1, host.replace("01", "03").replace(".5'", ".7'"), 0);   // current = config
        assertTrue(n.networkGetXMLDesc(def, 0).contains("52:54:00:00:00:03"));
        NetworkRef iso = n.networkCreateXML(ISO);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.NETWORK,
                "Requested operation is not valid: cannot change persistent config of a transient network",
                () -> n.networkUpdate(iso, 3, 11, -1, "<txt name='a' value='b'/>", NetworkOps.UPDATE_AFFECT_CONFIG));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x1) in function testNetworkGetXMLDesc", () -> n.networkGetXMLDesc(iso, 1));
    }

    @Test
    void lifecycleEventsReachListeners() {
        List<String> seen = new ArrayList<>();
        int id = n.connectNetworkEventRegisterAny(null, NetworkEvent.ID_LIFECYCLE,
                e -> seen.add(e.network().name() + " " + e.event()));
        NetworkRef net1 = n.networkDefineXML(NET1);
        n.networkCreate(net1);
        n.networkDestroy(net1);
        n.networkUndefine(net1);
        n.networkCreateXML(ISO);
        n.connectNetworkEventDeregisterAny(id);
        assertEquals(List.of("net1 0", "net1 2", "net1 3", "net1 1", "isolated 2"), seen);
    }

    @Test
    void interfaceAddressesComeFromTheNetworkObject() {
        HypervisorConnection c = support.connectDefault();
        var dom = c.domains().domainLookupByName("test");
        List<DomainInterface> ifs = c.domains().domainInterfaceAddresses(dom, 0, 0);
        assertEquals("192.168.122.3", ifs.get(0).addrs().get(0).addr());
        assertEquals(24, ifs.get(0).addrs().get(0).prefix());
        NetworkRef def = c.networks().networkLookupByName("default");
        c.networks().networkDestroy(def);
        assertEquals(1, c.domains().domainInterfaceAddresses(dom, 0, 0).size());   // found by name, active or not
        c.networks().networkUndefine(def);
        assertError(VirErrorNumber.NO_NETWORK, VirErrorDomain.TEST,
                "Network not found: no network with matching name 'default'",
                () -> c.domains().domainInterfaceAddresses(dom, 0, 0).size());
    }
}
