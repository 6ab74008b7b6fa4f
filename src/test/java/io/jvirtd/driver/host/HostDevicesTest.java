package io.jvirtd.driver.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.model.nodedev.NodeDeviceRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The udev interface backend and node device driver over a fake sysfs shaped like the machine
 * libvirtd 9.0 was recorded on (src/test/resources/host/libvirtd-9.0): a host bridge, virtio
 * PCI functions with a disk and a NIC behind them, virtual interfaces, loop devices. The expected
 * XML is libvirtd's recorded answer where the fake tree has the same facts.
 */
class HostDevicesTest {

    private static final Path RECORDED = Path.of("src/test/resources/host/libvirtd-9.0");
    private static final String PCI = "sys/devices/pci0000:00/";

    @TempDir
    Path root;
    private HostSide host;

    /** A PCI function's sysfs folder: ids, class, config space, and its driver link when given. */
    private void pci(FakeSysfs f, String addr, String cls, String vendor, String device, byte[] config, String driver)
            throws IOException {
        String dir = PCI + addr;
        f.file(dir + "/class", cls + "\n").file(dir + "/vendor", vendor + "\n").file(dir + "/device", device + "\n")
                .file(dir + "/numa_node", "-1\n").bytes(dir + "/config", config)
                .link("sys/bus/pci/devices/" + addr, dir);
        if (driver != null) {
            f.link(dir + "/driver", "sys/bus/pci/drivers/" + driver);
        }
    }

    /** A 256-byte config space with one capability list entry of id {@code capId} at 0x40 (none when 0). */
    private static byte[] config(int capId, int pcieFlags, long lnkcap, int lnksta) {
        byte[] c = new byte[256];
        if (capId != 0) {
            c[0x06] = 0x10;
            c[0x34] = 0x40;
            c[0x40] = (byte) capId;
            c[0x41] = 0;
            c[0x42] = (byte) pcieFlags;
            for (int i = 0; i < 4; i++) {
                c[0x40 + 0x0c + i] = (byte) (lnkcap >>> (8 * i));
            }
            c[0x40 + 0x12] = (byte) lnksta;
            c[0x40 + 0x13] = (byte) (lnksta >>> 8);
        }
        return c;
    }

    @BeforeEach
    void machine() throws IOException {
        FakeSysfs f = new FakeSysfs(root);
        pci(f, "0000:00:00.0", "0x060000", "0x8086", "0x0d57", new byte[4096], null);
        pci(f, "0000:00:02.0", "0x018000", "0x1af4", "0x1042", config(0x09, 0, 0, 0), "virtio-pci");
        pci(f, "0000:00:03.0", "0x020000", "0x1af4", "0x1041", config(0x09, 0, 0, 0), "virtio-pci");
        // a PCIe endpoint (type 0) with an x4 8 GT/s link on port 2, trained at x4 5 GT/s
        pci(f, "0000:00:06.0", "0x010802", "0x144d", "0xa808", config(0x10, 0x02, (2L << 24) | (4 << 4) | 3, (4 << 4) | 2),
                null);
        String disk = PCI + "0000:00:02.0/virtio1/block/vda";
        f.file(disk + "/uevent", "MAJOR=253\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=9\n")
                .file(disk + "/size", "536870912\n").file(disk + "/queue/logical_block_size", "512\n")
                .file(PCI + "0000:00:02.0/virtio1/vendor", "0x1af4\n")
                .link(disk + "/device", PCI + "0000:00:02.0/virtio1")
                .link("sys/class/block/vda", disk);
        String part = disk + "/vda1";
        f.file(part + "/uevent", "MAJOR=253\nMINOR=1\nDEVNAME=vda1\nDEVTYPE=partition\n").link("sys/class/block/vda1", part);
        String loop = "sys/devices/virtual/block/loop0";
        f.file(loop + "/uevent", "MAJOR=7\nMINOR=0\nDEVNAME=loop0\nDEVTYPE=disk\n").file(loop + "/size", "0\n")
                .file(loop + "/queue/logical_block_size", "512\n").link("sys/class/block/loop0", loop);
        f.net(PCI + "0000:00:03.0/virtio2", "eth0", "02:fc:00:00:00:01", "up", "-1", 1400);
        f.net("sys/devices/virtual", "ifb0", "6a:94:59:0e:8b:ec", "down", null, 1500);
        f.net("sys/devices/virtual", "lo", "00:00:00:00:00:00", "unknown", null, 65536);
        host = new HostSide(root, true);
    }

