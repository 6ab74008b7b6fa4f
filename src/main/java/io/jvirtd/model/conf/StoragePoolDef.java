package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.StoragePoolType.Src;
import io.jvirtd.model.conf.StorageXml.Buf;
import io.jvirtd.model.conf.StorageXml.Perms;
import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A storage pool definition as libvirt 9.0's storage_conf.c keeps it ({@code virStoragePoolDef}):
 * parsed with virStoragePoolDefParseXML's checks, order and error texts, printed byte for byte
 * as virStoragePoolDefFormat. The pool-type namespaces ({@code fs:mount_opts}, {@code rbd:config_opts})
 * are the storage backends' and the test driver registers none, so they are ignored, as there.
 *
 * <p>Mutable and not thread-safe: the driver guards each pool's definition with its lock.
 */
public final class StoragePoolDef {

    /** {@code VIR_STORAGE_POOL_DEFINE_VALIDATE}. */
    public static final int DEFINE_VALIDATE = 1;

    private StoragePoolType type;
    private String name;
    private byte[] uuid;
    private long capacity;
    private long allocation;
    private long available;
    private String cow;
    private Source source;
    private String targetPath;
    private Perms targetPerms = Perms.UNSET;
    private String refreshAllocation;

    private StoragePoolDef() {
    }

    /** One {@code <host>}: name and port (0 = none). */
    public record Host(String name, int port) {
    }

    /** One source {@code <device>}: path and part_separator ("yes"/"no"/null). */
    record Device(String path, String partSeparator) {
    }

    /** A PCI address of a scsi_host parent. */
    record PciAddr(long domain, long bus, long slot, long function) {
    }

    /** {@code <adapter>}: type "scsi_host" or "fc_host" (null: none). */
    record Adapter(String type, String name, PciAddr parentAddr, int uniqueId, String parent, String parentWwnn,
                   String parentWwpn, String parentFabricWwn, String managed, String wwnn, String wwpn) {
    }

    /** {@code <auth>}: type null for none, the secret by uuid or usage. */
    record Auth(String type, String username, String secretType, byte[] secretUuid, String secretUsage) {
    }

    /** A pool's {@code <source>} (virStoragePoolSource). Mutable like its pool. */
    public static final class Source {
        final List<Host> hosts = new ArrayList<>();
        final List<Device> devices = new ArrayList<>();
        String dir;
        Adapter adapter;
        String name;
        String format;
        String iqn;
        Auth auth;
        String protocolVer;
        String vendor;
        String product;

        /** The hosts, in document order. */
        public List<Host> hosts() {
            return List.copyOf(hosts);
        }

        /** The fc_host adapter's wwnn, or null when the adapter is not fc_host. */
        public String fcWwnn() {
            return adapter != null && "fc_host".equals(adapter.type) ? adapter.wwnn : null;
        }

        /** The fc_host adapter's wwpn, or null when the adapter is not fc_host. */
        public String fcWwpn() {
            return adapter != null && "fc_host".equals(adapter.type) ? adapter.wwpn : null;
        }

        Source copy() {
            Source s = new Source();
            s.hosts.addAll(hosts);
            s.devices.addAll(devices);
            s.dir = dir;
            s.adapter = adapter;
            s.name = name;
            s.format = format;
            s.iqn = iqn;
            s.auth = auth;
            s.protocolVer = protocolVer;
            s.vendor = vendor;
            s.product = product;
            return s;
        }
    }

    // ---- parsing ------------------------------------------------------------------------------

    /** virStoragePoolDefParse on a client's XML, without {@link #DEFINE_VALIDATE}. */
    public static StoragePoolDef parse(String xml, int flags) {
        return parse(xml, flags, null);
    }

    /** virStoragePoolDefParse, checked against storagepool.rng first with {@link #DEFINE_VALIDATE}. */
    public static StoragePoolDef parse(String xml, int flags, SchemaValidator schemas) {
        VirXml.parseString(xml, "(storage_pool_definition)", "pool", VirErrorDomain.STORAGE);
        if ((flags & DEFINE_VALIDATE) != 0) {
            SchemaCheck.against(schemas, "storagepool.rng", xml);
        }
        return parse(XParse.parse(xml, true));
    }

