package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static io.jvirtd.model.conf.Shape.el;
import static io.jvirtd.model.conf.Shape.txt;

/**
 * The top-level sections of domain XML other than devices: parsed into typed fields or
 * canonical nodes in libvirt's print order, with the checks libvirt makes on them.
 *
 * <p>Stateless; safe from any thread.
 */
final class Sections {

    private Sections() {
    }

    private static final long LLONG_MAX = Long.MAX_VALUE;
    /** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (KiB). */
    static final long MEMORY_UNLIMITED = 9007199254740991L;

    static void parseAll(DomainDef d, XElem root, int flags) {
        d.title = root.childText("title");
        if (d.title != null && d.title.indexOf('\n') >= 0) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "Domain title can't contain newlines");
        }
        d.description = root.childText("description");
        d.seclabels.addAll(Seclabels.parse(root.children("seclabel"), flags));
        parseMemory(d, root);
        parseTunables(d, root);
        XElem cpu = root.child("cpu");
        if (cpu != null) {
            d.cpu = Cpu.canon(cpu);
        }
        numaVcpuChecks(d);
        XmlNode numa = d.cpu == null ? null : d.cpu.child("numa");
        d.numatune = Numatune.parse(root.children("numatune"), "static".equals(d.vcpuPlacement),
                numa == null ? 0 : numa.children("cell").size());
        XmlNode memory = d.numatune == null ? null : d.numatune.child("memory");
        if (memory != null && "auto".equals(memory.attr("placement")) && d.vcpuCpuset == null
                && d.vcpuPins.isEmpty() && (d.cputune == null
                || (d.cputune.child("emulatorpin") == null && d.cputune.child("iothreadpin") == null))) {
            d.vcpuPlacement = "auto"; // virDomainDefParseXML follows the memory placement
        }
        parseIdmap(d, root);
        XElem res = root.child("resource");
        if (res != null) {
            XmlNode r = RESOURCE.canon(res);
            d.resource = r.children().isEmpty() ? null : r;
        }
        XElem feats = root.child("features");
        if (feats != null) {
            d.features = Features.canon(feats);
        }
        parseLifecycle(d, root);
        parsePerf(d, root);
        parseClock(d, root);
        parseOs(d, root, flags);
        for (XElem s : root.children("sysinfo")) {
            XmlNode n = SYSINFO.canon(s);
            SysinfoUuid.apply(d, n);
            d.sysinfo.add(n);
        }
        XElem kw = root.child("keywrap");
        if (kw != null) {
            d.keywrap = KeyWrap.parse(kw);
        }
        XElem ls = root.child("launchSecurity");
        if (ls != null) {
            d.launchSecurity = Shape.verbatim(ls);
        }
        XElem md = root.child("metadata");
        if (md != null) {
            d.metadata = Metadata.fromDocument(md);
        }
        parseNamespace(d, root);
    }

    // ------------------------------------------------------------------ memory

    private static void parseMemory(DomainDef d, XElem root) {
        XElem mem = root.child("memory");
        long total = mem == null ? -1 : Values.scaledKiB(mem, mem.text(), mem.attr("unit"),
                "./memory[1]", LLONG_MAX, false);
        d.memoryKiB = Math.max(total, 0);
        checkMemMax(d.memoryKiB);
        XElem cur = root.child("currentMemory");
        long c = cur == null ? -1 : Values.scaledKiB(cur, cur.text(), cur.attr("unit"),
                "./currentMemory[1]", LLONG_MAX, false);
        d.currentMemoryKiB = Math.max(c, 0);
        checkMemMax(d.currentMemoryKiB);
        XElem max = root.child("maxMemory");
        long m = max == null ? -1 : Values.scaledKiB(max, max.text(), max.attr("unit"),
                "./maxMemory[1]", LLONG_MAX, false);
        d.maxMemoryKiB = Math.max(m, 0);
        if (max != null && max.attr("slots") != null) {
            long slots = Values.parseULong(max.attr("slots"));
            if (slots < 0 || slots > 0xffffffffL) {
                throw DomainDef.xmlError("Failed to parse memory slot count");
            }
            d.memorySlots = (int) slots;
        }
        if (mem != null && mem.attr("dumpCore") != null) {
            d.memoryDumpCore = Values.propEnum(mem, "dumpCore", Enums.TRISTATE_SWITCH);
        }
        XElem mb = root.child("memoryBacking");
        if (mb != null) {
            XElem cpuEl = root.child("cpu");
            boolean numa = cpuEl != null && cpuEl.child("numa") != null
                    && !cpuEl.child("numa").children("cell").isEmpty();
            d.memoryBacking = MemoryBacking.canon(mb, numa);
        }
    }

    private static void checkMemMax(long kib) {
        if (kib >= LLONG_MAX / 1024 + 1 || kib < 0) {
            throw VirException.of(VirErrorNumber.OVERFLOW, VirErrorDomain.DOMAIN,
                    "size value too large");
        }
    }

    // ------------------------------------------------------------------ tunables

    private static void parseTunables(DomainDef d, XElem root) {
        XElem blk = root.child("blkiotune");
        if (blk != null) {
            d.blkiotune = blkiotune(blk);
        }
        XElem mt = root.child("memtune");
        if (mt != null) {
            d.memtune = memtune(mt);
        }
        parseVcpu(d, root);
        parseIothreads(d, root);
        XElem ct = root.child("cputune");
        if (ct != null) {
            d.cputune = cputune(d, ct);
        }
    }

    private static XmlNode blkiotune(XElem blk) {
        XmlNode n = new XmlNode("blkiotune");
        String w = blk.childText("weight");
        if (w != null) {
            long v = Values.parseULong(w);
            if (v < 0 || v > 0xffffffffL) {
                throw DomainDef.xmlError("invalid blkio weight");
            }
            if (v != 0) {
                n.add(new XmlNode("weight").text(Long.toString(v)));
            }
        }
        List<String> paths = new ArrayList<>();
        for (XElem dev : blk.children("device")) {
            String path = dev.childText("path");
            if (paths.contains(path)) {
                // virDomainDefTunablesValidate (checked here: the formatter drops all-zero devices)
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "duplicate blkio device path '" + path + "'");
            }
            paths.add(path);
            XmlNode dn = new XmlNode("device");
            dn.add(new XmlNode("path").text(path == null ? "" : path));
            boolean any = false;
            for (String k : List.of("weight", "read_iops_sec", "write_iops_sec",
                    "read_bytes_sec", "write_bytes_sec")) {
                String t = dev.childText(k);
                if (t != null) {
                    long v = Values.parseULong(t);
                    if (v < 0) {
                        throw DomainDef.xmlError("could not parse " + k + " " + t);
                    }
                    if (v != 0) {
                        dn.add(new XmlNode(k).text(Long.toString(v)));
                        any = true;
                    }
                }
            }
            if (any) {
                n.add(dn);
            }
        }
        return n.children().isEmpty() ? null : n;
    }

    private static XmlNode memtune(XElem mt) {
        XmlNode n = new XmlNode("memtune");
        for (String k : List.of("hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit")) {
            XElem e = mt.child(k);
            if (e == null) {
                continue;
            }
            long kib = Values.scaledKiB(e, e.text(), e.attr("unit"), "./memtune/" + k + "[1]",
                    MEMORY_UNLIMITED << 10, false);
            if (kib < 0) {
                continue;
            }
            if (!k.equals("min_guarantee") && kib >= MEMORY_UNLIMITED) {
                continue;
            }
            if (k.equals("min_guarantee") && kib == 0) {
                continue;
            }
            n.add(new XmlNode(k).attr("unit", "KiB").text(Long.toString(kib)));
        }
        return n.children().isEmpty() ? null : n;
    }

    private static void parseVcpu(DomainDef d, XElem root) {
        XElem v = root.child("vcpu");
        int max = 1;
        int current = 1;
        if (v != null) {
            String t = v.text();
            long m = Values.parseULong(t);
            if (m < 0 || m > 0xffffffffL || t.trim().length() != t.length() || t.isEmpty()) {
                throw DomainDef.xmlError("maximum vcpus count must be an integer");
            }
            max = (int) m;
            String cur = v.attr("current");
            current = cur == null ? max : (int) Values.propUInt(v, "current", cur);
            String placement = Values.propEnum(v, "placement", List.of("static", "auto"));
            d.vcpuPlacement = placement == null ? "static" : placement;
            if (!"auto".equals(d.vcpuPlacement)) {
                String cs = v.attr("cpuset");
                if (cs != null) {
                    BitSet b = CpuSet.parse(cs, "cpuset");
                    if (b.isEmpty()) {
                        throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED,
                                VirErrorDomain.DOMAIN, "Invalid value of 'cpuset': " + cs);
                    }
                    d.vcpuCpuset = CpuSet.format(b);
                }
            }
        }
        d.vcpusMax = max;
        List<XElem> ind = new ArrayList<>();
        XElem vcpus = root.child("vcpus");
        if (vcpus != null) {
            ind = vcpus.children("vcpu");
        }
        if (!ind.isEmpty()) {
            XmlNode holder = new XmlNode("vcpus");
            String[][] state = new String[max][];
            for (XElem e : ind) {
                String idS = e.attr("id");
                if (idS == null) {
                    throw Values.xmlErr("Missing required attribute 'id' in element 'vcpu'");
                }
                long id = Values.propUInt(e, "id", idS);
                if (id >= max) {
                    throw DomainDef.xmlError("vcpu id '" + id + "' is out of range of maximum vcpu count");
                }
                String en = e.attr("enabled");
                if (en == null) {
                    throw Values.xmlErr("Missing required attribute 'enabled' in element 'vcpu'");
                }
                Values.propEnum(e, "enabled", Enums.TRISTATE_BOOL);
                String hp = Values.propEnum(e, "hotpluggable", Enums.TRISTATE_BOOL);
                String order = e.attr("order");
                if (order != null) {
                    order = Long.toString(Values.propUInt(e, "order", order));
                }
                state[(int) id] = new String[] {en, hp, order};
            }
            int online = 0;
            for (int i = 0; i < max; i++) {
                String[] s = state[i];
                boolean on = s != null && "yes".equals(s[0]);
                String hp = s == null ? null : s[1];
                if (hp == null) {
                    hp = on ? "no" : "yes";
                } else if ("no".equals(hp) && !on) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                            "vcpu '" + i + "' is both offline and not hotpluggable");
                }
                XmlNode n = new XmlNode("vcpu").attr("id", Integer.toString(i))
                        .attr("enabled", on ? "yes" : "no").attr("hotpluggable", hp);
                if (s != null && s[2] != null && !"0".equals(s[2])) {
                    n.attr("order", s[2]);
                }
                holder.add(n);
                if (on) {
                    online++;
                }
            }
            d.vcpus = holder;
            d.vcpusCurrent = online;
        } else {
            if (current > max) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "maximum vCPU count must not be less than current vCPU count");
            }
            d.vcpusCurrent = current;
        }
    }

    private static void parseIothreads(DomainDef d, XElem root) {
        String n = root.childText("iothreads");
        long count = 0;
        if (n != null) {
            count = Values.parseULong(n);
            if (count < 0 || count > 0xffffffffL) {
                throw DomainDef.xmlError("invalid iothreads count '" + n + "'");
            }
        }
        List<Integer> ids = new ArrayList<>();
        XmlNode idsNode = new XmlNode("iothreadids");
        boolean explicit = false;
        XElem idsEl = root.child("iothreadids");
        if (idsEl != null) {
            for (XElem t : idsEl.children("iothread")) {
                String idS = t.attr("id");
                if (idS == null) {
                    throw Values.xmlErr("Missing required attribute 'id' in element 'iothread'");
                }
                long id = Values.propUInt(t, "id", idS);
                if (id == 0) {
                    throw Values.xmlErr("Invalid value for attribute 'id' in element 'iothread': "
                            + "Zero is not permitted");
                }
                if (ids.contains((int) id)) {
                    throw DomainDef.xmlError("duplicate iothread id '" + id + "' found");
                }
                ids.add((int) id);
                XmlNode tn = new XmlNode("iothread").attr("id", Long.toString(id));
                for (String a : List.of("thread_pool_min", "thread_pool_max")) {
                    String v = t.attr(a);
                    if (v != null) {
                        tn.attr(a, Integer.toString(Values.propInt(t, a, v, true)));
                    }
                }
                idsNode.add(tn);
                explicit = true;
            }
        }
        // libvirt fills 1.. up to <iothreads> with ids not used yet (autofill)
        int next = 1;
        while (ids.size() < count) {
            while (ids.contains(next)) {
                next++;
            }
            ids.add(next);
            idsNode.add(new XmlNode("iothread").attr("id", Integer.toString(next)).attr("auto", "1"));
        }
        XmlNode holder = new XmlNode("iothreads-holder");
        if (!ids.isEmpty()) {
            holder.add(new XmlNode("iothreads").text(Integer.toString(ids.size())));
            if (explicit) {
                for (XmlNode t : idsNode.children()) {
                    t.attr("auto", null);
                }
                holder.add(idsNode);
            } else {
                holder.add(idsNode);
            }
        }
        XElem def = root.child("defaultiothread");
        if (def != null) {
            XmlNode dn = new XmlNode("defaultiothread");
            for (String a : List.of("thread_pool_min", "thread_pool_max")) {
                String v = def.attr(a);
                if (v != null) {
                    dn.attr(a, Integer.toString(Values.propInt(def, a, v, true)));
                }
            }
            if (!dn.attrs().isEmpty()) {
                holder.add(dn);
            }
        }
        d.iothreads = holder.children().isEmpty() ? null : holder;
    }

    private static XmlNode cputune(DomainDef d, XElem ct) {
        XmlNode n = new XmlNode("cputune");
        String shares = ct.childText("shares");
        if (shares != null) {
            long v = Values.parseULong(shares);
            if (v < 0) {
                throw DomainDef.xmlError("can't parse cputune shares value");
            }
            n.add(new XmlNode("shares").text(Long.toString(v)));
        }
        for (String k : List.of("period", "quota", "global_period", "global_quota",
                "emulator_period", "emulator_quota", "iothread_period", "iothread_quota")) {
            String t = ct.childText(k);
            if (t == null) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                throw DomainDef.xmlError("can't parse cputune " + k.replace('_', ' ') + " value");
            }
            if (v != 0) {
                n.add(new XmlNode(k).text(Long.toString(v)));
            }
        }
        for (XElem p : ct.children("vcpupin")) {
            String vc = p.attr("vcpu");
            if (vc == null) {
                throw Values.xmlErr("Missing required attribute 'vcpu' in element 'vcpupin'");
            }
            long vcpu = Values.propUInt(p, "vcpu", vc);
            if (vcpu >= d.vcpusMax) {
                // virDomainVcpuPinDefParseXML: "Ignoring vcpupin for missing vcpus"
                continue;
            }
            String cs = p.attr("cpuset");
            if (cs == null) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "missing cpuset for vcpupin");
            }
            if (d.vcpuPins.containsKey((int) vcpu)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN,
                        "duplicate vcpupin for vcpu '" + vcpu + "'");
            }
            d.vcpuPins.put((int) vcpu, CpuSet.format(CpuSet.parse(cs, "cpuset")));
        }
        XElem ep = ct.child("emulatorpin");
        if (ep != null) {
            String cs = ep.attr("cpuset");
            if (cs == null) {
                throw Values.xmlErr("Missing required attribute 'cpuset' in element 'emulatorpin'");
            }
            n.add(new XmlNode("emulatorpin").attr("cpuset", CpuSet.format(CpuSet.parse(cs, "cpuset"))));
        }
        for (XElem p : ct.children("iothreadpin")) {
            String id = p.attr("iothread");
            String cs = p.attr("cpuset");
            if (id == null) {
                throw Values.xmlErr("Missing required attribute 'iothread' in element 'iothreadpin'");
            }
            if (cs == null) {
                throw Values.xmlErr("Missing required attribute 'cpuset' in element 'iothreadpin'");
            }
            long iid = Values.propUInt(p, "iothread", id);
            if (!d.iothreadIds().contains((int) iid)) {
                throw Values.unsupported("Cannot find 'iothread' : " + iid);
            }
            n.add(new XmlNode("iothreadpin").attr("iothread", Long.toString(iid))
                    .attr("cpuset", CpuSet.format(CpuSet.parse(cs, "cpuset"))));
        }
        for (String k : List.of("emulatorsched", "vcpusched", "iothreadsched", "cachetune",
                "memorytune")) {
            for (XElem e : ct.children(k)) {
                n.add(Shape.verbatim(e));
            }
        }
        return n.children().isEmpty() ? null : n;
    }

    /** The NUMA cell cpus checked against the vcpu count, as virDomainDefParseXML does. */
    private static void numaVcpuChecks(DomainDef d) {
        BitSet all = new BitSet();
        int count = 0;
        XmlNode numa = d.cpu == null ? null : d.cpu.child("numa");
        if (numa != null) {
            for (XmlNode cell : numa.children("cell")) {
                if (cell.attr("cpus") != null) {
                    BitSet b = CpuSet.parse(cell.attr("cpus"), "cpus");
                    count += b.cardinality();
                    all.or(b);
                }
            }
        }
        if (count > d.vcpusMax) {
            throw VirException.internalError(VirErrorDomain.DOMAIN,
                    "Number of CPUs in <numa> exceeds the <vcpu> count");
        }
        int maxId = all.isEmpty() ? 0 : all.length() - 1;
        if (maxId >= d.vcpusMax) {
            throw VirException.internalError(VirErrorDomain.DOMAIN,
                    "CPU IDs in <numa> exceed the <vcpu> count");
        }
    }

    // ------------------------------------------------------------------ os

    private static void parseOs(DomainDef d, XElem root, int flags) {
        XElem os = root.child("os");
        XmlNode n = os == null ? new XmlNode("os") : Os.canon(os, d);
        if (os != null && os.attr("firmware") != null) {
            n.attr("firmware", Values.propEnum(os, "firmware", List.of("bios", "efi")));
        }
        DomainCanon.sortOs(n);
        d.os = n;
    }

    private static void parseIdmap(DomainDef d, XElem root) {
        XElem idmap = root.child("idmap");
        if (idmap == null) {
            return;
        }
        XmlNode n = new XmlNode("idmap");
        for (String k : List.of("uid", "gid")) {
            for (XElem e : idmap.children(k)) {
                n.add(new XmlNode(k).attr("start", e.attr("start")).attr("target", e.attr("target"))
                        .attr("count", e.attr("count")));
            }
        }
        d.idmap = n.child("uid") == null ? null : n;
    }

    // ------------------------------------------------------------------ lifecycle, pm, perf

    private static void parseLifecycle(DomainDef d, XElem root) {
        d.onReboot = action(root, "on_reboot", "restart", Enums.LIFECYCLE_ACTIONS);
        d.onPoweroff = action(root, "on_poweroff", "destroy", Enums.LIFECYCLE_ACTIONS);
        d.onCrash = action(root, "on_crash", "destroy", Enums.LIFECYCLE_ACTIONS);
        String lf = action(root, "on_lockfailure", "default", Enums.LOCK_FAILURE);
        d.onLockFailure = "default".equals(lf) ? null : lf;
        XElem pm = root.child("pm");
        XmlNode p = new XmlNode("pm");
        if (pm != null) {
            for (String k : List.of("suspend-to-mem", "suspend-to-disk")) {
                XElem e = pm.child(k);
                if (e != null) {
                    String en = Values.propEnum(e, "enabled", Enums.TRISTATE_BOOL);
                    if (en != null) {
                        p.add(new XmlNode(k).attr("enabled", en));
                    }
                }
            }
        }
        d.pm = p.children().isEmpty() ? null : p;
    }

    private static String action(XElem root, String name, String def, List<String> allowed) {
        String v = root.childText(name);
        if (v == null) {
            return def;
        }
        if (!allowed.contains(v)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "unknown " + name + " action: " + v);
        }
        return v;
    }

    private static void parsePerf(DomainDef d, XElem root) {
        XElem perf = root.child("perf");
        if (perf == null) {
            return;
        }
        String[] state = new String[Enums.PERF_EVENTS.size()];
        for (XElem e : perf.children("event")) {
            String name = e.attr("name");
            if (name == null) {
                throw Values.xmlErr("Missing required attribute 'name' in element 'event'");
            }
            Values.propEnum(e, "name", Enums.PERF_EVENTS);
            String en = e.attr("enabled");
            if (en == null) {
                throw Values.xmlErr("Missing required attribute 'enabled' in element 'event'");
            }
            Values.propEnum(e, "enabled", Enums.TRISTATE_BOOL);
            int i = Enums.PERF_EVENTS.indexOf(name);
            if (state[i] != null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "perf event '" + name + "' was already specified");
            }
            state[i] = en;
        }
        XmlNode p = new XmlNode("perf");
        for (int i = 0; i < state.length; i++) {
            if (state[i] != null) {
                p.add(new XmlNode("event").attr("name", Enums.PERF_EVENTS.get(i)).attr("enabled", state[i]));
            }
        }
        d.perf = p.children().isEmpty() ? null : p;
    }

    // ------------------------------------------------------------------ clock

    private static final List<String> TIMER_NAMES = List.of("platform", "pit", "rtc", "hpet",
            "tsc", "kvmclock", "hypervclock", "armvtimer");
    /** The timer enums without their "none" (VIR_XML_PROP_NONZERO refuses it). */
    private static final List<String> TIMER_TICKPOLICIES = List.of("delay", "catchup", "merge", "discard");
    private static final List<String> TIMER_TRACKS = List.of("boot", "guest", "wall", "realtime");
    private static final List<String> TIMER_MODES = List.of("auto", "native", "emulate", "paravirt", "smpsafe");

    /** virXMLPropULongLong (base 10). */
    private static long propULongLong(XElem e, String attr, String value) {
        try {
            String v = value.strip();
            if (v.startsWith("-")) {
                throw new NumberFormatException(v);
            }
            return Long.parseUnsignedLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException ex) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                    + "': '" + value + "'. Expected non-negative integer value");
        }
    }

    private static void parseClock(DomainDef d, XElem root) {
        XElem clock = root.child("clock");
        XmlNode n = new XmlNode("clock");
        String offset = clock == null ? null : clock.attr("offset");
        if (offset == null) {
            offset = "utc";
        } else if (!Enums.CLOCK_OFFSETS.contains(offset)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "unknown clock offset '" + offset + "'");
        }
        n.attr("offset", offset);
        if (clock != null) {
            String adj = clock.attr("adjustment");
            switch (offset) {
                case "utc", "localtime" -> {
                    if ("reset".equals(adj)) {
                        n.attr("adjustment", "reset");
                    }
                }
                case "variable" -> {
                    n.attr("adjustment", adj == null ? "0" : Long.toString(Long.parseLong(adj.trim())));
                    String basis = clock.attr("basis");
                    n.attr("basis", basis == null ? "utc" : basis);
                }
                case "timezone" -> n.attr("timezone", clock.attr("timezone"));
                case "absolute" -> n.attr("start", clock.attr("start"));
                default -> {
                }
            }
            for (XElem t : clock.children("timer")) {
                XmlNode tn = new XmlNode("timer");
                // virDomainTimerDefParseXML: virXMLPropEnum/TristateBool/ULongLong, in order
                String name = t.attr("name");
                if (name == null) {
                    throw Values.missingAttr("timer", "name");
                }
                Values.propEnum(t, "name", TIMER_NAMES);
                tn.attr("name", name);
                tn.attr("present", Values.propEnum(t, "present", List.of("yes", "no")));
                tn.attr("tickpolicy", Values.propEnum(t, "tickpolicy", TIMER_TICKPOLICIES));
                tn.attr("track", Values.propEnum(t, "track", TIMER_TRACKS));
                String f = t.attr("frequency");
                long freq = f == null ? 0 : propULongLong(t, "frequency", f);
                String mode = Values.propEnum(t, "mode", TIMER_MODES);
                if (freq != 0) {
                    tn.attr("frequency", Long.toUnsignedString(freq)); // post-parse refuses it but for tsc
                }
                tn.attr("mode", mode);
                XElem cu = t.child("catchup");
                if (cu != null) {
                    XmlNode c = new XmlNode("catchup");
                    for (String a : List.of("threshold", "slew", "limit")) {
                        String v = cu.attr(a);
                        long value = v == null ? 0 : propULongLong(cu, a, v);
                        if (value != 0) {
                            c.attr(a, Long.toUnsignedString(value));
                        }
                    }
                    if (!c.attrs().isEmpty()) {
                        tn.add(c);
                    }
                }
                n.add(tn);
            }
        }
        d.clock = n;
    }

    // ------------------------------------------------------------------ driver namespace

    /** The driver's namespace (virXMLNamespace parse): its elements below the root. */
    private static void parseNamespace(DomainDef d, XElem root) {
        DomainXmlOptions.Namespace ns = d.options.namespace();
        if (ns == null) {
            return;
        }
        List<DomainXmlOptions.NsElement> mine = new ArrayList<>();
        for (XElem e : root.elements()) {
            if (ns.uri().equals(e.uri)) {
                mine.add(new DomainXmlOptions.NsElement(e.local, e.text(), LibxmlDump.dump(e.detachedCopy(), 0)));
            }
        }
        d.namespaceData = ns.parse(mine);
    }

    // ------------------------------------------------------------------ simple shapes

    static final Shape RESOURCE = el("resource", "", txt("partition", ""),
            el("fibrechannel", "appid"));


    static final Shape SYSINFO = el("sysinfo", "type").keepAll();
}
