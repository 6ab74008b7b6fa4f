package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.NodeCpuMap;
import io.jvirtd.model.NodeCpuStat;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.NodeMemoryStat;
import io.jvirtd.model.SecurityModel;
import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The remote program's table: one line per procedure jvirtd serves, mapping wire records to
 * driver calls. Procedures without a line answer as libvirtd does for a driver that lacks the
 * API ("this function is not supported by the connection driver: virX"). Stateless; the
 * calls run on worker threads.
 */
final class RemoteCalls {

    /** virConnectGetLibVersion: the libvirt release whose protocol jvirtd speaks (9.0.0). */
    static final long LIB_VERSION = 9_000_000L;

    // virDrvFeature numbers the daemon answers itself (libvirtd's remoteDispatchConnectSupportsFeature).
    private static final int FEATURE_FD_PASSING = 8;
    private static final int FEATURE_PROGRAM_KEEPALIVE = 10;
    private static final int FEATURE_REMOTE_EVENT_CALLBACK = 14;
    private static final int FEATURE_REMOTE_CLOSE_CALLBACK = 15;

    /** The parameters virIdentitySetParameters takes (VIR_CONNECT_IDENTITY_*). */
    private static final Map<String, TypedParameter.Type> IDENTITY = Map.of(
            "user-name", TypedParameter.Type.STRING,
            "unix-user-id", TypedParameter.Type.ULLONG,
            "group-name", TypedParameter.Type.STRING,
            "unix-group-id", TypedParameter.Type.ULLONG,
            "process-id", TypedParameter.Type.LLONG,
            "process-time", TypedParameter.Type.ULLONG,
            "sasl-user-name", TypedParameter.Type.STRING,
            "x509-distinguished-name", TypedParameter.Type.STRING,
            "selinux-context", TypedParameter.Type.STRING,
            "system.token", TypedParameter.Type.STRING);

    /** libvirt-host.c reports from VIR_FROM_DOMAIN. */
    private static final VirErrorDomain HOST = VirErrorDomain.DOMAIN;

    private RemoteCalls() {
    }

    static ProcedureTable table(ConnectionRouter router) {
        ProcedureTable t = new ProcedureTable();
        connection(t, router);
        AuthCalls.bind(t);
        host(t);
        cpu(t);
        DomainCalls.bind(t);
        DomainInfoCalls.bind(t);
        DomainTuneCalls.bind(t);
        DomainStatsCalls.bind(t);
        BlockJobCalls.bind(t);
        DomainSaveCalls.bind(t);
        DomainDeviceCalls.bind(t);
        SnapshotCalls.bind(t);
        CheckpointCalls.bind(t);
        EventCalls.bind(t);
        ObjectEventCalls.bind(t);
        NetworkCalls.bind(t);
        SecretCalls.bind(t);
        NwfilterCalls.bind(t);
        StorageCalls.bind(t);
        InterfaceCalls.bind(t);
        NodeDeviceCalls.bind(t);
        return t;
    }

