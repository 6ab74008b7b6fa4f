package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * A domain snapshot definition: libvirt's {@code virDomainSnapshotDef}
 * (src/conf/snapshot_conf.c) as the test driver uses it: parse (new or redefine), the test
 * driver's disk alignment, and the format {@code virDomainSnapshotGetXMLDesc} prints.
 *
 * <p>Mutable, not thread-safe: the driver guards it with the owning domain's lock and formats
 * a {@link #copy()} (or formats under the lock; it is small apart from the embedded domain).
 */
public final class SnapshotDef {

    /** {@code VIR_DOMAIN_SNAPSHOT_PARSE_REDEFINE}. */
    public static final int PARSE_REDEFINE = 1;
    /** {@code VIR_DOMAIN_SNAPSHOT_PARSE_INTERNAL}. */
    public static final int PARSE_INTERNAL = 1 << 1;
    /** {@code VIR_DOMAIN_SNAPSHOT_PARSE_OFFLINE}. */
    public static final int PARSE_OFFLINE = 1 << 2;
    /** {@code VIR_DOMAIN_SNAPSHOT_PARSE_VALIDATE}. */
    public static final int PARSE_VALIDATE = 1 << 3;

    /** Public {@code VIR_DOMAIN_SNAPSHOT_XML_SECURE}. */
    public static final int XML_SECURE = 1;

    /** virDomainSnapshotState names, index = value (0 "nostate" .. 8 "disk-snapshot"). */
    public static final List<String> STATES = List.of("nostate", "running", "blocked", "paused",
            "shutdown", "shutoff", "crashed", "pmsuspended", "disk-snapshot");
    /** virDomainSnapshotLocation names, index = value. */
    public static final List<String> LOCATIONS = List.of("default", "no", "internal", "external",
            "manual");

    /** One {@code <disks><disk>} entry. */
    public static final class Disk {
        String name;
        String snapshot;        // location name or null (default)
        String type = "file";   // storage type of the new image
        String driverType;      // image format, or null
        XmlNode source;         // <source ...> for external images, or null
        boolean deleteInProgress;

        public String name() {
            return name;
        }

        /** The location ("internal", "external", "no"), or null when still default. */
        public String snapshot() {
            return snapshot;
        }

        /** The new image's format, or null (a driver defaults it). */
        public String driverType() {
            return driverType;
        }

        /** Sets the new image's format (the QEMU driver's qcow2 default, as qemuSnapshotPrepare). */
        public void setDriverType(String driverType) {
            this.driverType = driverType;
        }

        /** Whether a snapshot delete that commits into this disk's image has not finished ({@code <snapshotDeleteInProgress/>}). */
        public boolean deleteInProgress() {
            return deleteInProgress;
        }

        public void setDeleteInProgress(boolean deleteInProgress) {
            this.deleteInProgress = deleteInProgress;
        }

        /** The external image path, or null. */
        public String path() {
            if (source == null) {
                return null;
            }
            for (String a : new String[] {"file", "dev", "name"}) {
                if (source.attr(a) != null) {
                    return source.attr(a);
                }
            }
            return null;
        }

        Disk copy() {
            Disk d = new Disk();
            d.name = name;
            d.snapshot = snapshot;
            d.type = type;
            d.driverType = driverType;
            d.source = source == null ? null : source.copy();
            d.deleteInProgress = deleteInProgress;
            return d;
        }
    }

    String name;
    String description;
    int state;                 // 0 = unset
    String parentName;
    long creationTime;
    String memory;             // location or null (default)
    String memoryFile;
    final List<Disk> disks = new ArrayList<>();
    DomainDef domain;
    DomainDef inactiveDomain;

    SnapshotDef() {
    }

    /**
     * Parses {@code <domainsnapshot>} as virDomainSnapshotDefParseString. Without
     * {@link #PARSE_REDEFINE} the moment post-parse runs: creationTime = now (seconds) and a
     * missing name becomes that number.
     *
     * @throws VirException XML errors in domain DOMAIN_SNAPSHOT, libvirt's messages
     */
    public static SnapshotDef parse(String xml, int flags, DomainXmlOptions domainOptions) {
        return parse(xml, flags, domainOptions, null);
    }

    /**
     * {@link #parse(String, int, DomainXmlOptions)}, checked against domainsnapshot.rng first
     * with {@link #PARSE_VALIDATE}; the captured domains parse with the driver's {@code domainOptions}.
     */
    public static SnapshotDef parse(String xml, int flags, DomainXmlOptions domainOptions, SchemaValidator schemas) {
        String text = xml == null ? "" : xml;
        org.w3c.dom.Document doc = VirXml.parseString(text, "(domain_snapshot)", "domainsnapshot",
                VirErrorDomain.DOMAIN_SNAPSHOT);
        if ((flags & PARSE_VALIDATE) != 0) {
            SchemaCheck.against(schemas, "domainsnapshot.rng", text);
        }
        // A new snapshot's XML is read field by field (its disk sources into their canonical
        // attribute order), so the tree VirXml already built serves, attribute order aside: no
        // second parse on the create path. A redefinition carries domain XML, whose metadata
        // keeps its attributes in document order: that one is read again in order.
        XElem root = (flags & PARSE_REDEFINE) != 0 ? XParse.parse(text, false)
                : XParse.fromDom(doc.getDocumentElement(), false);
        return fromElement(root, flags, domainOptions);
    }

    /** Parses a {@code <domainsnapshot>} DOM element (e.g. {@code test:domainsnapshot} in node files). */
    public static SnapshotDef fromElement(org.w3c.dom.Element root, int flags, DomainXmlOptions domainOptions) {
        return fromElement(XParse.fromDom(root, false), flags, domainOptions);
    }

    static SnapshotDef fromElement(XElem root, int flags, DomainXmlOptions domainOptions) {
        SnapshotDef s = new SnapshotDef();
        boolean redefine = (flags & PARSE_REDEFINE) != 0;
        boolean offline = (flags & PARSE_OFFLINE) != 0;
        s.name = root.childText("name");
        if (s.name == null && redefine) {
            throw err(VirErrorNumber.XML_ERROR, "a redefined snapshot must have a name");
        }
        s.description = root.childText("description");
        if (redefine) {
            String ct = root.childText("creationTime");
            try {
                s.creationTime = Long.parseLong(ct == null ? "" : ct.trim());
            } catch (NumberFormatException e) {
                throw err(VirErrorNumber.INTERNAL_ERROR, "missing creationTime from existing snapshot");
            }
            XElem parent = root.child("parent");
            s.parentName = parent == null ? null : parent.childText("name");
            String st = root.childText("state");
            if (st == null) {
                throw err(VirErrorNumber.XML_ERROR, "missing state from existing snapshot");
            }
            s.state = STATES.indexOf(st);
            if (s.state <= 0) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED,
                        "Invalid state '" + st + "' in domain snapshot XML");
            }
            offline = s.state == 5 || s.state == 8;
            XElem dom = root.child("domain");
            if (dom != null && dom.attr("type") != null) {
                s.domain = DomainCanon.parse(dom, DomainDef.PARSE_INACTIVE, domainOptions);
            }
            XElem inactive = root.child("inactiveDomain");
            if (inactive != null) {
                s.inactiveDomain = DomainCanon.parse(inactive, DomainDef.PARSE_INACTIVE, domainOptions);
            }
        } else {
            s.creationTime = System.currentTimeMillis() / 1000;
            if (s.name == null) {
                s.name = Long.toString(s.creationTime);
            }
        }
        XElem mem = root.child("memory");
        if (mem != null) {
            s.memoryFile = mem.attr("file");
            String loc = mem.attr("snapshot");
            if (loc != null) {
                int i = LOCATIONS.indexOf(loc);
                if (i <= 0) {
                    throw Values.invalidAttr(mem, "snapshot", loc);
                }
                s.memory = loc;
                if ("manual".equals(loc)) {
                    throw err(VirErrorNumber.XML_ERROR, "'manual' memory snapshot mode not supported");
                }
            }
        }
        if (s.memory == null) {
            if (s.memoryFile != null) {
                s.memory = "external";
            } else if (redefine) {
                s.memory = offline ? "no" : "internal";
            }
        }
        if (s.memoryFile != null && !"external".equals(s.memory)) {
            throw err(VirErrorNumber.XML_ERROR,
                    "memory filename '" + s.memoryFile + "' requires external snapshot");
        }
        if (s.memoryFile == null && "external".equals(s.memory)) {
            throw err(VirErrorNumber.XML_ERROR, "external memory snapshots require a filename");
        }
        if (offline && s.memory != null && !"no".equals(s.memory)) {
            throw err(VirErrorNumber.XML_ERROR,
                    "memory state cannot be saved with offline or disk-only snapshot");
        }
        if (s.memoryFile != null && !s.memoryFile.startsWith("/")) {
            throw err(VirErrorNumber.XML_ERROR,
                    "memory snapshot file path (" + s.memoryFile + ") must be absolute");
        }
        XElem disks = root.child("disks");
        if (disks != null) {
            for (XElem de : disks.elements()) {
                s.disks.add(parseDisk(de, redefine));
            }
        }
        return s;
    }

    private static Disk parseDisk(XElem e, boolean redefine) {
        Disk d = new Disk();
        d.name = e.attr("name");
        if (d.name == null) {
            throw err(VirErrorNumber.INTERNAL_ERROR, "missing name from disk snapshot element");
        }
        String loc = e.attr("snapshot");
        if (loc != null) {
            if (LOCATIONS.indexOf(loc) <= 0) {
                throw Values.invalidAttr(e, "snapshot", loc);
            }
            d.snapshot = loc;
        }
        String type = e.attr("type");
        if (type != null) {
            if (!List.of("file", "block", "dir", "network", "volume", "nvme", "vhostuser").contains(type)) {
                throw Values.invalidAttr(e, "type", type);
            }
            d.type = type;
        }
        if ("volume".equals(d.type) || "dir".equals(d.type)) {
            throw err(VirErrorNumber.XML_ERROR, "unsupported disk snapshot type '" + d.type + "'");
        }
        d.deleteInProgress = redefine && e.child("snapshotDeleteInProgress") != null;
        XElem src = e.child("source");
        if (src != null) {
            XmlNode sn = Devices.DISK_SOURCE.canon(src);
            d.source = sn.attrs().isEmpty() && sn.children().isEmpty() ? null : sn;
        }
        XElem drv = e.child("driver");
        if (drv != null && drv.attr("type") != null) {
            d.driverType = drv.attr("type");
        }
        String path = d.path();
        if (path != null && "file".equals(d.type) && !path.startsWith("/")) {
            throw err(VirErrorNumber.XML_ERROR, "disk snapshot image path '" + path + "' must be absolute");
        }
        if (d.snapshot == null && (path != null || d.driverType != null)) {
            d.snapshot = "external";
        }
        return d;
    }

    static VirException err(VirErrorNumber code, String detail) {
        return VirException.of(code, VirErrorDomain.DOMAIN_SNAPSHOT, detail);
    }

    /**
     * What testDomainSnapshotAlignDisks does for a new (not redefined) snapshot: sets state
     * from the domain's state, memory to internal (no when shut off; external kept), then
     * {@link #alignDisks}. Call after {@link #setDomain}.
     *
     * @param domainState the virDomainState of the domain (1 running, 5 shutoff ...)
     * @param diskOnly VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY
     * @param active whether the domain is running
     * @param regularFile whether a path is an existing regular file on the host (stat and
     *        S_ISREG): libvirt names external images only after disks whose source is one
     */
    public void testAlign(int domainState, boolean diskOnly, boolean active, Predicate<String> regularFile) {
        for (Disk d : disks) {
            if ("manual".equals(d.snapshot)) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                        "'manual' snapshot mode is not supported by the test driver");
            }
        }
        String align = "internal";
        if (diskOnly) {
            align = "external";
            state = active ? 8 : 5;
            memory = "no";
        } else if ("external".equals(memory)) {
            state = domainState;
            align = "external";
        } else {
            state = domainState;
            memory = state == 5 ? "no" : "internal";
        }
        alignDisks(null, align, true, regularFile);
    }

    /**
     * virDomainSnapshotAlignDisks: one entry per domain disk, in the domain's disk order,
     * requested ones checked and kept, the rest defaulted.
     *
     * @param existing the domain of a redefined snapshot when this one has none, or null
     */
    public void alignDisks(DomainDef existing, String defaultLocation, boolean uniformInternal,
                           Predicate<String> regularFile) {
        DomainDef dom = domain != null ? domain : existing;
        if (dom == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN_SNAPSHOT, "missing domain in snapshot");
        }
        List<DeviceDef> domDisks = dom.disks();
        if (disks.size() > domDisks.size()) {
            throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "too many disk snapshot requests for domain");
        }
        boolean requireMatch = uniformInternal && "internal".equals(defaultLocation);
        if (domDisks.isEmpty()) {
            return;
        }
        List<Disk> old = new ArrayList<>(disks);
        java.util.Map<String, Disk> map = new java.util.HashMap<>();
        for (Disk sd : old) {
            DeviceDef dd = diskByName(dom, sd.name);
            if (dd == null) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "no disk named '" + sd.name + "'");
            }
            if (map.containsKey(dd.diskTarget())) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "disk '" + sd.name + "' specified twice");
            }
            map.put(dd.diskTarget(), sd);
            String domSnap = dd.node().attr("snapshot");
            if (sd.snapshot == null) {
                if (domSnap != null && (!requireMatch || "no".equals(domSnap))) {
                    sd.snapshot = domSnap;
                } else {
                    sd.snapshot = defaultLocation;
                }
            } else if (requireMatch && !sd.snapshot.equals(defaultLocation)
                    && !("no".equals(sd.snapshot) && "no".equals(domSnap))) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "disk '" + sd.name
                        + "' must use snapshot mode '" + defaultLocation + "'");
            }
            if (sd.path() != null && !"external".equals(sd.snapshot)) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "file '" + sd.path() + "' for disk '"
                        + sd.name + "' requires use of external snapshot mode");
            }
            sd.name = dd.diskTarget();
        }
        disks.clear();
        for (DeviceDef dd : domDisks) {
            Disk existingDisk = map.get(dd.diskTarget());
            if (existingDisk != null) {
                disks.add(existingDisk);
                continue;
            }
            Disk nd = new Disk();
            nd.name = dd.diskTarget();
            if (dd.sourcePath() == null && dd.node().child("source") == null) {
                nd.snapshot = "no";
            } else {
                nd.snapshot = dd.node().attr("snapshot");
            }
            nd.type = "file";
            if (nd.snapshot == null) {
                nd.snapshot = defaultLocation;
            }
            disks.add(nd);
        }
        assignExternalNames(dom, regularFile);
    }

    private void assignExternalNames(DomainDef dom, Predicate<String> regularFile) {
        List<DeviceDef> domDisks = dom.disks();
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            if (!"external".equals(d.snapshot) || d.path() != null) {
                continue;
            }
            if (!"file".equals(d.type)) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "cannot generate external snapshot name for disk '"
                        + d.name + "' on a '" + d.type + "' device");
            }
            String orig = domDisks.get(i).sourcePath();
            if (orig == null) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "cannot generate external snapshot name for disk '"
                        + d.name + "' without source");
            }
            if (!regularFile.test(orig)) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "source for disk '" + d.name
                        + "' is not a regular file; refusing to generate external snapshot name");
            }
            String base = orig;
            int dot = base.lastIndexOf('.');
            if (dot >= 0 && base.indexOf('/', dot) < 0) {
                base = base.substring(0, dot);
            }
            d.source = new XmlNode("source").attr("file", base + "." + name);
            for (int j = 0; j < i; j++) {
                if (d.path().equals(disks.get(j).path())) {
                    throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "cannot generate external snapshot name for disk '"
                            + d.name + "': collision with disk '" + disks.get(j).name + "'");
                }
            }
        }
    }

    /** virDomainDiskByName: by target, or by source path. */
    static DeviceDef diskByName(DomainDef dom, String name) {
        for (DeviceDef d : dom.disks()) {
            if (name.equals(d.diskTarget())) {
                return d;
            }
        }
        for (DeviceDef d : dom.disks()) {
            if (name.equals(d.sourcePath())) {
                return d;
            }
        }
        return null;
    }

    /**
     * The XML as virDomainSnapshotGetXMLDesc returns it (virDomainSnapshotDefFormat).
     *
     * @param flags public VIR_DOMAIN_SNAPSHOT_XML_* ({@link #XML_SECURE})
     * @param domainUuid printed as {@code <domain><uuid>} when there is no domain definition
     */
    public String format(int flags, String domainUuid) {
        StringBuilder out = new StringBuilder(2048);
        formatInto(out, 0, flags, domainUuid, false, false);
        return out.toString();
    }

    /** {@link #format(int, String)} without a uuid fallback. */
    public String format(int flags) {
        return format(flags, null);
    }

    /**
     * Formats at an indentation; {@code internal} adds {@code <active>} as the
     * VIR_DOMAIN_SNAPSHOT_FORMAT_INTERNAL form does (node-file/status use).
     */
    public void formatInto(StringBuilder out, int ind, int flags, String domainUuid,
                           boolean internal, boolean current) {
        int domFlags = DomainDef.XML_INACTIVE | ((flags & XML_SECURE) != 0 ? DomainDef.XML_SECURE : 0);
        XmlNode.pad(out, ind);
        out.append("<domainsnapshot>\n");
        int in = ind + 2;
        XmlNode.textElement(out, in, "name", name);
        XmlNode.textElement(out, in, "description", description);
        if (state > 0) {
            XmlNode.textElement(out, in, "state", STATES.get(state));
        }
        if (parentName != null) {
            XmlNode.pad(out, in);
            out.append("<parent>\n");
            XmlNode.textElement(out, in + 2, "name", parentName);
            XmlNode.pad(out, in);
            out.append("</parent>\n");
        }
        if (creationTime != 0) {
            XmlNode.textElement(out, in, "creationTime", Long.toString(creationTime));
        }
        if (memory != null) {
            XmlNode m = new XmlNode("memory").attr("snapshot", memory).attr("file", memoryFile);
            m.format(out, in);
        }
        if (!disks.isEmpty()) {
            XmlNode.pad(out, in);
            out.append("<disks>\n");
            for (Disk d : disks) {
                diskNode(d).format(out, in + 2);
            }
            XmlNode.pad(out, in);
            out.append("</disks>\n");
        }
        if (domain != null) {
            DomainFormatter.format(domain, out, in, domFlags, "domain");
        } else if (domainUuid != null) {
            XmlNode.pad(out, in);
            out.append("<domain>\n");
            XmlNode.textElement(out, in + 2, "uuid", domainUuid);
            XmlNode.pad(out, in);
            out.append("</domain>\n");
        }
        if (inactiveDomain != null) {
            DomainFormatter.format(inactiveDomain, out, in, domFlags, "inactiveDomain");
        }
        if (internal) {
            XmlNode.textElement(out, in, "active", current ? "1" : "0");
        }
        XmlNode.pad(out, ind);
        out.append("</domainsnapshot>\n");
    }

    private static XmlNode diskNode(Disk d) {
        XmlNode n = new XmlNode("disk").attr("name", d.name);
        if (d.snapshot != null && !"default".equals(d.snapshot)) {
            n.attr("snapshot", d.snapshot);
        }
        if (d.deleteInProgress) {
            n.add(new XmlNode("snapshotDeleteInProgress"));
        }
        if (d.path() != null || d.driverType != null) {
            n.attr("type", d.type);
            if (d.driverType != null) {
                n.add(new XmlNode("driver").attr("type", d.driverType));
            }
            if (d.source != null) {
                // virDomainSnapshotDiskDefFormat passes no SECURE flag: never the cookies
                n.add(SecureFields.withoutCookies(d.source).copy());
            }
        }
        return n;
    }

    /** A deep copy. */
    public SnapshotDef copy() {
        SnapshotDef s = new SnapshotDef();
        s.name = name;
        s.description = description;
        s.state = state;
        s.parentName = parentName;
        s.creationTime = creationTime;
        s.memory = memory;
        s.memoryFile = memoryFile;
        for (Disk d : disks) {
            s.disks.add(d.copy());
        }
        s.domain = domain == null ? null : domain.copy();
        s.inactiveDomain = inactiveDomain == null ? null : inactiveDomain.copy();
        return s;
    }

    // ------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String description() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    /** The virDomainSnapshotState value (0 when unset). */
    public int state() {
        return state;
    }

    public void setState(int state) {
        this.state = state;
    }

    /** The parent snapshot's name, or null. */
    public String parentName() {
        return parentName;
    }

    public void setParentName(String parentName) {
        this.parentName = parentName;
    }

    /** Seconds since the epoch. */
    public long creationTime() {
        return creationTime;
    }

    public void setCreationTime(long creationTime) {
        this.creationTime = creationTime;
    }

    /** The memory location ("internal", "external", "no"), or null. */
    public String memory() {
        return memory;
    }

    public void setMemory(String memory) {
        this.memory = memory;
    }

    public String memoryFile() {
        return memoryFile;
    }

    /** The disk entries (read-only view). */
    public List<Disk> disks() {
        return Collections.unmodifiableList(disks);
    }

    /** The domain definition captured with the snapshot, or null. */
    public DomainDef domain() {
        return domain;
    }

    /**
     * Sets the captured domain (the drivers pass {@code vm.copyViaXml(true)} or what it gives,
     * {@code vm.copyMigratable()}).
     */
    public void setDomain(DomainDef domain) {
        this.domain = domain;
    }

    /** {@code <inactiveDomain>}, or null. */
    public DomainDef inactiveDomain() {
        return inactiveDomain;
    }

    public void setInactiveDomain(DomainDef inactiveDomain) {
        this.inactiveDomain = inactiveDomain;
    }

    /** Whether memory or any disk is external (virDomainSnapshotDefIsExternal). */
    public boolean isExternal() {
        if ("external".equals(memory)) {
            return true;
        }
        for (Disk d : disks) {
            if ("external".equals(d.snapshot)) {
                return true;
            }
        }
        return false;
    }
}
