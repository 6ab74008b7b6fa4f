package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capabilities of a node device (virNodeDevCapsDef), one class per type with
 * node_device_conf.c's parser (checks, error codes and texts, in its order) and formatter.
 * Types libvirt cannot parse at the top level (fc_host, vports, scsi_generic, mdev_types, vdpa,
 * vpd) fail as libvirt does. All immutable. Stateless helpers; safe from any thread.
 */
public final class NodeDeviceCaps {

    private NodeDeviceCaps() {
    }

    /** virNodeDevCapType, in libvirt's order. */
    static final List<String> TYPES = List.of("system", "pci", "usb_device", "usb", "net", "scsi_host",
            "scsi_target", "scsi", "storage", "fc_host", "vports", "scsi_generic", "drm", "mdev_types", "mdev",
            "ccw", "css", "vdpa", "ap_card", "ap_queue", "ap_matrix", "vpd");

    static final int SYSTEM = 0;
    static final int PCI = 1;
    static final int USB_DEV = 2;
    static final int USB_IF = 3;
    static final int NET = 4;
    static final int SCSI_HOST = 5;
    static final int SCSI_TARGET = 6;
    static final int SCSI = 7;
    static final int STORAGE = 8;
    static final int FC_HOST = 9;
    static final int VPORTS = 10;
    static final int DRM = 12;
    static final int MDEV_TYPES = 13;
    static final int MDEV = 14;
    static final int CCW = 15;
    static final int CSS = 16;
    static final int AP_CARD = 18;
    static final int AP_QUEUE = 19;
    static final int AP_MATRIX = 20;
    static final int VPD = 21;

    private static final List<String> NET_FEATURES = List.of("rx", "tx", "sg", "tso", "gso", "gro", "lro",
            "rxvlan", "txvlan", "ntuple", "rxhash", "rdma", "txudptnl", "switchdev");
    private static final List<String> NET_SUBTYPES = List.of("80203", "80211");
    private static final List<String> DRM_TYPES = List.of("primary", "control", "render");
    private static final List<String> PCI_HEADERS = List.of("endpoint", "pci-bridge", "cardbus-bridge");
    private static final List<String> PCIE_SPEEDS = List.of("", "2.5", "5", "8", "16", "32", "64");

    /** One capability. */
    public interface Cap {
        /** The virNodeDevCapType number. */
        int type();

        /** A nested capability this one carries (fc_host, vports, mdev_types, vpd). */
        default boolean hasNested(int nested) {
            return false;
        }

        /** The body between {@code <capability type='...'>} and its end tag. */
        void format(InterfaceXml.Out out);
    }

    static Cap parse(Element c, String dev, boolean create) {
        int type = InterfaceXml.propEnum(c, "type", TYPES, true, false);
        return switch (type) {
            case SYSTEM -> Sys.parse(c, dev);
            case PCI -> Pci.parse(c, dev);
            case USB_DEV -> UsbDev.parse(c, dev);
            case USB_IF -> UsbIf.parse(c, dev);
            case NET -> Net.parse(c, dev);
            case SCSI_HOST -> ScsiHost.parse(c, dev, create);
            case SCSI_TARGET -> ScsiTarget.parse(c, dev);
            case SCSI -> Scsi.parse(c, dev);
            case STORAGE -> Storage.parse(c, dev);
            case DRM -> Drm.parse(c, dev);
            case MDEV -> Mdev.parse(c, dev);
            case CCW -> Ccw.parse(c, dev);
            case CSS -> Css.parse(c, dev);
            case AP_CARD -> new ApCard(apAdapter(c, dev));
            case AP_QUEUE -> ApQueue.parse(c, dev);
            case AP_MATRIX -> ApMatrix.parse(c);
            default -> throw internal("unknown capability type '" + type + "' for '" + dev + "'");
        };
    }

    // ---- shared parsing helpers

    private static VirException internal(String detail) {
        return VirException.internalError(VirErrorDomain.NODEDEV, detail);
    }