    /** Handshake and connection-level calls. */
    private static void connection(ProcedureTable t, ConnectionRouter router) {
        t.bindAnytime(AUTH_LIST, Void.class, AuthListRet.class,
                (s, a) -> new AuthListRet(List.of(s.client().authType())));
        t.bindAnytime(CONNECT_OPEN, ConnectOpenArgs.class, Void.class, (s, a) -> {
            open(s, router, a);
            return null;
        });
        t.bindAnytime(CONNECT_CLOSE, Void.class, Void.class, (s, a) -> {
            s.closeConnection();
            s.closeAfterReply();
            return null;
        });
        t.bindAnytime(CONNECT_SUPPORTS_FEATURE, ConnectSupportsFeatureArgs.class, ConnectSupportsFeatureRet.class,
                (s, a) -> new ConnectSupportsFeatureRet(supportsFeature(s, a.feature()) ? 1 : 0));
        t.bind(CONNECT_REGISTER_CLOSE_CALLBACK, Void.class, Void.class, (s, a) -> {
            s.setCloseCallbackRegistered(true);
            return null;
        });
        t.bind(CONNECT_UNREGISTER_CLOSE_CALLBACK, Void.class, Void.class, (s, a) -> {
            s.setCloseCallbackRegistered(false);
            return null;
        });
        // remoteDispatchConnectSetIdentity keeps the identity for libvirtd's access control;
        // jvirtd has none, so the parameters are only checked as virIdentitySetParameters does.
        t.bind(CONNECT_SET_IDENTITY, ConnectSetIdentityArgs.class, Void.class, (s, a) -> {
            s.connection();
            TypedParamChecks.validate(TypedParams.fromWire(a.params(),
                    RemoteLimits.REMOTE_CONNECT_IDENTITY_PARAMS_MAX), IDENTITY);
            return null;
        });
        t.bind(CONNECT_GET_TYPE, Void.class, ConnectGetTypeRet.class,
                (s, a) -> new ConnectGetTypeRet(s.connection().getType()));
        t.bind(CONNECT_GET_VERSION, Void.class, ConnectGetVersionRet.class,
                (s, a) -> new ConnectGetVersionRet(s.connection().getVersion()));
        t.bind(CONNECT_GET_LIB_VERSION, Void.class, ConnectGetLibVersionRet.class,
                (s, a) -> new ConnectGetLibVersionRet(LIB_VERSION));
        t.bind(CONNECT_GET_HOSTNAME, Void.class, ConnectGetHostnameRet.class,
                (s, a) -> new ConnectGetHostnameRet(s.connection().getHostname()));
        t.bind(CONNECT_GET_URI, Void.class, ConnectGetUriRet.class, (s, a) -> new ConnectGetUriRet(s.uri()));
        t.bind(CONNECT_IS_SECURE, Void.class, ConnectIsSecureRet.class,
                (s, a) -> new ConnectIsSecureRet(s.connection().isSecure() ? 1 : 0));
        t.bind(CONNECT_GET_CAPABILITIES, Void.class, ConnectGetCapabilitiesRet.class,
                (s, a) -> new ConnectGetCapabilitiesRet(s.connection().getCapabilities()));
        t.bind(CONNECT_GET_SYSINFO, ConnectGetSysinfoArgs.class, ConnectGetSysinfoRet.class,
                (s, a) -> new ConnectGetSysinfoRet(s.connection().getSysinfo(a.flags())));
        t.bind(CONNECT_GET_MAX_VCPUS, ConnectGetMaxVcpusArgs.class, ConnectGetMaxVcpusRet.class,
                (s, a) -> new ConnectGetMaxVcpusRet(s.connection().getMaxVcpus(a.type())));
        t.bind(CONNECT_GET_DOMAIN_CAPABILITIES, ConnectGetDomainCapabilitiesArgs.class,
                ConnectGetDomainCapabilitiesRet.class, (s, a) -> new ConnectGetDomainCapabilitiesRet(
                        s.connection().getDomainCapabilities(a.emulatorbin(), a.arch(), a.machine(), a.virttype(),
                                a.flags())));
        t.bind(CONNECT_DOMAIN_XML_TO_NATIVE, ConnectDomainXmlToNativeArgs.class, ConnectDomainXmlToNativeRet.class,
                (s, a) -> new ConnectDomainXmlToNativeRet(
                        s.connection().domainXmlToNative(a.nativeFormat(), a.domainXml(), a.flags())));
    }

