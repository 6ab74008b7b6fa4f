package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Disks, user-mode interfaces and videos held against what libvirtd 9.0's QEMU driver answered for the
 * same XML (src/test/resources/qemu/libvirtd-9.0/devices, recorded by
 * scripts/capture-libvirtd-qemu-devices.sh): the devices of the persistent config after define
 * (defaults, drive and PCI addresses), of the live XML after start (aliases, node indexes), the
 * command line QEMU was started with, and the errors.
 */
class QemuDevicesTest {

    private static final Path IN = Path.of("src/test/resources/qemu/devices");
    private static final Path OUT = Path.of("src/test/resources/qemu/libvirtd-9.0/devices");

    @ParameterizedTest
    @ValueSource(strings = {"virtio-start", "idesata-start", "addresses", "q35-start", "q35-plain-start", "q35-virtio-start", "q35-virtinstall-start", "q35-ports", "video-start", "video-bochs-start", "video-virtio-start", "video-default-start", "video-none-start", "video-qxl-start", "video-vmvga-start", "video-ramfb-start"})
    void persistentDevicesAreLibvirtds(String name) {
        DomainDef def = defined(name);
        assertEquals(devices(read(OUT.resolve(name + ".inactive.xml"))), devices(def));
    }

    /** The whole persistent config, as libvirt writes it at define and dumpxml --inactive prints it. */
    @ParameterizedTest
    @ValueSource(strings = {"virtio-start", "idesata-start", "addresses", "q35-start", "q35-plain-start", "q35-virtio-start", "q35-virtinstall-start", "q35-ports", "video-start", "video-bochs-start", "video-virtio-start", "video-default-start", "video-none-start", "video-qxl-start", "video-vmvga-start", "video-ramfb-start"})
    void persistentXmlIsLibvirtds(String name) {
        DomainDef def = defined(name);
        // what define's machine alias expansion (the emulator's) makes of pc and q35
        def.setOsMachine(QemuXmlOptions.isQ35(def) ? "pc-q35-7.2" : "pc-i440fx-7.2");
        assertEquals(read(OUT.resolve(name + ".inactive.xml")).strip(), def.format(DomainDef.XML_INACTIVE).strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtio-start", "idesata-start", "q35-start", "q35-plain-start", "q35-virtio-start", "q35-virtinstall-start", "video-start", "video-bochs-start", "video-virtio-start", "video-default-start", "video-none-start", "video-qxl-start", "video-vmvga-start", "video-ramfb-start"})
    void liveDevicesAreLibvirtds(String name) {
        DomainDef def = started(name);
        assertEquals(devices(read(OUT.resolve(name + ".live.xml"))), devices(def));
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtio-start", "idesata-start", "q35-start", "q35-plain-start", "q35-virtio-start", "q35-virtinstall-start", "video-start", "video-bochs-start", "video-virtio-start", "video-default-start", "video-none-start", "video-qxl-start", "video-vmvga-start", "video-ramfb-start"})
    void startCommandLineHasLibvirtdsDeviceArguments(String name) {
        DomainDef def = started(name);
        List<String> argv = new ArrayList<>();
        if (QemuXmlOptions.isQ35(def)) { // the root ports and qemu-xhci (pc's PIIX3 USB is left out)
            QemuCommandLine.usbAndPciControllers(argv, def);
        }
        QemuDiskArgs.controllers(argv, def);
        Map<DeviceDef, Integer> boot = QemuBootIndexes.of(def);
        QemuDiskArgs.disks(argv, def, boot, true);
        QemuNetArgs.interfaces(argv, def, boot);
        QemuVideo.commandLine(argv, def);
        assertEquals(deviceArgs(read(OUT.resolve(name + ".start.argv"))), argv);
    }

    @Test
    void toNativeLeavesTheBackingOutAsLibvirtDoes() {
        DomainDef def = started("addresses");
        List<String> argv = new ArrayList<>();
        QemuDiskArgs.disks(argv, def, QemuBootIndexes.of(def), false);
        List<String> expected = deviceArgs(read(OUT.resolve("addresses.argv"))).stream()
                .filter(a -> a.contains("\"libvirt-") || a.contains("ide-cd") || a.equals("-blockdev"))
                .toList();
        List<String> got = argv.stream()
                .filter(a -> a.contains("\"libvirt-") || a.contains("ide-cd") || a.equals("-blockdev"))
                .toList();
        assertEquals(expected, got);
    }

    @Test
    void balloonFollowsTheDevicesItsSlotComesAfter() {
        DomainDef def = defined("virtio-start");
        assertEquals("0x06", def.devices(DeviceKind.MEMBALLOON).get(0).address().attr("slot"));
    }

    @Test
    void generatedMacHasLibvirtsPrefixAndDefaultModel() {
        DomainDef def = DomainDef.parse(read(IN.resolve("virtio-start.xml"))
                .replace("<mac address='52:54:00:12:34:57'/>", "").replace("<model type='e1000'/>", ""),
                DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS);
        DeviceDef net = def.interfaces().get(1);
        assertTrue(net.macAddress().matches("52:54:00(:[0-9a-f]{2}){3}"), net.macAddress());
        assertEquals("rtl8139", net.modelType());
    }

    /** Every define-time error libvirtd gave, with its text (virsh prints "error: " + message). */
    @ParameterizedTest
    @ValueSource(strings = {"boot-dup", "cdrom-virtio", "disk-no-source", "driver-name-xen", "format-bogus",
        "ide-hde", "ide-q35", "q35-pci-double", "q35-sata-address", "q35-virtio-drive-address",
        "q35-rootport-slot", "q35-bridge-slot0", "q35-bridge-on-root", "q35-rootport-on-rootport", "q35-bridge-no-port",
        "q35-pci-index0", "pci-slot-twice", "readonly-ide-disk", "readonly-sata-disk", "sata-pci-address",
        "target-dup", "virtio-drive-address", "video-bochs-secondary", "video-cirrus-resolution", "video-none-and-vga",
        "video-two-primary", "video-vga-heads", "video-vga-vram", "video-qxl-ram-overflow", "video-qxl-vgamem-pow2",
        "video-qxl-vgamem-small", "video-ramfb-address", "video-ramfb-secondary", "video-vmvga-resolution",
        "video-vmvga-vram"})
    void defineErrorsAreLibvirtds(String name) {
        String expected = expectedError(name);
        VirException e = assertThrows(VirException.class, () -> defined("errors/" + name));
        assertEquals(expected, "error: " + e.getMessage());
    }

    @Test
    void missingImageAtStartIsLibvirtsStorageError() {
        DomainDef def = defined("errors/source-missing");
        VirException e = assertThrows(VirException.class, () -> QemuDiskSources.checkAtStart(def, 0, 0));
        assertEquals(expectedError("source-missing"), "error: " + e.getMessage());
        assertEquals(38, e.code()); // VIR_ERR_SYSTEM_ERROR
        assertEquals(18, e.domain()); // VIR_FROM_STORAGE
    }

    @Test
    void backingFileIsSeenInTheQcow2Header(@TempDir Path dir) throws IOException {
        byte[] header = new byte[512];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xfb;
        assertEquals(false, QemuDiskSources.hasBackingFile(new ByteArrayInputStream(header)));
        header[15] = 0x70;
        assertEquals(true, QemuDiskSources.hasBackingFile(new ByteArrayInputStream(header)));
        assertEquals(false, QemuDiskSources.hasBackingFile(new ByteArrayInputStream(new byte[3])));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<disk type='block' device='disk'><source dev='/dev/sda'/><target dev='vda' bus='virtio'/></disk>",
        "<disk type='file' device='disk'><source file='/x'/><target dev='sda' bus='scsi'/></disk>",
        "<disk type='file' device='disk'><driver name='qemu' type='vmdk'/><source file='/x'/><target dev='vda'/></disk>",
        "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='/x'/><target dev='vda'/></disk>",
        "<disk type='file' device='disk'><source file='/x'/><target dev='vda'/><serial>s</serial></disk>",
        "<interface type='network'><source network='default'/></interface>",
        "<interface type='user'><model type='e1000e'/></interface>",
        "<interface type='user'><mtu size='1400'/></interface>",
        "<disk type='file' device='disk' snapshot='external'><source file='/x'/><target dev='vda'/></disk>",
        "<disk type='file' device='disk'><source file='/x'/><target dev='vda'/><boot order='1' loadparm='x'/></disk>",
        "<interface type='user' trustGuestRxFilters='yes'/>",
        "<video><model type='qxl'><acceleration accel2d='no'/></model></video>",
        "<video><driver iommu='on'/><model type='virtio'/></video>",
        "<video><model type='virtio'><acceleration accel3d='no'/></model></video>"})
    void outsideTheSubsetIsRefusedNotDropped(String device) {
        String xml = "<domain type='qemu'><name>x</name><memory>16384</memory><os><type arch='x86_64' machine='pc'>hvm</type>"
                + "</os><devices>" + device + "</devices></domain>";
        VirException e = assertThrows(VirException.class,
                () -> DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS));
        assertEquals(67, e.code(), e.getMessage()); // CONFIG_UNSUPPORTED
        assertTrue(e.getMessage().contains("not supported by jvirtd's QEMU driver"), e.getMessage());
    }

    /**
     * What libvirtd printed after define defines again to itself (addresses and added controllers
     * kept). Not q35-ports: there the parse sorts the PCI controllers the XML listed apart by index
     * (virDomainControllerInsertPreAlloced), in libvirt as here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"q35-start", "q35-plain-start", "q35-virtio-start", "q35-virtinstall-start", "virtio-start", "idesata-start"})
    void libvirtdsDefinedXmlDefinesToItself(String name) {
        String recorded = read(OUT.resolve(name + ".inactive.xml"));
        DomainDef def = DomainDef.parse(recorded, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS);
        assertEquals(recorded.strip(), def.format(DomainDef.XML_INACTIVE).strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<video><model type='vga'/></video>",
        "<controller type='pci' index='1' model='pci-bridge'/>",
        "<controller type='pci' index='1' model='pcie-root-port'><target chassis='1' port='0x10' hotplug='off'/></controller>",
        "<controller type='usb' index='0' model='ich9-ehci1'/>",
        "<controller type='usb' index='0' model='qemu-xhci' ports='16'/>",
        "<interface type='user'><model type='vmxnet3'/></interface>",
        "<disk type='file' device='disk'><source file='/x'/><target dev='vda' bus='virtio'/>"
            + "<address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/></disk>"})
    void outsideTheSubsetOnQ35IsRefusedNotDropped(String device) {
        String xml = "<domain type='qemu'><name>x</name><memory>16384</memory><os><type arch='x86_64' machine='q35'>hvm</type>"
                + "</os><devices>" + device + "</devices></domain>";
        VirException e = assertThrows(VirException.class,
                () -> DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS));
        assertEquals(67, e.code(), e.getMessage()); // CONFIG_UNSUPPORTED
        assertTrue(e.getMessage().contains("not supported by jvirtd's QEMU driver"), e.getMessage());
    }

    /** A hot-plug that would need a new root port is refused as libvirt refuses it; the free one is taken. */
    @Test
    void q35HotplugTakesTheFreeRootPortOnly() {
        DomainDef live = defined("q35-virtio-start"); // root ports 1-4, port 4 left free
        String disk = "<disk type='file' device='disk'><source file='/x'/><target dev='vdb' bus='virtio'/></disk>";
        DomainDef first = QemuDeviceXml.withDevice(live, QemuDeviceXml.parse(disk));
        QemuPcieSlots.checkHotplug(live, first, QemuDeviceXml.disk(first, "vdb"));
        assertEquals("0x04", QemuDeviceXml.disk(first, "vdb").address().attr("bus"));
        DomainDef second = QemuDeviceXml.withDevice(first, QemuDeviceXml.parse(disk.replace("vdb", "vdc")));
        VirException e = assertThrows(VirException.class,
                () -> QemuPcieSlots.checkHotplug(first, second, QemuDeviceXml.disk(second, "vdc")));
        assertEquals("internal error: No more available PCI slots", e.getMessage());
    }

    /**
     * virDomainPCIAddressEnsureAddr on an address the hot-plugged device's XML gives: pcie-root
     * takes no hot-plug (QEMU's device_add would fail), and a function other than 0 is refused.
     */
    @Test
    void q35HotplugAtAGivenAddressIsCheckedAsLibvirt() {
        DomainDef live = defined("q35-virtio-start");
        String disk = "<disk type='file' device='disk'><source file='/x'/><target dev='vdb' bus='virtio'/>"
                + "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>";
        DomainDef onRoot = QemuDeviceXml.withDevice(live, QemuDeviceXml.parse(disk));
        VirException e = assertThrows(VirException.class,
                () -> QemuPcieSlots.checkHotplug(live, onRoot, QemuDeviceXml.disk(onRoot, "vdb")));
        assertEquals("XML error: The device at PCI address 0000:00:05.0 requires hotplug capability, "
                + "but the PCI controller with index='0' doesn't support hotplug", e.getMessage());
        DomainDef fn = QemuDeviceXml.withDevice(live, QemuDeviceXml.parse(disk.replace("function='0x0'", "function='0x1'")));
        e = assertThrows(VirException.class, () -> QemuPcieSlots.checkHotplug(live, fn, QemuDeviceXml.disk(fn, "vdb")));
        assertEquals("internal error: Only PCI device addresses with function=0 are supported", e.getMessage());
        DomainDef onPort = QemuDeviceXml.withDevice(live, QemuDeviceXml.parse(disk.replace("bus='0x00' slot='0x05'", "bus='0x04' slot='0x00'")));
        QemuPcieSlots.checkHotplug(live, onPort, QemuDeviceXml.disk(onPort, "vdb")); // the free root port: fine
    }

    /** virDomainVideoDefValidate: the qxl-only memory attributes on another model, libvirt's words. */
    @ParameterizedTest
    @ValueSource(strings = {"ram", "vram64", "vgamem"})
    void qxlMemoryOnAnotherModelIsLibvirtsError(String attr) {
        String xml = "<domain type='qemu'><name>x</name><memory>16384</memory><os><type arch='x86_64' machine='pc'>hvm</type>"
                + "</os><devices><video><model type='vmvga' " + attr + "='16384'/></video></devices></domain>";
        VirException e = assertThrows(VirException.class,
                () -> DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS));
        assertEquals("unsupported configuration: " + attr + " attribute only supported for video type qxl", e.getMessage());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
    }

