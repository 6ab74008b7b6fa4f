package io.jvirtd.driver.mockhost;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CpuSet;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.DomainMetadata;
import io.jvirtd.model.conf.KeycodeTables;
import io.jvirtd.model.conf.LifecycleActions;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainBlockStats;
import io.jvirtd.model.domain.DomainControlInfo;
import io.jvirtd.model.domain.DomainCpuStats;
import io.jvirtd.model.domain.DomainDiskError;
import io.jvirtd.model.domain.DomainInfo;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainMemoryStat;
import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.DomainStatsRecord;
import io.jvirtd.model.domain.DomainTime;
import io.jvirtd.model.domain.DomainVcpus;
import io.jvirtd.model.domain.FsInfo;
import io.jvirtd.model.domain.IoThreadInfo;
import io.jvirtd.model.domain.PinInfo;
import io.jvirtd.model.domain.SchedulerType;
import io.jvirtd.model.domain.Screenshot;
import io.jvirtd.model.domain.SecurityLabel;
import io.jvirtd.model.domain.VcpuInfo;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test driver's domain queries and tunables: info, state, XML, metadata, time, memory,
 * vCPUs and pinning, IOThreads, scheduler/blkio/memory/NUMA/interface/block-I/O parameters,
 * perf events, statistics and guest information, with test_driver.c's fixed numbers and errors.
 *
 * <p>Thread safety: see {@link DomainAccess}; XML is formatted from copies outside the lock.
 */
abstract class DomainTuningOps extends DomainLifecycleOps {

    /**
     * PKGDATADIR "/test-screenshot.png" of Debian's libvirt 9.0 (package libvirt0): the file
     * testDomainScreenshot streams to the client, read on each call as libvirt opens it.
     */
    static final Path SCREENSHOT_FILE = Path.of("/usr/share/libvirt/test-screenshot.png");

    /** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: what an unset memory limit reads as. */
    static final long MEMORY_UNLIMITED = 9007199254740991L;
    /** test_driver.c's TEST_TOTAL_CPUTIME. */
    static final long TOTAL_CPUTIME = 48772617035L;
    /** TEST_BLOCK_IOTUNE_MAX. */
    static final long BLOCK_IOTUNE_MAX = 1000000000000000L;

    /** The perf events in virPerfEventType order. */
    static final List<String> PERF_EVENTS = DomainDef.PERF_EVENTS;

    /** virDomainNumatuneMemMode names by number. */
    static final List<String> NUMA_MODES = List.of("strict", "preferred", "interleave", "restrictive");

    DomainTuningOps(MockHost host) {
        super(host);
    }

    /** g_get_real_time(): microseconds since the epoch. */
    static long realTimeMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    // ------------------------------------------------------------------ state and description

    @Override
    public DomainInfo domainGetInfo(DomainRef dom) {
        return withDomain(dom, d -> new DomainInfo(d.state, d.def.memoryKiB(),
                d.def.currentMemoryKiB(), d.def.vcpusCurrent(), realTimeMicros() * 1000));
    }

    @Override
    public DomainStateReason domainGetState(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetState");
        return withDomain(dom, d -> new DomainStateReason(d.state, d.reason));
    }

    @Override
    public DomainControlInfo domainGetControlInfo(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetControlInfo");
        return withDomain(dom, d -> {
            d.checkActive();
            long s = d.seconds;
            if (s > 0 && s < 10000) {
                return new DomainControlInfo(DomainControlInfo.JOB, 0, s);
            } else if (s < 30000 && s >= 10000) {
                return new DomainControlInfo(DomainControlInfo.OCCUPIED, 0, s - 10000);
            } else if (s < 60000 && s >= 30000) {
                // virDomainControlErrorReason: NONE, UNKNOWN, MONITOR, INTERNAL by s % 4
                return new DomainControlInfo(DomainControlInfo.ERROR, (int) (s % 4), s - 30000);
            }
            return new DomainControlInfo(DomainControlInfo.OK, 0, 0);
        });
    }

    @Override
    public String domainGetXMLDesc(DomainRef dom, int flags) {
        checkFlags(flags, Flags.XML_COMMON, "testDomainGetXMLDesc");
        int variant = flags; // checkFlags left only XML_COMMON bits: one cache slot per combination
        XmlSource src = readDomain(dom, d -> {
            String cached = d.cachedXml(variant);
            if (cached != null) {
                return new XmlSource(d, cached, null, 0);
            }
            DomainDef shown = (flags & DomainDef.XML_INACTIVE) != 0 && d.newDef != null ? d.newDef : d.def;
            return new XmlSource(d, null, shown.copy(), d.version());
        });
        if (src.xml() != null) {
            return src.xml();
        }
        String xml = src.copy().format(flags);
        src.domain().cacheXml(variant, src.version(), xml);
        return xml;
    }

    /** What GetXMLDesc takes from under the domain lock: cached XML, or a copy to format. */
    private record XmlSource(MockDomain domain, String xml, DomainDef copy, long version) {
    }

    /** testDomainGetOSType: always "linux", without looking at the domain. */
    @Override
    public String domainGetOSType(DomainRef dom) {
        return "linux";
    }

    @Override
    public boolean domainIsActive(DomainRef dom) {
        return withDomain(dom, MockDomain::isActive);
    }

    @Override
    public boolean domainIsPersistent(DomainRef dom) {
        return withDomain(dom, d -> d.persistent);
    }

    /** testDomainIsUpdated: always 0, without looking at the domain. */
    @Override
    public boolean domainIsUpdated(DomainRef dom) {
        return false;
    }

    @Override
    public boolean domainGetAutostart(DomainRef dom) {
        return withDomain(dom, d -> d.autostart);
    }

    @Override
    public void domainSetAutostart(DomainRef dom, boolean autostart) {
        onDomain(dom, d -> d.autostart = autostart);
    }

    @Override
    public String domainGetHostname(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetHostname");
        return withDomain(dom, d -> {
            d.checkActive();
            return dom.name() + "host";
        });
    }

    @Override
    public DomainTime domainGetTime(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetTime");
        return withDomain(dom, d -> {
            if (d.state != DomainState.RUNNING) {
                throw VirException.operationInvalid(VirErrorDomain.TEST, "domain is not running");
            }
            return new DomainTime(d.seconds, d.nseconds);
        });
    }

    @Override
    public void domainSetTime(DomainRef dom, long seconds, int nseconds, int flags) {
        checkFlags(flags, Flags.TIME_SYNC, "testDomainSetTime");
        onDomain(dom, d -> {
            d.checkActive();
            d.seconds = seconds;
            d.nseconds = nseconds;
        });
    }

    @Override
    public String domainGetMetadata(DomainRef dom, int type, String uri, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainGetMetadata");
        return withDomain(dom, d -> {
            DomainMetadata.checkType(type);
            return DomainMetadata.get(d.oneDef(flags), type, uri);
        });
    }

    @Override
    public void domainSetMetadata(DomainRef dom, int type, String metadata, String key,
                                  String uri, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetMetadata");
        onDomain(dom, d -> {
            DomainDef[] defs = d.defs(flags);
            for (DomainDef def : defs) {
                if (def != null) {
                    DomainMetadata.set(def, type, metadata, key, uri);
                }
            }
            host.events().post(new DomainEvent.MetadataChange(d.ref(), type, uri));
        });
    }