    private static void open(RemoteSession s, ConnectionRouter router, ConnectOpenArgs a) {
        if (!s.beginOpen()) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC, "connection already open");
        }
        boolean readOnly = s.client().isReadOnly() || (a.flags() & 1) != 0; // VIR_CONNECT_RO
        try {
            s.finishOpen(router.open(a.name(), readOnly), a.name(), readOnly);
        } catch (RuntimeException e) {
            s.abandonOpen();
            throw e;
        }
    }

    private static boolean supportsFeature(RemoteSession s, int feature) {
        if (feature == FEATURE_PROGRAM_KEEPALIVE) {
            // Asked right after AUTH_LIST, before CONNECT_OPEN; from now on we PING this client.
            s.client().startKeepAlive();
            return true;
        }
        HypervisorConnection conn = s.connection();
        switch (feature) {
            case FEATURE_REMOTE_EVENT_CALLBACK:
            case FEATURE_REMOTE_CLOSE_CALLBACK:
                return true;
            case FEATURE_FD_PASSING:
                return false; // libvirtd says 1; we do not pass descriptors yet, so clients must not try
            default:
                return conn.supportsFeature(feature);
        }
    }

    /** virNode* calls. */
    private static void host(ProcedureTable t) {
        t.bind(NODE_GET_INFO, Void.class, NodeGetInfoRet.class, (s, a) -> {
            NodeInfo i = s.connection().nodeGetInfo();
            return new NodeGetInfoRet(i.model(), i.memoryKiB(), i.cpus(), i.mhz(), i.nodes(), i.sockets(),
                    i.cores(), i.threads());
        });
        t.bind(NODE_GET_CELLS_FREE_MEMORY, NodeGetCellsFreeMemoryArgs.class, NodeGetCellsFreeMemoryRet.class,
                (s, a) -> {
                    if (a.maxcells() > RemoteLimits.REMOTE_NODE_MAX_CELLS) {
                        throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC,
                                "maxCells > REMOTE_NODE_MAX_CELLS");
                    }
                    ApiChecks.positive(a.maxcells(), "maxCells", "virNodeGetCellsFreeMemory", HOST);
                    ApiChecks.nonNegative(a.startCell(), "startCell", "virNodeGetCellsFreeMemory", HOST);
                    return new NodeGetCellsFreeMemoryRet(boxed(
                            s.connection().nodeGetCellsFreeMemory(a.startCell(), a.maxcells())));
                });
        t.bind(NODE_GET_FREE_MEMORY, Void.class, NodeGetFreeMemoryRet.class, (s, a) -> {
            long free = s.connection().nodeGetFreeMemory();
            if (free == 0) {
                // virNodeGetFreeMemory returns 0 for failure, and libvirtd reports it so.
                throw new VirException(1, 0, "An error occurred, but the cause is unknown", 2, null, null, null,
                        -1, -1);
            }
            return new NodeGetFreeMemoryRet(free);
        });
        t.bind(NODE_GET_CPU_STATS, NodeGetCpuStatsArgs.class, NodeGetCpuStatsRet.class, (s, a) -> {
            checkNparams(a.nparams(), RemoteLimits.REMOTE_NODE_CPU_STATS_MAX);
            ApiChecks.nonNegative(a.nparams(), "*nparams", "virNodeGetCPUStats", HOST);
            ApiChecks.negativeOnlyAll(a.cpuNum(), "cpuNum", "virNodeGetCPUStats", HOST);
            List<NodeCpuStat> stats = s.connection().nodeGetCpuStats(a.cpuNum(), a.flags());
            if (a.nparams() == 0) {
                return new NodeGetCpuStatsRet(List.of(), stats.size());
            }
            List<NodeGetCpuStats> out = new ArrayList<>();
            for (NodeCpuStat st : stats.subList(0, Math.min(a.nparams(), stats.size()))) {
                out.add(new NodeGetCpuStats(st.field(), st.value()));
            }
            return new NodeGetCpuStatsRet(out, 0);
        });
        t.bind(NODE_GET_MEMORY_STATS, NodeGetMemoryStatsArgs.class, NodeGetMemoryStatsRet.class, (s, a) -> {
            checkNparams(a.nparams(), RemoteLimits.REMOTE_NODE_MEMORY_STATS_MAX);
            ApiChecks.nonNegative(a.nparams(), "*nparams", "virNodeGetMemoryStats", HOST);
            ApiChecks.negativeOnlyAll(a.cellNum(), "cellNum", "virNodeGetMemoryStats", HOST);
            List<NodeMemoryStat> stats = s.connection().nodeGetMemoryStats(a.cellNum(), a.flags());
            if (a.nparams() == 0) {
                return new NodeGetMemoryStatsRet(List.of(), stats.size());
            }
            List<NodeGetMemoryStats> out = new ArrayList<>();
            for (NodeMemoryStat st : stats.subList(0, Math.min(a.nparams(), stats.size()))) {
                out.add(new NodeGetMemoryStats(st.field(), st.value()));
            }
            return new NodeGetMemoryStatsRet(out, 0);
        });
        t.bind(NODE_GET_MEMORY_PARAMETERS, NodeGetMemoryParametersArgs.class, NodeGetMemoryParametersRet.class,
                (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), RemoteLimits.REMOTE_NODE_MEMORY_PARAMETERS_MAX);
                    ApiChecks.nonNegative(a.nparams(), "*nparams", "virNodeGetMemoryParameters", HOST);
                    int flags = DomainTuneCalls.stringOkay(s.connection(), a.flags());
                    int[] n = new int[1];
                    List<TypedParam> out = TypedParams.answer(s.connection().nodeGetMemoryParameters(flags),
                            a.nparams(), a.flags(), RemoteLimits.REMOTE_NODE_MEMORY_PARAMETERS_MAX, n);
                    return new NodeGetMemoryParametersRet(out, n[0]);
                });
        t.bind(NODE_SET_MEMORY_PARAMETERS, NodeSetMemoryParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), RemoteLimits.REMOTE_NODE_MEMORY_PARAMETERS_MAX);
            s.connection().nodeSetMemoryParameters(p, a.flags());
            return null;
        });
        t.bind(NODE_GET_CPU_MAP, NodeGetCpuMapArgs.class, NodeGetCpuMapRet.class, (s, a) -> {
            NodeCpuMap m = s.connection().nodeGetCpuMap(a.flags());
            return new NodeGetCpuMapRet(a.need_map() != 0 ? m.map() : new byte[0],
                    a.need_online() != 0 ? m.online() : 0, m.total());
        });
        t.bind(NODE_GET_SECURITY_MODEL, Void.class, NodeGetSecurityModelRet.class, (s, a) -> {
            SecurityModel m = s.connection().nodeGetSecurityModel();
            return new NodeGetSecurityModelRet(m.model(), m.doi());
        });
        t.bind(NODE_GET_FREE_PAGES, NodeGetFreePagesArgs.class, NodeGetFreePagesRet.class, (s, a) -> {
            // remoteDispatchNodeGetFreePages bounds the answer before anything is allocated
            // (in 64 bits here: libvirt's 32-bit product can wrap around).
            if (a.pages().size() * Integer.toUnsignedLong(a.cellCount()) > RemoteLimits.REMOTE_NODE_MAX_CELLS) {
                throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC,
                        "the result won't fit into REMOTE_NODE_MAX_CELLS");
            }
            ApiChecks.nonZero(a.pages().size(), "npages", "virNodeGetFreePages", HOST);
            ApiChecks.nonZero(a.cellCount(), "cellCount", "virNodeGetFreePages", HOST);
            int[] pages = a.pages().stream().mapToInt(Integer::intValue).toArray();
            long[] counts = s.connection().nodeGetFreePages(pages, a.startCell(), a.cellCount(), a.flags());
            if (counts.length == 0) {
                // virNodeGetFreePages returned 0 counts: libvirtd fails the call with no error set
                throw AuthCalls.nothingReported();
            }
            return new NodeGetFreePagesRet(boxed(counts));
        });
        t.bind(NODE_ALLOC_PAGES, NodeAllocPagesArgs.class, NodeAllocPagesRet.class, (s, a) -> {
            int[] sizes = a.pageSizes().stream().mapToInt(Integer::intValue).toArray();
            long[] counts = a.pageCounts().stream().mapToLong(Long::longValue).toArray();
            return new NodeAllocPagesRet(s.connection().nodeAllocatePages(sizes, counts, a.startCell(),
                    a.cellCount(), a.flags()));
        });
        t.bind(NODE_SUSPEND_FOR_DURATION, NodeSuspendForDurationArgs.class, Void.class, (s, a) -> {
            s.connection().nodeSuspendForDuration(a.target(), a.duration(), a.flags());
            return null;
        });
    }

    /** CPU model calls. */
    private static void cpu(ProcedureTable t) {
        // an empty XDR array reaches the API as a NULL pointer
        t.bind(CONNECT_BASELINE_CPU, ConnectBaselineCpuArgs.class, ConnectBaselineCpuRet.class, (s, a) -> {
            ApiChecks.nonNull(a.xmlCPUs().isEmpty() ? null : a.xmlCPUs(), "xmlCPUs", "virConnectBaselineCPU", HOST);
            return new ConnectBaselineCpuRet(s.connection().baselineCpu(a.xmlCPUs(), a.flags()));
        });
        t.bind(CONNECT_COMPARE_CPU, ConnectCompareCpuArgs.class, ConnectCompareCpuRet.class,
                (s, a) -> new ConnectCompareCpuRet(s.connection().compareCpu(a.xml(), a.flags())));
        // ... and virConnectBaselineHypervisorCPU checks it before its read-only check
        t.checkFirst(CONNECT_BASELINE_HYPERVISOR_CPU, ConnectBaselineHypervisorCpuArgs.class,
                (s, a) -> ApiChecks.nonNull(a.xmlCPUs().isEmpty() ? null : a.xmlCPUs(), "xmlCPUs",
                        "virConnectBaselineHypervisorCPU", HOST));
        t.bind(CONNECT_BASELINE_HYPERVISOR_CPU, ConnectBaselineHypervisorCpuArgs.class,
                ConnectBaselineHypervisorCpuRet.class, (s, a) -> new ConnectBaselineHypervisorCpuRet(
                        s.connection().baselineHypervisorCpu(a.emulator(), a.arch(), a.machine(), a.virttype(),
                                a.xmlCPUs(), a.flags())));
        t.bind(CONNECT_COMPARE_HYPERVISOR_CPU, ConnectCompareHypervisorCpuArgs.class,
                ConnectCompareHypervisorCpuRet.class, (s, a) -> new ConnectCompareHypervisorCpuRet(
                        s.connection().compareHypervisorCpu(a.emulator(), a.arch(), a.machine(), a.virttype(),
                                a.xmlCPU(), a.flags())));
        t.bind(CONNECT_GET_CPU_MODEL_NAMES, ConnectGetCpuModelNamesArgs.class, ConnectGetCpuModelNamesRet.class,
                (s, a) -> {
                    List<String> names = s.connection().getCpuModelNames(a.arch(), a.flags());
                    return new ConnectGetCpuModelNamesRet(a.need_results() != 0 ? names : List.of(), names.size());
                });
    }

    private static void checkNparams(int nparams, int max) {
        if (nparams > max) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC, "nparams too large");
        }
    }

    private static List<Long> boxed(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }
}