    /**
     * libvirt validates a device with the generic virDomainVideoDefValidate before the driver's
     * qemuValidateDomainDeviceDefVideo: a zero resolution on a model that takes none gets the
     * generic error, not the driver's "model resolution is not supported".
     */
    @ParameterizedTest
    @ValueSource(strings = {"vmvga", "cirrus", "vga"})
    void aZeroResolutionGetsTheGenericErrorFirst(String type) {
        String xml = "<domain type='qemu'><name>x</name><memory>16384</memory><os><type arch='x86_64' machine='pc'>hvm</type>"
                + "</os><devices><video><model type='" + type + "'><resolution x='0' y='0'/></model></video></devices></domain>";
        VirException e = assertThrows(VirException.class,
                () -> DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS));
        assertEquals("unsupported configuration: video resolution values must be greater than 0", e.getMessage());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
    }

    /**
     * A size of 0 is libvirt's unset (virDomainVideoDefParseXML keeps 0, the formatter prints
     * no zero, virDomainVideoDefPostParse gives vram its default): ram='0' or vgamem='0' on a
     * vga is no qxl-only attribute and no subset refusal, and vram='0' becomes 16 MiB.
     */
    @Test
    void zeroVideoSizesAreUnset() {
        String xml = "<domain type='qemu'><name>x</name><memory>16384</memory><os><type arch='x86_64' machine='pc'>hvm</type>"
                + "</os><devices><video><model type='vga' ram='0' vram='0' vram64='0' vgamem='0'/></video></devices></domain>";
        XmlNode model = DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS)
                .devices(DeviceKind.VIDEO).get(0).node().child("model");
        assertEquals(null, model.attr("ram"));
        assertEquals("16384", model.attr("vram"));
        assertEquals(null, model.attr("vram64"));
        assertEquals(null, model.attr("vgamem"));
    }

    /** Screen numbers count the videos' heads in order (qemuDomainScreenshot): device and head. */
    @Test
    void screenNumbersCountTheVideosHeads() {
        List<DeviceDef> videos = started("video-start").devices(DeviceKind.VIDEO); // heads 1, 2, 1
        assertEquals(new QemuScreenshot.Head("video0", 0), QemuScreenshot.head(videos, 0));
        assertEquals(new QemuScreenshot.Head("video1", 0), QemuScreenshot.head(videos, 1));
        assertEquals(new QemuScreenshot.Head("video1", 1), QemuScreenshot.head(videos, 2));
        assertEquals(new QemuScreenshot.Head("video2", 0), QemuScreenshot.head(videos, 3));
        assertEquals(null, QemuScreenshot.head(videos, 4));
        assertEquals(null, QemuScreenshot.head(videos, -1)); // unsigned in libvirt: 4294967295
        assertEquals(null, QemuScreenshot.head(started("video-none-start").devices(DeviceKind.VIDEO), 1));
    }

    // ------------------------------------------------------------------ helpers

    static DomainDef defined(String name) {
        return DomainDef.parse(read(IN.resolve(name + ".xml")), DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS);
    }

    static DomainDef started(String name) {
        DomainDef def = defined(name);
        QemuDeviceAliases.assign(def);
        QemuDomainXml.makeLive(def, 1); // the controllers' and balloon's aliases
        QemuDiskSources.markLive(def);
        return def;
    }

    private static String expectedError(String name) {
        for (String line : read(OUT.resolve("errors.txt")).split("\n")) {
            String[] f = line.split("\t");
            if (f[0].equals(name)) {
                return f[2];
            }
        }
        throw new AssertionError("no " + name + " in errors.txt");
    }

    /** The disks, interfaces, IDE/SATA/USB/PCI controllers, memballoon and videos of a domain XML, as text. */
    private static List<String> devices(String xml) {
        List<String> out = new ArrayList<>();
        Pattern start = Pattern.compile(" {4}<(disk|interface|memballoon|video|controller type='(?:ide|sata|usb|pci)')[ >/].*");
        String[] lines = xml.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = start.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            StringBuilder b = new StringBuilder(lines[i]).append('\n');
            if (!lines[i].endsWith("/>")) {
                String end = "    </" + m.group(1).split(" ")[0] + ">";
                do {
                    b.append(lines[++i]).append('\n');
                } while (!lines[i].equals(end));
            }
            out.add(b.toString());
        }
        return out;
    }

    private static List<String> devices(DomainDef def) {
        List<String> out = new ArrayList<>();
        for (DeviceDef d : def.devices()) {
            boolean ctrl = d.kind() == DeviceKind.CONTROLLER
                    && List.of("ide", "sata", "usb", "pci").contains(d.node().attr("type"));
            if (d.kind() == DeviceKind.DISK || d.kind() == DeviceKind.INTERFACE
                    || d.kind() == DeviceKind.MEMBALLOON || d.kind() == DeviceKind.VIDEO || ctrl) {
                StringBuilder b = new StringBuilder();
                d.node().format(b, 4);
                out.add(b.toString());
            }
        }
        return out;
    }

    /** The controller, disk, interface and video arguments of a captured command line, in order. */
    private static List<String> deviceArgs(String argvFile) {
        List<String> args = List.of(argvFile.split("\n"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            String opt = args.get(i);
            String val = args.get(i + 1);
            boolean ours = opt.equals("-blockdev") || opt.equals("-netdev")
                    || (opt.equals("-device") && !val.contains("piix3-usb-uhci") && !val.contains("balloon"));
            if (ours) {
                out.add(opt);
                out.add(val);
                i++;
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
