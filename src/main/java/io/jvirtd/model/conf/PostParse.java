package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.List;

/**
 * libvirt's generic post-parse (src/conf/domain_postparse.c virDomainDefPostParse): controller
 * indexes, drive addresses, implicit controllers/console/video, memory and boot defaults, with
 * the driver's hooks from its {@link DomainXmlOptions} (device fill-ins first, domain
 * fill-ins last).
 *
 * <p>Stateless; safe from any thread.
 */
final class PostParse {

    private PostParse() {
    }

    static void run(DomainDef d, int flags) {
        assignControllerIndexes(d);
        for (DeviceDef dev : d.devices) {
            devicePostParse(d, dev);
        }
        serialPorts(d);
        if ("exe".equals(d.osType) && d.osValue("init") == null) {
            throw DomainDef.xmlError("init binary must be specified");
        }
        memory(d);
        rejectDuplicateControllers(d);
        if ("hvm".equals(d.osType)) {
            bootOrder(d);
        }
        timers(d);
        consoleCompat(d);
        implicitControllers(d);
        implicitVideo(d);
        d.options.postParse(d, flags);
        DomainValidate.postParse(d);
    }

    /** virDomainChrDefPostParse: a serial without port gets (largest port so far) + 1. */
    private static void serialPorts(DomainDef d) {
        List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
        for (DeviceDef s : serials) {
            XmlNode t = s.node().child("target");
            if (!"-1".equals(t.attr("port"))) {
                continue;
            }
            long max = -1;
            for (DeviceDef o : serials) {
                max = Math.max(max, Long.parseLong(o.node().child("target").attr("port")));
            }
            t.attr("port", Long.toString(max + 1));
        }
    }

    private static void memory(DomainDef d) {
        long hotplug = 0;
        for (DeviceDef m : d.devices(DeviceKind.MEMORY)) {
            XmlNode target = m.node().child("target");
            XmlNode size = target == null ? null : target.child("size");
            if (size != null && size.text() != null) {
                hotplug += Values.scaledKiB(null, size.text(), size.attr("unit"), "./size", Long.MAX_VALUE, false);
            }
        }
        long numa = 0;
        if (d.memoryKiB == 0 && d.cpu != null && d.cpu.child("numa") != null) {
            for (XmlNode cell : d.cpu.child("numa").children("cell")) {
                numa += Long.parseLong(cell.attr("memory"));
            }
        }
        if (numa > 0) {
            d.memoryKiB = numa + hotplug;
        } else if (hotplug > d.memoryKiB) {
            throw DomainDef.xmlError("Total size of memory devices exceeds the total memory size");
        }
        if (d.memoryKiB - hotplug == 0) {
            throw DomainDef.xmlError(
                    "Memory size must be specified via <memory> or in the <numa> configuration");
        }
        if (d.currentMemoryKiB > d.memoryKiB || d.currentMemoryKiB == 0) {
            d.currentMemoryKiB = d.memoryKiB;
        }
        if ((d.maxMemoryKiB != 0 || d.memorySlots != 0) && !(d.maxMemoryKiB != 0 && d.memorySlots != 0)) {
            throw DomainDef.xmlError("both maximum memory size and memory slot count must be specified");
        }
        if (d.maxMemoryKiB != 0 && d.maxMemoryKiB < d.memoryKiB) {
            throw DomainDef.xmlError("maximum memory size must be equal or greater than the actual memory size");
        }
    }

