package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.w3c.dom.Element;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A domain definition: libvirt's {@code virDomainDef} (parse in src/conf/domain_conf.c
 * {@code virDomainDefParseXML}, post-parse defaults with the driver's
 * {@link DomainXmlOptions}, format as {@code virDomainDefFormatInternal}).
 *
 * <p>How it is held: the scalar parts the drivers change are typed fields (name, uuid, id,
 * title, description, memory sizes, vcpus, os type/arch/machine, lifecycle actions); every
 * other top-level section and every device is kept as a canonical {@link XmlNode} tree, built
 * when parsing: unknown elements/attributes libvirt ignores are dropped, values normalised and
 * defaults filled as libvirt does, attributes and children put in libvirt's print order. The
 * formatter then prints typed fields and canonical trees in libvirt's element order, so
 * {@link #format} is byte-identical to libvirt's output (see package-info for which parts are
 * exact and which are kept structurally only).
 *
 * <p>Threading: mutable and not thread-safe. The driver guards each domain's definition with
 * that domain object's lock; to answer a dumpxml without holding the lock across formatting,
 * it takes a {@link #copy()} under the lock and formats the copy after releasing it. A parsed
 * definition that has not been published yet is owned by the thread that parsed it.
 */
public final class DomainDef {

    /** {@code VIR_DOMAIN_DEF_PARSE_STATUS}. */
    public static final int PARSE_STATUS = 1;
    /** {@code VIR_DOMAIN_DEF_PARSE_INACTIVE}: ignore live-only parts (id, vnet names ...). */
    public static final int PARSE_INACTIVE = 1 << 1;
    /** {@code VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA} (VIR_DOMAIN_DEFINE_VALIDATE). */
    public static final int PARSE_VALIDATE_SCHEMA = 1 << 6;

    /** Public {@code VIR_DOMAIN_XML_SECURE}: include passwords. */
    public static final int XML_SECURE = 1;
    /** Public {@code VIR_DOMAIN_XML_INACTIVE}: the inactive form (no id, aliases, live state). */
    public static final int XML_INACTIVE = 1 << 1;
    /** Public {@code VIR_DOMAIN_XML_UPDATE_CPU}. */
    public static final int XML_UPDATE_CPU = 1 << 2;
    /** Public {@code VIR_DOMAIN_XML_MIGRATABLE}. */
    public static final int XML_MIGRATABLE = 1 << 3;

    private static final SecureRandom RANDOM = new SecureRandom();

    // ---- identity
    String virtType = "test";
    int id = -1;
    String name;
    byte[] uuid = new byte[16];
    boolean uuidGenerated;
    String genid;           // canonical text, or null when absent
    boolean genidRequested;
    String title;
    String description;
    XElem metadata;         // the whole <metadata> element as libxml2 keeps it, or null

    // ---- memory (KiB)
    long maxMemoryKiB;
    int memorySlots;
    long memoryKiB;
    String memoryDumpCore;
    long currentMemoryKiB;

    // ---- vcpus
    int vcpusMax = 1;
    int vcpusCurrent = 1;
    String vcpuPlacement = "static";
    String vcpuCpuset;
    XmlNode vcpus;          // <vcpus> (individual vcpu state), or null
    final java.util.TreeMap<Integer, String> vcpuPins = new java.util.TreeMap<>();

    // ---- sections kept canonical (null = absent)
    XmlNode blkiotune;
    XmlNode memtune;
    XmlNode memoryBacking;
    XmlNode iothreads;      // holder: <iothreads>, <iothreadids>, <defaultiothread> children
    XmlNode cputune;
    XmlNode numatune;
    XmlNode resource;
    final List<XmlNode> sysinfo = new ArrayList<>();
    String bootloader;
    String bootloaderArgs;
    XmlNode os;             // canonical <os> minus the typed <type>
    String osType = "hvm";
    String osArch = "i686";
    String osMachine;
    XmlNode idmap;
    XmlNode features;
    XmlNode cpu;
    XmlNode clock;
    String onPoweroff = "destroy";
    String onReboot = "restart";
    String onCrash = "destroy";
    String onLockFailure;
    XmlNode pm;
    XmlNode perf;
    String emulator;
    final List<DeviceDef> devices = new ArrayList<>();
    final List<XmlNode> seclabels = new ArrayList<>();
    XmlNode keywrap;
    XmlNode launchSecurity;

    // ---- how it was parsed: the driver's options and its namespace data (libvirt's
    // def->namespaceData; parsed, never formatted)
    DomainXmlOptions options = DomainXmlOptions.GENERIC;
    Object namespaceData;

    DomainDef() {
    }

    /**
     * Parses domain XML as libvirt's {@code virDomainDefParseString} does with the driver's
     * {@code options} (its xmlopt), including post-parse defaults and validation.
     *
     * @param parseFlags {@code PARSE_*} bits (the drivers pass {@link #PARSE_INACTIVE} for new
     *        definitions), without {@link #PARSE_VALIDATE_SCHEMA}
     * @throws VirException with libvirt's code, domain DOMAIN and message
     */
    public static DomainDef parse(String xml, int parseFlags, DomainXmlOptions options) {
        return parse(xml, parseFlags, options, null);
    }

    /**
     * {@link #parse(String, int, DomainXmlOptions)}, checking the document against domain.rng
     * first when {@code parseFlags} has {@link #PARSE_VALIDATE_SCHEMA}.
     */
    public static DomainDef parse(String xml, int parseFlags, DomainXmlOptions options, SchemaValidator schemas) {
        String text = xml == null ? "" : xml;
        VirXml.parseString(text, "(domain_definition)", "domain", VirErrorDomain.DOMAIN);
        if ((parseFlags & PARSE_VALIDATE_SCHEMA) != 0) {
            SchemaCheck.against(schemas, "domain.rng", text);
        }
        return DomainCanon.parseString(text, parseFlags, options);
    }

    /** Parses an already parsed {@code <domain>} element (node files, status files). */
    public static DomainDef fromElement(Element root, int parseFlags, DomainXmlOptions options) {
        return DomainCanon.parse(root, parseFlags, options);
    }

    /**
     * Formats as {@code virDomainGetXMLDesc} does.
     *
     * @param flags public {@code VIR_DOMAIN_XML_*} bits ({@link #XML_SECURE},
     *              {@link #XML_INACTIVE}, {@link #XML_MIGRATABLE}; UPDATE_CPU is accepted and
     *              changes nothing, as for the test driver)
     */
    public String format(int flags) {
        StringBuilder sb = new StringBuilder(2048);
        DomainFormatter.format(this, sb, 0, flags, "domain");
        return sb.toString();
    }

    /** Formats into {@code out} with every line indented by {@code indent} spaces. */
    public void formatInto(StringBuilder out, int indent, int flags) {
        DomainFormatter.format(this, out, indent, flags, "domain");
    }

    /** A deep copy; changes to either side do not show in the other. */
    public DomainDef copy() {
        DomainDef d = new DomainDef();
        d.virtType = virtType;
        d.id = id;
        d.name = name;
        d.uuid = uuid.clone();
        d.uuidGenerated = uuidGenerated;
        d.genid = genid;
        d.genidRequested = genidRequested;
        d.title = title;
        d.description = description;
        d.metadata = metadata == null ? null : metadata.copy();
        d.maxMemoryKiB = maxMemoryKiB;
        d.memorySlots = memorySlots;
        d.memoryKiB = memoryKiB;
        d.memoryDumpCore = memoryDumpCore;
        d.currentMemoryKiB = currentMemoryKiB;
        d.vcpusMax = vcpusMax;
        d.vcpusCurrent = vcpusCurrent;
        d.vcpuPlacement = vcpuPlacement;
        d.vcpuCpuset = vcpuCpuset;
        d.vcpus = copy(vcpus);
        d.vcpuPins.putAll(vcpuPins);
        d.blkiotune = copy(blkiotune);
        d.memtune = copy(memtune);
        d.memoryBacking = copy(memoryBacking);
        d.iothreads = copy(iothreads);
        d.cputune = copy(cputune);
        d.numatune = copy(numatune);
        d.resource = copy(resource);
        for (XmlNode n : sysinfo) {
            d.sysinfo.add(n.copy());
        }
        d.bootloader = bootloader;
        d.bootloaderArgs = bootloaderArgs;
        d.os = copy(os);
        d.osType = osType;
        d.osArch = osArch;
        d.osMachine = osMachine;
        d.idmap = copy(idmap);
        d.features = copy(features);
        d.cpu = copy(cpu);
        d.clock = copy(clock);
        d.onPoweroff = onPoweroff;
        d.onReboot = onReboot;
        d.onCrash = onCrash;
        d.onLockFailure = onLockFailure;
        d.pm = copy(pm);
        d.perf = copy(perf);
        d.emulator = emulator;
        for (DeviceDef dev : devices) {
            d.devices.add(dev.copy());
        }
        for (XmlNode n : seclabels) {
            d.seclabels.add(n.copy());
        }
        d.keywrap = copy(keywrap);
        d.launchSecurity = copy(launchSecurity);
        d.options = options;
        d.namespaceData = namespaceData;
        return d;
    }

    /**
     * libvirt's {@code virDomainDefCopy}: a copy made by formatting (SECURE, plus INACTIVE and
     * MIGRATABLE when {@code migratable}) and parsing that again as inactive XML. This is how
     * a driver captures a domain into a snapshot or checkpoint, so live-only parts
     * drop out exactly as libvirt drops them.
     */
    public DomainDef copyViaXml(boolean migratable) {
        int flags = XML_SECURE | (migratable ? XML_INACTIVE | XML_MIGRATABLE : 0);
        return DomainCanon.parseString(format(flags), PARSE_INACTIVE, options);
    }

    /**
     * What {@link #copyViaXml copyViaXml(true)} gives, made from a deep copy without the XML
     * round trip where the definition allows ({@link InactiveCopy}): the form a snapshot
     * captures a running domain in. A copy: later changes to either side do not show in the other.
     */
    public DomainDef copyMigratable() {
        return InactiveCopy.of(this);
    }

    static XmlNode copy(XmlNode n) {
        return n == null ? null : n.copy();
    }

    // =====================================================================================
    // identity

    /** The domain type attribute ("test"). */
    public String virtType() {
        return virtType;
    }

    /** The running id, or -1 when inactive. */
    public int id() {
        return id;
    }

    public void setId(int id) {
        this.id = id;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The 16 raw UUID bytes (a copy). */
    public byte[] uuid() {
        return uuid.clone();
    }

    public void setUuid(byte[] uuid) {
        if (uuid.length != 16) {
            throw new IllegalArgumentException("uuid must be 16 bytes");
        }
        this.uuid = uuid.clone();
    }

    /** The UUID as libvirt prints it (lower-case, 8-4-4-4-12). */
    public String uuidString() {
        return formatUuid(uuid);
    }

    /** True when the XML had no {@code <uuid>} and one was generated. */
    public boolean uuidGenerated() {
        return uuidGenerated;
    }

    public String title() {
        return title;
    }

    /** Sets the title; null or empty removes it (as virDomainSetMetadata does). */
    public void setTitle(String title) {
        this.title = title == null || title.isEmpty() ? null : title;
    }

    public String description() {
        return description;
    }

    /** Sets the description; null or empty removes it. */
    public void setDescription(String description) {
        this.description = description == null || description.isEmpty() ? null : description;
    }

    // =====================================================================================
    // metadata (virDomainSetMetadata / virDomainGetMetadata with VIR_DOMAIN_METADATA_ELEMENT)

    /**
     * The metadata element in namespace {@code uri} as {@code virDomainGetMetadata} returns it
     * (namespace declarations and prefixes removed, libxml2's formatting), or null when none.
     */
    public String metadata(String uri) {
        return Metadata.get(metadata, uri);
    }

    /** Whether there is a metadata element in namespace {@code uri}. */
    public boolean hasMetadata(String uri) {
        return Metadata.find(metadata, uri) != null;
    }

    /**
     * Replaces the metadata element in namespace {@code uri} ({@code virDomainSetMetadata}):
     * parses {@code xml} (one element), puts its elements without namespace in {@code uri}
     * with prefix {@code key}. A null {@code xml} removes the element.
     *
     * @throws VirException XML_DETAIL/XML_ERROR when {@code xml} is not well formed,
     *         INTERNAL_ERROR when {@code key} is not a valid prefix (libvirt's messages)
     */
    public void setMetadata(String uri, String key, String xml) {
        metadata = Metadata.set(metadata, uri, key, xml);
    }

    /** Removes the metadata element in namespace {@code uri}; returns whether one was there. */
    public boolean removeMetadata(String uri) {
        boolean had = hasMetadata(uri);
        metadata = Metadata.set(metadata, uri, null, null);
        return had;
    }

    // =====================================================================================
    // memory

    /** {@code <memory>}: total memory in KiB (virDomainDefGetMemoryTotal). */
    public long memoryKiB() {
        return memoryKiB;
    }

    /** Sets the total memory (virDomainDefSetMemoryTotal). */
    public void setMemoryKiB(long kib) {
        this.memoryKiB = kib;
    }

    /** {@code <currentMemory>} (the balloon) in KiB. */
    public long currentMemoryKiB() {
        return currentMemoryKiB;
    }

    public void setCurrentMemoryKiB(long kib) {
        this.currentMemoryKiB = kib;
    }

    /** {@code <maxMemory>} in KiB, 0 when absent. */
    public long maxMemoryKiB() {
        return maxMemoryKiB;
    }

    public void setMaxMemoryKiB(long kib) {
        this.maxMemoryKiB = kib;
    }

    /** {@code <maxMemory slots>}, 0 when absent. */
    public int memorySlots() {
        return memorySlots;
    }

    public void setMemorySlots(int slots) {
        this.memorySlots = slots;
    }

    // =====================================================================================
    // vcpus

    /** {@code <vcpu>} text: the maximum vcpu count. */
    public int vcpusMax() {
        return vcpusMax;
    }

    /**
     * Sets the maximum (virDomainDefSetVcpusMax): vcpus above it and their pins go, new ones
     * start offline; the current count is lowered to it when larger.
     */
    public void setVcpusMax(int n) {
        this.vcpusMax = n;
        if (vcpusCurrent > n) {
            vcpusCurrent = n;
        }
        vcpuPins.keySet().removeIf(v -> v >= n);
        syncVcpusNode(false);
    }

    /** {@code <vcpu current>}: the online vcpu count. */
    public int vcpusCurrent() {
        return vcpusCurrent;
    }

    /** Sets the online count (virDomainDefSetVcpus: the first {@code n} vcpus are online). */
    public void setVcpusCurrent(int n) {
        this.vcpusCurrent = n;
        syncVcpusNode(true);
    }

    /**
     * Every vCPU's state, vCPU 0 first: from the {@code <vcpus>} list when the definition has
     * one, else the first {@code current} online and not hot-pluggable, the rest offline and
     * hot-pluggable (virDomainDefSetVcpus then virDomainVcpuDefPostParse).
     */
    public List<VcpuState> vcpuStates() {
        List<VcpuState> out = new ArrayList<>();
        List<XmlNode> listed = vcpus == null ? List.of() : vcpus.children("vcpu");
        for (int i = 0; i < vcpusMax; i++) {
            if (i < listed.size()) {
                XmlNode v = listed.get(i);
                String order = v.attr("order");
                boolean on = "yes".equals(v.attr("enabled"));
                String hp = v.attr("hotpluggable"); // absent on vCPUs a new maximum added
                out.add(new VcpuState(on, hp == null ? !on : "yes".equals(hp),
                        order == null ? 0 : Integer.parseInt(order)));
            } else {
                boolean on = i < vcpusCurrent;
                out.add(new VcpuState(on, !on, 0));
            }
        }
        return out;
    }

    /** Whether the definition prints its {@code <vcpus>} list (libvirt's individualvcpus). */
    public boolean hasIndividualVcpus() {
        return vcpus != null;
    }

    /**
     * Sets every vCPU's state (one per vCPU up to the maximum); {@code individual} makes the
     * definition print its {@code <vcpus>} list from now on, as libvirt does once a vCPU was
     * plugged individually. The current count follows the online ones.
     */
    public void setVcpuStates(List<VcpuState> states, boolean individual) {
        if (states.size() != vcpusMax) {
            throw new IllegalArgumentException("need " + vcpusMax + " vcpu states, got " + states.size());
        }
        int online = 0;
        for (VcpuState v : states) {
            online += v.online() ? 1 : 0;
        }
        vcpusCurrent = online;
        if (!individual && vcpus == null) {
            return;
        }
        XmlNode fresh = new XmlNode("vcpus");
        for (int i = 0; i < states.size(); i++) {
            VcpuState v = states.get(i);
            fresh.add(new XmlNode("vcpu").attr("id", Integer.toString(i)).attr("enabled", v.online() ? "yes" : "no")
                    .attr("hotpluggable", v.hotpluggable() ? "yes" : "no")
                    .attr("order", v.order() == 0 ? null : Integer.toString(v.order())));
        }
        vcpus = fresh;
    }

    /** Keeps an explicit {@code <vcpus>} list in step with the counts. */
    private void syncVcpusNode(boolean setOnline) {
        if (vcpus == null) {
            return;
        }
        List<XmlNode> old = vcpus.children("vcpu");
        XmlNode fresh = new XmlNode("vcpus");
        for (int i = 0; i < vcpusMax; i++) {
            XmlNode v = i < old.size() ? old.get(i).copy()
                    // virDomainVcpuDefNew: a vCPU a new maximum adds has no hotpluggable value
                    : new XmlNode("vcpu").attr("id", Integer.toString(i)).attr("enabled", "no");
            if (setOnline) {
                XmlNode c = new XmlNode("vcpu").attr("id", v.attr("id"))
                        .attr("enabled", i < vcpusCurrent ? "yes" : "no")
                        .attr("hotpluggable", v.attr("hotpluggable")).attr("order", v.attr("order"));
                v = c;
            }
            fresh.add(v);
        }
        vcpus = fresh;
        if (!setOnline) {
            int online = 0;
            for (XmlNode v : fresh.children()) {
                if ("yes".equals(v.attr("enabled"))) {
                    online++;
                }
            }
            vcpusCurrent = online;
        }
    }

    /** {@code <vcpu placement>}: "static" or "auto". */
    public String vcpuPlacement() {
        return vcpuPlacement;
    }

    public void setVcpuPlacement(String placement) {
        this.vcpuPlacement = placement;
    }

    /** {@code <vcpu cpuset>} as libvirt prints it, or null. */
    public String vcpuCpuset() {
        return vcpuCpuset;
    }

    public void setVcpuCpuset(String cpuset) {
        this.vcpuCpuset = cpuset == null ? null : CpuSet.format(CpuSet.parse(cpuset, "cpuset"));
    }

    // =====================================================================================
    // cputune

    /** {@code <cputune><shares>}, or null when unset. */
    public Long cpuShares() {
        return longChild(cputune, "shares");
    }

    public void setCpuShares(Long shares) {
        setCputuneScalar("shares", shares);
    }

    public Long cpuPeriod() {
        return longChild(cputune, "period");
    }

    public void setCpuPeriod(Long period) {
        setCputuneScalar("period", period);
    }

    public Long cpuQuota() {
        return longChild(cputune, "quota");
    }

    public void setCpuQuota(Long quota) {
        setCputuneScalar("quota", quota);
    }

    /** Any cputune scalar ({@code global_period}, {@code emulator_quota} ...), or null. */
    public Long cputuneValue(String element) {
        return longChild(cputune, element);
    }

    /** Sets/clears a cputune scalar (shares, period, quota, global_*, emulator_*, iothread_*). */
    public void setCputuneValue(String element, Long value) {
        setCputuneScalar(element, value);
    }

    /** The {@code <vcpupin vcpu=N cpuset>} for this vcpu, or null. */
    public String vcpuPin(int vcpu) {
        return vcpuPins.get(vcpu);
    }

    /** Sets (cpuset non-null) or removes a vcpupin; the cpuset is normalised. */
    public void setVcpuPin(int vcpu, String cpuset) {
        if (cpuset == null) {
            vcpuPins.remove(vcpu);
        } else {
            vcpuPins.put(vcpu, CpuSet.normalize(cpuset));
        }
    }

    /** All vcpu pins: vcpu number to cpuset (a copy, in vcpu order). */
    public java.util.SortedMap<Integer, String> vcpuPins() {
        return new java.util.TreeMap<>(vcpuPins);
    }

    /** {@code <emulatorpin cpuset>}, or null. */
    public String emulatorPin() {
        return cputune == null ? null : cputune.childAttr("emulatorpin", "cpuset");
    }

    public void setEmulatorPin(String cpuset) {
        if (cpuset == null) {
            if (cputune != null) {
                cputune.remove("emulatorpin");
                dropEmptyCputune();
            }
            return;
        }
        XmlNode ct = cputuneNode();
        ct.remove("emulatorpin");
        ct.add(new XmlNode("emulatorpin").attr("cpuset", CpuSet.normalize(cpuset)));
        DomainCanon.sortCputune(ct);
    }

    /** The {@code <iothreadpin iothread=N cpuset>}, or null. */
    public String iothreadPin(int iothread) {
        return pinFor("iothreadpin", "iothread", iothread);
    }

    public void setIothreadPin(int iothread, String cpuset) {
        setPin("iothreadpin", "iothread", iothread, cpuset);
    }

    private Long longChild(XmlNode parent, String child) {
        if (parent == null) {
            return null;
        }
        String t = parent.childText(child);
        return t == null ? null : Long.valueOf(t);
    }

    private XmlNode cputuneNode() {
        if (cputune == null) {
            cputune = new XmlNode("cputune");
        }
        return cputune;
    }

    private void dropEmptyCputune() {
        if (cputune != null && cputune.children().isEmpty()) {
            cputune = null;
        }
    }

    private void setCputuneScalar(String element, Long value) {
        if (value == null) {
            if (cputune != null) {
                cputune.remove(element);
                dropEmptyCputune();
            }
            return;
        }
        XmlNode ct = cputuneNode();
        XmlNode n = ct.child(element);
        if (n == null) {
            n = ct.add(new XmlNode(element));
        }
        n.text(Long.toString(value));
        DomainCanon.sortCputune(ct);
    }

    private String pinFor(String element, String idAttr, int id) {
        if (cputune == null) {
            return null;
        }
        for (XmlNode n : cputune.children(element)) {
            if (Integer.toString(id).equals(n.attr(idAttr))) {
                return n.attr("cpuset");
            }
        }
        return null;
    }

    private void setPin(String element, String idAttr, int id, String cpuset) {
        XmlNode ct = cpuset == null ? cputune : cputuneNode();
        if (ct == null) {
            return;
        }
        ct.children().removeIf(n -> n.name().equals(element)
                && Integer.toString(id).equals(n.attr(idAttr)));
        if (cpuset != null) {
            ct.add(new XmlNode(element).attr(idAttr, Integer.toString(id))
                    .attr("cpuset", CpuSet.normalize(cpuset)));
            DomainCanon.sortCputune(ct);
        }
        dropEmptyCputune();
    }

    // =====================================================================================
    // iothreads

    /** The iothread ids in order ({@code <iothreadids>}, or 1..n from {@code <iothreads>}). */
    public List<Integer> iothreadIds() {
        return DomainCanon.iothreadIds(iothreads);
    }

    /** Adds an iothread id (virDomainIOThreadIDAdd); returns false when it exists. */
    public boolean addIothread(int iothreadId) {
        List<Integer> ids = new ArrayList<>(iothreadIds());
        if (ids.contains(iothreadId)) {
            return false;
        }
        ids.add(iothreadId);
        iothreads = DomainCanon.iothreadsNode(ids, iothreads);
        return true;
    }

    /** virDomainDriverAddIOThreadCheck: libvirt's error when the id is in use. */
    public void checkIothreadAddable(int iothreadId) {
        if (iothreadIds().contains(iothreadId)) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "an IOThread is already using iothread_id '" + Integer.toUnsignedString(iothreadId) + "'");
        }
    }

    /** virDomainDriverDelIOThreadCheck: libvirt's error unless the id exists and no disk or controller uses it. */
    public void checkIothreadRemovable(int iothreadId) {
        String id = Integer.toUnsignedString(iothreadId);
        if (!iothreadIds().contains(iothreadId)) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN, "cannot find IOThread '" + id + "' in iothreadids list");
        }
        for (DeviceDef disk : disks()) {
            if (id.equals(disk.node().childAttr("driver", "iothread"))) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN, "cannot remove IOThread " + id
                        + " since it is being used by disk '" + disk.diskTarget() + "'");
            }
        }
        for (DeviceDef ctl : controllers()) {
            if (id.equals(ctl.node().childAttr("driver", "iothread"))) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN, "cannot remove IOThread '" + id
                        + "' since it is being used by controller");
            }
        }
    }

    /** Removes an iothread id (and its pin); returns false when absent. */
    public boolean removeIothread(int iothreadId) {
        List<Integer> ids = new ArrayList<>(iothreadIds());
        if (!ids.remove(Integer.valueOf(iothreadId))) {
            return false;
        }
        int at = iothreadIds().indexOf(iothreadId);
        iothreads = DomainCanon.iothreadsNode(ids, iothreads);
        // virDomainIOThreadIDDel: the ids after a removed one are no longer 1..n, so they print
        XmlNode idsNode = iothreads == null ? null : iothreads.child("iothreadids");
        if (idsNode != null) {
            List<XmlNode> left = idsNode.children("iothread");
            for (int i = at; i < left.size(); i++) {
                left.get(i).attr("auto", null);
            }
        }
        setIothreadPin(iothreadId, null);
        return true;
    }

    /**
     * An iothread's {@code thread_pool_min} and {@code thread_pool_max}, each -1 when unset
     * (libvirt's default), or null when there is no such iothread.
     */
    public int[] iothreadPool(int iothreadId) {
        XmlNode t = iothreadNode(iothreadId);
        if (t == null) {
            return iothreadIds().contains(iothreadId) ? new int[] {-1, -1} : null;
        }
        String min = t.attr("thread_pool_min");
        String max = t.attr("thread_pool_max");
        return new int[] {min == null ? -1 : Integer.parseInt(min), max == null ? -1 : Integer.parseInt(max)};
    }

    /** Sets an iothread's thread pool bounds (-1 clears one); false when there is no such iothread. */
    public boolean setIothreadPool(int iothreadId, int min, int max) {
        XmlNode t = iothreadNode(iothreadId);
        if (t == null) {
            return false;
        }
        t.attr("thread_pool_min", null).attr("thread_pool_max", null); // re-added in libvirt's order
        t.attr("thread_pool_min", min < 0 ? null : Integer.toString(min));
        t.attr("thread_pool_max", max < 0 ? null : Integer.toString(max));
        return true;
    }

    private XmlNode iothreadNode(int iothreadId) {
        XmlNode idsNode = iothreads == null ? null : iothreads.child("iothreadids");
        if (idsNode == null) {
            return null;
        }
        for (XmlNode t : idsNode.children("iothread")) {
            if (Integer.toString(iothreadId).equals(t.attr("id"))) {
                return t;
            }
        }
        return null;
    }

    // =====================================================================================
    // resource

    /** {@code <resource><partition>}, or null when unset. */
    public String resourcePartition() {
        return resource == null ? null : resource.childText("partition");
    }

    /** Sets {@code <resource><partition>} (libvirt's default partition of a running guest). */
    public void setResourcePartition(String partition) {
        if (resource == null) {
            resource = new XmlNode("resource");
        }
        XmlNode n = resource.child("partition");
        if (n == null) {
            resource.children().add(0, new XmlNode("partition").text(partition));
        } else {
            n.text(partition);
        }
    }

    // memtune / blkiotune / numatune

    /**
     * A {@code <memtune>} limit in KiB ({@code hard_limit}, {@code soft_limit},
     * {@code swap_hard_limit}, {@code min_guarantee}), or null when unset.
     */
    public Long memtuneKiB(String element) {
        return longChild(memtune, element);
    }

    /** Sets/clears a memtune limit (KiB); libvirt prints them with unit='KiB'. */
    public void setMemtuneKiB(String element, Long kib) {
        if (kib == null) {
            if (memtune != null) {
                memtune.remove(element);
                if (memtune.children().isEmpty()) {
                    memtune = null;
                }
            }
            return;
        }
        if (memtune == null) {
            memtune = new XmlNode("memtune");
        }
        XmlNode n = memtune.child(element);
        if (n == null) {
            n = memtune.add(new XmlNode(element));
        }
        n.attr("unit", "KiB").text(Long.toString(kib));
        DomainCanon.sortMemtune(memtune);
    }

    /** {@code <blkiotune><weight>}, or null when unset. */
    public Integer blkioWeight() {
        Long v = longChild(blkiotune, "weight");
        return v == null ? null : v.intValue();
    }

    public void setBlkioWeight(Integer weight) {
        if (weight == null) {
            if (blkiotune != null) {
                blkiotune.remove("weight");
                if (blkiotune.children().isEmpty()) {
                    blkiotune = null;
                }
            }
            return;
        }
        if (blkiotune == null) {
            blkiotune = new XmlNode("blkiotune");
        }
        blkiotune.remove("weight");
        blkiotune.children().add(0, new XmlNode("weight").text(Integer.toString(weight)));
    }

    /** The {@code <blkiotune><device>} elements (live canonical nodes). */
    public List<XmlNode> blkioDevices() {
        return blkiotune == null ? Collections.emptyList() : blkiotune.children("device");
    }

    /** {@code <numatune><memory mode>}, or null. */
    public String numatuneMode() {
        return numatune == null ? null : numatune.childAttr("memory", "mode");
    }

    /** {@code <numatune><memory nodeset>}, or null. */
    public String numatuneNodeset() {
        return numatune == null ? null : numatune.childAttr("memory", "nodeset");
    }

    /** Sets numatune memory mode and/or nodeset (null leaves that part unchanged). */
    public void setNumatune(String mode, String nodeset) {
        if (numatune == null) {
            numatune = new XmlNode("numatune");
        }
        XmlNode mem = numatune.child("memory");
        if (mem == null) {
            mem = new XmlNode("memory");
            numatune.children().add(0, mem);
        }
        String m = mode != null ? mode : mem.attr("mode") != null ? mem.attr("mode") : "strict";
        String ns = nodeset != null ? CpuSet.normalize(nodeset) : mem.attr("nodeset");
        String placement = mem.attr("placement");
        mem.attrs();
        XmlNode fresh = new XmlNode("memory").attr("mode", m);
        if (ns != null) {
            fresh.attr("nodeset", ns);
        } else if (placement != null) {
            fresh.attr("placement", placement);
        }
        numatune.children().set(numatune.children().indexOf(mem), fresh);
    }

    // =====================================================================================
    // os

    /** {@code <os><type>}: "hvm", "xen", "linux", "exe" ... */
    public String osType() {
        return osType;
    }

    public void setOsType(String osType) {
        this.osType = osType;
    }

    /** {@code <os><type arch>} (default: the driver's {@link DomainXmlOptions} defArch). */
    public String osArch() {
        return osArch;
    }

    public void setOsArch(String arch) {
        this.osArch = arch;
    }

    /** {@code <os><type machine>}, or null. */
    public String osMachine() {
        return osMachine;
    }

    public void setOsMachine(String machine) {
        this.osMachine = machine;
    }

    /** The {@code <boot dev>} values in order. */
    public List<String> bootDevices() {
        List<String> out = new ArrayList<>();
        if (os != null) {
            for (XmlNode b : os.children("boot")) {
                out.add(b.attr("dev"));
            }
        }
        return out;
    }

    /** Replaces the boot order ({@code <boot dev>}: fd, hd, cdrom, network). */
    public void setBootDevices(List<String> devs) {
        if (os == null) {
            os = new XmlNode("os");
        }
        os.remove("boot");
        for (String d : devs) {
            os.add(new XmlNode("boot").attr("dev", d));
        }
        DomainCanon.sortOs(os);
    }

    /** A text child of {@code <os>} (kernel, initrd, cmdline, dtb, root, init, loader ...), or null. */
    public String osValue(String element) {
        return os == null ? null : os.childText(element);
    }

    /** The canonical {@code <os>} node without {@code <type>} (live; may be null). */
    public XmlNode osNode() {
        return os;
    }

    // =====================================================================================
    // features, cpu, clock, lifecycle, pm, perf

    /** The feature element names in print order ("acpi", "apic", "pae" ...). */
    public List<String> features() {
        List<String> out = new ArrayList<>();
        if (features != null) {
            for (XmlNode f : features.children()) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** The canonical {@code <features>} node (live; may be null). */
    public XmlNode featuresNode() {
        return features;
    }

    /** The canonical {@code <cpu>} node (live; may be null). */
    public XmlNode cpuNode() {
        return cpu;
    }

    /** Replaces the {@code <cpu>} node (a driver's default CPU); it must be canonical. */
    public void setCpuNode(XmlNode cpu) {
        this.cpu = cpu;
    }

    /** The canonical {@code <clock>} node (live; never null after parse). */
    public XmlNode clockNode() {
        return clock;
    }

    /** {@code <clock offset>}. */
    public String clockOffset() {
        return clock == null ? "utc" : clock.attr("offset");
    }

    public String onPoweroff() {
        return onPoweroff;
    }

    public void setOnPoweroff(String action) {
        this.onPoweroff = action;
    }

    public String onReboot() {
        return onReboot;
    }

    public void setOnReboot(String action) {
        this.onReboot = action;
    }

    public String onCrash() {
        return onCrash;
    }

    public void setOnCrash(String action) {
        this.onCrash = action;
    }

    /** {@code <on_lockfailure>}, or null. */
    public String onLockFailure() {
        return onLockFailure;
    }

    /** The {@code <pm>} node (live; may be null). */
    public XmlNode pmNode() {
        return pm;
    }

    /** The perf events in virPerfEventType order (the order virDomainGetPerfEvents lists them). */
    public static final List<String> PERF_EVENTS = List.of("cmt", "mbmt", "mbml", "cpu_cycles",
            "instructions", "cache_references", "cache_misses", "branch_instructions",
            "branch_misses", "bus_cycles", "stalled_cycles_frontend", "stalled_cycles_backend",
            "ref_cpu_cycles", "cpu_clock", "task_clock", "page_faults", "context_switches",
            "cpu_migrations", "page_faults_min", "page_faults_maj", "alignment_faults",
            "emulation_faults");

    /**
     * The {@code <perf><event name enabled>} state: Boolean.TRUE/FALSE, or null when the event
     * is not mentioned.
     */
    public Boolean perfEvent(String eventName) {
        if (perf == null) {
            return null;
        }
        for (XmlNode e : perf.children("event")) {
            if (eventName.equals(e.attr("name"))) {
                return "yes".equals(e.attr("enabled"));
            }
        }
        return null;
    }

    /** Sets a perf event's state (libvirt keeps its events in enum order). */
    public void setPerfEvent(String eventName, boolean enabled) {
        if (perf == null) {
            perf = new XmlNode("perf");
        }
        perf.children().removeIf(e -> eventName.equals(e.attr("name")));
        perf.add(new XmlNode("event").attr("name", eventName).attr("enabled", enabled ? "yes" : "no"));
        DomainCanon.sortPerf(perf);
    }

    // =====================================================================================
    // devices

    /** {@code <devices><emulator>}, or null. */
    public String emulator() {
        return emulator;
    }

    public void setEmulator(String emulator) {
        this.emulator = emulator;
    }

    /**
     * All devices in libvirt's print order (live, mutable list). Use {@link #addDevice} to add
     * so the order stays canonical.
     */
    public List<DeviceDef> devices() {
        return devices;
    }

    /** The devices of one kind in order. */
    public List<DeviceDef> devices(DeviceKind kind) {
        List<DeviceDef> out = new ArrayList<>();
        for (DeviceDef d : devices) {
            if (d.kind() == kind) {
                out.add(d);
            }
        }
        return out;
    }

    public List<DeviceDef> disks() {
        return devices(DeviceKind.DISK);
    }

    public List<DeviceDef> interfaces() {
        return devices(DeviceKind.INTERFACE);
    }

    public List<DeviceDef> controllers() {
        return devices(DeviceKind.CONTROLLER);
    }

    /** The disk whose target dev is {@code dev}, or whose source path is {@code dev}; or null. */
    public DeviceDef diskByTargetOrPath(String dev) {
        for (DeviceDef d : disks()) {
            if (dev.equals(d.diskTarget())) {
                return d;
            }
        }
        for (DeviceDef d : disks()) {
            if (dev.equals(d.sourcePath())) {
                return d;
            }
        }
        return null;
    }

    /** The interface whose target dev or MAC is {@code nameOrMac}, or null. */
    public DeviceDef interfaceByNameOrMac(String nameOrMac) {
        for (DeviceDef d : interfaces()) {
            if (nameOrMac.equals(d.interfaceTargetDev())) {
                return d;
            }
        }
        for (DeviceDef d : interfaces()) {
            String mac = d.macAddress();
            if (mac != null && mac.equalsIgnoreCase(nameOrMac)) {
                return d;
            }
        }
        return null;
    }

    /** Adds a device after the last one of its kind (libvirt's per-kind arrays). */
    public void addDevice(DeviceDef dev) {
        int at = devices.size();
        for (int i = devices.size() - 1; i >= 0; i--) {
            if (devices.get(i).kind().ordinal() <= dev.kind().ordinal()) {
                at = i + 1;
                break;
            }
            at = i;
        }
        devices.add(at, dev);
    }

    /**
     * virDomainDiskInsert after post-parse (a hot-plug or {@code --config} attach): {@code disk},
     * taken out first if it is here, goes among the disks of its bus by target index, or after
     * the last disk.
     */
    public void insertDisk(DeviceDef disk) {
        removeDevice(disk);
        List<DeviceDef> order = disks();
        Devices.insertDisk(order, disk, DeviceDef::diskBus);
        int at = order.indexOf(disk);
        if (at == order.size() - 1) {
            addDevice(disk);
        } else {
            devices.add(devices.indexOf(order.get(at + 1)), disk);
        }
    }

    /** Removes a device (by identity); returns whether it was there. */
    public boolean removeDevice(DeviceDef dev) {
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) == dev) {
                devices.remove(i);
                return true;
            }
        }
        return false;
    }

    // =====================================================================================
    // driver namespace, subset checks

    /**
     * What the driver's {@link DomainXmlOptions.Namespace} made of its elements (libvirt's
     * {@code def->namespaceData}), or null when the driver has none.
     */
    public Object namespaceData() {
        return namespaceData;
    }

    /**
     * The optional top-level parts this definition has, by element name in libvirt's print
     * order: what a driver that runs only a subset checks (the parts every definition has,
     * such as name, memory, vcpu, os, clock and devices, are not listed).
     */
    public List<String> optionalSections() {
        List<String> out = new ArrayList<>();
        addIf(out, genidRequested, "genid");
        addIf(out, title != null, "title");
        addIf(out, description != null, "description");
        addIf(out, metadata != null, "metadata");
        addIf(out, maxMemoryKiB > 0 || memorySlots > 0, "maxMemory");
        addIf(out, memoryDumpCore != null, "memory/@dumpCore");
        addIf(out, blkiotune != null, "blkiotune");
        addIf(out, memtune != null, "memtune");
        addIf(out, memoryBacking != null, "memoryBacking");
        addIf(out, vcpus != null, "vcpus");
        addIf(out, iothreads != null, "iothreads");
        addIf(out, cputune != null || !vcpuPins.isEmpty(), "cputune");
        addIf(out, numatune != null, "numatune");
        addIf(out, resource != null, "resource");
        addIf(out, !sysinfo.isEmpty(), "sysinfo");
        addIf(out, bootloader != null, "bootloader");
        addIf(out, idmap != null, "idmap");
        addIf(out, features != null, "features");
        addIf(out, cpu != null, "cpu");
        addIf(out, onLockFailure != null, "on_lockfailure");
        addIf(out, pm != null, "pm");
        addIf(out, perf != null, "perf");
        addIf(out, !seclabels.isEmpty(), "seclabel");
        addIf(out, keywrap != null, "keywrap");
        addIf(out, launchSecurity != null, "launchSecurity");
        return out;
    }

    private static void addIf(List<String> out, boolean present, String name) {
        if (present) {
            out.add(name);
        }
    }

    // =====================================================================================
    // helpers

    /** libvirt's {@code virUUIDFormat}. */
    public static String formatUuid(byte[] u) {
        // not String.format per byte: every formatted definition (status files, snapshot
        // metadata, dumpxml) prints its uuid, and java.util.Formatter was a visible part of it
        return io.jvirtd.model.domain.Uuids.format(u);
    }

    /**
     * libvirt's {@code virUUIDParse}: 32 hex digits, '-' or ' ' allowed between pairs,
     * surrounding whitespace ignored.
     *
     * @return the 16 bytes, or null when malformed
     */
    public static byte[] parseUuid(String s) {
        byte[] out = new byte[16];
        int cur = 0;
        int n = s.length();
        while (cur < n && isSpace(s.charAt(cur))) {
            cur++;
        }
        for (int i = 0; i < 16;) {
            if (cur >= n) {
                return null;
            }
            char c = s.charAt(cur);
            if (c == '-' || c == ' ') {
                cur++;
                continue;
            }
            int hi = Character.digit(c, 16);
            if (hi < 0 || c > 0x7f) {
                return null;
            }
            cur++;
            if (cur >= n) {
                return null;
            }
            char c2 = s.charAt(cur);
            int lo = Character.digit(c2, 16);
            if (lo < 0 || c2 > 0x7f) {
                return null;
            }
            out[i++] = (byte) (hi * 16 + lo);
            cur++;
        }
        while (cur < n) {
            if (!isSpace(s.charAt(cur))) {
                return null;
            }
            cur++;
        }
        return out;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    /** A random (version 4) UUID, as {@code virUUIDGenerate}. */
    public static byte[] generateUuid() {
        byte[] u = new byte[16];
        RANDOM.nextBytes(u);
        u[6] = (byte) ((u[6] & 0x0f) | 0x40);
        u[8] = (byte) ((u[8] & 0x3f) | 0x80);
        return u;
    }

    static VirException xmlError(String detail) {
        return VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, detail);
    }
}
