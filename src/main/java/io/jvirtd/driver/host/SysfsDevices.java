package io.jvirtd.driver.host;

import io.jvirtd.model.conf.NodeDeviceDef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What libvirt's udev node-device driver (node_device_udev.c) makes of the host's sysfs, for the
 * device kinds built here: the {@code computer} (DMI facts), PCI functions, network interfaces and
 * whole block disks that libvirt recognises without a udev database (virtio {@code vd*}, NVMe and
 * DASD, or any disk whose udev record says ID_TYPE disk). USB, SCSI hosts/targets/devices, DRM,
 * mdev, CCW/CSS, vdpa and AP devices are left out, as are partitions (libvirt skips those too).
 *
 * <p>Each {@link #scan} reads sysfs afresh and returns immutable definitions built through the
 * shared node device model; nothing is cached. Thread-safe; blocking reads, worker threads only.
 */
final class SysfsDevices {

    /** The name of the system device. */
    static final String COMPUTER = "computer";

    /** A PCI Express capability's port type values for which libvirt reads no link. */
    private static final int PCI_EXP_TYPE_ROOT_INT_EP = 9;
    private static final int PCI_EXP_TYPE_ROOT_EC = 10;

    private final Path root;
    private final SysfsNet net;
    private final boolean privileged;

    SysfsDevices(Path root, SysfsNet net, boolean privileged) {
        this.root = root;
        this.net = net;
        this.privileged = privileged;
    }

    /** One device found: its definition before the parent is known, and its sysfs folder. */
    private record Found(String name, Path sysPath, String xmlBody, String driver, long lbs, long blocks) {
    }

    /** Every device, by name, in sysfs order (the computer first). */
    Map<String, NodeDeviceDef> scan() {
        List<Found> found = new ArrayList<>();
        pci(found);
        nets(found);
        blocks(found);
        Map<Path, String> byPath = new HashMap<>();
        for (Found f : found) {
            byPath.put(f.sysPath(), f.name());
        }
        Map<String, NodeDeviceDef> out = new LinkedHashMap<>();
        out.put(COMPUTER, computer());
        for (Found f : found) {
            String parent = COMPUTER;
            for (Path p = f.sysPath().getParent(); p != null; p = p.getParent()) {
                String n = byPath.get(p);
                if (n != null) {
                    parent = n;
                    break;
                }
            }
            String xml = "<device><name>" + SysfsNet.esc(f.name()) + "</name><path>" + SysfsNet.esc(hostPath(f.sysPath()))
                    + "</path>" + f.xmlBody().replace("<parent/>", "<parent>" + SysfsNet.esc(parent) + "</parent>")
                    + "</device>";
            out.put(f.name(), NodeDeviceDef.parse(xml, false).withHostFacts(f.driver(), f.lbs(), f.blocks()));
        }
        return out;
    }

    /** The path as the host names it (without the test root). */
    private String hostPath(Path p) {
        Path base = real(root);
        return "/" + (base == null ? root.toAbsolutePath() : base).relativize(p).toString();
    }

    /** nodeDeviceGenerateName: subsystem_sysname[_suffix], every non-alphanumeric character made '_'. */
    static String deviceName(String subsystem, String sysname, String suffix) {
        String n = subsystem + "_" + sysname + (suffix == null ? "" : "_" + suffix);
        StringBuilder b = new StringBuilder(n.length());
        for (char c : n.toCharArray()) {
            b.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
        }
        return b.toString();
    }

    /** udevSetupSystemDev: the DMI facts when the kernel has them; the UUID is all zero otherwise. */
    private NodeDeviceDef computer() {
        Path dmi = root.resolve("sys/devices/virtual/dmi/id");
        StringBuilder b = new StringBuilder("<device><name>computer</name><capability type='system'>");
        String product = SysfsNet.read(dmi.resolve("product_name"));
        if (product != null && !product.isEmpty()) {
            b.append("<product>").append(SysfsNet.esc(product)).append("</product>");
        }
        b.append("<hardware>");
        element(b, "vendor", SysfsNet.read(dmi.resolve("sys_vendor")));
        element(b, "version", SysfsNet.read(dmi.resolve("product_version")));
        element(b, "serial", SysfsNet.read(dmi.resolve("product_serial")));
        String uuid = SysfsNet.read(dmi.resolve("product_uuid"));
        b.append("<uuid>").append(uuid == null || uuid.isEmpty() ? "00000000-0000-0000-0000-000000000000"
                : SysfsNet.esc(uuid)).append("</uuid></hardware><firmware>");
        element(b, "vendor", SysfsNet.read(dmi.resolve("bios_vendor")));
        element(b, "version", SysfsNet.read(dmi.resolve("bios_version")));
        element(b, "release_date", SysfsNet.read(dmi.resolve("bios_date")));
        b.append("</firmware></capability></device>");
        return NodeDeviceDef.parse(b.toString(), false);
    }

    private static void element(StringBuilder b, String name, String value) {
        if (value != null && !value.isEmpty()) {
            b.append('<').append(name).append('>').append(SysfsNet.esc(value)).append("</").append(name).append('>');
        }
    }

    private static List<Path> entries(Path dir) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    private static String driverOf(Path sysPath) {
        Path d = sysPath.resolve("driver");
        if (!Files.isSymbolicLink(d)) {
            return null;
        }
        Path target = real(d);
        return target == null ? null : target.getFileName().toString();
    }

    /** udevProcessPCI: class, address, ids and whether (and how) it is PCI Express. */
    private void pci(List<Found> found) {
        for (Path link : entries(root.resolve("sys/bus/pci/devices"))) {
            Path dev = real(link);
            if (dev == null) {
                continue;
            }
            String sysname = dev.getFileName().toString();
            String[] a = sysname.split("[:.]");
            String cls = SysfsNet.read(dev.resolve("class"));
            String vendor = SysfsNet.read(dev.resolve("vendor"));
            String product = SysfsNet.read(dev.resolve("device"));
            if (a.length != 4 || cls == null || vendor == null || product == null) {
                continue; // libvirt fails such a device and leaves it out
            }
            StringBuilder b = new StringBuilder("<parent/><capability type='pci'>");
            try {
                String hex = Integer.toHexString(Integer.parseInt(strip0x(cls), 16));
                b.append("<class>0x").append("0".repeat(Math.max(0, 6 - hex.length()))).append(hex).append("</class>");
                b.append("<domain>").append(Integer.parseInt(a[0], 16)).append("</domain>");
                b.append("<bus>").append(Integer.parseInt(a[1], 16)).append("</bus>");
                b.append("<slot>").append(Integer.parseInt(a[2], 16)).append("</slot>");
                b.append("<function>").append(Integer.parseInt(a[3], 16)).append("</function>");
            } catch (NumberFormatException e) {
                continue; // libvirt fails a device whose class or address it cannot parse
            }
            b.append("<product id='").append(SysfsNet.esc(product)).append("'/>");
            b.append("<vendor id='").append(SysfsNet.esc(vendor)).append("'/>");
            String numa = SysfsNet.read(dev.resolve("numa_node"));
            if (numa != null && numa.matches("\\d+")) {
                b.append("<numa node='").append(numa).append("'/>");
            }
            if (privileged) { // udevProcessPCI reads the config space only when privileged
                b.append(pcieXml(dev.resolve("config")));
            }
            b.append("</capability>");
            found.add(new Found(deviceName("pci", sysname, null), dev, b.toString(), driverOf(dev), 0, 0));
        }
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    /**
     * virPCIDeviceInit and friends: the PCI Express capability found in the config space (with its
     * link unless the function is root-complex integrated); when the capability list cannot be
     * walked, a config space larger than 256 bytes is taken for PCI Express without a link.
     */
    static String pcieXml(Path config) {
        byte[] c;
        try {
            c = Files.readAllBytes(config);
        } catch (IOException e) {
            return "<pci-express/>"; // libvirt assumes the most likely: PCIe
        }
        int pos = findCap(c, 0x10);
        if (pos < 0) {
            return c.length != 256 ? "<pci-express/>" : "";
        }
        if (pos == 0) {
            return "";
        }
        int flags = u16(c, pos + 2);
        int type = (flags & 0xf0) >> 4;
        if (type == PCI_EXP_TYPE_ROOT_INT_EP || type == PCI_EXP_TYPE_ROOT_EC || pos + 0x14 > c.length) {
            return "<pci-express/>";
        }
        long lnkcap = u16(c, pos + 0x0c) | ((long) u16(c, pos + 0x0e) << 16);
        int lnksta = u16(c, pos + 0x12);
        return "<pci-express>" + link("cap", (int) (lnkcap >>> 24), (int) (lnkcap & 0xf), (lnkcap & 0x3f0) >> 4)
                + link("sta", -1, lnksta & 0xf, (lnksta & 0x3f0) >> 4) + "</pci-express>";
    }

    private static final List<String> PCIE_SPEEDS = List.of("", "2.5", "5", "8", "16", "32", "64");

    private static String link(String validity, int port, int speed, long width) {
        StringBuilder b = new StringBuilder("<link validity='").append(validity).append('\'');
        if (port >= 0) {
            b.append(" port='").append(port).append('\'');
        }
        if (speed > 0 && speed < PCIE_SPEEDS.size()) {
            b.append(" speed='").append(PCIE_SPEEDS.get(speed)).append('\'');
        }
        return b.append(" width='").append(width).append("'/>").toString();
    }

    /**
     * virPCIDeviceFindCapabilityOffset: the offset of capability {@code id}, 0 when the list ends
     * without it, -1 when there is no list to walk (or it cannot be read).
     */
    static int findCap(byte[] c, int id) {
        if (c.length < 0x40 || (u16(c, 0x06) & 0x10) == 0) {
            return -1;
        }
        int pos = c[0x34] & 0xff;
        int hops = 0;
        while (pos >= 0x40 && pos != 0xff && hops++ < 48) {
            if (pos + 1 >= c.length) {
                return -1;
            }
            if ((c[pos] & 0xff) == id) {
                return pos;
            }
            pos = c[pos + 1] & 0xff;
        }
        return -1; // libvirt's loop also ends in its error path when the capability is absent
    }

    private static int u16(byte[] c, int off) {
        return (c[off] & 0xff) | ((c[off + 1] & 0xff) << 8);
    }

    /** udevProcessNetworkInterface: interface, address, link and 802.3/802.11 subtype. */
    private void nets(List<Found> found) {
        for (SysfsNet.Iface i : net.list()) {
            StringBuilder b = new StringBuilder("<parent/><capability type='net'>");
            b.append("<interface>").append(SysfsNet.esc(i.name())).append("</interface>");
            if (!i.mac().isEmpty()) {
                b.append("<address>").append(SysfsNet.esc(i.mac())).append("</address>");
            }
            b.append(SysfsNet.linkXml(i));
            boolean wlan = Files.isDirectory(i.sysPath().resolve("wireless"))
                    || "wlan".equals(ueventValue(i.sysPath(), "DEVTYPE"));
            b.append("<capability type='").append(wlan ? "80211" : "80203").append("'/></capability>");
            found.add(new Found(deviceName("net", i.name(), i.mac().isEmpty() ? null : i.mac()), i.sysPath(),
                    b.toString(), driverOf(i.sysPath()), 0, 0));
        }
    }

    /** udevProcessStorage for whole disks: {@code /dev/NAME}, vendor and model, size in blocks. */
    private void blocks(List<Found> found) {
        for (Path link : entries(root.resolve("sys/class/block"))) {
            Path dev = real(link);
            if (dev == null || !"disk".equals(ueventValue(dev, "DEVTYPE"))) {
                continue;
            }
            String sysname = dev.getFileName().toString();
            String devname = ueventValue(dev, "DEVNAME");
            if (devname == null) {
                continue;
            }
            String block = "/dev/" + devname;
            Map<String, String> udev = udevRecord("b" + ueventValue(dev, "MAJOR") + ":" + ueventValue(dev, "MINOR"));
            String type = udev.get("ID_TYPE");
            if (type == null || type.equals("generic")) {
                type = block.startsWith("/dev/vd") || block.startsWith("/dev/nvme") ? "disk"
                        : block.startsWith("/dev/dasd") ? "dasd" : null;
            }
            if (!"disk".equals(type)) {
                continue; // CD, floppy, SD and DASD media are not built here; libvirt drops unknown kinds
            }
            Long sectors = number(SysfsNet.read(dev.resolve("size")));
            Long lbs = number(SysfsNet.read(dev.resolve("queue/logical_block_size")));
            if (sectors == null || lbs == null) {
                continue;
            }
            StringBuilder b = new StringBuilder("<devnode type='dev'>").append(SysfsNet.esc(block)).append("</devnode>");
            b.append("<parent/><capability type='storage'><block>").append(SysfsNet.esc(block)).append("</block>");
            element(b, "bus", udev.get("ID_BUS"));
            b.append("<drive_type>disk</drive_type>");
            element(b, "model", SysfsNet.read(dev.resolve("device/model")));
            element(b, "vendor", SysfsNet.read(dev.resolve("device/vendor")));
            String serial = udev.get("ID_SERIAL");
            element(b, "serial", serial);
            b.append("<size>").append(Long.toUnsignedString(sectors * lbs)).append("</size></capability>");
            found.add(new Found(deviceName("block", sysname, serial), dev, b.toString(), driverOf(dev), lbs, sectors));
        }
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A KEY=value line of the device's uevent file, or null. */
    static String ueventValue(Path dev, String key) {
        String text = SysfsNet.read(dev.resolve("uevent"));
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** The E: properties of udev's record of a device ({@code run/udev/data/bMAJ:MIN}); empty without udevd. */
    private Map<String, String> udevRecord(String id) {
        Map<String, String> out = new HashMap<>();
        String text = SysfsNet.read(root.resolve("run/udev/data").resolve(id));
        if (text != null) {
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (line.startsWith("E:") && eq > 2) {
                    out.put(line.substring(2, eq), line.substring(eq + 1));
                }
            }
        }
        return out;
    }
}
