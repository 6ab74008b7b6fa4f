package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A domain checkpoint definition: libvirt's {@code virDomainCheckpointDef}
 * (src/conf/checkpoint_conf.c): parse (new or redefine), disk alignment with default bitmap
 * names, and the XML virDomainCheckpointGetXMLDesc prints.
 *
 * <p>libvirt always checks checkpoint XML against domaincheckpoint.rng before parsing it, with
 * or without a flag; {@link #parse(String, int, SchemaValidator)} does the same.
 *
 * <p>Mutable, not thread-safe: guarded by the owning domain's lock, like {@link SnapshotDef}.
 */
public final class CheckpointDef {

    /** {@code VIR_DOMAIN_CHECKPOINT_PARSE_REDEFINE}. */
    public static final int PARSE_REDEFINE = 1;

    /** Public {@code VIR_DOMAIN_CHECKPOINT_XML_SECURE}. */
    public static final int XML_SECURE = 1;
    /** Public {@code VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN}. */
    public static final int XML_NO_DOMAIN = 1 << 1;
    /** Public {@code VIR_DOMAIN_CHECKPOINT_XML_SIZE}. */
    public static final int XML_SIZE = 1 << 2;

    /** One {@code <disks><disk>} entry. */
    public static final class Disk {
        String name;
        String checkpoint;   // "no" / "bitmap" (null = default)
        String bitmap;
        Long size;           // for XML_SIZE, set by the driver

        public String name() {
            return name;
        }

        /** "bitmap" or "no" (null while default). */
        public String checkpoint() {
            return checkpoint;
        }

        public String bitmap() {
            return bitmap;
        }

        /** Sets the size reported with {@link #XML_SIZE} (null = unknown). */
        public void setSize(Long size) {
            this.size = size;
        }

        Disk copy() {
            Disk d = new Disk();
            d.name = name;
            d.checkpoint = checkpoint;
            d.bitmap = bitmap;
            d.size = size;
            return d;
        }
    }

    String name;
    String description;
    String parentName;
    long creationTime;
    final List<Disk> disks = new ArrayList<>();
    DomainDef domain;

    CheckpointDef() {
    }

    /**
     * Parses {@code <domaincheckpoint>} as virDomainCheckpointDefParseString; without
     * {@link #PARSE_REDEFINE} creationTime = now and a missing name becomes that number.
     */
    public static CheckpointDef parse(String xml, int flags, DomainXmlOptions domainOptions,
                                      SchemaValidator schemas) {
        String text = xml == null ? "" : xml;
        VirXml.parseString(text, "(domain_checkpoint)", "domaincheckpoint",
                VirErrorDomain.DOMAIN_CHECKPOINT);
        SchemaCheck.against(schemas, "domaincheckpoint.rng", text);
        return parseChecked(text, flags, domainOptions);
    }

    /** {@link #parse(String, int, DomainXmlOptions, SchemaValidator)} without the schema check (tests of the parser). */
    public static CheckpointDef parse(String xml, int flags, DomainXmlOptions domainOptions) {
        String text = xml == null ? "" : xml;
        VirXml.parseString(text, "(domain_checkpoint)", "domaincheckpoint",
                VirErrorDomain.DOMAIN_CHECKPOINT);
        return parseChecked(text, flags, domainOptions);
    }

    private static CheckpointDef parseChecked(String text, int flags, DomainXmlOptions domainOptions) {
        XElem root = XParse.parse(text, false);
        CheckpointDef c = new CheckpointDef();
        boolean redefine = (flags & PARSE_REDEFINE) != 0;
        c.name = root.childText("name");
        if (c.name == null && redefine) {
            throw err(VirErrorNumber.XML_ERROR, "a redefined checkpoint must have a name");
        }
        c.description = root.childText("description");
        if (redefine) {
            String ct = root.childText("creationTime");
            try {
                c.creationTime = Long.parseLong(ct == null ? "" : ct.trim());
            } catch (NumberFormatException e) {
                throw err(VirErrorNumber.INTERNAL_ERROR, "missing creationTime from existing checkpoint");
            }
            XElem parent = root.child("parent");
            c.parentName = parent == null ? null : parent.childText("name");
            XElem dom = root.child("domain");
            if (dom != null) {
                c.domain = DomainCanon.parse(dom, DomainDef.PARSE_INACTIVE, domainOptions);
            }
        } else {
            c.creationTime = System.currentTimeMillis() / 1000;
            if (c.name == null) {
                c.name = Long.toString(c.creationTime);
            }
        }
        XElem disks = root.child("disks");
        if (disks != null) {
            for (XElem de : disks.elements()) {
                Disk d = new Disk();
                d.name = de.attr("name");
                String cp = de.attr("checkpoint");
                d.checkpoint = cp == null ? "bitmap" : cp;
                d.bitmap = de.attr("bitmap");
                c.disks.add(d);
            }
        }
        return c;
    }

    static VirException err(VirErrorNumber code, String detail) {
        return VirException.of(code, VirErrorDomain.DOMAIN_CHECKPOINT, detail);
    }

    /**
     * virDomainCheckpointAlignDisks: one entry per domain disk; without a {@code <disks>}
     * request every writable disk gets a bitmap, named after the checkpoint unless given.
     */
    public void alignDisks() {
        if (domain == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN_CHECKPOINT, "missing domain in checkpoint");
        }
        List<DeviceDef> domDisks = domain.disks();
        if (disks.size() > domDisks.size()) {
            throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "too many disk checkpoint requests for domain");
        }
        if (domDisks.isEmpty()) {
            throw err(VirErrorNumber.CONFIG_UNSUPPORTED,
                    "domain must have at least one disk to perform checkpoints");
        }
        String def = disks.isEmpty() ? "bitmap" : "no";
        java.util.Map<String, Disk> map = new java.util.HashMap<>();
        for (Disk cd : disks) {
            DeviceDef dd = cd.name == null ? null : SnapshotDef.diskByName(domain, cd.name);
            if (dd == null) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "no disk named '" + cd.name + "'");
            }
            if (map.containsKey(dd.diskTarget())) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "disk '" + cd.name + "' specified twice");
            }
            map.put(dd.diskTarget(), cd);
            if ((emptyOrReadonly(dd)) && !"no".equals(cd.checkpoint)) {
                throw err(VirErrorNumber.CONFIG_UNSUPPORTED, "disk '" + cd.name + "' is empty or readonly");
            }
            cd.name = dd.diskTarget();
        }
        List<Disk> aligned = new ArrayList<>();
        for (DeviceDef dd : domDisks) {
            Disk existing = map.get(dd.diskTarget());
            if (existing != null) {
                aligned.add(existing);
                continue;
            }
            Disk nd = new Disk();
            nd.name = dd.diskTarget();
            nd.checkpoint = emptyOrReadonly(dd) ? "no" : def;
            aligned.add(nd);
        }
        disks.clear();
        disks.addAll(aligned);
        for (Disk d : disks) {
            if ("bitmap".equals(d.checkpoint) && d.bitmap == null) {
                d.bitmap = name;
            }
        }
    }

    private static boolean emptyOrReadonly(DeviceDef dd) {
        return dd.node().child("source") == null || dd.diskReadonly();
    }

    /**
     * The XML as virDomainCheckpointGetXMLDesc returns it.
     *
     * @param flags public VIR_DOMAIN_CHECKPOINT_XML_* bits
     */
    public String format(int flags) {
        StringBuilder out = new StringBuilder(2048);
        int domFlags = DomainDef.XML_INACTIVE | ((flags & XML_SECURE) != 0 ? DomainDef.XML_SECURE : 0);
        out.append("<domaincheckpoint>\n");
        XmlNode.textElement(out, 2, "name", name);
        XmlNode.textElement(out, 2, "description", description);
        if (parentName != null) {
            out.append("  <parent>\n");
            XmlNode.textElement(out, 4, "name", parentName);
            out.append("  </parent>\n");
        }
        if (creationTime != 0) {
            XmlNode.textElement(out, 2, "creationTime", Long.toString(creationTime));
        }
        if (!disks.isEmpty()) {
            out.append("  <disks>\n");
            for (Disk d : disks) {
                if (d.name == null) {
                    continue;
                }
                XmlNode n = new XmlNode("disk").attr("name", d.name);
                if (d.checkpoint != null && !"default".equals(d.checkpoint)) {
                    n.attr("checkpoint", d.checkpoint);
                }
                if (d.bitmap != null) {
                    n.attr("bitmap", d.bitmap);
                    if ((flags & XML_SIZE) != 0 && d.size != null) {
                        n.attr("size", Long.toUnsignedString(d.size));
                    }
                }
                n.format(out, 4);
            }
            out.append("  </disks>\n");
        }
        if (domain != null && (flags & XML_NO_DOMAIN) == 0) {
            DomainFormatter.format(domain, out, 2, domFlags, "domain");
        }
        out.append("</domaincheckpoint>\n");
        return out.toString();
    }

    /** A deep copy. */
    public CheckpointDef copy() {
        CheckpointDef c = new CheckpointDef();
        c.name = name;
        c.description = description;
        c.parentName = parentName;
        c.creationTime = creationTime;
        for (Disk d : disks) {
            c.disks.add(d.copy());
        }
        c.domain = domain == null ? null : domain.copy();
        return c;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String parentName() {
        return parentName;
    }

    public void setParentName(String parentName) {
        this.parentName = parentName;
    }

    public long creationTime() {
        return creationTime;
    }

    public void setCreationTime(long creationTime) {
        this.creationTime = creationTime;
    }

    public List<Disk> disks() {
        return Collections.unmodifiableList(disks);
    }

    public DomainDef domain() {
        return domain;
    }

    /** Sets the captured domain (the driver passes {@code vm.copyViaXml(true)}). */
    public void setDomain(DomainDef domain) {
        this.domain = domain;
    }
}
