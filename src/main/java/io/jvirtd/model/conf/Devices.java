package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static io.jvirtd.model.conf.Shape.el;
import static io.jvirtd.model.conf.Shape.txt;

/**
 * The devices inside {@code <devices>}: parse (with libvirt's defaults and checks for the
 * kinds the test driver is exercised with: disk, controller, interface, memballoon, video,
 * input, graphics, serial/console/channel), and canonical order for all of them.
 *
 * <p>Exactness: disk, controller, interface, memballoon, video, input, graphics, character
 * devices, watchdog, rng, sound, panic, hub and addresses follow libvirt's format functions.
 * The rarer kinds (hostdev, filesystem, tpm, redirdev, smartcard, shmem, memory, iommu,
 * vsock, lease, nvram, audio) keep libvirt's element/attribute order through their shapes but
 * not every default libvirt would fill in; values are copied as given.
 *
 * <p>Stateless; safe from any thread.
 */
final class Devices {

    private Devices() {
    }

    // ------------------------------------------------------------------ shapes

    /** The children virDomainDeviceInfoFormat prints, in order. */
    private static Shape[] info() {
        return new Shape[] {el("boot", "order loadparm"), el("alias", "name"),
            el("master", "startport"), el("rom", "enabled bar file"), el("acpi", "index"),
            el("address", "type domain bus slot function multifunction controller target unit port"
                    + " reg cssid ssid devno iobase irq base", el("zpci", "uid fid"))};
    }