    private static String recorded(String name) throws IOException {
        return Files.readString(RECORDED.resolve(name)).stripTrailing() + "\n";
    }

    @Test
    void interfacesListInSysfsOrderActiveWhenUp() {
        HostInterfaces i = host.interfaces();
        assertEquals(List.of(new InterfaceRef("eth0", "02:fc:00:00:00:01"), new InterfaceRef("ifb0", "6a:94:59:0e:8b:ec"),
                new InterfaceRef("lo", "00:00:00:00:00:00")), i.connectListAllInterfaces(0));
        assertEquals(List.of("eth0"), i.connectListInterfaces(10));
        assertEquals(2, i.connectNumOfDefinedInterfaces());
        assertEquals(List.of("ifb0"), i.connectListDefinedInterfaces(1));
        assertEquals(List.of(new InterfaceRef("ifb0", "6a:94:59:0e:8b:ec"), new InterfaceRef("lo", "00:00:00:00:00:00")),
                i.connectListAllInterfaces(1));
        assertTrue(i.interfaceIsActive(new InterfaceRef("eth0", "")));
        assertFalse(i.interfaceIsActive(new InterfaceRef("lo", "")));
    }

    @Test
    void interfaceXmlIsLibvirtdsForTheSameFacts() throws IOException {
        HostInterfaces i = host.interfaces();
        for (String name : List.of("eth0", "ifb0", "lo")) {
            assertEquals(recorded("iface-" + name + ".xml"), i.interfaceGetXMLDesc(new InterfaceRef(name, ""), 0));
        }
        assertEquals(recorded("iface-eth0.xml"), i.interfaceGetXMLDesc(new InterfaceRef("eth0", ""), 1));
    }

    @Test
    void interfaceLookupsAndTheirErrors() throws IOException {
        HostInterfaces i = host.interfaces();
        assertEquals("lo", i.interfaceLookupByMACString("00:00:00:00:00:00").name());
        VirException none = assertThrows(VirException.class, () -> i.interfaceLookupByMACString("11:22:33:44:55:66"));
        assertEquals("Interface not found: couldn't find interface with MAC address '11:22:33:44:55:66'", none.message());
        assertEquals("Interface not found: couldn't find interface named 'nope'",
                assertThrows(VirException.class, () -> i.interfaceLookupByName("nope")).message());
        assertThrows(VirException.class, () -> i.interfaceLookupByName("../lo"));
        new FakeSysfs(root).net("sys/devices/virtual", "dummy0", "00:00:00:00:00:00", "down", null, 1500);
        VirException two = assertThrows(VirException.class, () -> i.interfaceLookupByMACString("00:00:00:00:00:00"));
        assertEquals(VirErrorNumber.MULTIPLE_INTERFACES.number(), two.code());
        VirException define = assertThrows(VirException.class, () -> i.interfaceDefineXML("<interface/>", 0));
        assertEquals("this function is not supported by the connection driver: virInterfaceDefineXML", define.message());
    }

