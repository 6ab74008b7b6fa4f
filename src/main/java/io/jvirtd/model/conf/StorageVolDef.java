package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.StorageXml.Buf;
import io.jvirtd.model.conf.StorageXml.Perms;
import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A storage volume definition as libvirt 9.0's storage_conf.c keeps it ({@code virStorageVolDef}):
 * parsed for a pool of a given type with virStorageVolDefParseXML's checks and error texts,
 * printed byte for byte as virStorageVolDefFormat. What only a storage backend fills in (physical
 * size, permissions, timestamps, qcow2 details) is set by a real backend from the file it
 * scanned ({@link #setScanned}); the test driver never sets it, so never prints it.
 *
 * <p>Mutable and not thread-safe: the driver guards each volume with its pool's lock.
 */
public final class StorageVolDef {

    /** {@code VIR_VOL_XML_PARSE_VALIDATE}: virStorageVolDefParseXML refuses it (libvirt 9.0 quirk). */
    public static final int PARSE_VALIDATE = 1 << 2;

    private static final List<String> VOL_TYPES = List.of("file", "block", "dir", "network", "netdir", "ploop");
    private static final List<String> FEATURES = List.of("lazy_refcounts", "extended_l2");
    private static final long LLONG_MAX = Long.MAX_VALUE;

    private final StoragePoolType poolType;
    private String name;
    private String key;
    private String type = "file";
    private long capacity;
    private long allocation;
    private String path;
    private String format;
    private Perms perms = Perms.UNSET;
    private String encryption;
    private String compat;
    private long clusterSize;
    /** null: no {@code <features>}; else the set features in enum order. */
    private List<String> features;
    /** The file's size on disk (libvirt's target.physical); 0: not printed. */
    private long physical;
    /** atime, mtime, ctime as seconds and nanoseconds; null: no {@code <timestamps>}. */
    private long[] timestamps;
    private String backingPath;
    private String backingFormat;
    private Perms backingPerms;

    private StorageVolDef(StoragePoolType poolType) {
        this.poolType = poolType;
    }

    /**
     * A volume a storage backend found while scanning its pool (virStorageBackendRefreshLocal):
     * named after its file, keyed by its path; {@link #setScanned} fills in the rest.
     */
    public static StorageVolDef found(StoragePoolType poolType, String name, String path) {
        StorageVolDef def = new StorageVolDef(poolType);
        def.name = name;
        def.path = path;
        def.key = path;
        def.format = poolType.defaultVolFormat;
        return def;
    }

    /** virStorageVolDefParse for a pool of type {@code poolType}, without {@link #PARSE_VALIDATE}. */
    public static StorageVolDef parse(StoragePoolType poolType, String xml, int flags) {
        return parse(poolType, xml, flags, null);
    }

    /**
     * virStorageVolDefParse, checked against storagevol.rng first with {@link #PARSE_VALIDATE}
     * (a valid document is then refused for that very flag, as in libvirt 9.0).
     */
    public static StorageVolDef parse(StoragePoolType poolType, String xml, int flags, SchemaValidator schemas) {
        VirXml.parseString(xml, "(storage_volume_definition)", "volume", VirErrorDomain.STORAGE);
        if ((flags & PARSE_VALIDATE) != 0) {
            SchemaCheck.against(schemas, "storagevol.rng", xml);
        }
        return parse(poolType, XParse.parse(xml, true), flags);
    }

    /** virStorageVolDefParseXML on a {@code <volume>} element of a node file. */
    public static StorageVolDef fromElement(StoragePoolType poolType, org.w3c.dom.Element vol) {
        return parse(poolType, XParse.fromDom(vol, true), 0);
    }

    static StorageVolDef parse(StoragePoolType poolType, XElem root, int flags) {
        VirException.checkFlags(flags, 0b11, VirErrorDomain.STORAGE, "virStorageVolDefParseXML");
        StorageVolDef def = new StorageVolDef(poolType);
        def.name = StorageXml.str(root, "name");
        if (def.name == null) {
            throw StorageXml.xmlError("missing volume name element");
        }
        def.key = StorageXml.str(root, "key");
        String t = StorageXml.str(root, "@type");
        if (t != null) {
            if (!VOL_TYPES.contains(t)) {
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown volume type '" + t + "'");
            }
            def.type = t;
        }
        String backing = StorageXml.str(root, "backingStore/path");
        if (backing != null) {
            def.backingPath = backing;
            if (poolType.volFormats != null) {
                def.backingFormat = volFormat(poolType, StorageXml.str(root, "backingStore/format/@type"));
            }
            def.backingPerms = StorageXml.parsePerms(root, "backingStore/permissions");
        }
        String cap = StorageXml.str(root, "capacity");
        String unit = StorageXml.str(root, "capacity/@unit");
        if (cap != null) {
            def.capacity = size(unit, cap);
        } else if ((flags & 1) == 0 && !((flags & 2) != 0 && backing != null)) {
            throw StorageXml.xmlError("missing capacity element");
        }
        String alloc = StorageXml.str(root, "allocation");
        if (alloc != null) {
            def.allocation = size(StorageXml.str(root, "allocation/@unit"), alloc);
        } else {
            def.allocation = def.capacity;
        }
        def.path = StorageXml.str(root, "target/path");
        if (poolType.volFormats != null) {
            def.format = volFormat(poolType, StorageXml.str(root, "target/format/@type"));
        }
        def.perms = StorageXml.parsePerms(root, "target/permissions");
        XElem enc = StorageXml.node(root, "target/encryption");
        if (enc != null) {
            def.encryption = parseEncryption(enc);
        }
        def.compat = StorageXml.str(root, "target/compat");
        if (def.compat != null) {
            checkCompat(def.compat);
        }
        String cs = StorageXml.str(root, "target/clusterSize");
        if (cs != null) {
            OptionalLong v = CNumbers.parseULongLongPositive(cs);
            if (v.isEmpty()) {
                throw Values.xmlErr("Invalid value '" + cs + "' for element or attribute './target/clusterSize'");
            }
            def.clusterSize = scale(v.getAsLong(), StorageXml.str(root, "target/clusterSize/@unit"), 1, -1L);
        }
        if (StorageXml.node(root, "target/features") != null) {
            if (def.compat == null) {
                def.compat = "1.1";
            }
            boolean[] set = new boolean[FEATURES.size()];
            for (XElem f : StorageXml.nodes(root, "target/features/*")) {
                int i = FEATURES.indexOf(f.local);
                if (i < 0) {
                    throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unsupported feature " + f.local);
                }
                set[i] = true;
            }
            def.features = new ArrayList<>();
            for (int i = 0; i < set.length; i++) {
                if (set[i]) {
                    def.features.add(FEATURES.get(i));
                }
            }
        }
        return def;
    }

    private static String volFormat(StoragePoolType poolType, String f) {
        if (f == null) {
            return poolType.defaultVolFormat;
        }
        int i = poolType.volFormats.indexOf(f);
        boolean fileFormats = poolType.volFormats == StoragePoolType.FileFormats.FILE;
        if (i < 0 || (fileFormats && i == 0)) {
            throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown volume format type " + f);
        }
        return f;
    }

    /** virStorageSize: bytes (unsigned) scaled by the unit, limited to LLONG_MAX. */
    private static long size(String unit, String value) {
        OptionalLong v = CNumbers.parseULongLongPositive(value);
        if (v.isEmpty()) {
            throw StorageXml.xmlError("malformed capacity element");
        }
        return scale(v.getAsLong(), unit, 1, LLONG_MAX);
    }

    /** virScaleInteger (limit compared unsigned). */
    static long scale(long value, String unit, long defScale, long limit) {
        long s = Values.unitScale(unit, defScale);
        if (s < 0) {
            throw VirException.of(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE, "unknown suffix '" + unit + "'");
        }
        if (value != 0 && Long.compareUnsigned(value, Long.divideUnsigned(limit, s)) > 0) {
            throw VirException.of(VirErrorNumber.OVERFLOW, VirErrorDomain.NONE,
                    "value too large: " + Long.toUnsignedString(value) + (unit == null ? "" : unit));
        }
        return value * s;
    }

    /** virStorageCheckCompat. */
    private static void checkCompat(String compat) {
        int dot = compat.indexOf('.');
        boolean ok = dot >= 0 && CNumbers.strToUIntP(compat.substring(0, dot), 10) != null
                && uintAllowingMinus(compat.substring(dot + 1));
        if (!ok) {
            throw StorageXml.xmlError("forbidden characters in 'compat' attribute");
        }
    }

    private static boolean uintAllowingMinus(String s) {
        java.math.BigInteger v = CNumbers.strto(s, 10);
        return v != null && v.bitLength() <= 32 && (v.signum() >= 0 || v.negate().bitLength() <= 32);
    }

    /** virStorageEncryptionParseNode, kept as its canonical printed form. */
    private static String parseEncryption(XElem node) {
        String format = StorageXml.str(node, "@format");
        if (format == null) {
            throw StorageXml.xmlError("unknown volume encryption format");
        }
        if (!List.of("default", "qcow", "luks", "luks2").contains(format)) {
            throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown volume encryption format type " + format);
        }
        String engine = node.attr("engine");
        if (engine != null && !engine.equals("qemu") && !engine.equals("librbd")) {
            throw Values.invalidAttr(node, "engine", engine);
        }
        Buf b = new Buf();
        b.line("<encryption format='" + format + "'" + (engine == null ? "" : " engine='" + engine + "'") + ">");
        b.indent(2);
        for (XElem s : node.children("secret")) {
            String st = s.attr("type");
            if (st == null || st.isEmpty()) {
                throw StorageXml.xmlError("unknown volume encryption secret type");
            }
            if (!st.equals("passphrase")) {
                throw StorageXml.err(VirErrorNumber.CONFIG_UNSUPPORTED, "unknown volume encryption secret type " + st);
            }
            String uuid = s.attr("uuid");
            String usage = s.attr("usage");
            if (uuid == null && usage == null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE,
                        "missing secret uuid or usage attribute");
            }
            if (uuid != null && usage != null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE,
                        "either secret uuid or usage expected");
            }
            byte[] u = null;
            if (uuid != null) {
                u = Uuids.parse(uuid).orElseThrow(() -> VirException.of(VirErrorNumber.XML_ERROR,
                        VirErrorDomain.NONE, "invalid secret uuid '" + uuid + "'"));
            }
            StoragePoolDef.formatSecret(b, st, u, usage);
        }
        if (format.equals("luks")) {
            XElem cipher = node.child("cipher");
            String cipherName = null;
            if (cipher != null) {
                cipherName = cipher.attr("name");
                if (cipherName == null) {
                    throw StorageXml.xmlError("cipher info missing 'name' attribute");
                }
                long size = StorageXml.propUInt(cipher, "size", 10, true, 0);
                b.start("<cipher name='").esc(cipherName).raw("' size='" + size + "'");
                if (cipher.attr("mode") != null) {
                    b.raw(" mode='").esc(cipher.attr("mode")).raw("'");
                }
                if (cipher.attr("hash") != null) {
                    b.raw(" hash='").esc(cipher.attr("hash")).raw("'");
                }
                b.raw("/>\n");
            }
            XElem ivgen = node.child("ivgen");
            if (ivgen != null) {
                if (cipherName == null) {
                    throw StorageXml.xmlError("ivgen element found, but cipher is missing");
                }
                if (ivgen.attr("name") == null) {
                    throw StorageXml.xmlError("missing ivgen info name string");
                }
                b.start("<ivgen name='").esc(ivgen.attr("name")).raw("'");
                if (ivgen.attr("hash") != null) {
                    b.raw(" hash='").esc(ivgen.attr("hash")).raw("'");
                }
                b.raw("/>\n");
            }
        }
        b.indent(-2).line("</encryption>");
        return b.toString();
    }

    /** virStorageVolDefFormat. */
    public String format() {
        Buf b = new Buf();
        b.line("<volume type='" + type + "'>").indent(2);
        b.escLine("<name>", name, "</name>");
        b.escLine("<key>", key, "</key>");
        b.line("<capacity unit='bytes'>" + Long.toUnsignedString(capacity) + "</capacity>");
        b.line("<allocation unit='bytes'>" + Long.toUnsignedString(allocation) + "</allocation>");
        if (physical != 0) {
            b.line("<physical unit='bytes'>" + Long.toUnsignedString(physical) + "</physical>");
        }
        b.line("<target>").indent(2);
        b.escLine("<path>", path, "</path>");
        if (poolType.volFormats != null) {
            b.line("<format type='" + format + "'/>");
        }
        StorageXml.formatPerms(b, perms);
        if (timestamps != null) {
            b.line("<timestamps>").indent(2);
            String[] names = {"atime", "mtime", "ctime"};
            for (int i = 0; i < names.length; i++) {
                long sec = timestamps[2 * i];
                long nsec = timestamps[2 * i + 1];
                String ns = Long.toString(nsec);
                String frac = nsec != 0 ? "." + "000000000".substring(ns.length()) + ns : ""; // libvirt's ".%09ld"
                b.line("<" + names[i] + ">" + sec + frac + "</" + names[i] + ">");
            }
            b.line("<btime>0</btime>"); // libvirt keeps a zero birth time for files: printed, as its nsec is 0
            b.indent(-2).line("</timestamps>");
        }
        if (encryption != null) {
            for (String line : encryption.split("\n")) {
                b.line(line);
            }
        }
        b.escLine("<compat>", compat, "</compat>");
        if (clusterSize != 0) {
            b.line("<clusterSize unit='B'>" + Long.toUnsignedString(clusterSize) + "</clusterSize>");
        }
        if (features != null) {
            if (features.isEmpty()) {
                b.line("<features/>");
            } else {
                b.line("<features>").indent(2);
                for (String f : features) {
                    b.line("<" + f + "/>");
                }
                b.indent(-2).line("</features>");
            }
        }
        b.indent(-2).line("</target>");
        if (backingPath != null) {
            b.line("<backingStore>").indent(2);
            b.escLine("<path>", backingPath, "</path>");
            if (poolType.volFormats != null) {
                b.line("<format type='" + backingFormat + "'/>");
            }
            StorageXml.formatPerms(b, backingPerms);
            b.indent(-2).line("</backingStore>");
        }
        b.indent(-2).line("</volume>");
        return b.toString();
    }

    public String name() {
        return name;
    }

    /** The key, or null when neither the XML nor the driver set one. */
    public String key() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    /** The target path, or null. */
    public String path() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    /**
     * What a storage backend read from the volume's file (virStorageBackendUpdateVolTargetInfo):
     * sizes, format, owner and mode, and atime, mtime, ctime as {seconds, nanoseconds} pairs.
     */
    public void setScanned(long capacity, long allocation, long physical, String format, int mode, long uid,
                           long gid, long[] times) {
        this.capacity = capacity;
        this.allocation = allocation;
        this.physical = physical;
        if (format != null) {
            this.format = format;
        }
        this.perms = new Perms(mode, uid, gid, null);
        this.timestamps = times.clone();
    }

    /** The qcow2 details qemu-img reports: compat level, cluster size, and whether it has {@code <features/>}. */
    public void setQcow2(String compat, long clusterSize, List<String> features) {
        this.compat = compat;
        this.clusterSize = clusterSize;
        this.features = features == null ? null : new ArrayList<>(features);
    }

    /** The backing file and its format (a qcow2 volume on top of another file). */
    public void setBacking(String path, String backingFormat) {
        this.backingPath = path;
        this.backingFormat = backingFormat;
    }

    /** The requested mode of the volume's file ({@code <permissions><mode>}), or -1. */
    public int requestedMode() {
        return perms.mode();
    }

    /** The target format (raw, qcow2, ...), or null for a pool type without formats. */
    public String targetFormat() {
        return format;
    }

    /** The volume type: file, block, dir, ... */
    public String volType() {
        return type;
    }

    /** The backing file's path, or null. */
    public String backingPath() {
        return backingPath;
    }

    /** The compat level asked for ({@code <compat>}), or null. */
    public String compat() {
        return compat;
    }

    /** The qcow2 features asked for ({@code <features>}), or null. */
    public List<String> features() {
        return features == null ? null : List.copyOf(features);
    }

    /** Whether the XML names an encryption (refused by backends that cannot create it). */
    public boolean hasEncryption() {
        return encryption != null;
    }

    /** Capacity in bytes (unsigned). */
    public long capacity() {
        return capacity;
    }

    /** Allocation in bytes (unsigned). */
    public long allocation() {
        return allocation;
    }
}