    private static void bootOrder(DomainDef d) {
        boolean perDevice = false;
        for (DeviceDef dev : d.devices) {
            if (dev.node().child("boot") != null) {
                perDevice = true;
                break;
            }
        }
        boolean osBoot = d.bootloader == null && d.os.child("boot") != null;
        if (osBoot && perDevice) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "per-device boot elements cannot be used together with os/boot elements");
        }
        if (!osBoot && !perDevice && d.os.child("boot") == null) {
            d.os.add(new XmlNode("boot").attr("dev", "hd"));
            DomainCanon.sortOs(d.os);
        }
    }

    private static void timers(DomainDef d) {
        for (XmlNode t : d.clock.children("timer")) {
            String name = t.attr("name");
            if ((name.equals("kvmclock") || name.equals("hypervclock")) && t.attr("tickpolicy") != null) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "timer " + name + " doesn't support setting of timer tickpolicy");
            }
            if (!"catchup".equals(t.attr("tickpolicy")) && t.child("catchup") != null) {
                throw DomainDef.xmlError(
                        "setting of timer catchup policies is only supported with tickpolicy='catchup'");
            }
            if (!name.equals("tsc") && t.attr("frequency") != null) {
                throw Values.unsupported("timer " + name + " doesn't support setting of timer frequency");
            }
            if (!name.equals("tsc") && t.attr("mode") != null) {
                throw Values.unsupported("timer " + name + " doesn't support setting of timer mode");
            }
            if (!name.equals("platform") && !name.equals("rtc") && t.attr("track") != null) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "timer " + name + " doesn't support setting of timer track");
            }
        }
    }

    // ------------------------------------------------------------------ controllers

    private static void assignControllerIndexes(DomainDef d) {
        for (DeviceDef c : d.controllers()) {
            if (c.node().attr("index") == null) {
                c.node().attr("index", Integer.toString(unusedIndex(d, c.node().attr("type"))));
                Devices.sort(DeviceKind.CONTROLLER, c.node());
            }
        }
    }

    private static int unusedIndex(DomainDef d, String type) {
        int idx = 0;
        for (DeviceDef c : d.controllers()) {
            if (type.equals(c.node().attr("type")) && c.node().attr("index") != null) {
                idx = Math.max(idx, Integer.parseInt(c.node().attr("index")) + 1);
            }
        }
        return idx;
    }

    private static void rejectDuplicateControllers(DomainDef d) {
        List<String> seen = new ArrayList<>();
        for (DeviceDef c : d.controllers()) {
            String type = c.node().attr("type");
            if ("usb".equals(type)) {
                continue;
            }
            String key = type + "/" + c.node().attr("index");
            if (seen.contains(key)) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "Multiple '" + type + "' controllers with index '" + c.node().attr("index") + "'");
            }
            seen.add(key);
        }
    }

    /** virDomainDefMaybeAddController: adds type/index unless present, after its peers. */
    static void maybeAddController(DomainDef d, String type, int index) {
        for (DeviceDef c : d.controllers()) {
            if (type.equals(c.node().attr("type")) && Integer.toString(index).equals(c.node().attr("index"))) {
                return;
            }
        }
        XmlNode n = new XmlNode("controller").attr("type", type).attr("index", Integer.toString(index));
        // virDomainDefAddController appends
        d.addDevice(new DeviceDef(DeviceKind.CONTROLLER, n));
    }

    private static void implicitControllers(DomainDef d) {
        diskControllers(d, "scsi", "scsi");
        diskControllers(d, "fdc", "fdc");
        diskControllers(d, "ide", "ide");
        diskControllers(d, "sata", "sata");
        for (DeviceDef ch : d.devices(DeviceKind.CHANNEL)) {
            XmlNode t = ch.node().child("target");
            if (t != null && "virtio".equals(t.attr("type"))) {
                XmlNode a = ch.address();
                int idx = a != null && "virtio-serial".equals(a.attr("type"))
                        ? Integer.parseInt(a.attr("controller")) : 0;
                maybeAddController(d, "virtio-serial", idx);
            }
        }
        for (DeviceDef ch : d.devices(DeviceKind.CONSOLE)) {
            XmlNode t = ch.node().child("target");
            if (t != null && "virtio".equals(t.attr("type"))) {
                XmlNode a = ch.address();
                int idx = a != null && "virtio-serial".equals(a.attr("type"))
                        ? Integer.parseInt(a.attr("controller")) : 0;
                maybeAddController(d, "virtio-serial", idx);
            }
        }
        for (DeviceDef sc : d.devices(DeviceKind.SMARTCARD)) {
            XmlNode a = sc.address();
            int idx = 0;
            if (a != null && "ccid".equals(a.attr("type"))) {
                idx = Integer.parseInt(a.attr("controller"));
            } else if (a == null) {
                int max = -1;
                for (DeviceDef o : d.devices(DeviceKind.SMARTCARD)) {
                    XmlNode oa = o.address();
                    if (oa != null && "ccid".equals(oa.attr("type")) && "0".equals(oa.attr("controller"))) {
                        max = Math.max(max, Integer.parseInt(oa.attr("slot")));
                    }
                }
                sc.node().add(new XmlNode("address").attr("type", "ccid").attr("controller", "0")
                        .attr("slot", Integer.toString(max + 1)));
                Devices.sort(DeviceKind.SMARTCARD, sc.node());
            }
            maybeAddController(d, "ccid", idx);
        }
        scsiHostdevs(d);
    }

    /**
     * SCSI host devices without an address get the first free unit on SCSI controller 0
     * (a simplified virDomainHostdevAssignAddress), and their controller is added.
     */
    private static void scsiHostdevs(DomainDef d) {
        for (DeviceDef h : d.devices(DeviceKind.HOSTDEV)) {
            if (!"scsi".equals(h.type()) || !"subsystem".equals(h.node().attr("mode"))) {
                continue;
            }
            XmlNode a = h.address();
            if (a == null) {
                List<String> used = new ArrayList<>();
                for (DeviceDef o : d.devices) {
                    XmlNode oa = o.address();
                    boolean scsi = (o.kind() == DeviceKind.DISK && "scsi".equals(o.diskBus()))
                            || (o.kind() == DeviceKind.HOSTDEV && "scsi".equals(o.type()));
                    if (scsi && oa != null && "drive".equals(oa.attr("type"))) {
                        used.add(oa.attr("controller") + ":" + oa.attr("bus") + ":" + oa.attr("target")
                                + ":" + oa.attr("unit"));
                    }
                }
                int unit = 0;
                while (used.contains("0:0:0:" + unit)) {
                    unit++;
                }
                a = new XmlNode("address").attr("type", "drive").attr("controller", "0").attr("bus", "0")
                        .attr("target", "0").attr("unit", Integer.toString(unit));
                h.node().add(a);
                Devices.sort(DeviceKind.HOSTDEV, h.node());
            }
            if ("drive".equals(a.attr("type"))) {
                maybeAddController(d, "scsi", Integer.parseInt(a.attr("controller")));
            }
        }
    }

    private static void diskControllers(DomainDef d, String ctrlType, String bus) {
        int max = -1;
        for (DeviceDef disk : d.disks()) {
            XmlNode a = disk.address();
            if (bus.equals(disk.diskBus()) && a != null && "drive".equals(a.attr("type"))) {
                max = Math.max(max, Integer.parseInt(a.attr("controller")));
            }
        }
        for (int i = 0; i <= max; i++) {
            maybeAddController(d, ctrlType, i);
        }
    }

    // ------------------------------------------------------------------ devices

    private static void devicePostParse(DomainDef d, DeviceDef dev) {
        d.options.devicePostParse(d, dev);
        DeviceDefaults.apply(dev);
        switch (dev.kind()) {
            case DISK -> {
                if (dev.address() == null) {
                    // virDomainDiskDefAssignAddress: every bus needs a disk name it can index
                    if (diskNameToIndex(dev.diskTarget()) < 0) {
                        throw DomainDef.xmlError("Unknown disk name '" + dev.diskTarget()
                                + "' and no address specified");
                    }
                    String bus = dev.diskBus();
                    if (List.of("ide", "scsi", "fdc", "sata").contains(bus)) {
                        assignDriveAddress(d, dev, bus);
                    }
                }
            }
            case VIDEO -> videoDefaults(d, dev.node());
            default -> {
            }
        }
    }

    /** virDiskNameToIndex: "hda" -> 0, "sdb" -> 1, "vdaa" -> 26; -1 when not a disk name. */
    static int diskNameToIndex(String name) {
        String[] prefixes = {"fd", "hd", "vd", "sd", "xvd", "ubd"};
        String rest = null;
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                rest = name.substring(p.length());
                break;
            }
        }
        if (rest == null) {
            return -1;
        }
        int idx = 0;
        int i = 0;
        for (; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c < 'a' || c > 'z') {
                break;
            }
            idx = (idx + (i < 1 ? 0 : 1)) * 26;
            idx += c - 'a';
        }
        if (i == 0) {
            return -1;
        }
        for (; i < rest.length(); i++) {
            if (!Character.isDigit(rest.charAt(i))) {
                return -1;
            }
        }
        return idx;
    }

    private static void assignDriveAddress(DomainDef d, DeviceDef dev, String bus) {
        String dst = dev.diskTarget();
        int idx = diskNameToIndex(dst);
        if (idx < 0) {
            throw DomainDef.xmlError("Unknown disk name '" + dst + "' and no address specified");
        }
        int controller;
        int busN = 0;
        int unit;
        switch (bus) {
            case "scsi" -> {
                controller = idx / 7;
                unit = idx % 7;
            }
            case "ide" -> {
                controller = idx / 4;
                busN = (idx % 4) / 2;
                unit = idx % 2;
            }
            case "sata" -> {
                controller = idx / 6;
                unit = idx % 6;
            }
            default -> {
                controller = 0;
                busN = 0;
                unit = idx;
            }
        }
        XmlNode a = new XmlNode("address").attr("type", "drive")
                .attr("controller", Integer.toString(controller)).attr("bus", Integer.toString(busN))
                .attr("target", "0").attr("unit", Integer.toString(unit));
        dev.node().add(a);
        Devices.sort(DeviceKind.DISK, dev.node());
    }

    private static void videoDefaults(DomainDef d, XmlNode video) {
        XmlNode model = video.child("model");
        if (model.attr("type") == null) { // no driver hook chose one
            model.attr("type", "default");
        }
        String type = model.attr("type");
        // libvirt's parser keeps a size of 0 as unset: the formatter prints none, vram gets its
        // default below, and the checks see no ram, vram64 or vgamem on a model other than qxl
        for (String a : new String[] {"ram", "vram", "vram64", "vgamem"}) {
            if (model.attr(a) != null && Values.parseULong(model.attr(a)) == 0) {
                model.attr(a, null);
            }
        }
        if (model.attr("vram") == null && !"none".equals(type)) {
            int def = switch (type) {
                case "vga", "cirrus", "vmvga" -> "vbox".equals(d.virtType) ? 8192
                        : "vmware".equals(d.virtType) ? 4096 : 16384;
                case "bochs" -> 16384;
                case "xen" -> 4096;
                case "qxl" -> 65536;
                case "virtio" -> 0;
                default -> 0;
            };
            if (def > 0) {
                model.attr("vram", Integer.toString(def));
            }
        }
        // virDomainVideoDefPostParse: qxl's ram default, ram and vram rounded up to a power of two
        if ("qxl".equals(type) && (model.attr("ram") == null || Values.parseULong(model.attr("ram")) == 0)) {
            model.attr("ram", "65536");
        }
        for (String a : new String[] {"ram", "vram"}) {
            long v = model.attr(a) == null ? -1 : Values.parseULong(model.attr(a));
            if (v > 0) {
                model.attr(a, Long.toString(Long.highestOneBit(v) == v ? v : Long.highestOneBit(v) << 1));
            }
        }
        if (model.attr("heads") == null && !"none".equals(type)) {
            model.attr("heads", "1");
        }
        Devices.sortChild(DeviceKind.VIDEO, video, "model");
        Devices.sort(DeviceKind.VIDEO, video);
    }

    private static void implicitVideo(DomainDef d) {
        if (d.devices(DeviceKind.GRAPHICS).isEmpty() || !d.devices(DeviceKind.VIDEO).isEmpty()) {
            if (!d.devices(DeviceKind.VIDEO).isEmpty()) {
                primaryVideo(d);
            }
            return;
        }
        XmlNode v = new XmlNode("video");
        v.add(new XmlNode("model"));
        DeviceDef dev = new DeviceDef(DeviceKind.VIDEO, v);
        d.options.devicePostParse(d, dev);
        videoDefaults(d, v);
        d.addDevice(dev);
        primaryVideo(d);
    }

    private static void primaryVideo(DomainDef d) {
        List<DeviceDef> videos = d.devices(DeviceKind.VIDEO);
        XmlNode m = videos.get(0).node().child("model");
        if (!"none".equals(m.attr("type"))) {
            m.attr("primary", "yes");
            Devices.sort(DeviceKind.VIDEO, videos.get(0).node());
        }
    }

    // ------------------------------------------------------------------ console compat

    private static void consoleCompat(DomainDef d) {
        List<DeviceDef> consoles = d.devices(DeviceKind.CONSOLE);
        for (int i = 1; i < consoles.size(); i++) {
            if ("serial".equals(consoles.get(i).node().child("target").attr("type"))) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "Only the first console can be a serial port");
            }
        }
        List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
        if (!consoles.isEmpty() && "hvm".equals(d.osType)
                && "serial".equals(consoles.get(0).node().child("target").attr("type"))) {
            if (serials.isEmpty()) {
                XmlNode s = consoles.get(0).node().copy();
                XmlNode t = s.child("target");
                XmlNode nt = new XmlNode("target").attr("port", "0");
                s.children().set(s.children().indexOf(t), nt);
                d.addDevice(new DeviceDef(DeviceKind.SERIAL, renamed(s, "serial")));
            }
        } else if (!serials.isEmpty() && "hvm".equals(d.osType)
                && serialTargetAllowsConsole(serials.get(0))) {
            XmlNode c = serials.get(0).node().copy();
            XmlNode t = c.child("target");
            XmlNode nt = new XmlNode("target").attr("type", "serial").attr("port", "0");
            c.children().set(c.children().indexOf(t), nt);
            DeviceDef stub = new DeviceDef(DeviceKind.CONSOLE, renamed(c, "console"));
            if (consoles.isEmpty()) {
                d.addDevice(stub);
            } else {
                d.devices.add(d.devices.indexOf(consoles.get(0)), stub);
            }
        }
    }

    /** Serial target types for which libvirt adds a console alias (not usb/pci-serial ...). */
    private static boolean serialTargetAllowsConsole(DeviceDef serial) {
        XmlNode t = serial.node().child("target");
        String type = t == null ? null : t.attr("type");
        return type == null || List.of("isa-serial", "spapr-vio-serial", "system-serial",
                "sclp-serial").contains(type);
    }

    private static XmlNode renamed(XmlNode n, String name) {
        XmlNode r = new XmlNode(name);
        for (var a : n.attrs().entrySet()) {
            r.attr(a.getKey(), a.getValue());
        }
        n.children().forEach(r::add);
        r.text(n.text());
        return r;
    }
}