    private static Shape[] with(Shape[] head, Shape... tail) {
        Shape[] all = new Shape[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static final Shape SECLABEL = el("seclabel", "model relabel",
            txt("label", "")).repeat();

    /** A disk's {@code <source>} as virDomainDiskSourceFormat prints it (also nvram and backing stores). */
    static final Shape DISK_SOURCE = el("source",
            "file dev dir pool volume mode protocol name tlsFromConfig query index startupPolicy"
                    + " type managed namespace tls",
            // virDomainDiskSourceFormatNetwork's children, then the NVMe address, then what
            // virDomainDiskSourceFormat adds for every type
            el("host", "name port transport socket").repeat(), el("identity", "user group"),
            el("snapshot", "name"), el("config", "file"), el("initiator", "", el("iqn", "name")),
            el("ssl", "verify"), el("cookies", "", txt("cookie", "name").repeat()), txt("readahead", "size"),
            txt("timeout", "seconds"), el("address", "type domain bus slot function"),
            el("slices", "", el("slice", "type offset size").repeat()), SECLABEL,
            el("auth", "username", el("secret", "type usage uuid")),
            el("encryption", "format", el("secret", "type uuid usage")), el("reservations", "enabled managed"));

    /** virDomainDiskBackingStoreFormat: format, source, then the next link of the chain. */
    private static final Shape BACKING_STORE = backingStore();

    private static Shape backingStore() {
        Shape b = el("backingStore", "type index",
                el("format", "type", el("metadata_cache", "", txt("max_size", "unit"))), DISK_SOURCE, null);
        b.kids.set(2, b); // a chain nests to any depth
        return b;
    }

    private static final Shape DISK = el("disk", "type device model rawio sgio snapshot", with(new Shape[] {
        el("driver", "name type cache error_policy rerror_policy io ioeventfd event_idx copy_on_read"
                + " discard iothread detect_zeroes queues queue_size iommu ats packed page_per_vq"
                + " metadata_cache", el("metadata_cache", "", txt("max_size", "unit"))),
        el("auth", "username", el("secret", "type usage uuid")),
        DISK_SOURCE,
        BACKING_STORE,
        el("backenddomain", "name"),
        el("geometry", "cyls heads secs trans"),
        el("blockio", "logical_block_size physical_block_size"),
        el("mirror", "type job ready format file", el("format", "type"), DISK_SOURCE, BACKING_STORE),
        el("target", "dev bus tray removable rotation_rate"),
        el("iotune", "", txt("total_bytes_sec", ""), txt("read_bytes_sec", ""),
                txt("write_bytes_sec", ""), txt("total_iops_sec", ""), txt("read_iops_sec", ""),
                txt("write_iops_sec", ""), txt("total_bytes_sec_max", ""),
                txt("read_bytes_sec_max", ""), txt("write_bytes_sec_max", ""),
                txt("total_iops_sec_max", ""), txt("read_iops_sec_max", ""),
                txt("write_iops_sec_max", ""), txt("size_iops_sec", ""), txt("group_name", ""),
                txt("total_bytes_sec_max_length", ""), txt("read_bytes_sec_max_length", ""),
                txt("write_bytes_sec_max_length", ""), txt("total_iops_sec_max_length", ""),
                txt("read_iops_sec_max_length", ""), txt("write_iops_sec_max_length", "")),
        el("readonly", ""), el("shareable", ""), el("transient", "shareBacking"),
        txt("serial", ""), txt("wwn", ""), txt("vendor", ""), txt("product", ""),
        el("encryption", "format", el("secret", "type uuid usage"))}, info()));

    private static final Shape CONTROLLER = el("controller",
            "type index model ports vectors maxGrantFrames maxEventChannels", with(new Shape[] {
                el("model", "name"),
                el("target", "chassisNr chassis port busNr index hotplug memReserve",
                        txt("node", "")),
                el("driver", "queues cmd_per_lun max_sectors ioeventfd iothread iommu ats packed"
                        + " page_per_vq")}, with(info(), txt("pcihole64", "unit"))));

    private static final Shape INTERFACE = el("interface", "type managed trustGuestRxFilters", with(new Shape[] {
        el("mac", "address type check"),
        el("source", "network portgroup portid bridge dev mode type path address port name"
                + " switchid portgroupid connectionid managed",
                el("address", "type domain bus slot function"), el("local", "address port"),
                el("reconnect", "enabled timeout"),
                el("ip", "address family prefix peer").repeat(),
                el("route", "family address netmask prefix gateway metric").repeat()),
        el("vlan", "trunk", el("tag", "id nativeMode").repeat()),
        el("virtualport", "type", el("parameters", "managerid typeid typeidversion instanceid profileid interfaceid")),
        el("bandwidth", "", el("inbound", "average peak burst floor"), el("outbound", "average peak burst")),
        el("port", "isolated"),
        el("ip", "address family prefix peer").repeat(),
        el("route", "family address netmask prefix gateway metric").repeat(),
        el("portForward", "proto address dev", el("range", "start end to exclude").repeat()).repeat(),
        el("script", "path"), el("downscript", "path"), el("backenddomain", "name"),
        el("target", "dev managed"), el("guest", "dev actual"), el("model", "type"),
        el("driver", "name txmode ioeventfd event_idx queues rx_queue_size tx_queue_size iommu"
                + " ats packed page_per_vq rss rss_hash_report",
                el("host", "csum gso tso4 tso6 ecn ufo mrg_rxbuf"),
                el("guest", "csum tso4 tso6 ecn ufo")),
        el("backend", "type tap vhost logFile"),
        el("filterref", "filter", el("parameter", "name value").repeat()),
        el("tune", "", txt("sndbuf", "")),
        el("teaming", "type persistent"),
        el("link", "state"), el("mtu", "size"),
        el("coalesce", "", el("rx", "", el("frames", "max")))}, info()));

    private static final Shape CHR_SOURCE = el("source", "mode host service path tls append master slave channel",
            el("reconnect", "enabled timeout"), el("clipboard", "copypaste"), el("mouse", "mode"),
            SECLABEL);

    private static Shape chr(String name) {
        return el(name, "type tty", with(new Shape[] {CHR_SOURCE.repeat(), el("protocol", "type"),
            el("log", "file append"),
            el("target", "type name address port state", el("model", "name"))}, info()));
    }

    private static final Map<DeviceKind, Shape> SHAPES = new EnumMap<>(DeviceKind.class);

    static {
        SHAPES.put(DeviceKind.DISK, DISK);
        SHAPES.put(DeviceKind.CONTROLLER, CONTROLLER);
        SHAPES.put(DeviceKind.LEASE, el("lease", "", txt("lockspace", ""), txt("key", ""),
                el("target", "path offset")));
        SHAPES.put(DeviceKind.FILESYSTEM, el("filesystem", "type accessmode model multidevs fmode dmode", with(new Shape[] {
            el("driver", "type name format wrpolicy queue iommu ats packed page_per_vq"),
            el("binary", "path xattr", el("cache", "mode"), el("sandbox", "mode"),
                    el("lock", "posix flock"), el("thread_pool", "size")),
            el("idmap", "", el("uid", "start target count").repeat(), el("gid", "start target count").repeat()),
            el("source", "dir dev file name volume usage units socket"),
            el("target", "dir"), el("readonly", ""),
            el("space_hard_limit", "unit").withText(), el("space_soft_limit", "unit").withText()},
                info())));
        SHAPES.put(DeviceKind.INTERFACE, INTERFACE);
        SHAPES.put(DeviceKind.SMARTCARD, el("smartcard", "mode type", with(new Shape[] {
            txt("certificate", "").repeat(), txt("database", ""), CHR_SOURCE.repeat(),
            el("protocol", "type")}, info())));
        SHAPES.put(DeviceKind.SERIAL, chr("serial"));
        SHAPES.put(DeviceKind.PARALLEL, chr("parallel"));
        SHAPES.put(DeviceKind.CONSOLE, chr("console"));
        SHAPES.put(DeviceKind.CHANNEL, chr("channel"));
        SHAPES.put(DeviceKind.INPUT, el("input", "type bus model", with(new Shape[] {
            el("driver", "iommu ats packed page_per_vq"),
            el("source", "dev evdev grab grabToggle repeat")}, info())));
        SHAPES.put(DeviceKind.TPM, el("tpm", "model", with(new Shape[] {
            el("backend", "type version persistent_state", el("device", "path"),
                    el("encryption", "secret"), el("active_pcr_banks", "").keepAll())}, info())));
        SHAPES.put(DeviceKind.GRAPHICS, el("graphics",
                "type display xauth fullscreen port autoport websocket sharePolicy passwd"
                        + " passwdValidTo connected keymap listen socket multiUser",
                el("gl", "enable rendernode"), el("listen", "type address network socket fromConfig autoGenerated").repeat(),
                el("channel", "name mode").repeat(), el("image", "compression"),
                el("jpeg", "compression"), el("zlib", "compression"),
                el("playback", "compression"), el("streaming", "mode"),
                el("clipboard", "copypaste"), el("mouse", "mode"), el("filetransfer", "enable"),
                el("audio", "id")));
        SHAPES.put(DeviceKind.SOUND, el("sound", "model", with(new Shape[] {
            el("codec", "type").repeat(), el("audio", "id")}, info())));
        SHAPES.put(DeviceKind.AUDIO, el("audio", "id type timerPeriod").keepAll());
        SHAPES.put(DeviceKind.VIDEO, el("video", "", with(new Shape[] {
            el("driver", "iommu ats packed page_per_vq vgaconf name"),
            el("model", "type ram vram vram64 vgamem heads primary", el("acceleration", "accel3d accel2d rendernode"),
                    el("resolution", "x y"))}, info())));
        SHAPES.put(DeviceKind.HOSTDEV, el("hostdev", "mode type managed sgio rawio model display ramfb", with(new Shape[] {
            el("driver", "name"), el("source", "startupPolicy protocol name wwpn guestReset writeFiltering").keepAll(),
            el("target", "chassis").keepAll(), txt("block", ""), txt("char", ""), txt("interface", ""),
            el("readonly", ""), el("shareable", "")}, info())));
        SHAPES.put(DeviceKind.REDIRDEV, el("redirdev", "bus type", with(new Shape[] {
            CHR_SOURCE, el("protocol", "type")}, info())));
        SHAPES.put(DeviceKind.REDIRFILTER, el("redirfilter", "",
                el("usbdev", "class vendor product version allow").repeat()));
        SHAPES.put(DeviceKind.HUB, el("hub", "type", info()));
        SHAPES.put(DeviceKind.WATCHDOG, el("watchdog", "model action", info()));
        SHAPES.put(DeviceKind.MEMBALLOON, el("memballoon", "model autodeflate freePageReporting",
                with(with(new Shape[] {el("stats", "period")}, info()),
                        el("driver", "iommu ats packed page_per_vq"))));
        SHAPES.put(DeviceKind.RNG, el("rng", "model", with(new Shape[] {
            el("driver", "iommu ats packed page_per_vq"), el("rate", "bytes period"),
            el("backend", "model type", CHR_SOURCE.repeat(), el("protocol", "type")).withText()},
                info())));
        SHAPES.put(DeviceKind.NVRAM, el("nvram", "", info()));
        SHAPES.put(DeviceKind.PANIC, el("panic", "model", info()));
        SHAPES.put(DeviceKind.SHMEM, el("shmem", "name role", with(new Shape[] {
            el("model", "type"), el("size", "unit").withText(),
            el("server", "path"), el("msi", "vectors ioeventfd")}, info())));
        SHAPES.put(DeviceKind.MEMORY, el("memory", "model access discard", with(new Shape[] {
            el("uuid", "").withText(), el("source", "").keepAll(), el("target", "").keepAll()},
                info())));
        SHAPES.put(DeviceKind.IOMMU, el("iommu", "model", el("driver",
                "intremap caching_mode eim iotlb aw_bits dma_translation"), el("alias", "name"),
                el("address", "type domain bus slot function")));
        SHAPES.put(DeviceKind.VSOCK, el("vsock", "model", el("cid", "auto address"),
                el("alias", "name"), el("address", "type domain bus slot function"),
                el("driver", "iommu ats packed page_per_vq")));
    }

    /** Re-sorts a device node into libvirt's order (after a typed change). */
    static void sort(DeviceKind kind, XmlNode node) {
        Shape s = SHAPES.get(kind);
        if (s != null) {
            s.sort(node);
        }
    }

    /** Sorts the device's {@code child} element (e.g. a video's model) into libvirt's order. */
    static void sortChild(DeviceKind kind, XmlNode node, String child) {
        Shape s = SHAPES.get(kind);
        XmlNode c = node.child(child);
        if (s != null && c != null && s.kid(child) != null) {
            s.kid(child).sort(c);
        }
    }

    // ------------------------------------------------------------------ parse

    /** Parse order of virDomainDefParseXML (so the first error is libvirt's). */
    private static final List<DeviceKind> PARSE_ORDER = List.of(DeviceKind.DISK,
            DeviceKind.CONTROLLER, DeviceKind.LEASE, DeviceKind.FILESYSTEM, DeviceKind.INTERFACE,
            DeviceKind.SMARTCARD, DeviceKind.PARALLEL, DeviceKind.SERIAL, DeviceKind.CONSOLE,
            DeviceKind.CHANNEL, DeviceKind.INPUT, DeviceKind.GRAPHICS, DeviceKind.SOUND,
            DeviceKind.AUDIO, DeviceKind.VIDEO, DeviceKind.HOSTDEV, DeviceKind.WATCHDOG,
            DeviceKind.MEMBALLOON, DeviceKind.RNG, DeviceKind.TPM, DeviceKind.NVRAM,
            DeviceKind.HUB, DeviceKind.REDIRDEV, DeviceKind.REDIRFILTER, DeviceKind.PANIC,
            DeviceKind.SHMEM, DeviceKind.MEMORY, DeviceKind.IOMMU, DeviceKind.VSOCK);

    /** The kinds a domain has at most one of, with virDomainDefParseXML's message for a second. */
    private static final Map<DeviceKind, String> SINGLETONS = Map.of(
            DeviceKind.WATCHDOG, "only a single watchdog device is supported",
            DeviceKind.MEMBALLOON, "only a single memory balloon device is supported",
            DeviceKind.NVRAM, "only a single nvram device is supported",
            DeviceKind.REDIRFILTER, "only one set of redirection filter rule is supported",
            DeviceKind.IOMMU, "only a single IOMMU device is supported",
            DeviceKind.VSOCK, "only a single vsock device is supported");
    /** ... of which these two are XML errors, the others internal errors. */
    private static final List<DeviceKind> SINGLETON_XML_ERRORS = List.of(DeviceKind.IOMMU, DeviceKind.VSOCK);

    static void parseAll(DomainDef d, XElem root, int flags) {
        XElem devs = root.child("devices");
        Map<DeviceKind, List<DeviceDef>> byKind = new EnumMap<>(DeviceKind.class);
        for (DeviceKind k : DeviceKind.values()) {
            byKind.put(k, new java.util.ArrayList<>());
        }
        Map<DeviceDef, String> rawBus = new java.util.IdentityHashMap<>();
        if (devs != null) {
            for (DeviceKind k : PARSE_ORDER) {
                List<XElem> found = devs.children(k.element());
                if (SINGLETONS.containsKey(k) && found.size() > 1) {
                    throw SINGLETON_XML_ERRORS.contains(k) ? DomainDef.xmlError(SINGLETONS.get(k))
                            : VirException.internalError(VirErrorDomain.DOMAIN, SINGLETONS.get(k));
                }
                for (XElem e : found) {
                    DeviceDef dev = parseOne(d, k, e, flags, byKind.get(k));
                    if (dev == null) {
                        continue;
                    }
                    UsbNone.check(dev, byKind.get(DeviceKind.CONTROLLER));
                    if (k == DeviceKind.CONTROLLER) {
                        insertController(byKind.get(k), dev, e);
                    } else if (k == DeviceKind.DISK) {
                        XElem t = e.child("target");
                        rawBus.put(dev, t == null ? null : t.attr("bus"));
                        insertDisk(byKind.get(k), dev, rawBus::get);
                    } else if (k == DeviceKind.VIDEO && "yes".equals(dev.node().childAttr("model", "primary"))) {
                        byKind.get(k).add(0, dev); // the parser puts a primary video first
                    } else {
                        byKind.get(k).add(dev);
                    }
                }
            }
        }
        for (DeviceKind k : DeviceKind.values()) {
            d.devices.addAll(byKind.get(k));
        }
    }

    /**
     * The device order {@link #parseAll} gives when it reads {@code d}'s devices as the
     * formatter prints them (every controller with its index, every disk with its bus): kinds
     * in their order, controllers of a type by index, disks of a bus by target, a primary
     * video first. What a definition's devices look like after a format and parse round trip.
     */
    static void reorderAsParsed(DomainDef d) {
        Map<DeviceKind, List<DeviceDef>> byKind = new EnumMap<>(DeviceKind.class);
        for (DeviceKind k : DeviceKind.values()) {
            byKind.put(k, new java.util.ArrayList<>());
        }
        for (DeviceDef dev : d.devices) {
            List<DeviceDef> same = byKind.get(dev.kind());
            if (dev.kind() == DeviceKind.CONTROLLER) {
                insertController(same, dev, dev.node().attr("index") != null);
            } else if (dev.kind() == DeviceKind.DISK) {
                insertDisk(same, dev, x -> x.node().childAttr("target", "bus"));
            } else if (dev.kind() == DeviceKind.VIDEO && "yes".equals(dev.node().childAttr("model", "primary"))) {
                same.add(0, dev);
            } else {
                same.add(dev);
            }
        }
        d.devices.clear();
        for (DeviceKind k : DeviceKind.values()) {
            d.devices.addAll(byKind.get(k));
        }
    }

    /** virDomainControllerInsertPreAlloced: controllers of one type ordered by index. */
    static void insertController(List<DeviceDef> ctrls, DeviceDef c, XElem e) {
        insertController(ctrls, c, e.attr("index") != null);
    }

    /** {@link #insertController(List, DeviceDef, XElem)}, {@code indexGiven}: the XML had an index. */
    static void insertController(List<DeviceDef> ctrls, DeviceDef c, boolean indexGiven) {
        int insertAt = -1;
        String type = c.node().attr("type");
        String idxS = indexGiven ? c.node().attr("index") : null;
        int idx = idxS == null ? -1 : Integer.parseInt(idxS);
        boolean master = c.node().child("master") != null;
        for (int i = ctrls.size() - 1; i >= 0; i--) {
            XmlNode cur = ctrls.get(i).node();
            if (!type.equals(cur.attr("type"))) {
                continue;
            }
            if (idx == -1) {
                insertAt = i + 1;
                break;
            }
            int curIdx = cur.attr("index") == null ? -1 : Integer.parseInt(cur.attr("index"));
            if (curIdx > idx) {
                insertAt = i;
            } else if (!master && cur.child("master") != null && curIdx == idx) {
                insertAt = i;
            } else if (insertAt == -1) {
                insertAt = i + 1;
            }
        }
        if (insertAt < 0) {
            ctrls.add(c);
        } else {
            ctrls.add(insertAt, c);
        }
    }

    /**
     * virDomainDiskInsert: keeps disks on one bus ordered by their target index. At parse time
     * the bus is the one the XML gave (none when absent; the default comes in post-parse);
     * after it, a disk's own ({@link DomainDef#insertDisk}).
     */
    static void insertDisk(List<DeviceDef> disks, DeviceDef disk, Function<DeviceDef, String> busOf) {
        int insertAt = -1;
        String bus = busOf.apply(disk);
        int newIdx = PostParse.diskNameToIndex(disk.diskTarget());
        for (int i = disks.size() - 1; i >= 0; i--) {
            DeviceDef o = disks.get(i);
            boolean sameBus = XElem.eq(bus, busOf.apply(o));
            if (sameBus && PostParse.diskNameToIndex(o.diskTarget()) > newIdx) {
                insertAt = i;
            } else if (sameBus && insertAt == -1) {
                insertAt = i + 1;
            }
        }
        if (insertAt < 0) {
            disks.add(disk);
        } else {
            disks.add(insertAt, disk);
        }
    }

    /**
     * Parses one device element (also what virDomainDeviceDefParse would do for attach).
     */
    static DeviceDef parseOne(DomainDef d, DeviceKind kind, XElem e, int flags,
                              List<DeviceDef> sameKind) {
        DeviceChecks.check(kind, e);
        XmlNode n = kind == DeviceKind.GRAPHICS ? Graphics.canon(e, flags) : SHAPES.get(kind).canon(e);
        canonInfo(n, e, flags);
        switch (kind) {
            case DISK -> disk(n, e);
            case CONTROLLER -> controller(n);
            case INTERFACE -> iface(n, e, flags);
            case MEMBALLOON -> memballoon(n, e);
            case VIDEO -> video(n);
            case INPUT -> input(d, n);
            case SERIAL, PARALLEL, CONSOLE, CHANNEL -> Chr.canon(d, kind, n, e, flags, sameKind);
            case WATCHDOG -> {
                if (n.attr("action") == null) {
                    n.attr("action", "reset");
                }
                SHAPES.get(kind).sort(n);
            }
            case HOSTDEV -> {
                if ("subsystem".equals(n.attr("mode")) || n.attr("mode") == null) {
                    n.attr("mode", "subsystem");
                    n.attr("managed", "yes".equals(n.attr("managed")) ? "yes" : "no");
                    SHAPES.get(kind).sort(n);
                    XmlNode src = n.child("source");
                    XmlNode a = src == null ? null : src.child("address");
                    if ("pci".equals(n.attr("type")) && a != null) {
                        // virPCIDeviceAddressFormat: every field, fixed widths, no type
                        src.children().set(src.children().indexOf(a), new XmlNode("address")
                                .attr("domain", "0x" + CNumbers.hex(Address.num(a, "domain"), 4))
                                .attr("bus", "0x" + CNumbers.hex(Address.num(a, "bus"), 2))
                                .attr("slot", "0x" + CNumbers.hex(Address.num(a, "slot"), 2))
                                .attr("function", "0x" + Address.num(a, "function")));
                    }
                }
            }
            case REDIRFILTER -> redirfilter(n);
            case SOUND -> {
                // virDomainSoundDefParseXML reads <codec> only for the models that have codecs
                if (!"ich6".equals(n.attr("model")) && !"ich9".equals(n.attr("model"))) {
                    n.children().removeIf(c -> c.name().equals("codec"));
                }
            }
            default -> {
            }
        }
        return new DeviceDef(kind, n);
    }

    /** Alias/boot/address normalisation common to every device (virDomainDeviceInfoParseXML). */
    private static void canonInfo(XmlNode n, XElem e, int flags) {
        XmlNode alias = n.child("alias");
        if (alias != null) {
            String name = alias.attr("name");
            boolean user = name != null && name.startsWith("ua-");
            if (name == null || ((flags & DomainDef.PARSE_INACTIVE) != 0 && !user)) {
                n.remove("alias");
            }
        }
        XmlNode boot = n.child("boot");
        if (boot != null && boot.attr("order") == null) {
            throw Values.xmlErr("Missing required attribute 'order' in element 'boot'");
        }
        XmlNode addr = n.child("address");
        if (addr != null) {
            XmlNode fixed = Address.canon(addr);
            if (fixed == null) {
                n.remove("address");
            } else {
                n.children().set(n.children().indexOf(addr), fixed);
            }
        }
    }

    /** virDomainRedirFilterDefFormat's number formats (uppercase hex, BCD version). */
    private static void redirfilter(XmlNode n) {
        for (XmlNode u : n.children("usbdev")) {
            XmlNode f = new XmlNode("usbdev");
            String[][] hex = {{"class", "%02X"}, {"vendor", "%04X"}, {"product", "%04X"}};
            for (String[] h : hex) {
                String v = u.attr(h[0]);
                if (v != null && !"-1".equals(v.trim())) {
                    f.attr(h[0], "0x" + String.format(Locale.ROOT, h[1], Address.num(u, h[0])));
                }
            }
            String ver = u.attr("version");
            if (ver != null && !"-1".equals(ver.trim())) {
                String[] parts = ver.trim().split("\\.", 2);
                int major = Integer.parseInt(parts[0]);
                int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                f.attr("version", major + "." + String.format(Locale.ROOT, "%02d", minor));
            }
            f.attr("allow", "yes".equals(u.attr("allow")) ? "yes" : "no");
            n.children().set(n.children().indexOf(u), f);
        }
    }

    // ------------------------------------------------------------------ disk

    private static final List<String> DISK_TYPES = List.of("file", "block", "dir", "network",
            "volume", "nvme", "vhostuser");
    private static final List<String> DISK_DEVICES = List.of("disk", "cdrom", "floppy", "lun");
    private static final List<String> DISK_BUSES = List.of("ide", "fdc", "scsi", "virtio",
            "xen", "usb", "uml", "sata", "sd");

    private static void disk(XmlNode n, XElem e) {
        String type = n.attr("type");
        if (type == null) {
            type = "file";
        } else if (!DISK_TYPES.contains(type)) {
            throw Values.invalidAttr(e, "type", type);
        }
        n.attr("type", type);
        String device = n.attr("device");
        if (device == null) {
            device = "disk";
        } else if (!DISK_DEVICES.contains(device)) {
            throw Values.invalidAttr(e, "device", device);
        }
        n.attr("device", device);
        XmlNode target = n.child("target");
        String dst = target == null ? null : target.attr("dev");
        if (dst == null) {
            XmlNode src = n.child("source");
            String path = src == null ? null : firstNonNull(src.attr("file"), src.attr("dev"),
                    src.attr("dir"), src.attr("name"));
            throw VirException.of(VirErrorNumber.NO_TARGET, VirErrorDomain.DOMAIN, path);
        }
        String bus = target.attr("bus");
        if (bus == null) {
            bus = busFromTarget(dst, device);
        } else if (!DISK_BUSES.contains(bus)) {
            throw Values.invalidAttr("target", "bus", bus);
        }
        XmlNode t = new XmlNode("target").attr("dev", dst).attr("bus", bus);
        String tray = target.attr("tray");
        if (tray != null && !"closed".equals(tray)) {
            t.attr("tray", tray); // DiskValidate refuses it but on a cdrom or floppy
        }
        t.attr("removable", target.attr("removable")); // and this but on USB
        t.attr("rotation_rate", target.attr("rotation_rate"));
        n.children().set(n.children().indexOf(target), t);
        XmlNode src = n.child("source");
        if (src != null && src.attrs().isEmpty() && src.children().isEmpty()) {
            n.remove("source");
        }
        XmlNode driver = n.child("driver");
        if (driver != null && driver.attrs().isEmpty() && driver.children().isEmpty()) {
            n.remove("driver");
        }
        if ("cdrom".equals(device) && n.child("readonly") == null) {
            // virDomainDiskDefParseXML: a cdrom is always read-only.
            n.add(new XmlNode("readonly"));
            DISK.sort(n);
        }
        String snapshot = n.attr("snapshot");
        if ("no".equals(snapshot) && n.child("readonly") != null) {
            n.attr("snapshot", null);
        }
    }

    private static String firstNonNull(String... s) {
        for (String x : s) {
            if (x != null) {
                return x;
            }
        }
        return null;
    }

    /** virDomainDiskDefParseXML's bus guess from the target name. */
    static String busFromTarget(String dst, String device) {
        if (dst.startsWith("hd")) {
            return "ide";
        } else if (dst.startsWith("sd")) {
            return "scsi";
        } else if (dst.startsWith("vd")) {
            return "virtio";
        } else if (dst.startsWith("xvd")) {
            return "xen";
        } else if (dst.startsWith("ubd")) {
            return "uml";
        } else if (dst.startsWith("fd")) {
            return "fdc";
        }
        return "floppy".equals(device) ? "fdc" : "ide";
    }

    // ------------------------------------------------------------------ controller

    static final List<String> CONTROLLER_TYPES = List.of("ide", "fdc", "scsi", "sata",
            "virtio-serial", "ccid", "usb", "pci", "xenbus", "isa");

    /** virDomainControllerModelTypeFromString: the models of each controller type (none for the others). */
    private static final Map<String, List<String>> CONTROLLER_MODELS = Map.of(
            "scsi", List.of("auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi", "virtio-scsi",
                    "lsisas1078", "virtio-transitional", "virtio-non-transitional", "ncr53c90", "dc390", "am53c974"),
            "usb", List.of("piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
                    "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2", "qemu-xhci", "none"),
            "pci", List.of("pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-to-pci-bridge",
                    "pcie-root-port", "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
                    "pcie-expander-bus"),
            "ide", List.of("piix3", "piix4", "ich6"),
            "virtio-serial", List.of("virtio", "virtio-transitional", "virtio-non-transitional"));

    private static void controller(XmlNode n) {
        String type = n.attr("type");
        if (type == null) {
            type = "ide";
        } else if (!CONTROLLER_TYPES.contains(type)) {
            throw Values.invalidAttr("controller", "type", type);
        }
        n.attr("type", type);
        String model = n.attr("model");
        if (model != null && !CONTROLLER_MODELS.getOrDefault(type, List.of()).contains(model)) {
            throw Values.unsupported("Unknown model type '" + model + "'");
        }
        String idx = n.attr("index");
        if (idx != null) {
            try {
                int i = Integer.parseInt(idx.trim());
                if (i < 0) {
                    throw new NumberFormatException();
                }
                n.attr("index", Integer.toString(i));
            } catch (NumberFormatException ex) {
                throw VirException.internalError(VirErrorDomain.DOMAIN,
                        "Cannot parse controller index " + idx);
            }
        }
        if (!"virtio-serial".equals(type)) {
            n.attr("vectors", null);
            if (!"usb".equals(type)) {
                n.attr("ports", null);
            }
        }
        if (!"xenbus".equals(type)) {
            n.attr("maxGrantFrames", null);
            n.attr("maxEventChannels", null);
        }
        XmlNode drv = n.child("driver");
        if (drv != null && drv.attrs().isEmpty()) {
            n.remove("driver");
        }
        CONTROLLER.sort(n);
    }

    // ------------------------------------------------------------------ interface

    static final List<String> NET_TYPES = List.of("user", "ethernet", "vhostuser", "server",
            "client", "mcast", "network", "bridge", "internal", "direct", "hostdev", "udp",
            "vdpa", "null", "vds");

    private static void iface(XmlNode n, XElem e, int flags) {
        String type = n.attr("type");
        if (type == null) {
            type = "user";
        } else if (!NET_TYPES.contains(type)) {
            throw Values.invalidAttr("interface", "type", type);
        }
        n.attr("type", type);
        IfaceChecks.checkModel(e);
        IfaceChecks.checkSource(type, e);
        IfaceChecks.checkDriverAndLink(type, e);
        XmlNode mac = n.child("mac");
        if (mac == null || mac.attr("address") == null) {
            byte[] r = new byte[3];
            new java.security.SecureRandom().nextBytes(r);
            String gen = String.format(Locale.ROOT, "52:54:00:%02x:%02x:%02x", r[0] & 0xff,
                    r[1] & 0xff, r[2] & 0xff);
            if (mac == null) {
                mac = new XmlNode("mac");
                n.children().add(0, mac);
            }
            mac.attr("address", gen);
        } else {
            String a = mac.attr("address");
            if (!a.matches("(?i)[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}")) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "unable to parse mac address '" + a + "'");
            }
            if ((Integer.parseInt(a.split(":")[0], 16) & 1) != 0) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "expected unicast mac address, found multicast '" + a + "'");
            }
            StringBuilder sb = new StringBuilder();
            for (String part : a.split(":")) {
                if (sb.length() > 0) {
                    sb.append(':');
                }
                sb.append(CNumbers.hex(Integer.parseInt(part, 16), 2));
            }
            mac.attr("address", sb.toString());
            MAC_SHAPE.sort(mac);
        }
        XmlNode src = n.child("source");
        if (src != null) {
            XmlNode s = new XmlNode("source");
            switch (type) {
                case "network" -> {
                    s.attr("network", src.attr("network"));
                    s.attr("portgroup", src.attr("portgroup"));
                    if ((flags & DomainDef.PARSE_INACTIVE) == 0) {
                        s.attr("portid", src.attr("portid"));
                    }
                }
                case "bridge" -> s.attr("bridge", src.attr("bridge"));
                case "direct" -> {
                    s.attr("dev", src.attr("dev"));
                    s.attr("mode", src.attr("mode") == null ? "vepa" : src.attr("mode"));
                }
                case "internal" -> s.attr("name", src.attr("name"));
                case "vdpa" -> s.attr("dev", src.attr("dev"));
                case "user" -> s.attr("dev", src.attr("dev"));
                case "vhostuser" -> {
                    s.attr("type", src.attr("type"));
                    s.attr("path", src.attr("path"));
                    s.attr("mode", src.attr("mode"));
                    XmlNode rc = src.child("reconnect");
                    if (rc != null) {
                        s.add(rc);
                    }
                }
                default -> {
                    for (var a : src.attrs().entrySet()) {
                        s.attr(a.getKey(), a.getValue());
                    }
                    src.children().forEach(s::add);
                }
            }
            for (XmlNode c : src.children()) {
                if ((c.name().equals("ip") || c.name().equals("route")) && !s.children().contains(c)) {
                    s.add(c);
                }
            }
            if (s.attrs().isEmpty() && s.children().isEmpty()) {
                n.remove("source");
            } else {
                n.children().set(n.children().indexOf(src), s);
            }
        } else if (List.of("network", "bridge", "internal", "direct", "vhostuser", "hostdev",
                "udp", "server", "client", "mcast", "vdpa").contains(type)) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "interface type='" + type + "' requires a 'source' element");
        }
        for (XmlNode holder : new XmlNode[] {n, n.child("source")}) {
            if (holder == null) {
                continue;
            }
            for (XmlNode ip : holder.children("ip")) {
                String addr = ip.attr("address");
                if (ip.attr("family") == null && addr != null) {
                    XmlNode fixed = new XmlNode("ip").attr("address", addr)
                            .attr("family", addr.contains(":") ? "ipv6" : "ipv4")
                            .attr("prefix", ip.attr("prefix")).attr("peer", ip.attr("peer"));
                    holder.children().set(holder.children().indexOf(ip), fixed);
                }
            }
        }
        XmlNode target = n.child("target");
        if (target != null) {
            String dev = target.attr("dev");
            if (dev != null && (flags & DomainDef.PARSE_INACTIVE) != 0
                    && (dev.startsWith("vnet") || dev.startsWith("macvtap") || dev.startsWith("macvlan"))) {
                target.attr("dev", null);
            }
            XmlNode t = new XmlNode("target").attr("dev", target.attr("dev")).attr("managed", target.attr("managed"));
            if (t.attrs().isEmpty()) {
                n.remove("target");
            } else {
                n.children().set(n.children().indexOf(target), t);
            }
        }
        XmlNode drv = n.child("driver");
        if (drv != null && drv.attrs().isEmpty() && drv.children().isEmpty()) {
            n.remove("driver");
        }
        IfaceChecks.checkMtu(e);
        IfaceChecks.normalise(n);
        INTERFACE.sort(n);
    }

    private static final Shape MAC_SHAPE = el("mac", "address type check");

    // ------------------------------------------------------------------ memballoon, video, input, graphics

    private static void memballoon(XmlNode n, XElem e) {
        String model = n.attr("model");
        if (model == null) {
            throw Values.xmlErr("Missing required attribute 'model' in element 'memballoon'");
        }
        if (!List.of("virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional")
                .contains(model)) {
            throw Values.invalidAttr(e, "model", model);
        }
        XmlNode drv = n.child("driver");
        if (drv != null && drv.attrs().isEmpty()) {
            n.remove("driver");
        }
        XmlNode stats = n.child("stats");
        if (stats != null && (stats.attr("period") == null || "0".equals(stats.attr("period")))) {
            n.remove("stats");
        }
    }

    private static final List<String> VIDEO_MODELS = List.of("default", "vga", "cirrus", "vmvga", "xen", "vbox",
            "qxl", "parallels", "virtio", "gop", "none", "bochs", "ramfb");

    private static void video(XmlNode n) {
        XmlNode model = n.child("model");
        String type = model == null ? null : model.attr("type");
        if (type != null && !VIDEO_MODELS.contains(type)) {
            throw Values.unsupported("unknown video model '" + type + "'");
        }
        if (model == null) {
            model = new XmlNode("model");
            n.add(model);
            Devices.sort(DeviceKind.VIDEO, n);
        }
        XmlNode drv = n.child("driver");
        if (drv != null && drv.attrs().isEmpty()) {
            n.remove("driver");
        }
    }

    private static void input(DomainDef d, XmlNode n) {
        String type = n.attr("type");
        if (type == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "missing input device type");
        }
        if (!List.of("mouse", "tablet", "keyboard", "passthrough", "evdev").contains(type)) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "unknown input device type '" + type + "'");
        }
        if (n.attr("bus") == null && !"evdev".equals(type)) {
            String bus;
            if ("hvm".equals(d.osType)) {
                bus = "mouse".equals(type) || "keyboard".equals(type) ? "ps2" : "usb";
                if ("passthrough".equals(type)) {
                    bus = "virtio";
                }
            } else {
                bus = "xen";
            }
            n.attr("bus", bus);
            INPUT_ATTRS.sort(n);
        }
        XmlNode drv = n.child("driver");
        if (drv != null && drv.attrs().isEmpty()) {
            n.remove("driver");
        }
        XmlNode src = n.child("source");
        if (src != null && src.attrs().isEmpty()) {
            n.remove("source");
        }
    }

    private static final Shape INPUT_ATTRS = el("input", "type bus model");

}