    @Override
    public List<String> domainGetMessages(DomainRef dom, int flags) {
        checkFlags(flags, Flags.MESSAGE_DEPRECATION | Flags.MESSAGE_TAINTING, "testDomainGetMessages");
        return withDomain(dom, d -> {
            List<String> out = new ArrayList<>();
            if (flags == 0 || (flags & Flags.MESSAGE_TAINTING) != 0) {
                for (int i = 0; i < Domains.TAINT_MESSAGES.length; i++) {
                    if ((d.taint & (1 << i)) != 0) {
                        out.add("tainted: " + Domains.TAINT_MESSAGES[i]);
                    }
                }
            }
            if (flags == 0 || (flags & Flags.MESSAGE_DEPRECATION) != 0) {
                for (String m : d.deprecations) {
                    out.add("deprecated configuration: " + m);
                }
            }
            return out;
        });
    }

    @Override
    public SecurityLabel domainGetSecurityLabel(DomainRef dom) {
        return withDomain(dom, d -> d.isActive() ? new SecurityLabel("libvirt-test", true)
                : new SecurityLabel("", false));
    }

    /** testDomainGetLaunchSecurityInfo: no parameters, without looking at the domain. */
    @Override
    public List<TypedParameter> domainGetLaunchSecurityInfo(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetLaunchSecurityInfo");
        return List.of();
    }

    // ------------------------------------------------------------------ memory

    @Override
    public long domainGetMaxMemory(DomainRef dom) {
        return withDomain(dom, d -> d.def.memoryKiB());
    }

    @Override
    public void domainSetMaxMemory(DomainRef dom, long memory) {
        domainSetMemoryFlags(dom, memory, Flags.MEM_MAXIMUM);
    }

    @Override
    public void domainSetMemory(DomainRef dom, long memory) {
        domainSetMemoryFlags(dom, memory, Flags.AFFECT_LIVE);
    }

