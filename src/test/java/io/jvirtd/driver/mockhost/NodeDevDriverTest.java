package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test driver's node devices (testNodeDeviceDriver) on a fresh copy of the conformance node
 * file: listing and filters, the vHBA mock of virNodeDeviceCreateXML and destroy, events, with
 * the answers libvirt 9.0's test driver gave for the same calls.
 */
class NodeDevDriverTest {

    private static final String VHBA = "<device><parent>scsi_host1</parent><capability type='scsi_host'>"
            + "<capability type='fc_host'><wwnn>2000000012345678</wwnn><wwpn>1000000012345678</wwpn></capability>"
            + "</capability></device>";
    private static final int CAP_SYSTEM = 1;
    private static final int CAP_SCSI_HOST = 1 << 5;
    private static final int CAP_VPORTS = 1 << 10;

    @TempDir
    Path dir;

    private NodeDeviceOps devs;
    private final List<NodeDeviceEvent> events = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        Path file = Files.writeString(dir.resolve("node.xml"), MockHostDriverTest.resource("testdefault.xml"));
        devs = new MockHostDriver().open(URI.create("test://" + file), "test://" + file, false).orElseThrow()
                .nodeDevices();
        devs.connectNodeDeviceEventRegisterAny(null, NodeDeviceEvent.ID_LIFECYCLE, events::add);
    }

    private static NodeDeviceRef dev(String name) {
        return new NodeDeviceRef(name);
    }

    private static VirException fails(Runnable r) {
        return assertThrows(VirException.class, r::run);
    }

    @Test
    void listsAndCountsByCapabilityIncludingNestedOnes() {
        assertEquals(4, devs.nodeNumOfDevices(null, 0));
        assertEquals(List.of("computer", "scsi_host1", "scsi_host2", "scsi_host11"), devs.nodeListDevices(null, 10, 0));
        assertEquals(List.of("computer", "scsi_host1"), devs.nodeListDevices(null, 2, 0));
        assertEquals(3, devs.nodeNumOfDevices("fc_host", 0));
        assertEquals(List.of("scsi_host1", "scsi_host2"), devs.nodeListDevices("vports", 10, 0));
        assertEquals(0, devs.nodeNumOfDevices("bogus", 0));
        assertEquals(List.of(dev("computer")), devs.connectListAllNodeDevices(CAP_SYSTEM));
        assertEquals(3, devs.connectListAllNodeDevices(CAP_SCSI_HOST).size());
        assertEquals(3, devs.connectListAllNodeDevices(CAP_SYSTEM | CAP_VPORTS).size());
        assertEquals(4, devs.connectListAllNodeDevices(0).size());
    }

    @Test
    void activeFiltersAndOtherFlagsAreRefused() {
        VirException e = fails(() -> devs.connectListAllNodeDevices(1 << 31));
        assertEquals("unsupported flags (0x80000000) in function testConnectListAllNodeDevices", e.message());
        assertEquals(VirErrorDomain.TEST.number(), e.domain());
        e = fails(() -> devs.nodeNumOfDevices(null, 1));
        assertEquals("unsupported flags (0x1) in function testNodeNumOfDevices", e.message());
    }

    @Test
    void capsParentAndLookupErrors() {
        assertEquals(List.of("scsi_host"), devs.nodeDeviceListCaps(dev("scsi_host1"), 10));
        assertEquals(List.of(), devs.nodeDeviceListCaps(dev("scsi_host1"), 0));
        assertEquals(1, devs.nodeDeviceNumOfCaps(dev("scsi_host1")));
        assertEquals("computer", devs.nodeDeviceGetParent(dev("scsi_host1")));
        VirException e = fails(() -> devs.nodeDeviceGetParent(dev("computer")));
        assertEquals("internal error: no parent for this device", e.message());
        e = fails(() -> devs.nodeDeviceLookupByName("nosuch"));
        assertEquals("Node device not found: no node device with matching name 'nosuch'", e.message());
        assertEquals(VirErrorNumber.NO_NODE_DEVICE.number(), e.code());
        assertEquals(VirErrorDomain.TEST.number(), e.domain());
    }

    @Test
    void createMakesScsiHost12FromScsiHost11AndRaisesCreated() {
        assertEquals(dev("scsi_host12"), devs.nodeDeviceCreateXML(VHBA, 0));
        assertEquals("<device>\n  <name>scsi_host12</name>\n  <parent>scsi_host1</parent>\n"
                + "  <capability type='scsi_host'>\n    <host>11</host>\n    <unique_id>10</unique_id>\n"
                + "    <capability type='fc_host'>\n      <wwnn>2000000012345678</wwnn>\n"
                + "      <wwpn>1000000012345678</wwpn>\n      <fabric_wwn>2000000043214321</fabric_wwn>\n"
                + "    </capability>\n  </capability>\n</device>\n", devs.nodeDeviceGetXMLDesc(dev("scsi_host12"), 0));
        assertEquals(List.of(new NodeDeviceEvent.Lifecycle(dev("scsi_host12"), NodeDeviceEvent.CREATED, 0)), events);
        // a second vHBA replaces the first: the mock always names it scsi_host12
        devs.nodeDeviceCreateXML(VHBA.replace("12345678<", "87654321<"), 0);
        assertEquals(5, devs.nodeNumOfDevices(null, 0));
        devs.nodeDeviceDestroy(dev("scsi_host12"));
        assertEquals(NodeDeviceEvent.DELETED, ((NodeDeviceEvent.Lifecycle) events.get(2)).event());
        assertEquals(4, devs.nodeNumOfDevices(null, 0));
    }

    @Test
    void createChecksTheParentAsLibvirtDoes() {
        VirException e = fails(() -> devs.nodeDeviceCreateXML(VHBA.replace("scsi_host1<", "computer<"), 0));
        assertEquals("internal error: Parent device computer is not capable of vport operations", e.message());
        assertEquals(VirErrorDomain.NODEDEV.number(), e.domain());
        e = fails(() -> devs.nodeDeviceCreateXML(VHBA.replace("scsi_host1<", "nosuch<"), 0));
        assertEquals("internal error: Could not find parent device for 'new device'", e.message());
        e = fails(() -> devs.nodeDeviceCreateXML("<device><parent>scsi_host1</parent>"
                + "<capability type='scsi_host'/></device>", 0));
        assertEquals("internal error: Device is not a fibre channel HBA", e.message());
        e = fails(() -> devs.nodeDeviceCreateXML(VHBA, 2));
        assertEquals("unsupported flags (0x2) in function testNodeDeviceCreateXML", e.message());
        // no parent at all: any vport-capable device will do; by WWNs or fabric: that HBA
        devs.nodeDeviceCreateXML(VHBA.replace("<parent>scsi_host1</parent>", ""), 0);
        devs.nodeDeviceCreateXML(VHBA.replace("<parent>scsi_host1</parent>",
                "<parent wwnn='2000000056785678' wwpn='1000000056785678'/>"), 0);
        e = fails(() -> devs.nodeDeviceCreateXML(VHBA.replace("<parent>scsi_host1</parent>",
                "<parent fabric_wwn='1'/>"), 0));
        assertEquals("internal error: Could not find parent device for 'new device'", e.message());
        assertTrue(events.size() == 2);
    }

    @Test
    void destroyOfANonHbaSucceedsWithoutRemovingIt() {
        devs.nodeDeviceDestroy(dev("computer"));
        assertEquals(4, devs.nodeNumOfDevices(null, 0));
        assertTrue(events.isEmpty());
        devs.nodeDeviceDestroy(dev("scsi_host1"));
        assertEquals(3, devs.nodeNumOfDevices(null, 0));
        // scsi_host11's parent is gone now: libvirt reports it yet answers success
        devs.nodeDeviceDestroy(dev("scsi_host11"));
        assertEquals(3, devs.nodeNumOfDevices(null, 0));
        VirException e = fails(() -> devs.nodeDeviceDestroy(dev("scsi_host1")));
        assertEquals(VirErrorNumber.NO_NODE_DEVICE.number(), e.code());
    }

    @Test
    void callsTheTestDriverLacksAreUnsupported() {
        VirException e = fails(() -> devs.nodeDeviceIsActive(dev("computer")));
        assertEquals("this function is not supported by the connection driver: virNodeDeviceIsActive", e.message());
        assertEquals(VirErrorDomain.NODEDEV.number(), e.domain());
        e = fails(() -> devs.nodeDeviceLookupSCSIHostByWWN("a", "b", 0));
        assertEquals(VirErrorNumber.NO_SUPPORT.number(), e.code());
    }
}
