package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.*;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainBlockStats;
import io.jvirtd.model.domain.DomainCpuStats;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainJobStats;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.FsInfo;
import io.jvirtd.model.spi.DomainOps;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Domain statistics: block and interface counters, memory stats, block info, disk errors,
 * interface addresses, file systems, per-CPU stats, job stats and the bulk domain stats.
 * Stateless; worker threads.
 */
final class DomainStatsCalls {

    /** VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT. */
    private static final int SRC_AGENT = 1;

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /** VIR_DOMAIN_MEMORY_STAT_NR. */
    private static final int MEMORY_STAT_NR = 13;
    /** virDomainMemoryFlags. */
    private static final int MEMORY_VIRTUAL = 1;
    private static final int MEMORY_PHYSICAL = 2;
    /** virDomainJobStatsFlags. */
    private static final int JOB_STATS_COMPLETED = 1;
    private static final int JOB_STATS_KEEP_COMPLETED = 2;

    private DomainStatsCalls() {
    }

    static void bind(ProcedureTable t) {
        counters(t);
        guest(t);
        bulk(t);
    }

    private static void counters(ProcedureTable t) {
        t.bind(DOMAIN_BLOCK_STATS, DomainBlockStatsArgs.class, DomainBlockStatsRet.class, (s, a) -> {
            DomainBlockStats b = s.domains().domainBlockStats(Handles.dom(a.dom()), a.path());
            return new DomainBlockStatsRet(b.rdReq(), b.rdBytes(), b.wrReq(), b.wrBytes(), b.errs());
        });
        t.bind(DOMAIN_INTERFACE_STATS, DomainInterfaceStatsArgs.class, DomainInterfaceStatsRet.class, (s, a) -> {
            DomainInterfaceStats i = s.domains().domainInterfaceStats(Handles.dom(a.dom()), a.device());
            return new DomainInterfaceStatsRet(i.rxBytes(), i.rxPackets(), i.rxErrs(), i.rxDrop(), i.txBytes(),
                    i.txPackets(), i.txErrs(), i.txDrop());
        });
        t.bind(DOMAIN_MEMORY_STATS, DomainMemoryStatsArgs.class, DomainMemoryStatsRet.class, (s, a) -> {
            if (Integer.compareUnsigned(a.maxStats(), REMOTE_DOMAIN_MEMORY_STATS_MAX) > 0) { // unsigned on the wire
                throw VirException.internalError(VirErrorDomain.RPC,
                        "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX");
            }
            if (a.maxStats() == 0) {
                return new DomainMemoryStatsRet(List.of()); // the public API answers 0 stats at once
            }
            int nr = Math.min(a.maxStats(), MEMORY_STAT_NR); // the public API asks for at most NR
            List<DomainMemoryStat> out = new ArrayList<>();
            for (io.jvirtd.model.domain.DomainMemoryStat st
                    : s.domains().domainMemoryStats(Handles.dom(a.dom()), nr, a.flags())) {
                out.add(new DomainMemoryStat(st.tag(), st.value()));
            }
            return new DomainMemoryStatsRet(out);
        });
        t.bind(DOMAIN_GET_BLOCK_INFO, DomainGetBlockInfoArgs.class, DomainGetBlockInfoRet.class, (s, a) -> {
            ApiChecks.nonEmpty(a.path(), "disk", "virDomainGetBlockInfo", D);
            DomainBlockInfo b = s.domains().domainGetBlockInfo(Handles.dom(a.dom()), a.path(), a.flags());
            return new DomainGetBlockInfoRet(b.allocation(), b.capacity(), b.physical());
        });
        t.bind(DOMAIN_GET_CPU_STATS, DomainGetCpuStatsArgs.class, DomainGetCpuStatsRet.class, (s, a) -> {
            // nparams and ncpus are unsigned on the wire.
            if (Integer.compareUnsigned(a.nparams(), REMOTE_NODE_CPU_STATS_MAX) > 0) {
                throw VirException.internalError(VirErrorDomain.RPC, "nparams too large");
            }
            if (Integer.compareUnsigned(a.ncpus(), REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX) > 0) {
                throw VirException.internalError(VirErrorDomain.RPC, "ncpus too large");
            }
            String api = "virDomainGetCPUStats";
            if (a.start_cpu() == -1) {
                if (a.ncpus() != 1) {
                    throw ApiChecks.invalidArg("start_cpu", api, D, "ncpus must be 1 when start_cpu is -1");
                }
            } else {
                ApiChecks.nonNegative(a.start_cpu(), "start_cpu", api, D);
            }
            if (a.ncpus() == 0 && a.nparams() != 0) {
                // libvirtd allocates ncpus * nparams slots, none here, and so passes no array.
                ApiChecks.nonNull(null, "params", api, D);
            }
            HypervisorConnection conn = s.connection();
            DomainOps doms = conn.domains();
            DomainCpuStats st = doms.domainGetCPUStats(Handles.dom(a.dom()), a.nparams(), a.start_cpu(),
                    a.ncpus(), DomainTuneCalls.stringOkay(conn, a.flags()));
            if (a.nparams() == 0) {
                return new DomainGetCpuStatsRet(List.of(), st.count());
            }
            return new DomainGetCpuStatsRet(TypedParams.toWire(st.params(), a.flags(),
                    REMOTE_DOMAIN_GET_CPU_STATS_MAX), st.count());
        });
        t.bind(DOMAIN_ABORT_JOB, DomainAbortJobArgs.class, Void.class, (s, a) -> {
            s.domains().domainAbortJob(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_ABORT_JOB_FLAGS, DomainAbortJobFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainAbortJobFlags(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_JOB_STATS, DomainGetJobStatsArgs.class, DomainGetJobStatsRet.class, (s, a) -> {
            ApiChecks.requires(a.flags(), JOB_STATS_KEEP_COMPLETED, "VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED",
                    JOB_STATS_COMPLETED, "VIR_DOMAIN_JOB_STATS_COMPLETED", "virDomainGetJobStats", D);
            DomainJobStats j = s.domains().domainGetJobStats(Handles.dom(a.dom()), a.flags());
            return new DomainGetJobStatsRet(j.type(), TypedParams.toWire(j.params(), TypedParams.STRING_OKAY,
                    REMOTE_DOMAIN_JOB_STATS_MAX));
        });
    }

    private static void guest(ProcedureTable t) {
        t.bind(DOMAIN_MEMORY_PEEK, DomainMemoryPeekArgs.class, DomainMemoryPeekRet.class, (s, a) -> {
            if (Integer.compareUnsigned(a.size(), REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX) > 0) { // unsigned
                throw VirException.internalError(VirErrorDomain.RPC, "size > maximum buffer size");
            }
            ApiChecks.exclusive(a.flags(), MEMORY_VIRTUAL, "VIR_MEMORY_VIRTUAL", MEMORY_PHYSICAL,
                    "VIR_MEMORY_PHYSICAL", "virDomainMemoryPeek", D);
            return new DomainMemoryPeekRet(
                    s.domains().domainMemoryPeek(Handles.dom(a.dom()), a.offset(), a.size(), a.flags()));
        });
        t.bind(DOMAIN_GET_DISK_ERRORS, DomainGetDiskErrorsArgs.class, DomainGetDiskErrorsRet.class, (s, a) -> {
            if (Integer.compareUnsigned(a.maxerrors(), REMOTE_DOMAIN_DISK_ERRORS_MAX) > 0) { // unsigned
                throw VirException.internalError(VirErrorDomain.RPC, "maxerrors too large");
            }
            List<io.jvirtd.model.domain.DomainDiskError> errs =
                    s.domains().domainGetDiskErrors(Handles.dom(a.dom()), a.maxerrors(), a.flags());
            if (a.maxerrors() == 0) {
                return new DomainGetDiskErrorsRet(List.of(), errs.size());
            }
            List<DomainDiskError> out = new ArrayList<>();
            for (io.jvirtd.model.domain.DomainDiskError e : errs.subList(0, Math.min(errs.size(), a.maxerrors()))) {
                out.add(new DomainDiskError(e.disk(), e.error()));
            }
            return new DomainGetDiskErrorsRet(out, out.size());
        });
        t.bind(DOMAIN_INTERFACE_ADDRESSES, DomainInterfaceAddressesArgs.class, DomainInterfaceAddressesRet.class,
                (s, a) -> {
                    if (a.source() == SRC_AGENT && s.isReadOnly()) {
                        // virDomainInterfaceAddresses asks the guest agent only with write access
                        throw VirException.operationDenied(VirErrorDomain.DOMAIN,
                                "read only access prevents virDomainInterfaceAddresses");
                    }
                    List<io.jvirtd.model.domain.DomainInterface> ifaces =
                            s.domains().domainInterfaceAddresses(Handles.dom(a.dom()), a.source(), a.flags());
                    if (ifaces.size() > REMOTE_DOMAIN_INTERFACE_MAX) {
                        throw VirException.internalError(VirErrorDomain.RPC, "Number of interfaces, "
                                + ifaces.size() + " exceeds the max limit: " + REMOTE_DOMAIN_INTERFACE_MAX);
                    }
                    List<DomainInterface> out = new ArrayList<>();
                    for (io.jvirtd.model.domain.DomainInterface i : ifaces) {
                        List<DomainIpAddr> addrs = new ArrayList<>();
                        for (io.jvirtd.model.domain.DomainInterface.IpAddress ip : i.addrs()) {
                            addrs.add(new DomainIpAddr(ip.type(), ip.addr(), ip.prefix()));
                        }
                        out.add(new DomainInterface(i.name(), i.hwaddr(), addrs));
                    }
                    return new DomainInterfaceAddressesRet(out);
                });
        t.bind(DOMAIN_GET_FSINFO, DomainGetFsinfoArgs.class, DomainGetFsinfoRet.class, (s, a) -> {
            List<FsInfo> info = s.domains().domainGetFSInfo(Handles.dom(a.dom()), a.flags());
            if (info.size() > REMOTE_DOMAIN_FSINFO_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "Too many mountpoints in fsinfo: "
                        + info.size() + " for limit " + REMOTE_DOMAIN_FSINFO_MAX);
            }
            List<DomainFsinfo> out = new ArrayList<>();
            for (FsInfo f : info) {
                out.add(new DomainFsinfo(f.mountpoint(), f.name(), f.fstype(), f.devAliases()));
            }
            return new DomainGetFsinfoRet(out, out.size());
        });
    }

    private static void bulk(ProcedureTable t) {
        t.bind(CONNECT_GET_ALL_DOMAIN_STATS, ConnectGetAllDomainStatsArgs.class, ConnectGetAllDomainStatsRet.class,
                (s, a) -> {
                    List<DomainRef> doms = new ArrayList<>();
                    for (NonnullDomain d : a.doms()) {
                        doms.add(Handles.dom(d));
                    }
                    List<io.jvirtd.model.domain.DomainStatsRecord> recs =
                            s.domains().connectGetAllDomainStats(doms, a.stats(), a.flags());
                    if (recs.size() > REMOTE_DOMAIN_LIST_MAX) {
                        throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC,
                                "Number of domain stats records is " + recs.size()
                                        + ", which exceeds max limit: " + REMOTE_DOMAIN_LIST_MAX);
                    }
                    List<DomainStatsRecord> out = new ArrayList<>();
                    for (io.jvirtd.model.domain.DomainStatsRecord r : recs) {
                        out.add(new DomainStatsRecord(Handles.wire(r.domain()), TypedParams.toWire(r.params(),
                                TypedParams.STRING_OKAY, REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX)));
                    }
                    return new ConnectGetAllDomainStatsRet(out);
                });
    }
}