    @Override
    public void domainSetMemoryFlags(DomainRef dom, long memory, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.MEM_MAXIMUM,
                "testDomainSetMemoryFlags");
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            boolean live = d.oneDefIsLive(flags);
            if ((flags & Flags.MEM_MAXIMUM) != 0) {
                if (live) {
                    throw VirException.operationInvalid(VirErrorDomain.TEST,
                            "cannot resize the maximum memory on an active domain");
                }
                if (numaCells(def) > 0) {
                    throw VirException.operationInvalid(VirErrorDomain.TEST,
                            "initial memory size of a domain with NUMA nodes cannot be modified with this API");
                }
                if (def.maxMemoryKiB() != 0 && Long.compareUnsigned(def.maxMemoryKiB(), memory) < 0) {
                    throw VirException.operationInvalid(VirErrorDomain.TEST,
                            "cannot set initial memory size greater than the maximum memory size");
                }
                def.setMemoryKiB(memory);
                if (Long.compareUnsigned(def.currentMemoryKiB(), memory) > 0) {
                    def.setCurrentMemoryKiB(memory);
                }
            } else {
                if (Long.compareUnsigned(memory, def.memoryKiB()) > 0) {
                    throw VirException.invalidArg(VirErrorDomain.TEST,
                            "cannot set memory higher than max memory");
                }
                def.setCurrentMemoryKiB(memory);
            }
        });
    }

    private static int numaCells(DomainDef def) {
        XmlNode cpu = def.cpuNode();
        XmlNode numa = cpu == null ? null : cpu.child("numa");
        return numa == null ? 0 : numa.children("cell").size();
    }

    @Override
    public void domainSetMemoryStatsPeriod(DomainRef dom, int period, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetMemoryStatsPeriod");
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            if (memballoon(def) == null) {
                throw VirException.internalError(VirErrorDomain.TEST,
                        "No memory balloon device configured, can not set the collection period");
            }
            d.replaceDef(def, DefEdit.edit(def, root -> {
                org.w3c.dom.Element mb = DefEdit.device(root, "memballoon", 0);
                DefEdit.removeChildren(mb, "stats");
                if (period != 0) {
                    DefEdit.append(mb, "stats").setAttribute("period", Integer.toString(period));
                }
            }));
        });
    }

    /** virDomainDefHasMemballoon: the balloon, unless its model is "none". */
    static DeviceDef memballoon(DomainDef def) {
        for (DeviceDef mb : def.devices(DeviceKind.MEMBALLOON)) {
            if (!"none".equals(mb.model())) {
                return mb;
            }
        }
        return null;
    }

    @Override
    public List<DomainMemoryStat> domainMemoryStats(DomainRef dom, int nrStats, int flags) {
        checkFlags(flags, 0, "testDomainMemoryStats");
        return withDomain(dom, d -> {
            d.checkActive();
            List<DomainMemoryStat> out = new ArrayList<>();
            if (memballoon(d.def) != null) {
                // cur_memory is a C int in test_driver.c
                long cur = (int) d.def.currentMemoryKiB();
                out.add(new DomainMemoryStat(DomainMemoryStat.ACTUAL_BALLOON, cur));
                out.add(new DomainMemoryStat(DomainMemoryStat.SWAP_IN, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.SWAP_OUT, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.MAJOR_FAULT, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.MINOR_FAULT, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.UNUSED, cur / 2));
                out.add(new DomainMemoryStat(DomainMemoryStat.AVAILABLE, cur));
                out.add(new DomainMemoryStat(DomainMemoryStat.USABLE, cur / 2));
                out.add(new DomainMemoryStat(DomainMemoryStat.LAST_UPDATE, 627319920L));
                out.add(new DomainMemoryStat(DomainMemoryStat.DISK_CACHES, cur / 8));
                out.add(new DomainMemoryStat(DomainMemoryStat.HUGETLB_PGALLOC, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.HUGETLB_PGFAIL, 0));
                out.add(new DomainMemoryStat(DomainMemoryStat.RSS, cur / 2));
            }
            return out.size() > nrStats && nrStats >= 0 ? List.copyOf(out.subList(0, nrStats)) : out;
        });
    }

    @Override
    public byte[] domainMemoryPeek(DomainRef dom, long start, int size, int flags) {
        checkFlags(flags, Flags.MEMORY_VIRTUAL | Flags.MEMORY_PHYSICAL, "testDomainMemoryPeek");
        if (flags != Flags.MEMORY_VIRTUAL && flags != Flags.MEMORY_PHYSICAL) {
            throw VirException.invalidArg(VirErrorDomain.TEST,
                    "flags parameter must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL");
        }
        return withDomain(dom, d -> {
            d.checkActive();
            byte[] out = new byte[size];
            byte b = (byte) start;
            for (int i = 0; i < size; i++) {
                out[i] = b++;
            }
            return out;
        });
    }

    /**
     * The fixed counts test_driver.c answers for nparams = 0, after its flag check and before it
     * resolves the domain, disk or interface.
     */
    @Override
    public int domainGetParametersCount(String api, DomainRef dom, int flags) {
        int allowed = Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY;
        switch (api) {
            case "virDomainGetMemoryParameters":
                checkFlags(flags, allowed, "testDomainGetMemoryParameters");
                return 3;
            case "virDomainGetNumaParameters":
                checkFlags(flags, allowed, "testDomainGetNumaParameters");
                return 2;
            case "virDomainGetBlkioParameters":
                checkFlags(flags, allowed, "testDomainGetBlkioParameters");
                return 6;
            case "virDomainGetBlockIoTune":
                checkFlags(flags, allowed, "testDomainGetBlockIoTune");
                return 20;
            case "virDomainGetInterfaceParameters":
                checkFlags(flags, allowed, "testDomainGetInterfaceParameters");
                return 7;
            default:
                return super.domainGetParametersCount(api, dom, flags);
        }
    }

    @Override
    public List<TypedParameter> domainGetMemoryParameters(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetMemoryParameters");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            return List.of(
                    TypedParameter.ofULLong("hard_limit", limit(def, "hard_limit")),
                    TypedParameter.ofULLong("soft_limit", limit(def, "soft_limit")),
                    TypedParameter.ofULLong("swap_hard_limit", limit(def, "swap_hard_limit")));
        });
    }

    private static long limit(DomainDef def, String element) {
        Long v = def.memtuneKiB(element);
        return v == null ? MEMORY_UNLIMITED : v;
    }

    @Override
    public void domainSetMemoryParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetMemoryParameters");
        TypedParams.validate(params, Map.of("hard_limit", TypedParameter.Type.ULLONG,
                "soft_limit", TypedParameter.Type.ULLONG,
                "swap_hard_limit", TypedParameter.Type.ULLONG));
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            TypedParameter swap = TypedParams.find(params, "swap_hard_limit");
            TypedParameter hard = TypedParams.find(params, "hard_limit");
            TypedParameter soft = TypedParams.find(params, "soft_limit");
            if (swap != null || hard != null) {
                long memLimit = hard != null ? hard.longValue() : limit(d.def, "hard_limit");
                long swapLimit = swap != null ? swap.longValue() : limit(d.def, "swap_hard_limit");
                if (Long.compareUnsigned(memLimit, swapLimit) > 0) {
                    throw VirException.invalidArg(VirErrorDomain.TEST,
                            "memory hard_limit tunable value must be lower than or equal to swap_hard_limit");
                }
            }
            setLimit(def, "soft_limit", soft);
            setLimit(def, "hard_limit", hard);
            setLimit(def, "swap_hard_limit", swap);
        });
    }

    private static void setLimit(DomainDef def, String element, TypedParameter p) {
        if (p != null) {
            long v = p.longValue();
            def.setMemtuneKiB(element, Long.compareUnsigned(v, MEMORY_UNLIMITED) >= 0 ? null : v);
        }
    }

    @Override
    public List<TypedParameter> domainGetNumaParameters(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetNumaParameters");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            String mode = def.numatuneMode();
            int m = mode == null ? 0 : Math.max(0, NUMA_MODES.indexOf(mode));
            String nodeset = def.numatuneNodeset();
            return List.of(TypedParameter.ofInt("numa_mode", m),
                    TypedParameter.ofString("numa_nodeset", nodeset == null ? "" : nodeset));
        });
    }

    @Override
    public void domainSetNumaParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetNumaParameters");
        TypedParams.validate(params, Map.of("numa_mode", TypedParameter.Type.INT,
                "numa_nodeset", TypedParameter.Type.STRING));
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            boolean live = d.oneDefIsLive(flags);
            int mode = -1;
            String nodeset = null;
            for (TypedParameter p : params) {
                if (p.field().equals("numa_mode")) {
                    mode = p.intValue();
                    if (mode < 0 || mode >= NUMA_MODES.size()) {
                        throw VirException.invalidArg(VirErrorDomain.TEST,
                                "unsupported numatune mode: '" + mode + "'");
                    }
                } else if (p.field().equals("numa_nodeset")) {
                    BitSet set = CpuSet.parse(p.stringValue(), "nodeset");
                    if (set.isEmpty()) {
                        throw VirException.operationInvalid(VirErrorDomain.TEST,
                                "Invalid nodeset of 'numatune': " + p.stringValue());
                    }
                    nodeset = CpuSet.format(set);
                }
            }
            String current = def.numatuneMode();
            if (live && mode != -1 && current != null && NUMA_MODES.indexOf(current) != mode) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "can't change numatune mode for running domain");
            }
            if (mode != -1 || nodeset != null) {
                def.setNumatune(mode == -1 ? null : NUMA_MODES.get(mode), nodeset);
            }
        });
    }

    // ------------------------------------------------------------------ blkio

    private static final String[] BLKIO_DEVICE_PARAMS = {"device_weight", "device_read_iops_sec",
        "device_write_iops_sec", "device_read_bytes_sec", "device_write_bytes_sec"};
    /** The {@code <device>} child holding each of {@link #BLKIO_DEVICE_PARAMS}. */
    private static final String[] BLKIO_DEVICE_ELEMENTS = {"weight", "read_iops_sec",
        "write_iops_sec", "read_bytes_sec", "write_bytes_sec"};

    @Override
    public List<TypedParameter> domainGetBlkioParameters(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetBlkioParameters");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            List<TypedParameter> out = new ArrayList<>();
            Integer w = def.blkioWeight();
            out.add(TypedParameter.ofUInt("weight", w == null ? 0 : w));
            List<XmlNode> devices = def.blkioDevices();
            for (int k = 0; k < BLKIO_DEVICE_PARAMS.length; k++) {
                StringBuilder sb = new StringBuilder();
                for (XmlNode dev : devices) {
                    String v = dev.childText(BLKIO_DEVICE_ELEMENTS[k]);
                    if (v == null || v.equals("0")) {
                        continue;
                    }
                    if (sb.length() > 0) {
                        sb.append(',');
                    }
                    sb.append(dev.childText("path")).append(',').append(v);
                }
                out.add(TypedParameter.ofString(BLKIO_DEVICE_PARAMS[k], sb.toString()));
            }
            return out;
        });
    }

    @Override
    public void domainSetBlkioParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetBlkioParameters");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        allowed.put("weight", TypedParameter.Type.UINT);
        for (String p : BLKIO_DEVICE_PARAMS) {
            allowed.put(p, TypedParameter.Type.STRING);
        }
        TypedParams.validate(params, allowed);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            // path -> values in BLKIO_DEVICE_ELEMENTS order (0 = unset), existing devices first
            Map<String, long[]> devices = new LinkedHashMap<>();
            for (XmlNode dev : def.blkioDevices()) {
                long[] v = new long[BLKIO_DEVICE_ELEMENTS.length];
                for (int k = 0; k < v.length; k++) {
                    String t = dev.childText(BLKIO_DEVICE_ELEMENTS[k]);
                    v[k] = t == null ? 0 : Long.parseUnsignedLong(t);
                }
                devices.put(dev.childText("path"), v);
            }
            Integer weight = def.blkioWeight();
            VirException failure = null;
            for (TypedParameter p : params) {
                if (p.field().equals("weight")) {
                    weight = p.intValue();
                    continue;
                }
                int k = List.of(BLKIO_DEVICE_PARAMS).indexOf(p.field());
                try {
                    for (Map.Entry<String, Long> e : parseBlkioDevices(p.stringValue(), p.field(), k).entrySet()) {
                        long[] v = devices.get(e.getKey());
                        if (v == null) {
                            if (e.getValue() == 0) {
                                continue;
                            }
                            v = new long[BLKIO_DEVICE_ELEMENTS.length];
                            devices.put(e.getKey(), v);
                        }
                        v[k] = e.getValue();
                    }
                } catch (VirException ex) {
                    // libvirt keeps going and fails at the end, after applying the rest
                    failure = ex;
                }
            }
            def.setBlkioWeight(weight != null && weight != 0 ? weight : null);
            Integer finalWeight = weight;
            d.replaceDef(def, DefEdit.edit(def, root -> {
                org.w3c.dom.Element tune = DefEdit.child(root, "blkiotune");
                if (tune == null) {
                    tune = DefEdit.append(root, "blkiotune");
                }
                DefEdit.removeChildren(tune, "device");
                for (Map.Entry<String, long[]> e : devices.entrySet()) {
                    org.w3c.dom.Element dev = DefEdit.append(tune, "device");
                    DefEdit.append(dev, "path").setTextContent(e.getKey());
                    for (int k = 0; k < BLKIO_DEVICE_ELEMENTS.length; k++) {
                        if (e.getValue()[k] != 0) {
                            DefEdit.append(dev, BLKIO_DEVICE_ELEMENTS[k])
                                    .setTextContent(Long.toUnsignedString(e.getValue()[k]));
                        }
                    }
                }
                if (finalWeight == null && !tune.hasChildNodes()) {
                    root.removeChild(tune);
                }
            }));
            if (failure != null) {
                throw failure;
            }
        });
    }

    /** virDomainDriverParseBlkioDeviceStr: "path,value,path,value". */
    private static Map<String, Long> parseBlkioDevices(String s, String type, int k) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (s.isEmpty()) {
            return out;
        }
        long commas = s.chars().filter(c -> c == ',').count();
        if ((commas & 1) == 0) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "unable to parse blkio device '" + type + "' '" + s + "'");
        }
        String[] parts = s.split(",", -1);
        for (int i = 0; i + 1 < parts.length; i += 2) {
            String path = parts[i];
            String val = parts[i + 1];
            long v;
            try {
                v = Long.parseUnsignedLong(val);
                if (k <= 2 && (v >>> 32) != 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                String rest = String.join(",", java.util.Arrays.copyOfRange(parts, i + 1, parts.length));
                throw VirException.invalidArg(VirErrorDomain.DOMAIN, "invalid value '" + rest
                        + "' for parameter '" + type + "' of device '" + path + "'");
            }
            out.put(path, v);
        }
        return out;
    }

    // ------------------------------------------------------------------ interface and block tuning

    /** The interface params in the order test_driver.c answers them. */
    private static final String[] BANDWIDTH = {"inbound.average", "inbound.peak", "inbound.burst",
        "inbound.floor", "outbound.average", "outbound.peak", "outbound.burst"};

    @Override
    public List<TypedParameter> domainGetInterfaceParameters(DomainRef dom, String device, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetInterfaceParameters");
        return withDomain(dom, d -> {
            DeviceDef net = netFind(d.oneDef(flags), device);
            XmlNode bw = net.node().child("bandwidth");
            XmlNode in = bw == null ? null : bw.child("inbound");
            XmlNode out = bw == null ? null : bw.child("outbound");
            return List.of(
                    TypedParameter.ofUInt(BANDWIDTH[0], uintAttr(in, "average")),
                    TypedParameter.ofUInt(BANDWIDTH[1], uintAttr(in, "peak")),
                    TypedParameter.ofUInt(BANDWIDTH[2], uintAttr(in, "burst")),
                    TypedParameter.ofUInt(BANDWIDTH[3], uintAttr(in, "floor")),
                    TypedParameter.ofUInt(BANDWIDTH[4], uintAttr(out, "average")),
                    TypedParameter.ofUInt(BANDWIDTH[5], uintAttr(out, "peak")),
                    TypedParameter.ofUInt(BANDWIDTH[6], uintAttr(out, "burst")));
        });
    }

    private static int uintAttr(XmlNode n, String attr) {
        String v = n == null ? null : n.attr(attr);
        return v == null ? 0 : (int) Long.parseLong(v);
    }

    @Override
    public void domainSetInterfaceParameters(DomainRef dom, String device, List<TypedParameter> params,
                                             int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetInterfaceParameters");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        for (String b : BANDWIDTH) {
            allowed.put(b, TypedParameter.Type.UINT);
        }
        TypedParams.validate(params, allowed);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            DeviceDef net = netFind(def, device);
            int index = def.interfaces().indexOf(net);
            long[] in = new long[4];
            long[] out = new long[3];
            boolean inSpecified = false;
            boolean outSpecified = false;
            for (TypedParameter p : params) {
                long v = Integer.toUnsignedLong(p.intValue());
                switch (p.field()) {
                    case "inbound.average" -> {
                        in[0] = v;
                        inSpecified = true;
                    }
                    case "inbound.peak" -> in[1] = v;
                    case "inbound.burst" -> in[2] = v;
                    case "inbound.floor" -> {
                        in[3] = v;
                        inSpecified = true;
                    }
                    case "outbound.average" -> {
                        out[0] = v;
                        outSpecified = true;
                    }
                    case "outbound.peak" -> out[1] = v;
                    case "outbound.burst" -> out[2] = v;
                    default -> {
                    }
                }
            }
            boolean newIn = in[0] != 0 || in[3] != 0;
            boolean newOut = out[0] != 0;
            boolean clearIn = !newIn && inSpecified;
            boolean clearOut = !newOut && outSpecified;
            d.replaceDef(def, DefEdit.edit(def, root -> {
                org.w3c.dom.Element nic = DefEdit.device(root, "interface", index);
                org.w3c.dom.Element bw = DefEdit.child(nic, "bandwidth");
                if (bw == null) {
                    bw = DefEdit.append(nic, "bandwidth");
                }
                if (newIn || clearIn) {
                    DefEdit.removeChildren(bw, "inbound");
                }
                if (newOut || clearOut) {
                    DefEdit.removeChildren(bw, "outbound");
                }
                if (newIn) {
                    rate(DefEdit.append(bw, "inbound"), new String[] {"average", "peak", "burst", "floor"}, in);
                }
                if (newOut) {
                    rate(DefEdit.append(bw, "outbound"), new String[] {"average", "peak", "burst"}, out);
                }
                if (!bw.hasChildNodes()) {
                    nic.removeChild(bw);
                }
            }));
        });
    }

    private static void rate(org.w3c.dom.Element e, String[] names, long[] values) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] != 0) {
                e.setAttribute(names[i], Long.toString(values[i]));
            }
        }
    }

    /** virDomainNetFind: by MAC address when the string is one, else by interface name. */
    static DeviceDef netFind(DomainDef def, String device) {
        boolean isMac = device.matches("(?i)[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}");
        for (DeviceDef nic : def.interfaces()) {
            if (isMac) {
                String mac = nic.macAddress();
                if (mac != null && sameMac(mac, device)) {
                    return nic;
                }
            } else if (device.equals(nic.interfaceTargetDev())) {
                return nic;
            }
        }
        throw VirException.invalidArg(VirErrorDomain.DOMAIN, "'" + device + "' is not a known interface");
    }

    private static boolean sameMac(String a, String b) {
        String[] x = a.split(":");
        String[] y = b.split(":");
        for (int i = 0; i < 6; i++) {
            if (Integer.parseInt(x[i], 16) != Integer.parseInt(y[i], 16)) {
                return false;
            }
        }
        return true;
    }

    /** virDomainDiskByName: by target, or by source path. */
    static DeviceDef diskByName(DomainDef def, String name) {
        return name == null ? null : def.diskByTargetOrPath(name);
    }

    /** The block I/O tune fields in the order test_driver.c answers them. */
    static final String[] IOTUNE = {"total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
        "total_iops_sec", "read_iops_sec", "write_iops_sec", "total_bytes_sec_max",
        "read_bytes_sec_max", "write_bytes_sec_max", "total_iops_sec_max", "read_iops_sec_max",
        "write_iops_sec_max", "size_iops_sec", "group_name", "total_bytes_sec_max_length",
        "read_bytes_sec_max_length", "write_bytes_sec_max_length", "total_iops_sec_max_length",
        "read_iops_sec_max_length", "write_iops_sec_max_length"};

    @Override
    public List<TypedParameter> domainGetBlockIoTune(DomainRef dom, String disk, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetBlockIoTune");
        int f = flags & ~Flags.TYPED_PARAM_STRING_OKAY;
        return withDomain(dom, d -> {
            DeviceDef dev = diskByName(d.oneDef(f), disk);
            if (dev == null) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "disk '" + disk + "' was not found in the domain config");
            }
            XmlNode iotune = dev.node().child("iotune");
            List<TypedParameter> out = new ArrayList<>();
            for (String field : IOTUNE) {
                String v = iotune == null ? null : iotune.childText(field);
                if (field.equals("group_name")) {
                    out.add(TypedParameter.ofString(field, v == null ? "" : v));
                } else {
                    out.add(TypedParameter.ofULLong(field, v == null ? 0 : Long.parseUnsignedLong(v)));
                }
            }
            return out;
        });
    }

    @Override
    public void domainSetBlockIoTune(DomainRef dom, String disk, List<TypedParameter> params, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetBlockIoTune");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        for (String f : IOTUNE) {
            allowed.put(f, f.equals("group_name") ? TypedParameter.Type.STRING : TypedParameter.Type.ULLONG);
        }
        TypedParams.validate(params, allowed);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            DeviceDef dev = diskByName(def, disk);
            if (dev == null) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "missing persistent configuration for disk '" + disk + "'");
            }
            int index = def.disks().indexOf(dev);
            XmlNode iotune = dev.node().child("iotune");
            Map<String, String> info = new LinkedHashMap<>();
            for (String f : IOTUNE) {
                String v = iotune == null ? null : iotune.childText(f);
                info.put(f, v == null ? (f.equals("group_name") ? null : "0") : v);
            }
            List<TypedParameter> tunable = new ArrayList<>();
            tunable.add(TypedParameter.ofString("blkdeviotune.disk", disk));
            for (TypedParameter p : params) {
                if (p.type() == TypedParameter.Type.ULLONG
                        && Long.compareUnsigned(p.longValue(), BLOCK_IOTUNE_MAX) > 0) {
                    throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                            "block I/O throttle limit value must be no more than " + BLOCK_IOTUNE_MAX);
                }
                if (p.field().equals("group_name")) {
                    info.put("group_name", p.stringValue());
                    tunable.add(TypedParameter.ofString("blkdeviotune.group_name", p.stringValue()));
                } else {
                    info.put(p.field(), Long.toUnsignedString(p.longValue()));
                    tunable.add(TypedParameter.ofULLong("blkdeviotune." + p.field(), p.longValue()));
                }
            }
            checkIotune(info);
            d.replaceDef(def, DefEdit.edit(def, root -> {
                org.w3c.dom.Element diskElem = DefEdit.device(root, "disk", index);
                DefEdit.removeChildren(diskElem, "iotune");
                org.w3c.dom.Element tune = DefEdit.document(root).createElement("iotune");
                for (String f : IOTUNE) {
                    String v = info.get(f);
                    if (v != null && !v.equals("0") && !(f.equals("group_name") && v.isEmpty())) {
                        DefEdit.append(tune, f).setTextContent(v);
                    }
                }
                if (tune.hasChildNodes()) {
                    diskElem.appendChild(tune);
                }
            }));
        });
    }

    private static void checkIotune(Map<String, String> info) {
        String[][] exclusive = {{"bytes_sec"}, {"iops_sec"}, {"bytes_sec_max"}, {"iops_sec_max"}};
        for (String[] e : exclusive) {
            long total = num(info, "total_" + e[0]);
            if (total != 0 && (num(info, "read_" + e[0]) != 0 || num(info, "write_" + e[0]) != 0)) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "total and read/write of " + e[0] + " cannot be set at the same time");
            }
        }
        String[] bases = {"total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
            "total_iops_sec", "read_iops_sec", "write_iops_sec"};
        for (String b : bases) {
            if (Long.compareUnsigned(num(info, b), num(info, b + "_max")) > 0) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        b + " cannot be set higher than " + b + "_max ");
            }
        }
    }

    private static long num(Map<String, String> info, String key) {
        String v = info.get(key);
        return v == null ? 0 : Long.parseUnsignedLong(v);
    }

    // ------------------------------------------------------------------ vCPUs and pinning

    @Override
    public int domainGetVcpusFlags(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.VCPU_MAXIMUM,
                "testDomainGetVcpusFlags");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            return (flags & Flags.VCPU_MAXIMUM) != 0 ? def.vcpusMax() : def.vcpusCurrent();
        });
    }

    @Override
    public int domainGetMaxVcpus(DomainRef dom) {
        return domainGetVcpusFlags(dom, Flags.AFFECT_LIVE | Flags.VCPU_MAXIMUM);
    }

    @Override
    public void domainSetVcpus(DomainRef dom, int nvcpus) {
        domainSetVcpusFlags(dom, nvcpus, Flags.AFFECT_LIVE);
    }

    @Override
    public void domainSetVcpusFlags(DomainRef dom, int nvcpus, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.VCPU_MAXIMUM,
                "testDomainSetVcpusFlags");
        int maxvcpus = MockConnection.MAX_VCPUS;
        if (Integer.compareUnsigned(nvcpus, maxvcpus) > 0) {
            throw VirException.invalidArg(VirErrorDomain.TEST,
                    "requested cpu amount exceeds maximum supported amount (" + nvcpus + " > " + maxvcpus + ")");
        }
        onDomain(dom, d -> {
            DomainDef[] defs = d.defs(flags);
            DomainDef live = defs[0];
            DomainDef config = defs[1];
            if (live != null && live.vcpusMax() < nvcpus) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "requested cpu amount exceeds maximum ("
                        + nvcpus + " > " + live.vcpusMax() + ")");
            }
            if (config != null && (flags & Flags.VCPU_MAXIMUM) == 0 && config.vcpusMax() < nvcpus) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "requested cpu amount exceeds maximum ("
                        + nvcpus + " > " + config.vcpusMax() + ")");
            }
            if (live != null) {
                live.setVcpusCurrent(nvcpus);
            }
            if (config != null) {
                if ((flags & Flags.VCPU_MAXIMUM) != 0) {
                    config.setVcpusMax(nvcpus);
                } else {
                    config.setVcpusCurrent(nvcpus);
                }
            }
        });
    }

    /** All host CPUs (VIR_NODEINFO_MAXCPUS bits). */
    final BitSet hostCpus() {
        BitSet all = new BitSet();
        all.set(0, host.maxCpus());
        return all;
    }

    /** virBitmapToDataBuf: the bitmap's first {@code len} bytes, little-endian bit order. */
    static byte[] toBytes(BitSet set, int len) {
        byte[] out = new byte[Math.max(0, len)];
        byte[] raw = set.toByteArray();
        System.arraycopy(raw, 0, out, 0, Math.min(raw.length, out.length));
        return out;
    }

    /** virBitmapToData: as many bytes as the last set bit needs (at least one). */
    static byte[] toData(BitSet set) {
        int last = set.length() - 1;
        return toBytes(set, last < 0 ? 1 : (last + 8) / 8);
    }

    static BitSet fromBytes(byte[] map) {
        return BitSet.valueOf(map);
    }

    private static BitSet cpuset(String s) {
        return s == null ? null : CpuSet.parse(s, "cpuset");
    }

    @Override
    public DomainVcpus domainGetVcpus(DomainRef dom, int maxinfo, int maplen) {
        return withDomain(dom, d -> {
            if (!d.isActive()) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "cannot list vcpus for an inactive domain");
            }
            DomainDef def = d.def;
            long statbase = realTimeMicros();
            int n = Math.min(maxinfo, def.vcpusCurrent());
            List<VcpuInfo> info = new ArrayList<>();
            byte[] maps = new byte[Math.max(0, n * Math.max(0, maplen))];
            BitSet cpumask = cpuset(def.vcpuCpuset());
            for (int i = 0; i < n; i++) {
                BitSet pin = cpuset(def.vcpuPin(i));
                BitSet bitmap = pin != null ? pin : cpumask != null ? cpumask : hostCpus();
                if (maplen > 0) {
                    System.arraycopy(toBytes(bitmap, maplen), 0, maps, i * maplen, maplen);
                }
                info.add(new VcpuInfo(i, VcpuInfo.STATE_RUNNING, statbase / 10, bitmap.length() - 1));
            }
            return new DomainVcpus(info, maps);
        });
    }

    @Override
    public void domainPinVcpu(DomainRef dom, int vcpu, byte[] cpumap) {
        domainPinVcpuFlags(dom, vcpu, cpumap, 0);
    }

    @Override
    public void domainPinVcpuFlags(DomainRef dom, int vcpu, byte[] cpumap, int flags) {
        checkFlags(flags, 0, "testDomainPinVcpuFlags");
        onDomain(dom, d -> {
            if (!d.isActive()) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "cannot pin vcpus on an inactive domain");
            }
            if (vcpu < 0 || vcpu >= d.def.vcpusMax() || vcpu >= d.def.vcpusCurrent()) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "requested vcpu '" + vcpu + "' is not present in the domain");
            }
            BitSet set = fromBytes(cpumap);
            d.def.setVcpuPin(vcpu, set.isEmpty() ? null : CpuSet.format(set));
        });
    }

    @Override
    public PinInfo domainGetVcpuPinInfo(DomainRef dom, int ncpumaps, int maplen, int flags) {
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            int n = Math.min(def.vcpusMax(), ncpumaps);
            byte[] maps = new byte[Math.max(0, n * maplen)];
            BitSet cpumask = cpuset(def.vcpuCpuset());
            for (int i = 0; i < n; i++) {
                BitSet pin = cpuset(def.vcpuPin(i));
                BitSet bitmap = pin != null ? pin : cpumask != null ? cpumask : hostCpus();
                System.arraycopy(toBytes(bitmap, maplen), 0, maps, i * maplen, maplen);
            }
            return new PinInfo(n, maps);
        });
    }

    @Override
    public void domainPinEmulator(DomainRef dom, byte[] cpumap, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainPinEmulator");
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            BitSet set = fromBytes(cpumap);
            if (set.isEmpty()) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "Empty cpu list for pinning");
            }
            def.setEmulatorPin(CpuSet.format(set));
        });
    }

    @Override
    public PinInfo domainGetEmulatorPinInfo(DomainRef dom, int maplen, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainGetEmulatorPinInfo");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            BitSet pin = cpuset(def.emulatorPin());
            BitSet cpumask = cpuset(def.vcpuCpuset());
            BitSet bitmap = pin != null ? pin : cpumask != null ? cpumask : hostCpus();
            return new PinInfo(1, toBytes(bitmap, maplen));
        });
    }

    // ------------------------------------------------------------------ IOThreads

    @Override
    public List<IoThreadInfo> domainGetIOThreadInfo(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainGetIOThreadInfo");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            BitSet cpumask = cpuset(def.vcpuCpuset());
            List<IoThreadInfo> out = new ArrayList<>();
            for (int id : def.iothreadIds()) {
                BitSet pin = cpuset(def.iothreadPin(id));
                BitSet bitmap = pin != null ? pin : cpumask;
                if (bitmap == null) {
                    bitmap = new BitSet();
                    bitmap.set(0, def.vcpusCurrent());
                }
                out.add(new IoThreadInfo(id, toData(bitmap)));
            }
            return out;
        });
    }

    @Override
    public void domainAddIOThread(DomainRef dom, int iothreadId, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainAddIOThread");
        checkIoThreadId(iothreadId);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            def.checkIothreadAddable(iothreadId);
            def.addIothread(iothreadId);
            d.iothreads.add(new MockDomain.IoThreadPoll(iothreadId));
        });
    }

    @Override
    public void domainDelIOThread(DomainRef dom, int iothreadId, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainDelIOThread");
        checkIoThreadId(iothreadId);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            def.checkIothreadRemovable(iothreadId);
            def.removeIothread(iothreadId);
            d.iothreads.removeIf(t -> t.id == iothreadId);
        });
    }

    private static void checkIoThreadId(int iothreadId) {
        if (iothreadId == 0) {
            throw VirException.invalidArg(VirErrorDomain.TEST, "invalid value of 0 for iothread_id");
        }
    }

    @Override
    public void domainPinIOThread(DomainRef dom, int iothreadId, byte[] cpumap, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainPinIOThread");
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            BitSet set = fromBytes(cpumap);
            if (set.isEmpty()) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "Empty iothread cpumap list for pinning");
            }
            if (!def.iothreadIds().contains(iothreadId)) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "iothreadid " + iothreadId + " not found");
            }
            def.setIothreadPin(iothreadId, CpuSet.format(set));
        });
    }

    @Override
    public void domainSetIOThreadParams(DomainRef dom, int iothreadId, List<TypedParameter> params,
                                        int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE, "testDomainSetIOThreadParams");
        checkIoThreadId(iothreadId);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            if (!def.iothreadIds().contains(iothreadId)) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "cannot find IOThread '"
                        + Integer.toUnsignedString(iothreadId) + "' in iothreadids");
            }
            for (MockDomain.IoThreadPoll t : d.iothreads) {
                if (t.id == iothreadId) {
                    TypedParams.validate(params, Map.of("poll_max_ns", TypedParameter.Type.ULLONG,
                            "poll_grow", TypedParameter.Type.UINT, "poll_shrink", TypedParameter.Type.UINT));
                    TypedParameter max = TypedParams.find(params, "poll_max_ns");
                    TypedParameter grow = TypedParams.find(params, "poll_grow");
                    TypedParameter shrink = TypedParams.find(params, "poll_shrink");
                    if (max != null) {
                        t.pollMaxNs = max.longValue();
                    }
                    if (grow != null) {
                        t.pollGrow = grow.intValue();
                    }
                    if (shrink != null) {
                        t.pollShrink = shrink.intValue();
                    }
                    return;
                }
            }
            // test_driver.c fails without reporting anything when the poll data is missing
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST, null);
        });
    }

    // ------------------------------------------------------------------ CPU stats, scheduler, perf

    @Override
    public DomainCpuStats domainGetCPUStats(DomainRef dom, int nparams, int startCpu, int ncpus,
                                            int flags) {
        checkFlags(flags, Flags.TYPED_PARAM_STRING_OKAY, "testDomainGetCPUStats");
        return withDomain(dom, d -> {
            d.checkActive();
            if (startCpu == -1) {
                return totalCpuStats(nparams);
            }
            return perCpuStats(nparams, startCpu, ncpus, host.nodeInfo().cores());
        });
    }

    private static DomainCpuStats totalCpuStats(int nparams) {
        if (nparams == 0) {
            return new DomainCpuStats(3, List.of());
        }
        List<TypedParameter> out = new ArrayList<>();
        out.add(TypedParameter.ofULLong("cpu_time", TOTAL_CPUTIME));
        if (nparams > 1) {
            out.add(TypedParameter.ofULLong("user_time", 5540000000L));
        }
        if (nparams > 2) {
            out.add(TypedParameter.ofULLong("system_time", 6460000000L));
        }
        return new DomainCpuStats(Math.min(nparams, 3), out);
    }

    private static DomainCpuStats perCpuStats(int nparams, int startCpu, int ncpus, int totalCpus) {
        if (nparams == 0 && ncpus != 0) {
            return new DomainCpuStats(2, List.of());
        }
        if (ncpus == 0) {
            return new DomainCpuStats(totalCpus, List.of());
        }
        if (startCpu >= totalCpus) {
            throw VirException.invalidArg(VirErrorDomain.TEST, "start_cpu " + startCpu
                    + " larger than maximum of " + (totalCpus - 1));
        }
        long percpu = Long.divideUnsigned(TOTAL_CPUTIME, totalCpus);
        int need = (int) Math.min(totalCpus, (long) startCpu + Integer.toUnsignedLong(ncpus));
        List<TypedParameter> out = new ArrayList<>();
        for (int i = startCpu; i < need; i++) {
            out.add(TypedParameter.ofULLong("cpu_time", percpu + i));
            if (nparams > 1) {
                out.add(TypedParameter.ofULLong("vcpu_time", percpu + i - 1234567890L));
            }
        }
        return new DomainCpuStats(nparams > 1 ? 2 : 1, out);
    }

    /** testDomainGetSchedulerType: "fair" with one parameter, without looking at the domain. */
    @Override
    public SchedulerType domainGetSchedulerType(DomainRef dom) {
        return new SchedulerType("fair", 1);
    }

    @Override
    public List<TypedParameter> domainGetSchedulerParameters(DomainRef dom) {
        return domainGetSchedulerParametersFlags(dom, 0);
    }

    @Override
    public List<TypedParameter> domainGetSchedulerParametersFlags(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetSchedulerParametersFlags");
        return withDomain(dom, d -> List.of(TypedParameter.ofUInt("weight", 50)));
    }

    @Override
    public void domainSetSchedulerParameters(DomainRef dom, List<TypedParameter> params) {
        domainSetSchedulerParametersFlags(dom, params, 0);
    }

    /** Accepted and ignored, as test_driver.c does. */
    @Override
    public void domainSetSchedulerParametersFlags(DomainRef dom, List<TypedParameter> params, int flags) {
        checkFlags(flags, 0, "testDomainSetSchedulerParametersFlags");
        TypedParams.validate(params, Map.of("weight", TypedParameter.Type.UINT));
        onDomain(dom, d -> { });
    }

    @Override
    public List<TypedParameter> domainGetPerfEvents(DomainRef dom, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG | Flags.TYPED_PARAM_STRING_OKAY,
                "testDomainGetPerfEvents");
        return withDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            List<TypedParameter> out = new ArrayList<>();
            for (String e : PERF_EVENTS) {
                out.add(TypedParameter.ofBoolean(e, Boolean.TRUE.equals(def.perfEvent(e))));
            }
            return out;
        });
    }

    @Override
    public void domainSetPerfEvents(DomainRef dom, List<TypedParameter> params, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetPerfEvents");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        for (String e : PERF_EVENTS) {
            allowed.put(e, TypedParameter.Type.BOOLEAN);
        }
        TypedParams.validate(params, allowed);
        onDomain(dom, d -> {
            DomainDef def = d.oneDef(flags);
            for (TypedParameter p : params) {
                def.setPerfEvent(p.field(), p.booleanValue());
            }
        });
    }

    // ------------------------------------------------------------------ devices and guest

    @Override
    public DomainBlockStats domainBlockStats(DomainRef dom, String path) {
        if (path == null || path.isEmpty()) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                    "summary statistics are not supported yet");
        }
        return withDomain(dom, d -> {
            d.checkActive();
            if (diskByName(d.def, path) == null) {
                throw VirException.invalidArg(VirErrorDomain.TEST, "invalid path: " + path);
            }
            long s = realTimeMicros();
            return new DomainBlockStats(s / 10, s / 20, s / 30, s / 40, s / (1000L * 1000L * 2));
        });
    }

    @Override
    public DomainInterfaceStats domainInterfaceStats(DomainRef dom, String device) {
        return withDomain(dom, d -> {
            d.checkActive();
            netFind(d.def, device);
            long s = realTimeMicros();
            return new DomainInterfaceStats(s / 10, s / 100, s / (1000L * 1000L), s / (1000L * 1000L * 2),
                    s / 20, s / 110, s / (1000L * 1000L * 3), s / (1000L * 1000L * 4));
        });
    }

    @Override
    public DomainBlockInfo domainGetBlockInfo(DomainRef dom, String path, int flags) {
        checkFlags(flags, 0, "testDomainGetBlockInfo");
        return withDomain(dom, d -> {
            DeviceDef disk = diskByName(d.def, path);
            if (disk == null) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "invalid path " + path + " not assigned to domain");
            }
            if (disk.sourcePath() == null) {
                throw VirException.invalidArg(VirErrorDomain.TEST,
                        "disk '" + path + "' does not currently have a source assigned");
            }
            return new DomainBlockInfo(1099506450432L, 1099511627776L, 1099511627776L);
        });
    }

    /**
     * Every disk gets an error (1 unspecified, 2 no space, alternating); at most
     * {@code maxerrors}, or all of them for a count query ({@code maxerrors} 0).
     */
    @Override
    public List<DomainDiskError> domainGetDiskErrors(DomainRef dom, int maxerrors, int flags) {
        checkFlags(flags, 0, "testDomainGetDiskErrors");
        return withDomain(dom, d -> {
            d.checkActive();
            List<DeviceDef> disks = d.def.disks();
            int n = maxerrors == 0 ? disks.size() : Math.min(disks.size(), maxerrors);
            List<DomainDiskError> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new DomainDiskError(disks.get(i).diskTarget(), (i % 2) + 1));
            }
            return out;
        });
    }

    @Override
    public List<DomainInterface> domainInterfaceAddresses(DomainRef dom, int source, int flags) {
        checkFlags(flags, 0, "testDomainInterfaceAddresses");
        if (Integer.compareUnsigned(source, 3) >= 0) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                    "Unknown IP address data source " + source);
        }
        return withDomain(dom, d -> {
            d.checkActive();
            List<DomainInterface> out = new ArrayList<>();
            List<DeviceDef> nics = d.def.interfaces();
            for (int i = 0; i < nics.size(); i++) {
                DeviceDef nic = nics.get(i);
                DomainInterface.IpAddress addr;
                if ("network".equals(nic.type())) {
                    long offset = 20L * (d.def.id() - 1) + i + 1;
                    addr = NodeNetworks.guestAddress(host.networks(), nic.node().childAttr("source", "network"),
                            offset);
                } else {
                    addr = new DomainInterface.IpAddress(DomainInterface.IpAddress.TYPE_IPV4,
                            "192.168.0." + (1 + i), 24);
                }
                String name = nic.interfaceTargetDev();
                out.add(new DomainInterface(name == null ? "" : name, nic.macAddress(), List.of(addr)));
            }
            return out;
        });
    }

    @Override
    public List<FsInfo> domainGetFSInfo(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainGetFSInfo");
        return withDomain(dom, d -> {
            d.checkActive();
            for (DeviceDef disk : d.def.disks()) {
                if ("disk".equals(disk.diskDevice())) {
                    String name = disk.diskTarget();
                    return List.of(new FsInfo("/", name + "1", "ext4", List.of(name)),
                            new FsInfo("/boot", name + "2", "ext4", List.of(name)));
                }
            }
            return List.of();
        });
    }

    @Override
    public int domainFSFreeze(DomainRef dom, List<String> mountpoints, int flags) {
        checkFlags(flags, 0, "testDomainFSFreeze");
        return withDomain(dom, d -> freezeOrThaw(d, mountpoints, true));
    }

    @Override
    public int domainFSThaw(DomainRef dom, List<String> mountpoints, int flags) {
        checkFlags(flags, 0, "testDomainFSThaw");
        return withDomain(dom, d -> freezeOrThaw(d, mountpoints, false));
    }

    /** testDomainFSFreeze / testDomainFSThaw on "/" and "/boot". */
    private static int freezeOrThaw(MockDomain d, List<String> mountpoints, boolean freeze) {
        d.checkActive();
        if (mountpoints.isEmpty()) {
            int changed = (d.frozen[0] != freeze ? 1 : 0) + (d.frozen[1] != freeze ? 1 : 0);
            int ret = freeze ? changed : (d.frozen[0] ? 1 : 0) + (d.frozen[1] ? 1 : 0);
            d.frozen[0] = freeze;
            d.frozen[1] = freeze;
            return ret;
        }
        boolean[] next = d.frozen.clone();
        int n = 0;
        for (String m : mountpoints) {
            int i = mountIndex(m);
            if (next[i] != freeze) {
                next[i] = freeze;
                n++;
            }
        }
        d.frozen[0] = next[0];
        d.frozen[1] = next[1];
        return n;
    }

    private static int mountIndex(String m) {
        if ("/".equals(m)) {
            return 0;
        }
        if ("/boot".equals(m)) {
            return 1;
        }
        throw VirException.operationInvalid(VirErrorDomain.TEST, "mount point not found: " + m);
    }

    @Override
    public void domainFSTrim(DomainRef dom, String mountPoint, long minimum, int flags) {
        checkFlags(flags, 0, "testDomainFSTrim");
        onDomain(dom, d -> {
            d.checkActive();
            if (mountPoint != null) {
                mountIndex(mountPoint);
            }
        });
    }

    @Override
    public void domainSetUserPassword(DomainRef dom, String user, String password, int flags) {
        checkFlags(flags, Flags.PASSWORD_ENCRYPTED, "testDomainSetUserPassword");
        onDomain(dom, MockDomain::checkActive);
    }

    /**
     * testDomainScreenshot: flags 0 only; it never looks the domain up (an unknown or inactive
     * domain gets the picture too), answers "image/png" and streams {@link #SCREENSHOT_FILE}.
     */
    @Override
    public Screenshot domainScreenshot(DomainRef dom, int screen, int flags) {
        checkFlags(flags, 0, "testDomainScreenshot");
        return screenshot(SCREENSHOT_FILE);
    }

    /** virFDStreamOpenFile(path) read whole: its error is libvirt's when the file cannot be opened. */
    static Screenshot screenshot(Path file) {
        try {
            return new Screenshot("image/png", Files.readAllBytes(file));
        } catch (IOException e) {
            throw SaveImage.system(e, "Unable to open stream for '" + file + "'", VirErrorDomain.STREAMS);
        }
    }

    @Override
    public void domainInjectNMI(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainInjectNMI");
        onDomain(dom, MockDomain::checkActive);
    }

    @Override
    public void domainSendKey(DomainRef dom, int codeset, int holdtime, int[] keycodes, int flags) {
        checkFlags(flags, 0, "testDomainSendKey");
        onDomain(dom, d -> {
            d.checkActive();
            for (int k : keycodes) {
                if (!KeycodeTables.valid(codeset, k)) {
                    throw VirException.internalError(VirErrorDomain.TEST, "invalid keycode "
                            + Integer.toUnsignedString(k) + " of " + KeycodeTables.name(codeset) + " codeset");
                }
            }
        });
    }

    @Override
    public void domainSendProcessSignal(DomainRef dom, long pid, int signum, int flags) {
        checkFlags(flags, 0, "testDomainSendProcessSignal");
        if (pid != 1) {
            throw VirException.invalidArg(VirErrorDomain.TEST, "only sending a signal to pid 1 is supported");
        }
        if (Integer.compareUnsigned(signum, 65) >= 0) {
            throw VirException.invalidArg(VirErrorDomain.TEST, "signum value " + signum + " is out of range");
        }
        onDomain(dom, d -> { });
    }

    @Override
    public void domainSetLifecycleAction(DomainRef dom, int type, int action, int flags) {
        checkFlags(flags, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG, "testDomainSetLifecycleAction");
        LifecycleActions.checkAllowed(type, action);
        onDomain(dom, d -> {
            for (DomainDef def : d.defs(flags)) {
                if (def != null) {
                    LifecycleActions.set(def, type, action);
                }
            }
        });
    }

    // ------------------------------------------------------------------ domain stats

    @Override
    public List<DomainStatsRecord> connectGetAllDomainStats(List<DomainRef> doms, int stats, int flags) {
        int filters = DomainListFilter.ACTIVE_PERSISTENT_STATE;
        checkFlags(flags, filters | Flags.STATS_NOWAIT | Flags.STATS_BACKING | Flags.STATS_ENFORCE,
                "testConnectGetAllDomainStats");
        int supported = Flags.STATS_STATE | Flags.STATS_IOTHREAD;
        int want = stats;
        if (want == 0) {
            want = supported;
        } else if ((flags & Flags.STATS_ENFORCE) != 0 && (want & ~supported) != 0) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                    "Stats types bits 0x" + Integer.toHexString(want & ~supported)
                            + " are not supported by this daemon");
        }
        int lflags = flags & filters;
        List<MockDomain> domains = new ArrayList<>();
        if (doms.isEmpty()) {
            domains.addAll(host.domains().all());
        } else {
            for (DomainRef r : doms) {
                MockDomain d = host.domains().byUuid(r.uuid());
                if (d != null) {
                    domains.add(d);
                }
            }
        }
        List<DomainStatsRecord> out = new ArrayList<>();
        for (MockDomain d : domains) {
            d.lock();
            try {
                if (d.removed || !matches(d, lflags)) {
                    continue;
                }
                out.add(new DomainStatsRecord(d.ref(), stats(d, want)));
            } finally {
                d.unlock();
            }
        }
        return out;
    }

    private static List<TypedParameter> stats(MockDomain d, int want) {
        List<TypedParameter> p = new ArrayList<>();
        if ((want & Flags.STATS_STATE) != 0) {
            p.add(TypedParameter.ofInt("state.state", d.state.number()));
            p.add(TypedParameter.ofInt("state.reason", d.reason));
        }
        if ((want & Flags.STATS_IOTHREAD) != 0 && d.isActive() && !d.iothreads.isEmpty()) {
            p.add(TypedParameter.ofUInt("iothread.count", d.iothreads.size()));
            for (MockDomain.IoThreadPoll t : d.iothreads) {
                String prefix = "iothread." + Integer.toUnsignedString(t.id) + ".";
                p.add(TypedParameter.ofULLong(prefix + "poll-max-ns", t.pollMaxNs));
                p.add(TypedParameter.ofUInt(prefix + "poll-grow", t.pollGrow));
                p.add(TypedParameter.ofUInt(prefix + "poll-shrink", t.pollShrink));
            }
        }
        return p;
    }
}