    private static VirException unsupported(String detail) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.NODEDEV, detail);
    }

    private static VirException xml(String detail) {
        return InterfaceXml.xmlError(VirErrorDomain.NODEDEV, detail);
    }

    /** virNodeDevCapsDefParseUInt: "no X supplied for 'dev'" / "invalid X supplied for 'dev'". */
    private static long uint(Element c, String what, String dev, int base, String... path) {
        String s = InterfaceXml.text(c, path);
        if (s == null) {
            throw internal("no " + what + " supplied for '" + dev + "'");
        }
        Long v = CNumbers.strToUIntP(s, base);
        if (v == null) {
            throw internal("invalid " + what + " supplied for '" + dev + "'");
        }
        return v;
    }

    /** virNodeDevCapsDefParseHexId on {@code ./el[1]/@id}. */
    private static long hexId(Element c, String el, String what, String dev) {
        Element first = InterfaceXml.first(c, el);
        String s = first == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(first, "id"));
        if (s == null) {
            throw internal("no " + what + " supplied for '" + dev + "'");
        }
        Long v = CNumbers.strToUIntP(s, 16);
        if (v == null) {
            throw internal("invalid " + what + " supplied for '" + dev + "'");
        }
        return v;
    }

    /** virNodeDevCapsDefParseULongLong. */
    private static long ulonglong(Element c, String el, String missing, String invalid) {
        String s = InterfaceXml.text(c, el);
        if (s == null) {
            throw internal(missing);
        }
        Long v = CNumbers.strToULongLongP(s, 10);
        if (v == null) {
            throw internal(invalid);
        }
        return v;
    }

    private static String u32(long v) {
        return Long.toString(v & 0xffffffffL);
    }

    /** C's {@code %d} of an unsigned int. */
    private static String d32(long v) {
        return Integer.toString((int) v);
    }

    // ---- system

    /** The host system: product, hardware (vendor, version, serial, UUID) and firmware. */
    record Sys(String product, String hwVendor, String hwVersion, String hwSerial, String uuid,
                  String fwVendor, String fwVersion, String fwDate) implements Cap {
        static Sys parse(Element c, String dev) {
            String product = InterfaceXml.text(c, "product");
            String vendor = InterfaceXml.text(c, "hardware", "vendor");
            String version = InterfaceXml.text(c, "hardware", "version");
            String serial = InterfaceXml.text(c, "hardware", "serial");
            String uuid = InterfaceXml.text(c, "hardware", "uuid");
            if (uuid == null) {
                throw internal("no system UUID supplied for '" + dev + "'");
            }
            String canonical = InterfaceXml.canonicalUuid(uuid);
            if (canonical == null) {
                throw internal("malformed uuid element for '" + dev + "'");
            }
            return new Sys(product, vendor, version, serial, canonical, InterfaceXml.text(c, "firmware", "vendor"),
                    InterfaceXml.text(c, "firmware", "version"), InterfaceXml.text(c, "firmware", "release_date"));
        }

        @Override
        public int type() {
            return SYSTEM;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.text("product", product);
            out.open("<hardware>");
            out.text("vendor", hwVendor).text("version", hwVersion).text("serial", hwSerial);
            out.line("<uuid>" + uuid + "</uuid>");
            out.close("</hardware>");
            out.open("<firmware>");
            out.text("vendor", fwVendor).text("version", fwVersion).text("release_date", fwDate);
            out.close("</firmware>");
        }
    }

    // ---- PCI

    /** A PCI address of a node device capability (virPCIDeviceAddress). */
    record PciAddr(long domain, long bus, long slot, long function) {
        /** virPCIDeviceAddressParseXML. */
        static PciAddr parse(Element a) {
            long domain = Math.max(InterfaceXml.propUInt(a, "domain", 0, false), 0);
            long bus = Math.max(InterfaceXml.propUInt(a, "bus", 0, false), 0);
            long slot = Math.max(InterfaceXml.propUInt(a, "slot", 0, false), 0);
            long function = Math.max(InterfaceXml.propUInt(a, "function", 0, false), 0);
            InterfaceXml.propEnum(a, "multifunction", List.of("absent", "on", "off"), false, true);
            boolean empty = domain == 0 && bus == 0 && slot == 0;
            if (!empty) {
                if (bus > 0xff) {
                    throw pciErr("Invalid PCI address bus='0x" + Long.toHexString(bus) + "', must be <= 0xFF");
                }
                if (slot > 0x1f) {
                    throw pciErr("Invalid PCI address slot='0x" + Long.toHexString(slot) + "', must be <= 0x1F");
                }
                if (function > 7) {
                    throw pciErr("Invalid PCI address function=0x" + Long.toHexString(function) + ", must be <= 7");
                }
            }
            return new PciAddr(domain, bus, slot, function);
        }

        private static VirException pciErr(String detail) {
            return InterfaceXml.xmlError(VirErrorDomain.NONE, detail);
        }

        String format() {
            return "<address domain='0x" + CNumbers.hex(domain, 4) + "' bus='0x" + CNumbers.hex(bus, 2) + "' slot='0x"
                    + CNumbers.hex(slot, 2) + "' function='0x" + d32(function) + "'/>";
        }
    }

    /** One mediated device type (virMediatedDeviceType). */
    record MdevType(String id, String name, String deviceApi, long available) {
    }

    /** virNodeDevCapMdevTypesParseXML. */
    private static List<MdevType> parseMdevTypes(Element cap) {
        List<MdevType> out = new ArrayList<>();
        for (Element t : InterfaceXml.children(cap, "type")) {
            String id = InterfaceXml.nonEmpty(InterfaceXml.prop(t, "id"));
            if (id == null) {
                throw xml("missing 'id' attribute for mediated device's <type> element");
            }
            String api = InterfaceXml.text(t, "deviceAPI");
            if (api == null) {
                throw xml("missing device API for mediated device type '" + id + "'");
            }
            Long avail = CNumbers.strToUIntP(InterfaceXml.text(t, "availableInstances"), 10);
            if (avail == null) {
                throw xml("missing number of available instances for mediated device type '" + id + "'");
            }
            out.add(new MdevType(id, InterfaceXml.text(t, "name"), api, avail));
        }
        return out;
    }

    /** virNodeDeviceCapMdevTypesFormat: nothing without types. */
    private static void formatMdevTypes(InterfaceXml.Out out, List<MdevType> types) {
        if (types.isEmpty()) {
            return;
        }
        out.open("<capability type='mdev_types'>");
        for (MdevType t : types) {
            out.open("<type id='" + InterfaceXml.escape(t.id()) + "'>");
            out.text("name", t.name());
            out.line("<deviceAPI>" + InterfaceXml.escape(t.deviceApi()) + "</deviceAPI>");
            out.line("<availableInstances>" + t.available() + "</availableInstances>");
            out.close("</type>");
        }
        out.close("</capability>");
    }

    /** A PCI Express link (virPCIELink): port -1 = none, speed index 0 = none. */
    record PcieLink(int port, int speed, long width) {
        static PcieLink parse(Element l) {
            long width = InterfaceXml.propUInt(l, "width", 0, true);
            int speed = Math.max(InterfaceXml.propEnum(l, "speed", PCIE_SPEEDS, false, false), 0);
            int port = InterfaceXml.propInt(l, "port", 10, -1);
            return new PcieLink(port, speed, width);
        }

        void format(InterfaceXml.Out out, String validity) {
            StringBuilder sb = new StringBuilder("<link validity='").append(validity).append('\'');
            if (port >= 0) {
                sb.append(" port='").append(port).append('\'');
            }
            if (speed != 0) {
                sb.append(" speed='").append(PCIE_SPEEDS.get(speed)).append('\'');
            }
            sb.append(" width='").append(d32(width)).append("'/>");
            out.line(sb.toString());
        }
    }

    /** PCI VPD (virPCIVPDResource): name and the read-only / read-write field sections. */
    record Vpd(String name, Map<String, String> ro, Map<Character, String> roVendor, Map<String, String> rw,
               Map<Character, String> rwVendor, Map<Character, String> rwSystem, boolean hasRo, boolean hasRw) {
        static Vpd parse(Element cap) {
            String name = InterfaceXml.text(cap, "name");
            if (name == null) {
                throw xml("Could not read a device name from the <name> element");
            }
            Map<String, String> ro = new LinkedHashMap<>();
            Map<Character, String> roVendor = new LinkedHashMap<>();
            Map<String, String> rw = new LinkedHashMap<>();
            Map<Character, String> rwVendor = new LinkedHashMap<>();
            Map<Character, String> rwSystem = new LinkedHashMap<>();
            boolean hasRo = false;
            boolean hasRw = false;
            for (Element f : InterfaceXml.children(cap, "fields")) {
                if (f.getAttributeNode("access") == null) {
                    continue;
                }
                String access = InterfaceXml.nonEmpty(InterfaceXml.prop(f, "access"));
                if (access == null) {
                    throw xml("VPD fields access type parsing has failed");
                }
                if (access.equals("readonly")) {
                    hasRo = true;
                    ro.clear();
                    roVendor.clear();
                    for (String k : List.of("change_level", "manufacture_id", "serial_number", "part_number")) {
                        ro.put(k, InterfaceXml.text(f, k));
                    }
                    custom(f, "vendor_field", roVendor);
                } else if (access.equals("readwrite")) {
                    hasRw = true;
                    rw.clear();
                    rwVendor.clear();
                    rwSystem.clear();
                    rw.put("asset_tag", InterfaceXml.text(f, "asset_tag"));
                    custom(f, "vendor_field", rwVendor);
                    custom(f, "system_field", rwSystem);
                } else {
                    throw xml("Unsupported VPD field access type specified " + access);
                }
            }
            return new Vpd(name, ro, roVendor, rw, rwVendor, rwSystem, hasRo, hasRw);
        }

        private static void custom(Element f, String el, Map<Character, String> into) {
            for (Element v : InterfaceXml.children(f, el)) {
                if (v.getAttributeNode("index") == null) {
                    continue;
                }
                String index = InterfaceXml.nonEmpty(InterfaceXml.prop(v, "index"));
                String value = InterfaceXml.nonEmpty(v.getTextContent());
                if (index == null || index.length() > 1 || value == null) {
                    continue;
                }
                into.put(index.charAt(0), value);
            }
        }

        void format(InterfaceXml.Out out) {
            out.open("<capability type='vpd'>");
            out.text("name", name);
            if (hasRo) {
                out.open("<fields access='readonly'>");
                for (String k : List.of("change_level", "manufacture_id", "part_number", "serial_number")) {
                    if (ro.get(k) != null) {
                        out.line("<" + k + ">" + ro.get(k) + "</" + k + ">");
                    }
                }
                roVendor.forEach((i, v) -> out.line("<vendor_field index='" + i + "'>" + v + "</vendor_field>"));
                out.close("</fields>");
            }
            if (hasRw) {
                out.open("<fields access='readwrite'>");
                if (rw.get("asset_tag") != null) {
                    out.line("<asset_tag>" + rw.get("asset_tag") + "</asset_tag>");
                }
                rwVendor.forEach((i, v) -> out.line("<vendor_field index='" + i + "'>" + v + "</vendor_field>"));
                rwSystem.forEach((i, v) -> out.line("<system_field index='" + i + "'>" + v + "</system_field>"));
                out.close("</fields>");
            }
            out.close("</capability>");
        }
    }

    /** A PCI device. */
    static final class Pci implements Cap {
        int klass = -1;
        long domain;
        long bus;
        long slot;
        long function;
        long vendor;
        long product;
        String vendorName;
        String productName;
        PciAddr physFunction;
        boolean virtFunctions;
        long maxVirtFunctions;
        final List<PciAddr> vfs = new ArrayList<>();
        int hdrType;
        boolean mdev;
        List<MdevType> mdevTypes = new ArrayList<>();
        Vpd vpd;
        boolean iommu;
        long iommuGroup;
        final List<PciAddr> iommuDevices = new ArrayList<>();
        int numaNode = -1;
        boolean pcie;
        PcieLink linkCap;
        PcieLink linkSta;

        static Pci parse(Element c, String dev) {
            Pci p = new Pci();
            String cls = InterfaceXml.text(c, "class");
            if (cls != null) {
                Integer k = CNumbers.strToInt(cls, 16);
                if (k == null || k > 0xffffff) {
                    throw internal("invalid PCI class supplied for '" + dev + "'");
                }
                p.klass = k;
            }
            p.domain = uint(c, "PCI domain ID", dev, 10, "domain");
            p.bus = uint(c, "PCI bus ID", dev, 10, "bus");
            p.slot = uint(c, "PCI slot ID", dev, 10, "slot");
            p.function = uint(c, "PCI function ID", dev, 10, "function");
            p.vendor = hexId(c, "vendor", "PCI vendor ID", dev);
            p.product = hexId(c, "product", "PCI product ID", dev);
            p.vendorName = InterfaceXml.text(c, "vendor");
            p.productName = InterfaceXml.text(c, "product");
            for (Element sub : InterfaceXml.children(c, "capability")) {
                p.parseSub(sub);
            }
            Element iommu = InterfaceXml.first(c, "iommuGroup");
            if (iommu != null) {
                p.iommuGroup = InterfaceXml.propUInt(iommu, "number", 10, true);
                for (Element a : InterfaceXml.children(iommu, "address")) {
                    p.iommuDevices.add(PciAddr.parse(a));
                }
            }
            Element numa = InterfaceXml.first(c, "numa");
            String node = numa == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(numa, "node"));
            if (node != null) {
                Integer n = CNumbers.strToInt(node, 10);
                if (n == null) {
                    throw internal("invalid NUMA node ID supplied for '" + dev + "'");
                }
                p.numaNode = n;
            }
            Element pcieEl = InterfaceXml.first(c, "pci-express");
            if (pcieEl != null) {
                for (Element l : InterfaceXml.children(pcieEl, "link")) {
                    if ("cap".equals(InterfaceXml.prop(l, "validity")) && p.linkCap == null) {
                        p.linkCap = PcieLink.parse(l);
                    }
                }
                for (Element l : InterfaceXml.children(pcieEl, "link")) {
                    if ("sta".equals(InterfaceXml.prop(l, "validity")) && p.linkSta == null) {
                        p.linkSta = PcieLink.parse(l);
                    }
                }
                p.pcie = true;
            }
            return p;
        }

        private void parseSub(Element sub) {
            String type = InterfaceXml.prop(sub, "type");
            if (type == null) {
                throw xml("Missing capability type");
            }
            switch (type) {
                case "phys_function" -> {
                    Element a = InterfaceXml.first(sub, "address");
                    if (a == null) {
                        throw xml("Missing address in 'phys_function' capability");
                    }
                    physFunction = PciAddr.parse(a);
                }
                case "virt_functions" -> {
                    String max = InterfaceXml.nonEmpty(InterfaceXml.prop(sub, "maxCount"));
                    if (max != null) {
                        Long m = CNumbers.strToUIntP(max, 10);
                        if (m == null) {
                            throw xml("Malformed 'maxCount' parameter");
                        }
                        maxVirtFunctions = m;
                    }
                    for (Element a : InterfaceXml.children(sub, "address")) {
                        vfs.add(PciAddr.parse(a));
                    }
                    virtFunctions = true;
                }
                case "mdev_types" -> {
                    mdevTypes = new ArrayList<>(mdevTypes);
                    mdevTypes.addAll(parseMdevTypes(sub));
                    mdev = true;
                }
                case "vpd" -> vpd = Vpd.parse(sub);
                default -> {
                    int h = PCI_HEADERS.indexOf(type);
                    if (h > 0 && hdrType == 0) {
                        hdrType = h;
                    }
                }
            }
        }

        @Override
        public int type() {
            return PCI;
        }

        @Override
        public boolean hasNested(int nested) {
            return (nested == MDEV_TYPES && mdev) || (nested == VPD && vpd != null);
        }

        @Override
        public void format(InterfaceXml.Out out) {
            if (klass >= 0) {
                out.line("<class>0x" + CNumbers.hex(klass, 6) + "</class>");
            }
            out.line("<domain>" + d32(domain) + "</domain>");
            out.line("<bus>" + u32(bus) + "</bus>");
            out.line("<slot>" + u32(slot) + "</slot>");
            out.line("<function>" + u32(function) + "</function>");
            out.line("<product id='0x" + CNumbers.hex(product, 4) + "'"
                    + (productName != null ? ">" + InterfaceXml.escape(productName) + "</product>" : "/>"));
            out.line("<vendor id='0x" + CNumbers.hex(vendor, 4) + "'"
                    + (vendorName != null ? ">" + InterfaceXml.escape(vendorName) + "</vendor>" : "/>"));
            if (physFunction != null) {
                out.open("<capability type='phys_function'>");
                out.line(physFunction.format());
                out.close("</capability>");
            }
            if (virtFunctions) {
                String head = "<capability type='virt_functions'"
                        + (maxVirtFunctions != 0 ? " maxCount='" + maxVirtFunctions + "'" : "");
                if (vfs.isEmpty()) {
                    out.line(head + "/>");
                } else {
                    out.open(head + ">");
                    for (PciAddr a : vfs) {
                        out.line(a.format());
                    }
                    out.close("</capability>");
                }
            }
            if (hdrType != 0) {
                out.line("<capability type='" + PCI_HEADERS.get(hdrType) + "'/>");
            }
            if (mdev) {
                formatMdevTypes(out, mdevTypes);
            }
            if (vpd != null) {
                vpd.format(out);
            }
            if (!iommuDevices.isEmpty()) {
                out.open("<iommuGroup number='" + d32(iommuGroup) + "'>");
                for (PciAddr a : iommuDevices) {
                    out.line(a.format());
                }
                out.close("</iommuGroup>");
            }
            if (numaNode >= 0) {
                out.line("<numa node='" + numaNode + "'/>");
            }
            if (pcie) {
                if (linkCap == null && linkSta == null) {
                    out.line("<pci-express/>");
                } else {
                    out.open("<pci-express>");
                    if (linkCap != null) {
                        linkCap.format(out, "cap");
                    }
                    if (linkSta != null) {
                        linkSta.format(out, "sta");
                    }
                    out.close("</pci-express>");
                }
            }
        }
    }

    // ---- USB

    /** A USB device. */
    record UsbDev(long bus, long device, long vendor, long product, String vendorName, String productName)
            implements Cap {
        static UsbDev parse(Element c, String dev) {
            long bus = uint(c, "USB bus number", dev, 10, "bus");
            long device = uint(c, "USB device number", dev, 10, "device");
            long vendor = hexId(c, "vendor", "USB vendor ID", dev);
            long product = hexId(c, "product", "USB product ID", dev);
            return new UsbDev(bus, device, vendor, product, InterfaceXml.text(c, "vendor"),
                    InterfaceXml.text(c, "product"));
        }

        @Override
        public int type() {
            return USB_DEV;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<bus>" + d32(bus) + "</bus>");
            out.line("<device>" + d32(device) + "</device>");
            out.line("<product id='0x" + CNumbers.hex(product, 4) + "'"
                    + (productName != null ? ">" + InterfaceXml.escape(productName) + "</product>" : " />"));
            out.line("<vendor id='0x" + CNumbers.hex(vendor, 4) + "'"
                    + (vendorName != null ? ">" + InterfaceXml.escape(vendorName) + "</vendor>" : " />"));
        }
    }

    /** A USB interface. */
    record UsbIf(long number, long klass, long subclass, long protocol, String description) implements Cap {
        static UsbIf parse(Element c, String dev) {
            return new UsbIf(uint(c, "USB interface number", dev, 10, "number"),
                    uint(c, "USB interface class", dev, 10, "class"),
                    uint(c, "USB interface subclass", dev, 10, "subclass"),
                    uint(c, "USB interface protocol", dev, 10, "protocol"),
                    InterfaceXml.text(c, "description"));
        }

        @Override
        public int type() {
            return USB_IF;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<number>" + d32(number) + "</number>");
            out.line("<class>" + d32(klass) + "</class>");
            out.line("<subclass>" + d32(subclass) + "</subclass>");
            out.line("<protocol>" + d32(protocol) + "</protocol>");
            out.text("description", description);
        }
    }

    // ---- net

    /** A network interface: name, address, link, offload features, 80203/80211 subtype (-1 = none). */
    record Net(String ifname, String address, InterfaceXml.Link link, boolean[] features, int subtype)
            implements Cap {
        static Net parse(Element c, String dev) {
            String ifname = InterfaceXml.text(c, "interface");
            if (ifname == null) {
                throw internal("no network interface supplied for '" + dev + "'");
            }
            String address = InterfaceXml.text(c, "address");
            boolean[] features = null;
            List<Element> fs = InterfaceXml.children(c, "feature");
            if (!fs.isEmpty()) {
                features = new boolean[NET_FEATURES.size()];
            }
            for (Element f : fs) {
                String n = InterfaceXml.prop(f, "name");
                if (n == null) {
                    throw xml("missing network device feature name");
                }
                int idx = NET_FEATURES.indexOf(n);
                if (idx < 0) {
                    throw xml("unknown network device feature '" + n + "'");
                }
                features[idx] = true;
            }
            int subtype = -1;
            String type = InterfaceXml.pathAttr(c, "type", "capability");
            if (type != null) {
                subtype = NET_SUBTYPES.indexOf(type);
                if (subtype < 0) {
                    throw unsupported("invalid network type supplied for '" + dev + "'");
                }
            }
            InterfaceXml.Link link = InterfaceXml.Link.parse(InterfaceXml.first(c, "link"));
            return new Net(ifname, address, link, features, subtype);
        }

        @Override
        public int type() {
            return NET;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<interface>" + InterfaceXml.escape(ifname) + "</interface>");
            out.text("address", address);
            link.format(out);
            if (features != null) {
                for (int i = 0; i < features.length; i++) {
                    if (features[i]) {
                        out.line("<feature name='" + NET_FEATURES.get(i) + "'/>");
                    }
                }
            }
            if (subtype >= 0) {
                out.line("<capability type='" + NET_SUBTYPES.get(subtype) + "'/>");
            }
        }
    }

    // ---- SCSI

    /**
     * A SCSI host adapter: host number, unique id (-1 = none), fc_host (WWNs, fabric) and
     * vport_ops (counts are not read from XML, so they print as 0 as in libvirt).
     */
    public record ScsiHost(long host, int uniqueId, boolean fcHost, String wwnn, String wwpn, String fabricWwn,
                           boolean vportOps) implements Cap {
        static ScsiHost parse(Element c, String dev, boolean create) {
            long host = 0;
            int uniqueId = 0;
            if (!create) {
                host = uint(c, "SCSI host ID", dev, 10, "host");
                uniqueId = -1;
                String u = InterfaceXml.text(c, "unique_id");
                if (u != null) {
                    Integer v = CNumbers.strToInt(u, 10);
                    if (v == null) {
                        throw internal("invalid unique_id supplied for '" + dev + "'");
                    }
                    uniqueId = v;
                }
            }
            boolean fc = false;
            boolean vport = false;
            String wwnn = null;
            String wwpn = null;
            String fabric = null;
            for (Element sub : InterfaceXml.children(c, "capability")) {
                String type = InterfaceXml.prop(sub, "type");
                if (type == null) {
                    throw internal("missing SCSI host capability type for '" + dev + "'");
                }
                if (type.equals("vport_ops")) {
                    vport = true;
                } else if (type.equals("fc_host")) {
                    fc = true;
                    wwnn = InterfaceXml.text(sub, "wwnn");
                    if (wwnn == null) {
                        throw internal("no WWNN supplied for '" + dev + "', and auto-generation failed");
                    }
                    wwpn = InterfaceXml.text(sub, "wwpn");
                    if (wwpn == null) {
                        throw internal("no WWPN supplied for '" + dev + "', and auto-generation failed");
                    }
                    fabric = InterfaceXml.text(sub, "fabric_wwn");
                } else {
                    throw internal("unknown SCSI host capability type '" + type + "' for '" + dev + "'");
                }
            }
            return new ScsiHost(host, uniqueId, fc, wwnn, wwpn, fabric, vport);
        }

        /** The mock vHBA's copy: new WWNs for fc_host, else host and unique_id one up. */
        ScsiHost forVport(String newWwnn, String newWwpn) {
            if (fcHost) {
                return new ScsiHost(host, uniqueId, true, newWwnn, newWwpn, fabricWwn, vportOps);
            }
            return new ScsiHost((host + 1) & 0xffffffffL, uniqueId + 1, false, wwnn, wwpn, fabricWwn, vportOps);
        }

        @Override
        public int type() {
            return SCSI_HOST;
        }

        @Override
        public boolean hasNested(int nested) {
            return (nested == FC_HOST && fcHost) || (nested == VPORTS && vportOps);
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<host>" + d32(host) + "</host>");
            if (uniqueId != -1) {
                out.line("<unique_id>" + uniqueId + "</unique_id>");
            }
            if (fcHost) {
                out.open("<capability type='fc_host'>");
                out.text("wwnn", wwnn).text("wwpn", wwpn).text("fabric_wwn", fabricWwn);
                out.close("</capability>");
            }
            if (vportOps) {
                out.open("<capability type='vport_ops'>");
                out.line("<max_vports>0</max_vports>");
                out.line("<vports>0</vports>");
                out.close("</capability>");
            }
        }
    }

    /** A SCSI target, optionally an FC remote port. */
    record ScsiTarget(String name, boolean rport, String rportName, String wwpn) implements Cap {
        static ScsiTarget parse(Element c, String dev) {
            String name = InterfaceXml.text(c, "target");
            if (name == null) {
                throw internal("no target name supplied for '" + dev + "'");
            }
            boolean rp = false;
            String rport = null;
            String wwpn = null;
            for (Element sub : InterfaceXml.children(c, "capability")) {
                String type = InterfaceXml.prop(sub, "type");
                if (type == null) {
                    throw internal("missing type for SCSI target capability for '" + dev + "'");
                }
                if (!type.equals("fc_remote_port")) {
                    throw internal("unknown SCSI target capability type '" + type + "' for '" + dev + "'");
                }
                rp = true;
                rport = InterfaceXml.text(sub, "rport");
                if (rport == null) {
                    throw internal("missing rport name for '" + dev + "'");
                }
                wwpn = InterfaceXml.text(sub, "wwpn");
                if (wwpn == null) {
                    throw internal("missing wwpn identifier for '" + dev + "'");
                }
            }
            return new ScsiTarget(name, rp, rport, wwpn);
        }

        @Override
        public int type() {
            return SCSI_TARGET;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<target>" + InterfaceXml.escape(name) + "</target>");
            if (rport) {
                out.open("<capability type='fc_remote_port'>");
                out.line("<rport>" + rportName + "</rport>");
                out.line("<wwpn>" + wwpn + "</wwpn>");
                out.close("</capability>");
            }
        }
    }

    /** A SCSI device (LUN). */
    record Scsi(long host, long bus, long target, long lun, String scsiType) implements Cap {
        static Scsi parse(Element c, String dev) {
            return new Scsi(uint(c, "SCSI host ID", dev, 10, "host"), uint(c, "SCSI bus ID", dev, 10, "bus"),
                    uint(c, "SCSI target ID", dev, 10, "target"), uint(c, "SCSI LUN ID", dev, 10, "lun"),
                    InterfaceXml.text(c, "type"));
        }

        @Override
        public int type() {
            return SCSI;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<host>" + d32(host) + "</host>");
            out.line("<bus>" + d32(bus) + "</bus>");
            out.line("<target>" + d32(target) + "</target>");
            out.line("<lun>" + d32(lun) + "</lun>");
            out.text("type", scsiType);
        }
    }

    /** A block storage device, removable or fixed, maybe hotpluggable. */
    record Storage(String block, String bus, String driveType, String model, String vendor, String serial,
                   boolean removable, boolean mediaAvailable, String mediaLabel, long mediaSize, long size,
                   boolean hotpluggable, long logicalBlockSize, long numBlocks) implements Cap {
        /** This capability with a host's block facts (libvirt never parses them from XML). */
        Storage withBlocks(long lbs, long blocks) {
            return new Storage(block, bus, driveType, model, vendor, serial, removable, mediaAvailable, mediaLabel,
                    mediaSize, size, hotpluggable, lbs, blocks);
        }

        private void formatBlocks(InterfaceXml.Out out) {
            if (logicalBlockSize != 0) {
                out.line("<logical_block_size>" + Long.toUnsignedString(logicalBlockSize) + "</logical_block_size>");
            }
            if (numBlocks != 0) {
                out.line("<num_blocks>" + Long.toUnsignedString(numBlocks) + "</num_blocks>");
            }
        }

        static Storage parse(Element c, String dev) {
            String block = InterfaceXml.text(c, "block");
            if (block == null) {
                throw internal("no block device path supplied for '" + dev + "'");
            }
            boolean removable = false;
            boolean available = false;
            boolean hotplug = false;
            String label = null;
            long mediaSize = 0;
            for (Element sub : InterfaceXml.children(c, "capability")) {
                String type = InterfaceXml.prop(sub, "type");
                if (type == null) {
                    throw internal("missing storage capability type for '" + dev + "'");
                }
                if (type.equals("hotpluggable")) {
                    hotplug = true;
                } else if (type.equals("removable")) {
                    removable = true;
                    for (Element m : InterfaceXml.children(sub, "media_available")) {
                        if ("1".equals(m.getTextContent())) {
                            available = true;
                        }
                    }
                    label = InterfaceXml.text(sub, "media_label");
                    mediaSize = ulonglong(sub, "media_size", "no removable media size supplied for '" + dev + "'",
                            "invalid removable media size supplied for '" + dev + "'");
                } else {
                    throw internal("unknown storage capability type '" + type + "' for '" + dev + "'");
                }
            }
            long size = 0;
            if (!removable) {
                size = ulonglong(c, "size", "no size supplied for '" + dev + "'",
                        "invalid size supplied for '" + dev + "'");
            }
            return new Storage(block, InterfaceXml.text(c, "bus"), InterfaceXml.text(c, "drive_type"),
                    InterfaceXml.text(c, "model"), InterfaceXml.text(c, "vendor"), InterfaceXml.text(c, "serial"),
                    removable, available, label, mediaSize, size, hotplug, 0, 0);
        }

        @Override
        public int type() {
            return STORAGE;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<block>" + InterfaceXml.escape(block) + "</block>");
            out.text("bus", bus).text("drive_type", driveType).text("model", model).text("vendor", vendor)
                    .text("serial", serial);
            if (removable) {
                out.open("<capability type='removable'>");
                out.line("<media_available>" + (mediaAvailable ? 1 : 0) + "</media_available>");
                out.line("<media_size>" + Long.toUnsignedString(mediaSize) + "</media_size>");
                out.text("media_label", mediaLabel);
                formatBlocks(out);
                out.close("</capability>");
            } else {
                out.line("<size>" + Long.toUnsignedString(size) + "</size>");
                formatBlocks(out);
            }
            if (hotpluggable) {
                out.line("<capability type='hotpluggable'/>");
            }
        }
    }

    // ---- drm, mdev

    /** A DRM device: primary, control or render. */
    record Drm(int drmType) implements Cap {
        static Drm parse(Element c, String dev) {
            String type = InterfaceXml.text(c, "type");
            int t = type == null ? -1 : DRM_TYPES.indexOf(type);
            if (t < 0) {
                throw unsupported("unknown drm type '" + (type == null ? "(null)" : type) + "' for '" + dev + "'");
            }
            return new Drm(t);
        }

        @Override
        public int type() {
            return DRM;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<type>" + DRM_TYPES.get(drmType) + "</type>");
        }
    }

    /** A mediated device: type, UUID, IOMMU group and attributes. */
    record Mdev(String mdevType, String uuid, long iommuGroup, List<String[]> attrs) implements Cap {
        static Mdev parse(Element c, String dev) {
            Element firstType = InterfaceXml.first(c, "type");
            String type = firstType == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(firstType, "id"));
            if (type == null) {
                throw unsupported("missing type id attribute for '" + dev + "'");
            }
            String uuid = InterfaceXml.text(c, "uuid");
            if (uuid != null) {
                String canonical = InterfaceXml.canonicalUuid(uuid);
                if (canonical == null) {
                    throw internal("Invalid uuid '" + uuid + "' for new mdev device");
                }
                uuid = canonical;
            }
            long group = 0;
            Element g = InterfaceXml.first(c, "iommuGroup");
            String num = g == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(g, "number"));
            if (num != null) {
                Long n = CNumbers.strToUIntP(num, 10);
                if (n == null) {
                    throw internal("invalid iommuGroup number attribute for '" + dev + "'");
                }
                group = n;
            }
            List<String[]> attrs = new ArrayList<>();
            for (Element a : InterfaceXml.children(c, "attr")) {
                String n = InterfaceXml.nonEmpty(InterfaceXml.prop(a, "name"));
                String v = InterfaceXml.nonEmpty(InterfaceXml.prop(a, "value"));
                if (n != null && v != null) {
                    attrs.add(new String[] {n, v});
                }
            }
            return new Mdev(type, uuid, group, attrs);
        }

        @Override
        public int type() {
            return MDEV;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<type id='" + InterfaceXml.escape(mdevType) + "'/>");
            out.text("uuid", uuid);
            out.line("<iommuGroup number='" + iommuGroup + "'/>");
            for (String[] a : attrs) {
                out.line("<attr name='" + a[0] + "' value='" + a[1] + "'/>");
            }
        }
    }

    // ---- s390: ccw, css, ap

    /** A CCW device address (cssid, ssid, devno). */
    record CcwAddr(long cssid, long ssid, long devno) {
        static CcwAddr parse(Element c, String dev) {
            return new CcwAddr(ccwField(c, "cssid", 0, dev), ccwField(c, "ssid", 0, dev),
                    ccwField(c, "devno", 16, dev));
        }

        private static long ccwField(Element c, String el, int base, String dev) {
            String s = InterfaceXml.text(c, el);
            if (s == null) {
                throw unsupported("missing " + el + " value for '" + dev + "'");
            }
            Long v = CNumbers.strToUIntP(s, base);
            if (v == null) {
                throw unsupported("invalid " + el + " value '" + s + "' for '" + dev + "'");
            }
            return v;
        }

        void format(InterfaceXml.Out out) {
            out.line("<cssid>0x" + Long.toHexString(cssid) + "</cssid>");
            out.line("<ssid>0x" + Long.toHexString(ssid) + "</ssid>");
            out.line("<devno>0x" + CNumbers.hex(devno, 4) + "</devno>");
        }
    }

    /** A CCW device. */
    record Ccw(CcwAddr addr) implements Cap {
        static Ccw parse(Element c, String dev) {
            return new Ccw(CcwAddr.parse(c, dev));
        }

        @Override
        public int type() {
            return CCW;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            addr.format(out);
        }
    }

    /** A channel subsystem device: its address, the channel device's address, mdev types. */
    record Css(CcwAddr addr, CcwAddr channel, boolean mdev, List<MdevType> mdevTypes) implements Cap {
        static Css parse(Element c, String dev) {
            CcwAddr addr = CcwAddr.parse(c, dev);
            boolean mdev = false;
            List<MdevType> types = new ArrayList<>();
            for (Element sub : InterfaceXml.children(c, "capability")) {
                String type = InterfaceXml.prop(sub, "type");
                if (type == null) {
                    throw xml("Missing capability type");
                }
                if (type.equals("mdev_types")) {
                    types.addAll(parseMdevTypes(sub));
                    mdev = true;
                }
            }
            Element ch = InterfaceXml.first(c, "channel_dev_addr");
            CcwAddr channel = ch == null ? null : CcwAddr.parse(ch, dev);
            return new Css(addr, channel, mdev, types);
        }

        @Override
        public int type() {
            return CSS;
        }

        @Override
        public boolean hasNested(int nested) {
            return nested == MDEV_TYPES && mdev;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            addr.format(out);
            if (channel != null) {
                out.open("<channel_dev_addr>");
                channel.format(out);
                out.close("</channel_dev_addr>");
            }
            if (mdev) {
                formatMdevTypes(out, mdevTypes);
            }
        }
    }

    private static long apAdapter(Element c, String dev) {
        String s = InterfaceXml.text(c, "ap-adapter");
        if (s == null) {
            throw unsupported("missing ap-adapter value for '" + dev + "'");
        }
        Long v = CNumbers.strToUIntP(s, 0);
        if (v == null) {
            throw unsupported("invalid ap-adapter value '" + s + "' for '" + dev + "'");
        }
        return v;
    }

    /** An AP card. */
    record ApCard(long adapter) implements Cap {
        @Override
        public int type() {
            return AP_CARD;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<ap-adapter>0x" + CNumbers.hex(adapter, 2) + "</ap-adapter>");
        }
    }

    /** An AP queue. */
    record ApQueue(long adapter, long domain) implements Cap {
        static ApQueue parse(Element c, String dev) {
            long adapter = apAdapter(c, dev);
            String s = InterfaceXml.text(c, "ap-domain");
            if (s == null) {
                throw unsupported("missing ap-domain value for '" + dev + "'");
            }
            Long v = CNumbers.strToUIntP(s, 0);
            if (v == null) {
                throw unsupported("invalid ap-domain value '" + s + "' for '" + dev + "'");
            }
            if (v > 255) {
                throw unsupported("ap-domain value '" + s + "' is out of range for '" + dev + "'");
            }
            return new ApQueue(adapter, v);
        }

        @Override
        public int type() {
            return AP_QUEUE;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            out.line("<ap-adapter>0x" + CNumbers.hex(adapter, 2) + "</ap-adapter>");
            out.line("<ap-domain>0x" + CNumbers.hex(domain, 4) + "</ap-domain>");
        }
    }

    /** The AP matrix device, maybe with mdev types. */
    record ApMatrix(boolean mdev, List<MdevType> mdevTypes) implements Cap {
        static ApMatrix parse(Element c) {
            boolean mdev = false;
            List<MdevType> types = new ArrayList<>();
            for (Element sub : InterfaceXml.children(c, "capability")) {
                String type = InterfaceXml.prop(sub, "type");
                if (type == null) {
                    throw xml("Missing capability type");
                }
                if (type.equals("mdev_types")) {
                    types.addAll(parseMdevTypes(sub));
                    mdev = true;
                }
            }
            return new ApMatrix(mdev, types);
        }

        @Override
        public int type() {
            return AP_MATRIX;
        }

        @Override
        public boolean hasNested(int nested) {
            return nested == MDEV_TYPES && mdev;
        }

        @Override
        public void format(InterfaceXml.Out out) {
            if (mdev) {
                formatMdevTypes(out, mdevTypes);
            }
        }
    }
}