    /** virStoragePoolDefParseXML on a {@code <pool>} element of a node file. */
    public static StoragePoolDef fromElement(org.w3c.dom.Element pool) {
        return parse(XParse.fromDom(pool, true));
    }

    static StoragePoolDef parse(XElem root) {
        StoragePoolDef def = new StoragePoolDef();
        String t = root.attr("type");
        if (t == null) {
            throw Values.missingAttr(root.local, "type");
        }
        def.type = StoragePoolType.fromXml(t);
        if (def.type == null) {
            throw Values.invalidAttr(root, "type", t);
        }
        XElem src = root.child("source");
        if (src != null) {
            def.source = parseSource(src, def.type);
        } else {
            def.source = new Source();
            def.source.format = def.type.defaultPoolFormat;
        }
        Source s = def.source;
        def.name = StorageXml.str(root, "name");
        if (def.name == null && def.type.has(Src.NAME)) {
            def.name = s.name;
        }
        if (def.name == null) {
            throw StorageXml.xmlError("missing pool source name element");
        }
        if (def.name.indexOf('/') >= 0) {
            throw StorageXml.xmlError("name " + def.name + " cannot contain '/'");
        }
        String u = StorageXml.str(root, "uuid");
        if (u == null) {
            def.uuid = Uuids.random();
        } else {
            Optional<byte[]> parsed = Uuids.parse(u);
            if (parsed.isEmpty()) {
                throw StorageXml.xmlError("malformed uuid element");
            }
            def.uuid = parsed.get();
        }
        String cow = StorageXml.propTristate(StorageXml.node(root, "features/cow"), "state");
        if (cow != null) {
            if (def.type != StoragePoolType.FS && def.type != StoragePoolType.DIR) {
                throw StorageXml.err(VirErrorNumber.NO_SUPPORT, "cow feature may only be used for 'fs' and 'dir' pools");
            }
            def.cow = cow;
        }
        if (def.type.has(Src.HOST) && s.hosts.isEmpty()) {
            throw StorageXml.xmlError("missing storage pool source host name");
        }
        if (def.type.has(Src.DIR) && s.dir == null) {
            throw StorageXml.xmlError("missing storage pool source path");
        }
        if (def.type.has(Src.NAME) && s.name == null) {
            s.name = def.name;
        }
        if (def.type.has(Src.ADAPTER)) {
            validateAdapter(s.adapter);
        }
        if (def.type.sourceFlags == Src.DEVICE && s.devices.isEmpty()) {
            throw StorageXml.xmlError("missing storage pool source device name");
        }
        if (!def.type.has(Src.NETWORK)) {
            String path;
            if (def.type == StoragePoolType.LOGICAL) {
                path = "/dev/" + s.name;
            } else if (def.type == StoragePoolType.ZFS) {
                path = "/dev/zvol/" + s.name;
            } else {
                path = StorageXml.str(root, "target/path");
                if (path == null) {
                    throw StorageXml.xmlError("missing storage pool target path");
                }
            }
            def.targetPath = StorageXml.sanitizePath(path);
            def.targetPerms = StorageXml.parsePerms(root, "target/permissions");
        }
        if (def.type == StoragePoolType.ISCSI_DIRECT && s.iqn == null) {
            throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "missing initiator IQN");
        }
        String refresh = StorageXml.str(root, "refresh/volume/@allocation");
        if (refresh != null) {
            if (!refresh.equals("default") && !refresh.equals("capacity")) {
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED,
                        "unknown storage pool volume refresh allocation type " + refresh);
            }
            def.refreshAllocation = refresh;
        }
        return def;
    }

    /**
     * virStoragePoolDefParseSourceString: a {@code <source>} document for
     * virConnectFindStoragePoolSources.
     */
    public static Source parseSourceString(String xml, StoragePoolType type) {
        VirXml.parseString(xml, "(storage_source_specification)", "source", VirErrorDomain.STORAGE);
        return parseSource(XParse.parse(xml, true), type);
    }

    private static Source parseSource(XElem node, StoragePoolType type) {
        Source s = new Source();
        s.name = StorageXml.str(node, "name");
        if (type == StoragePoolType.RBD && s.name == null) {
            throw StorageXml.xmlError("element 'name' is mandatory for RBD pool");
        }
        if (type.poolFormats != null) {
            String f = StorageXml.str(node, "format/@type");
            if (f == null) {
                s.format = type.defaultPoolFormat;
            } else if (type.poolFormats.contains(f)) {
                s.format = f;
            } else {
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown pool format type " + f);
            }
        }
        for (XElem h : node.children("host")) {
            String hn = h.attr("name");
            if (hn == null) {
                throw StorageXml.xmlError("missing storage pool host name");
            }
            s.hosts.add(new Host(hn, StorageXml.propInt(h, "port", 0)));
        }
        s.iqn = StorageXml.str(node, "initiator/iqn/@name");
        for (XElem d : node.children("device")) {
            String p = d.attr("path");
            if (p == null) {
                throw StorageXml.xmlError("missing storage pool source device path");
            }
            s.devices.add(new Device(p, StorageXml.propTristate(d, "part_separator")));
        }
        String dir = StorageXml.str(node, "dir/@path");
        if (dir != null) {
            s.dir = StorageXml.sanitizePath(dir);
        }
        if (s.dir == null && type == StoragePoolType.GLUSTER) {
            s.dir = "/";
        }
        XElem adapter = node.child("adapter");
        if (adapter != null) {
            s.adapter = parseAdapter(adapter);
        }
        XElem auth = node.child("auth");
        if (auth != null) {
            Auth a = parseAuth(auth);
            if (a.type == null) {
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "storage pool missing auth type");
            }
            s.auth = a;
        }
        s.protocolVer = StorageXml.str(node, "protocol/@ver");
        if (s.protocolVer != null) {
            // libvirt compares the format's number with the netfs enum whatever the pool type
            int fmt = type.poolFormats == null ? 0 : type.poolFormats.indexOf(s.format);
            if (fmt != 0 && fmt != 1) {
                List<String> netfs = StoragePoolType.NETFS.poolFormats;
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "storage pool protocol ver unsupported for "
                        + "pool type '" + (fmt < netfs.size() ? netfs.get(fmt) : "(null)") + "'");
            }
            if (s.protocolVer.indexOf(',') >= 0) {
                throw StorageXml.err(VirErrorNumber.XML_DETAIL,
                        "storage pool protocol ver '" + s.protocolVer + "' must not contain ','");
            }
        }
        s.vendor = StorageXml.str(node, "vendor/@name");
        s.product = StorageXml.str(node, "product/@name");
        return s;
    }

    private static Adapter parseAdapter(XElem node) {
        String type = node.attr("type");
        if (type == null) {
            if (node.attr("wwnn") != null || node.attr("wwpn") != null || node.attr("parent") != null) {
                throw StorageXml.xmlError("Use of 'wwnn', 'wwpn', and 'parent' attributes "
                        + "requires use of the adapter 'type'");
            }
            if (node.child("parentaddr") != null) {
                throw StorageXml.xmlError("Use of 'parentaddr' element requires use of the adapter 'type'");
            }
            String name = node.attr("name");
            return name == null ? null
                    : new Adapter("scsi_host", name, null, 0, null, null, null, null, null, null, null);
        }
        if (!type.equals("scsi_host") && !type.equals("fc_host")) {
            throw Values.invalidAttr(node, "type", type);
        }
        if (type.equals("fc_host")) {
            String managed = StorageXml.propTristate(node, "managed");
            return new Adapter(type, null, null, 0, node.attr("parent"), node.attr("parent_wwnn"),
                    node.attr("parent_wwpn"), node.attr("parent_fabric_wwn"), managed, node.attr("wwnn"),
                    node.attr("wwpn"));
        }
        String name = node.attr("name");
        PciAddr addr = null;
        int uniqueId = 0;
        if (node.child("parentaddr") != null) {
            XElem a = StorageXml.node(node, "parentaddr/address");
            if (a == null) {
                throw StorageXml.xmlError("Missing scsi_host PCI address element");
            }
            addr = parsePci(a);
            String uid = StorageXml.str(node, "parentaddr/@unique_id");
            Long v = uid == null ? null : CNumbers.strToLongLong(uid, 10);
            if (v == null || v < 0 || v > Integer.MAX_VALUE) {
                throw StorageXml.xmlError("Missing or invalid scsi adapter 'unique_id' value");
            }
            uniqueId = (int) (long) v;
        }
        return new Adapter(type, name, addr, uniqueId, null, null, null, null, null, null, null);
    }

    private static PciAddr parsePci(XElem a) {
        long domain = StorageXml.propUInt(a, "domain", 0, false, 0);
        long bus = StorageXml.propUInt(a, "bus", 0, false, 0);
        long slot = StorageXml.propUInt(a, "slot", 0, false, 0);
        long function = StorageXml.propUInt(a, "function", 0, false, 0);
        String multi = a.attr("multifunction");
        if (multi != null && !multi.equals("on") && !multi.equals("off")) {
            throw Values.invalidAttr(a, "multifunction", multi);
        }
        boolean empty = domain == 0 && bus == 0 && slot == 0 && function == 0;
        if (!empty) {
            String bad = null;
            if (bus > 0xFF) {
                bad = "Invalid PCI address bus='0x" + Long.toHexString(bus) + "', must be <= 0xFF";
            } else if (slot > 0x1F) {
                bad = "Invalid PCI address slot='0x" + Long.toHexString(slot) + "', must be <= 0x1F";
            } else if (function > 7) {
                bad = "Invalid PCI address function=0x" + Long.toHexString(function) + ", must be <= 7";
            } else if (domain == 0 && bus == 0 && slot == 0) {
                bad = "Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0";
            }
            if (bad != null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, bad);
            }
        }
        return new PciAddr(domain, bus, slot, function);
    }

    private static void validateAdapter(Adapter a) {
        if (a == null) {
            throw StorageXml.xmlError("missing storage pool source adapter");
        }
        if (a.type.equals("fc_host")) {
            if (a.wwnn == null || a.wwpn == null) {
                throw StorageXml.xmlError("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
            }
            validateWwn(a.wwnn);
            validateWwn(a.wwpn);
            if (a.parentWwnn != null && a.parentWwpn == null) {
                throw StorageXml.xmlError("when providing parent_wwnn='" + a.parentWwnn
                        + "', the parent_wwpn must also be provided");
            }
            if (a.parentWwnn == null && a.parentWwpn != null) {
                throw StorageXml.xmlError("when providing parent_wwpn='" + a.parentWwpn
                        + "', the parent_wwnn must also be provided");
            }
            if (a.parentWwnn != null) {
                validateWwn(a.parentWwnn);
            }
            if (a.parentWwpn != null) {
                validateWwn(a.parentWwpn);
            }
            if (a.parentFabricWwn != null) {
                validateWwn(a.parentFabricWwn);
            }
        } else {
            if (a.name == null && a.parentAddr == null) {
                throw StorageXml.xmlError("Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
            }
            if (a.name != null && a.parentAddr != null) {
                throw StorageXml.xmlError("Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
            }
        }
    }

    /** virValidateWWN. */
    private static void validateWwn(String wwn) {
        String p = wwn.startsWith("0x") ? wwn.substring(2) : wwn;
        int i = 0;
        while (i < p.length() && Character.digit(p.charAt(i), 16) >= 0 && p.charAt(i) < 128) {
            i++;
        }
        if (i != 16 || i != p.length()) {
            throw VirException.internalError(VirErrorDomain.NONE, "Malformed wwn: " + wwn);
        }
    }

    /** virStorageAuthDefParse + virSecretLookupParseSecret. */
    static Auth parseAuth(XElem node) {
        String username = StorageXml.str(node, "@username");
        if (username == null) {
            throw StorageXml.xmlError("missing username for auth");
        }
        String type = StorageXml.str(node, "@type");
        if (type != null && !type.equals("none") && !type.equals("chap") && !type.equals("ceph")) {
            throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown auth type '" + type + "'");
        }
        if ("none".equals(type)) {
            type = null;
        }
        XElem secret = node.child("secret");
        if (secret == null) {
            throw StorageXml.xmlError("Missing <secret> element in auth");
        }
        String uuid = secret.attr("uuid");
        String usage = secret.attr("usage");
        if (uuid == null && usage == null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE,
                    "missing secret uuid or usage attribute");
        }
        if (uuid != null && usage != null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "either secret uuid or usage expected");
        }
        byte[] u = null;
        if (uuid != null) {
            u = Uuids.parse(uuid).orElseThrow(() -> VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE,
                    "invalid secret uuid '" + uuid + "'"));
        }
        return new Auth(type, username, secret.attr("type"), u, usage);
    }

    // ---- formatting -----------------------------------------------------------------------------

    /** virStoragePoolDefFormat. */
    public String format() {
        Buf b = new Buf();
        b.line("<pool type='" + type.xmlName() + "'>");
        b.indent(2);
        b.escLine("<name>", name, "</name>");
        b.line("<uuid>" + Uuids.format(uuid) + "</uuid>");
        b.line("<capacity unit='bytes'>" + Long.toUnsignedString(capacity) + "</capacity>");
        b.line("<allocation unit='bytes'>" + Long.toUnsignedString(allocation) + "</allocation>");
        b.line("<available unit='bytes'>" + Long.toUnsignedString(available) + "</available>");
        if (cow != null) {
            b.line("<features>").indent(2).line("<cow state='" + cow + "'/>").indent(-2).line("</features>");
        }
        formatSource(b, type, source);
        if (type != StoragePoolType.RBD && type != StoragePoolType.SHEEPDOG && type != StoragePoolType.GLUSTER
                && type != StoragePoolType.ISCSI_DIRECT) {
            b.line("<target>").indent(2);
            b.escLine("<path>", targetPath, "</path>");
            StorageXml.formatPerms(b, targetPerms);
            b.indent(-2).line("</target>");
        }
        if (refreshAllocation != null) {
            b.line("<refresh>").indent(2).line("<volume allocation='" + refreshAllocation + "'/>").indent(-2)
                    .line("</refresh>");
        }
        b.indent(-2);
        b.line("</pool>");
        return b.toString();
    }

    /** virStoragePoolSourceListFormat for one type's sources. */
    public static String formatSourceList(StoragePoolType type, List<Source> sources) {
        Buf b = new Buf();
        b.line("<sources>").indent(2);
        for (Source s : sources) {
            formatSource(b, type, s);
        }
        b.indent(-2).line("</sources>");
        return b.toString();
    }

    /** A source with one host, for the test driver's netfs discovery answer. */
    public static Source netfsSource(String host, String dir, String format) {
        Source s = new Source();
        s.hosts.add(new Host(host, 0));
        s.dir = dir;
        s.format = format;
        return s;
    }

    private static void formatSource(Buf b, StoragePoolType type, Source src) {
        b.line("<source>").indent(2);
        if (type.has(Src.HOST)) {
            for (Host h : src.hosts) {
                b.start("<host name='").esc(h.name).raw("'");
                if (h.port != 0) {
                    b.raw(" port='" + h.port + "'");
                }
                b.raw("/>\n");
            }
        }
        if (type.has(Src.DEVICE)) {
            for (Device d : src.devices) {
                b.start("<device path='").esc(d.path).raw("'");
                if (d.partSeparator != null) {
                    b.raw(" part_separator='" + d.partSeparator + "'");
                }
                b.raw("/>\n");
            }
        }
        if (type.has(Src.DIR)) {
            b.escLine("<dir path='", src.dir, "'/>");
        }
        if (type.has(Src.ADAPTER) && src.adapter != null) {
            formatAdapter(b, src.adapter);
        }
        if (type.has(Src.NAME)) {
            b.escLine("<name>", src.name, "</name>");
        }
        if (type.has(Src.INITIATOR_IQN) && src.iqn != null) {
            b.line("<initiator>").indent(2).escLine("<iqn name='", src.iqn, "'/>").indent(-2).line("</initiator>");
        }
        if (type.poolFormats != null) {
            b.line("<format type='" + src.format + "'/>");
        }
        if (src.auth != null) {
            formatAuth(b, src.auth);
        }
        b.escLine("<protocol ver='", src.protocolVer, "'/>");
        b.escLine("<vendor name='", src.vendor, "'/>");
        b.escLine("<product name='", src.product, "'/>");
        b.indent(-2).line("</source>");
    }

    private static void formatAdapter(Buf b, Adapter a) {
        b.start("<adapter type='" + a.type + "'");
        if (a.type.equals("fc_host")) {
            attr(b, "parent", a.parent);
            attr(b, "parent_wwnn", a.parentWwnn);
            attr(b, "parent_wwpn", a.parentWwpn);
            attr(b, "parent_fabric_wwn", a.parentFabricWwn);
            if (a.managed != null) {
                b.raw(" managed='" + a.managed + "'");
            }
            b.raw(" wwnn='" + a.wwnn + "' wwpn='" + a.wwpn + "'/>\n");
        } else if (a.name != null) {
            b.raw(" name='" + a.name + "'/>\n");
        } else {
            b.raw(">\n").indent(2);
            b.line("<parentaddr unique_id='" + a.uniqueId + "'>").indent(2);
            PciAddr p = a.parentAddr;
            b.line(String.format(Locale.ROOT, "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%d'/>",
                    p.domain, p.bus, p.slot, p.function));
            b.indent(-2).line("</parentaddr>");
            b.indent(-2).line("</adapter>");
        }
    }

    private static void attr(Buf b, String name, String value) {
        if (value != null) {
            b.raw(" " + name + "='").esc(value).raw("'");
        }
    }

    /** virStorageAuthDefFormat. */
    static void formatAuth(Buf b, Auth a) {
        if (a.type == null) {
            b.start("<auth username='").esc(a.username).raw("'>\n");
        } else {
            b.start("<auth type='" + a.type + "' username='").esc(a.username).raw("'>\n");
        }
        b.indent(2);
        formatSecret(b, a.secretType, a.secretUuid, a.secretUsage);
        b.indent(-2).line("</auth>");
    }

    /** virSecretLookupFormatSecret. */
    static void formatSecret(Buf b, String secretType, byte[] uuid, String usage) {
        b.start(secretType != null ? "<secret type='" + secretType + "'" : "<secret");
        if (uuid != null) {
            b.raw(" uuid='" + Uuids.format(uuid) + "'/>\n");
        } else if (usage != null) {
            b.raw(" usage='").esc(usage).raw("'/>\n");
        } else {
            b.raw("/>\n");
        }
    }

    // ---- accessors ------------------------------------------------------------------------------

    public StoragePoolType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public byte[] uuid() {
        return uuid.clone();
    }

    public long capacity() {
        return capacity;
    }

    public long allocation() {
        return allocation;
    }

    public long available() {
        return available;
    }

    /** Sets capacity, allocation and available, in bytes (unsigned, C arithmetic). */
    public void setSizes(long capacity, long allocation, long available) {
        this.capacity = capacity;
        this.allocation = allocation;
        this.available = available;
    }

    /** The target path (null for network pools without a target). */
    public String targetPath() {
        return targetPath;
    }

    public Source source() {
        return source;
    }

    /** The target folder's requested mode ({@code <permissions><mode>}), or -1. */
    public int targetMode() {
        return targetPerms == null ? -1 : targetPerms.mode();
    }

    /** The target folder's mode, owner and group as a refresh found them. */
    public void setTargetPerms(int mode, long uid, long gid) {
        targetPerms = new StorageXml.Perms(mode, uid, gid, targetPerms == null ? null : targetPerms.label());
    }

    /** A deep copy (for formatting outside the pool's lock). */
    public StoragePoolDef copy() {
        StoragePoolDef d = new StoragePoolDef();
        d.type = type;
        d.name = name;
        d.uuid = uuid.clone();
        d.capacity = capacity;
        d.allocation = allocation;
        d.available = available;
        d.cow = cow;
        d.source = source.copy();
        d.targetPath = targetPath;
        d.targetPerms = targetPerms;
        d.refreshAllocation = refreshAllocation;
        return d;
    }

    // ---- virStoragePoolObjSourceFindDuplicate -------------------------------------------------------

    /**
     * Whether this (existing) pool's source conflicts with {@code def}'s as
     * virStoragePoolObjSourceFindDuplicateCb decides; the caller skips the pool of the same name.
     * SCSI host numbers come from names ("scsi_hostN"), as far as they can without sysfs.
     */
    public boolean sourceConflicts(StoragePoolDef def) {
        switch (type) {
            case DIR, GLUSTER, NETFS -> {
                if (def.type != type) {
                    return false;
                }
                if (type == StoragePoolType.DIR) {
                    return targetPath.equals(def.targetPath);
                }
                if (type == StoragePoolType.GLUSTER) {
                    return source.name.equals(def.source.name) && eq(source.dir, def.source.dir)
                            && singleHost(source, def.source);
                }
                return source.dir.equals(def.source.dir) && singleHost(source, def.source);
            }
            case SCSI -> {
                return def.type == type && scsiMatch(source.adapter, def.source.adapter);
            }
            case ISCSI, FS, LOGICAL, DISK, ZFS -> {
                boolean devType = def.type == StoragePoolType.ISCSI || def.type == StoragePoolType.FS
                        || def.type == StoragePoolType.LOGICAL || def.type == StoragePoolType.DISK
                        || def.type == StoragePoolType.ZFS;
                if (!devType) {
                    return false;
                }
                if (type == StoragePoolType.ISCSI) {
                    if (def.type != StoragePoolType.ISCSI) {
                        return false;
                    }
                    return duplicateDevices(def) && eq(source.iqn, def.source.iqn);
                }
                if (def.type == StoragePoolType.ISCSI) {
                    return false;
                }
                return duplicateDevices(def);
            }
            case SHEEPDOG -> {
                return def.type == type && singleHost(source, def.source);
            }
            case MPATH -> {
                return def.type == type;
            }
            case VSTORAGE -> {
                return def.type == type && source.name.equals(def.source.name);
            }
            default -> {
                return false;
            }
        }
    }

    private boolean duplicateDevices(StoragePoolDef def) {
        for (Device a : source.devices) {
            for (Device b : def.source.devices) {
                if (a.path.equals(b.path)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** virStoragePoolSourceMatchSingleHost (its odd "&&" kept: both must have more than one to skip). */
    private static boolean singleHost(Source pool, Source def) {
        if (pool.hosts.size() != 1 && def.hosts.size() != 1) {
            return false;
        }
        if (pool.hosts.isEmpty() || def.hosts.isEmpty()) {
            return false;
        }
        if (def.hosts.get(0).port != 0 && pool.hosts.get(0).port != def.hosts.get(0).port) {
            return false;
        }
        return pool.hosts.get(0).name.equals(def.hosts.get(0).name);
    }

    private static boolean scsiMatch(Adapter pool, Adapter def) {
        if (pool == null || def == null) {
            return false;
        }
        boolean poolFc = pool.type.equals("fc_host");
        boolean defFc = def.type.equals("fc_host");
        if (poolFc && defFc) {
            return pool.wwnn.equals(def.wwnn) && pool.wwpn.equals(def.wwpn);
        }
        if (!poolFc && !defFc) {
            if (pool.parentAddr != null && def.parentAddr != null && pool.parentAddr.equals(def.parentAddr)
                    && pool.uniqueId == def.uniqueId) {
                return true;
            }
            Long a = hostNumber(pool);
            Long b = hostNumber(def);
            return a != null && a.equals(b);
        }
        Adapter fc = poolFc ? pool : def;
        Adapter scsi = poolFc ? def : pool;
        Long scsiNum = hostNumber(scsi);
        if (scsiNum == null || fc.parent == null) {
            return false;
        }
        return scsiNum.equals(hostNumber(fc.parent));
    }

    private static Long hostNumber(Adapter scsi) {
        return scsi.parentAddr != null ? null : hostNumber(scsi.name);
    }

    /** virSCSIHostGetNumber: "scsi_hostN" → N. */
    private static Long hostNumber(String name) {
        if (name == null || !name.startsWith("scsi_host")) {
            return null;
        }
        return CNumbers.strToUIntP(name.substring("scsi_host".length()), 10);
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