    @Test
    void deviceNamesParentsAndKinds() {
        HostNodeDevices d = host.nodeDevices();
        assertEquals(List.of("computer", "pci_0000_00_00_0", "pci_0000_00_02_0", "pci_0000_00_03_0", "pci_0000_00_06_0",
                "net_eth0_02_fc_00_00_00_01", "net_ifb0_6a_94_59_0e_8b_ec", "net_lo_00_00_00_00_00_00", "block_vda"),
                d.connectListAllNodeDevices(0).stream().map(NodeDeviceRef::name).toList());
        assertEquals("pci_0000_00_02_0", d.nodeDeviceGetParent(new NodeDeviceRef("block_vda")));
        assertEquals("pci_0000_00_03_0", d.nodeDeviceGetParent(new NodeDeviceRef("net_eth0_02_fc_00_00_00_01")));
        assertEquals("computer", d.nodeDeviceGetParent(new NodeDeviceRef("net_lo_00_00_00_00_00_00")));
        assertThrows(VirException.class, () -> d.nodeDeviceGetParent(new NodeDeviceRef("computer")));
        assertEquals(List.of("block_vda"), d.nodeListDevices("storage", 10, 0));
        assertEquals(4, d.nodeNumOfDevices("pci", 0));
        // bit 1 = pci, bit 8 = storage
        assertEquals(5, d.connectListAllNodeDevices((1 << 1) | (1 << 8)).size());
        assertEquals(9, d.connectListAllNodeDevices(1 << 31).size());
        assertEquals(0, d.connectListAllNodeDevices(1 << 30).size());
        assertTrue(d.nodeDeviceIsPersistent(new NodeDeviceRef("computer")));
        assertFalse(d.nodeDeviceIsPersistent(new NodeDeviceRef("pci_0000_00_02_0")));
        assertEquals("Node device not found: no node device with matching name 'nope'",
                assertThrows(VirException.class, () -> d.nodeDeviceLookupByName("nope")).message());
    }

    @Test
    void deviceXmlIsLibvirtdsForTheSameFacts() throws IOException {
        HostNodeDevices d = host.nodeDevices();
        for (String name : List.of("computer", "pci_0000_00_00_0", "pci_0000_00_02_0", "pci_0000_00_03_0", "block_vda")) {
            assertEquals(recorded("nodedev/" + name + ".xml"), d.nodeDeviceGetXMLDesc(new NodeDeviceRef(name), 0), name);
        }
        // libvirt reads the offload features through ethtool ioctls; jvirtd does not, the rest is equal
        String eth0 = recorded("nodedev/net_eth0_02_fc_00_00_00_01.xml").replaceAll("    <feature name='[a-z]+'/>\n", "");
        assertEquals(eth0, d.nodeDeviceGetXMLDesc(new NodeDeviceRef("net_eth0_02_fc_00_00_00_01"), 0));
    }

    @Test
    void pciExpressLinksFromTheConfigSpace() {
        String xml = host.nodeDevices().nodeDeviceGetXMLDesc(new NodeDeviceRef("pci_0000_00_06_0"), 0);
        assertTrue(xml.contains("""
                    <pci-express>
                      <link validity='cap' port='2' speed='8' width='4'/>
                      <link validity='sta' speed='5' width='4'/>
                    </pci-express>
                """), xml);
        assertTrue(xml.contains("<class>0x010802</class>"), xml);
    }

    @Test
    void unprivilegedDaemonsReadNoConfigSpace() {
        HostNodeDevices d = new HostSide(root, false).nodeDevices();
        for (String name : List.of("pci_0000_00_00_0", "pci_0000_00_06_0")) {
            String xml = d.nodeDeviceGetXMLDesc(new NodeDeviceRef(name), 0);
            assertFalse(xml.contains("pci-express"), xml);
        }
    }

    @Test
    void computerTakesDmiFactsWhenTheKernelHasThem() throws IOException {
        new FakeSysfs(root).file("sys/devices/virtual/dmi/id/product_name", "Standard PC\n")
                .file("sys/devices/virtual/dmi/id/sys_vendor", "QEMU\n")
                .file("sys/devices/virtual/dmi/id/product_uuid", "4C4C4544-0000-1000-8000-000000000001\n")
                .file("sys/devices/virtual/dmi/id/bios_vendor", "SeaBIOS\n");
        String xml = host.nodeDevices().nodeDeviceGetXMLDesc(new NodeDeviceRef("computer"), 0);
        assertEquals("""
                <device>
                  <name>computer</name>
                  <capability type='system'>
                    <product>Standard PC</product>
                    <hardware>
                      <vendor>QEMU</vendor>
                      <uuid>4c4c4544-0000-1000-8000-000000000001</uuid>
                    </hardware>
                    <firmware>
                      <vendor>SeaBIOS</vendor>
                    </firmware>
                  </capability>
                </device>
                """, xml);
    }
}
