package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.*;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainVcpus;
import io.jvirtd.model.domain.IoThreadInfo;
import io.jvirtd.model.domain.PinInfo;
import io.jvirtd.model.domain.SchedulerType;
import io.jvirtd.model.domain.VcpuInfo;
import io.jvirtd.model.spi.DomainOps;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Domain resources and tunables: memory, vCPUs and their pinning, emulator and I/O thread
 * pinning, scheduler, and the typed-parameter families (memory, NUMA, blkio, block I/O tune,
 * interface, perf events) with libvirtd's two-step nparams protocol and string filtering
 * ({@link TypedParams}). Stateless; worker threads.
 */
final class DomainTuneCalls {

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /** VIR_DRV_FEATURE_TYPED_PARAM_STRING. */
    private static final int FEATURE_TYPED_PARAM_STRING = 9;
    /** virDomainVcpuFlags. */
    private static final int VCPU_MAXIMUM = 4;
    private static final int VCPU_GUEST = 8;

    private DomainTuneCalls() {
    }

    static void bind(ProcedureTable t) {
        memory(t);
        vcpus(t);
        pinning(t);
        scheduler(t);
        parameters(t);
    }

    private static void memory(ProcedureTable t) {
        t.bind(DOMAIN_GET_MAX_MEMORY, DomainGetMaxMemoryArgs.class, DomainGetMaxMemoryRet.class,
                (s, a) -> new DomainGetMaxMemoryRet(s.domains().domainGetMaxMemory(Handles.dom(a.dom()))));
        t.bind(DOMAIN_SET_MAX_MEMORY, DomainSetMaxMemoryArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonZero(a.memory(), "memory", "virDomainSetMaxMemory", D);
            ApiChecks.memoryInRange(a.memory());
            s.domains().domainSetMaxMemory(Handles.dom(a.dom()), a.memory());
            return null;
        });
        t.bind(DOMAIN_SET_MEMORY, DomainSetMemoryArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonZero(a.memory(), "memory", "virDomainSetMemory", D);
            ApiChecks.memoryInRange(a.memory());
            s.domains().domainSetMemory(Handles.dom(a.dom()), a.memory());
            return null;
        });
        t.bind(DOMAIN_SET_MEMORY_FLAGS, DomainSetMemoryFlagsArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonZero(a.memory(), "memory", "virDomainSetMemoryFlags", D);
            ApiChecks.memoryInRange(a.memory());
            s.domains().domainSetMemoryFlags(Handles.dom(a.dom()), a.memory(), a.flags());
            return null;
        });
        t.bind(DOMAIN_START_DIRTY_RATE_CALC, DomainStartDirtyRateCalcArgs.class, Void.class, (s, a) -> {
            s.domains().domainStartDirtyRateCalc(Handles.dom(a.dom()), a.seconds(), a.flags());
            return null;
        });
        t.bind(DOMAIN_AUTHORIZED_SSH_KEYS_GET, DomainAuthorizedSshKeysGetArgs.class,
                DomainAuthorizedSshKeysGetRet.class, (s, a) -> {
                    List<String> keys = s.domains().domainAuthorizedSSHKeysGet(Handles.dom(a.dom()), a.user(),
                            a.flags());
                    ListArgs.tooMany("keys", keys.size(), REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX);
                    return new DomainAuthorizedSshKeysGetRet(keys);
                });
        t.bind(DOMAIN_AUTHORIZED_SSH_KEYS_SET, DomainAuthorizedSshKeysSetArgs.class, Void.class, (s, a) -> {
            s.domains().domainAuthorizedSSHKeysSet(Handles.dom(a.dom()), a.user(), a.keys(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BACKUP_BEGIN, DomainBackupBeginArgs.class, Void.class, (s, a) -> {
            s.domains().domainBackupBegin(Handles.dom(a.dom()), a.backup_xml(), a.checkpoint_xml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BACKUP_GET_XML_DESC, DomainBackupGetXmlDescArgs.class, DomainBackupGetXmlDescRet.class,
                (s, a) -> new DomainBackupGetXmlDescRet(
                        s.domains().domainBackupGetXMLDesc(Handles.dom(a.dom()), a.flags())));
        t.bind(DOMAIN_SET_BLOCK_THRESHOLD, DomainSetBlockThresholdArgs.class, Void.class, (s, a) -> {
            s.domains().domainSetBlockThreshold(Handles.dom(a.dom()), a.dev(), a.threshold(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SET_MEMORY_STATS_PERIOD, DomainSetMemoryStatsPeriodArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonNegative(a.period(), "period", "virDomainSetMemoryStatsPeriod", D);
            s.domains().domainSetMemoryStatsPeriod(Handles.dom(a.dom()), a.period(), a.flags());
            return null;
        });
    }

    private static void vcpus(ProcedureTable t) {
        t.bind(DOMAIN_SET_VCPUS, DomainSetVcpusArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonZero(a.nvcpus(), "nvcpus", "virDomainSetVcpus", D);
            s.domains().domainSetVcpus(Handles.dom(a.dom()), a.nvcpus());
            return null;
        });
        t.bind(DOMAIN_SET_VCPUS_FLAGS, DomainSetVcpusFlagsArgs.class, Void.class, (s, a) -> {
            String api = "virDomainSetVcpusFlags";
            ApiChecks.requires(a.flags(), VCPU_MAXIMUM, "VIR_DOMAIN_VCPU_MAXIMUM", ApiChecks.AFFECT_CONFIG,
                    "VIR_DOMAIN_AFFECT_CONFIG", api, D);
            ApiChecks.exclusive(a.flags(), VCPU_GUEST, "VIR_DOMAIN_VCPU_GUEST", ApiChecks.AFFECT_CONFIG,
                    "VIR_DOMAIN_AFFECT_CONFIG", api, D);
            ApiChecks.nonZero(a.nvcpus(), "nvcpus", api, D);
            s.domains().domainSetVcpusFlags(Handles.dom(a.dom()), a.nvcpus(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SET_VCPU, DomainSetVcpuArgs.class, Void.class, (s, a) -> {
            s.domains().domainSetVcpu(Handles.dom(a.dom()), a.cpumap(), a.state(), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_VCPUS_FLAGS, DomainGetVcpusFlagsArgs.class, DomainGetVcpusFlagsRet.class, (s, a) -> {
            if ((a.flags() & VCPU_GUEST) != 0 && s.isReadOnly()) {
                throw VirException.operationDenied(D, "read only access prevents virDomainGetVcpusFlags");
            }
            ApiChecks.liveOrConfig(a.flags(), "virDomainGetVcpusFlags");
            return new DomainGetVcpusFlagsRet(s.domains().domainGetVcpusFlags(Handles.dom(a.dom()), a.flags()));
        });
        t.bind(DOMAIN_GET_MAX_VCPUS, DomainGetMaxVcpusArgs.class, DomainGetMaxVcpusRet.class,
                (s, a) -> new DomainGetMaxVcpusRet(s.domains().domainGetMaxVcpus(Handles.dom(a.dom()))));
        t.bind(DOMAIN_GET_VCPUS, DomainGetVcpusArgs.class, DomainGetVcpusRet.class, (s, a) -> {
            if (a.maxinfo() > REMOTE_VCPUINFO_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "maxinfo > REMOTE_VCPUINFO_MAX");
            }
            if ((long) a.maxinfo() * a.maplen() > REMOTE_CPUMAPS_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
            }
            // libvirtd allocates maxinfo entries: none for 0, and the API then sees a NULL info
            ApiChecks.nonNull(a.maxinfo() == 0 ? null : a, "info", "virDomainGetVcpus", D);
            ApiChecks.positive(a.maxinfo(), "maxinfo", "virDomainGetVcpus", D);
            if (a.maplen() <= 0) {
                // libvirtd passes no map buffer unless maplen > 0, and the API then wants maplen 0.
                ApiChecks.zero(a.maplen(), "maplen", "virDomainGetVcpus", D);
            }
            DomainVcpus v = s.domains().domainGetVcpus(Handles.dom(a.dom()), a.maxinfo(), a.maplen());
            List<io.jvirtd.protocol.remote.RemoteTypes.VcpuInfo> info = new ArrayList<>();
            for (VcpuInfo i : v.info()) {
                info.add(new io.jvirtd.protocol.remote.RemoteTypes.VcpuInfo(i.number(), i.state(), i.cpuTime(),
                        i.cpu()));
            }
            // libvirtd sends maxinfo * maplen bytes of maps whatever the driver filled.
            return new DomainGetVcpusRet(info, Arrays.copyOf(v.cpumaps(), a.maxinfo() * a.maplen()));
        });
    }

    private static void pinning(ProcedureTable t) {
        t.bind(DOMAIN_PIN_VCPU, DomainPinVcpuArgs.class, Void.class, (s, a) -> {
            ApiChecks.positive(a.cpumap().length, "maplen", "virDomainPinVcpu", D);
            s.domains().domainPinVcpu(Handles.dom(a.dom()), a.vcpu(), a.cpumap());
            return null;
        });
        t.bind(DOMAIN_PIN_VCPU_FLAGS, DomainPinVcpuFlagsArgs.class, Void.class, (s, a) -> {
            ApiChecks.positive(a.cpumap().length, "maplen", "virDomainPinVcpuFlags", D);
            s.domains().domainPinVcpuFlags(Handles.dom(a.dom()), a.vcpu(), a.cpumap(), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_VCPU_PIN_INFO, DomainGetVcpuPinInfoArgs.class, DomainGetVcpuPinInfoRet.class, (s, a) -> {
            if (a.ncpumaps() > REMOTE_VCPUINFO_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "ncpumaps > REMOTE_VCPUINFO_MAX");
            }
            if ((long) a.ncpumaps() * a.maplen() > REMOTE_CPUMAPS_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
            }
            String api = "virDomainGetVcpuPinInfo";
            ApiChecks.positive(a.ncpumaps(), "ncpumaps", api, D);
            ApiChecks.positive(a.maplen(), "maplen", api, D);
            ApiChecks.liveOrConfig(a.flags(), api);
            PinInfo p = s.domains().domainGetVcpuPinInfo(Handles.dom(a.dom()), a.ncpumaps(), a.maplen(),
                    a.flags());
            return new DomainGetVcpuPinInfoRet(Arrays.copyOf(p.cpumaps(), a.ncpumaps() * a.maplen()), p.count());
        });
        t.bind(DOMAIN_PIN_EMULATOR, DomainPinEmulatorArgs.class, Void.class, (s, a) -> {
            ApiChecks.positive(a.cpumap().length, "maplen", "virDomainPinEmulator", D);
            s.domains().domainPinEmulator(Handles.dom(a.dom()), a.cpumap(), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_EMULATOR_PIN_INFO, DomainGetEmulatorPinInfoArgs.class, DomainGetEmulatorPinInfoRet.class,
                (s, a) -> {
                    String api = "virDomainGetEmulatorPinInfo";
                    // libvirtd allocates the map only for maplen > 0; the API then sees a NULL cpumap
                    ApiChecks.nonNull(a.maplen() > 0 ? a : null, "cpumap", api, D);
                    ApiChecks.liveOrConfig(a.flags(), api);
                    if (a.maplen() > REMOTE_CPUMAPS_MAX) {
                        // libvirtd has no check here; its reply then fails to encode.
                        throw VirException.rpc(VirErrorDomain.RPC, "Unable to encode message payload");
                    }
                    PinInfo p = s.domains().domainGetEmulatorPinInfo(Handles.dom(a.dom()), a.maplen(), a.flags());
                    return new DomainGetEmulatorPinInfoRet(Arrays.copyOf(p.cpumaps(), a.maplen()), p.count());
                });
        t.bind(DOMAIN_GET_IOTHREAD_INFO, DomainGetIothreadInfoArgs.class, DomainGetIothreadInfoRet.class, (s, a) -> {
            ApiChecks.liveOrConfig(a.flags(), "virDomainGetIOThreadInfo");
            List<IoThreadInfo> info = s.domains().domainGetIOThreadInfo(Handles.dom(a.dom()), a.flags());
            if (info.size() > REMOTE_IOTHREAD_INFO_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "Too many IOThreads in info: " + info.size()
                        + " for limit " + REMOTE_IOTHREAD_INFO_MAX);
            }
            List<DomainIothreadInfo> out = new ArrayList<>(info.size());
            for (IoThreadInfo i : info) {
                out.add(new DomainIothreadInfo(i.iothreadId(), i.cpumap()));
            }
            return new DomainGetIothreadInfoRet(out, out.size());
        });
        t.bind(DOMAIN_PIN_IOTHREAD, DomainPinIothreadArgs.class, Void.class, (s, a) -> {
            ApiChecks.positive(a.cpumap().length, "maplen", "virDomainPinIOThread", D);
            s.domains().domainPinIOThread(Handles.dom(a.dom()), a.iothreads_id(), a.cpumap(), a.flags());
            return null;
        });
        t.bind(DOMAIN_ADD_IOTHREAD, DomainAddIothreadArgs.class, Void.class, (s, a) -> {
            s.domains().domainAddIOThread(Handles.dom(a.dom()), a.iothread_id(), a.flags());
            return null;
        });
        t.bind(DOMAIN_DEL_IOTHREAD, DomainDelIothreadArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonZero(a.iothread_id(), "iothread_id", "virDomainDelIOThread", D);
            s.domains().domainDelIOThread(Handles.dom(a.dom()), a.iothread_id(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SET_IOTHREAD_PARAMS, DomainSetIothreadParamsArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX);
            ApiChecks.positive(p.size(), "nparams", "virDomainSetIOThreadParams", D);
            s.domains().domainSetIOThreadParams(Handles.dom(a.dom()), a.iothread_id(), p, a.flags());
            return null;
        });
    }

    private static void scheduler(ProcedureTable t) {
        t.bind(DOMAIN_GET_SCHEDULER_TYPE, DomainGetSchedulerTypeArgs.class, DomainGetSchedulerTypeRet.class,
                (s, a) -> {
                    SchedulerType st = s.domains().domainGetSchedulerType(Handles.dom(a.dom()));
                    return new DomainGetSchedulerTypeRet(st.type(), st.nparams());
                });
        t.bind(DOMAIN_GET_SCHEDULER_PARAMETERS, DomainGetSchedulerParametersArgs.class,
                DomainGetSchedulerParametersRet.class, (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX);
                    // no params buffer for nparams 0: the API sees NULL
                    ApiChecks.nonNull(a.nparams() == 0 ? null : a, "params", "virDomainGetSchedulerParameters", D);
                    ApiChecks.positive(a.nparams(), "*nparams", "virDomainGetSchedulerParameters", D);
                    List<TypedParameter> all = s.domains().domainGetSchedulerParameters(Handles.dom(a.dom()));
                    return new DomainGetSchedulerParametersRet(TypedParams.toWire(ListArgs.first(all, a.nparams()), 0,
                            REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX));
                });
        t.bind(DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS, DomainGetSchedulerParametersFlagsArgs.class,
                DomainGetSchedulerParametersFlagsRet.class, (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX);
                    String api = "virDomainGetSchedulerParametersFlags";
                    ApiChecks.nonNull(a.nparams() == 0 ? null : a, "params", api, D);
                    ApiChecks.positive(a.nparams(), "*nparams", api, D);
                    HypervisorConnection conn = s.connection();
                    DomainOps doms = conn.domains();
                    int flags = stringOkay(conn, a.flags());
                    ApiChecks.liveOrConfig(flags, api);
                    List<TypedParameter> all = doms.domainGetSchedulerParametersFlags(Handles.dom(a.dom()), flags);
                    return new DomainGetSchedulerParametersFlagsRet(TypedParams.toWire(ListArgs.first(all, a.nparams()),
                            a.flags(), REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX));
                });
        t.bind(DOMAIN_SET_SCHEDULER_PARAMETERS, DomainSetSchedulerParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX);
            s.domains().domainSetSchedulerParameters(Handles.dom(a.dom()), p);
            return null;
        });
        t.bind(DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, DomainSetSchedulerParametersFlagsArgs.class, Void.class,
                (s, a) -> {
                    List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX);
                    s.domains().domainSetSchedulerParametersFlags(Handles.dom(a.dom()), p, a.flags());
                    return null;
                });
    }

    private static void parameters(ProcedureTable t) {
        t.bind(DOMAIN_GET_MEMORY_PARAMETERS, DomainGetMemoryParametersArgs.class, DomainGetMemoryParametersRet.class,
                (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX);
                    HypervisorConnection conn = s.connection();
                    DomainOps doms = conn.domains();
                    int flags = getParamsChecks(conn, a.nparams(), a.flags(), "virDomainGetMemoryParameters", true);
                    if (a.nparams() == 0) {
                        return new DomainGetMemoryParametersRet(List.of(),
                                doms.domainGetParametersCount("virDomainGetMemoryParameters", Handles.dom(a.dom()), flags));
                    }
                    int[] n = new int[1];
                    List<TypedParam> out = TypedParams.answer(doms.domainGetMemoryParameters(Handles.dom(a.dom()),
                            flags), a.nparams(), a.flags(), REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX, n);
                    return new DomainGetMemoryParametersRet(out, n[0]);
                });
        t.bind(DOMAIN_SET_MEMORY_PARAMETERS, DomainSetMemoryParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX);
            ApiChecks.positive(p.size(), "nparams", "virDomainSetMemoryParameters", D);
            s.domains().domainSetMemoryParameters(Handles.dom(a.dom()), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_NUMA_PARAMETERS, DomainGetNumaParametersArgs.class, DomainGetNumaParametersRet.class,
                (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_NUMA_PARAMETERS_MAX);
                    HypervisorConnection conn = s.connection();
                    DomainOps doms = conn.domains();
                    int flags = getParamsChecks(conn, a.nparams(), a.flags(), "virDomainGetNumaParameters", false);
                    if (a.nparams() == 0) {
                        return new DomainGetNumaParametersRet(List.of(),
                                doms.domainGetParametersCount("virDomainGetNumaParameters", Handles.dom(a.dom()), flags));
                    }
                    int[] n = new int[1];
                    List<TypedParam> out = TypedParams.answer(doms.domainGetNumaParameters(Handles.dom(a.dom()),
                            flags), a.nparams(), a.flags(), REMOTE_DOMAIN_NUMA_PARAMETERS_MAX, n);
                    return new DomainGetNumaParametersRet(out, n[0]);
                });
        t.bind(DOMAIN_SET_NUMA_PARAMETERS, DomainSetNumaParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_NUMA_PARAMETERS_MAX);
            ApiChecks.positive(p.size(), "nparams", "virDomainSetNumaParameters", D);
            s.domains().domainSetNumaParameters(Handles.dom(a.dom()), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_BLKIO_PARAMETERS, DomainGetBlkioParametersArgs.class, DomainGetBlkioParametersRet.class,
                (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX);
                    HypervisorConnection conn = s.connection();
                    DomainOps doms = conn.domains();
                    int flags = getParamsChecks(conn, a.nparams(), a.flags(), "virDomainGetBlkioParameters", true);
                    if (a.nparams() == 0) {
                        return new DomainGetBlkioParametersRet(List.of(),
                                doms.domainGetParametersCount("virDomainGetBlkioParameters", Handles.dom(a.dom()), flags));
                    }
                    int[] n = new int[1];
                    List<TypedParam> out = TypedParams.answer(doms.domainGetBlkioParameters(Handles.dom(a.dom()),
                            flags), a.nparams(), a.flags(), REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX, n);
                    return new DomainGetBlkioParametersRet(out, n[0]);
                });
        t.bind(DOMAIN_SET_BLKIO_PARAMETERS, DomainSetBlkioParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX);
            s.domains().domainSetBlkioParameters(Handles.dom(a.dom()), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_BLOCK_IO_TUNE, DomainGetBlockIoTuneArgs.class, DomainGetBlockIoTuneRet.class, (s, a) -> {
            TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX);
            HypervisorConnection conn = s.connection();
            DomainOps doms = conn.domains();
            String api = "virDomainGetBlockIoTune";
            ApiChecks.nonNegative(a.nparams(), "*nparams", api, D);
            if (a.nparams() != 0) {
                ApiChecks.nonNull(a.disk(), "disk", api, D);
            }
            int flags = stringOkay(conn, a.flags());
            ApiChecks.liveOrConfig(flags, api);
            if (a.nparams() == 0) {
                return new DomainGetBlockIoTuneRet(List.of(),
                        doms.domainGetParametersCount("virDomainGetBlockIoTune", Handles.dom(a.dom()), flags));
            }
            int[] n = new int[1];
            List<TypedParam> out = TypedParams.answer(doms.domainGetBlockIoTune(Handles.dom(a.dom()), a.disk(),
                    flags), a.nparams(), a.flags(), REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX, n);
            return new DomainGetBlockIoTuneRet(out, n[0]);
        });
        t.bind(DOMAIN_SET_BLOCK_IO_TUNE, DomainSetBlockIoTuneArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX);
            ApiChecks.positive(p.size(), "nparams", "virDomainSetBlockIoTune", D);
            s.domains().domainSetBlockIoTune(Handles.dom(a.dom()), a.disk(), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_INTERFACE_PARAMETERS, DomainGetInterfaceParametersArgs.class,
                DomainGetInterfaceParametersRet.class, (s, a) -> {
                    TypedParams.checkNparams(a.nparams(), REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX);
                    HypervisorConnection conn = s.connection();
                    DomainOps doms = conn.domains();
                    int flags = getParamsChecks(conn, a.nparams(), a.flags(), "virDomainGetInterfaceParameters",
                            false);
                    if (a.nparams() == 0) {
                        return new DomainGetInterfaceParametersRet(List.of(),
                                doms.domainGetParametersCount("virDomainGetInterfaceParameters", Handles.dom(a.dom()), flags));
                    }
                    int[] n = new int[1];
                    List<TypedParam> out = TypedParams.answer(doms.domainGetInterfaceParameters(Handles.dom(a.dom()),
                            a.device(), flags), a.nparams(), a.flags(), REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX, n);
                    return new DomainGetInterfaceParametersRet(out, n[0]);
                });
        t.bind(DOMAIN_SET_INTERFACE_PARAMETERS, DomainSetInterfaceParametersArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX);
            ApiChecks.positive(p.size(), "nparams", "virDomainSetInterfaceParameters", D);
            s.domains().domainSetInterfaceParameters(Handles.dom(a.dom()), a.device(), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_PERF_EVENTS, DomainGetPerfEventsArgs.class, DomainGetPerfEventsRet.class, (s, a) -> {
            ApiChecks.liveOrConfig(a.flags(), "virDomainGetPerfEvents");
            return new DomainGetPerfEventsRet(TypedParams.toWire(
                    s.domains().domainGetPerfEvents(Handles.dom(a.dom()), a.flags()), 0,
                    REMOTE_DOMAIN_PERF_EVENTS_MAX)); // libvirtd serializes these without strings
        });
        t.bind(DOMAIN_SET_PERF_EVENTS, DomainSetPerfEventsArgs.class, Void.class, (s, a) -> {
            List<TypedParameter> p = TypedParams.fromWire(a.params(), REMOTE_DOMAIN_PERF_EVENTS_MAX);
            s.domains().domainSetPerfEvents(Handles.dom(a.dom()), p, a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_LAUNCH_SECURITY_INFO, DomainGetLaunchSecurityInfoArgs.class,
                DomainGetLaunchSecurityInfoRet.class, (s, a) -> new DomainGetLaunchSecurityInfoRet(TypedParams.toWire(
                        s.domains().domainGetLaunchSecurityInfo(Handles.dom(a.dom()), a.flags()),
                        a.flags(), REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX)));
    }

    /**
     * The public API's part of a virDomainGet*Parameters call: *nparams not negative, strings
     * allowed for the driver when it supports them, and (where the API checks it) LIVE and
     * CONFIG not both. Returns the flags the driver gets.
     */
    private static int getParamsChecks(HypervisorConnection conn, int nparams, int flags, String api,
                                       boolean liveOrConfig) {
        ApiChecks.nonNegative(nparams, "*nparams", api, D);
        int driverFlags = stringOkay(conn, flags);
        if (liveOrConfig) {
            ApiChecks.liveOrConfig(driverFlags, api);
        }
        return driverFlags;
    }

    /** The public API adds VIR_TYPED_PARAM_STRING_OKAY when the driver supports string parameters. */
    static int stringOkay(HypervisorConnection conn, int flags) {
        return conn.supportsFeature(FEATURE_TYPED_PARAM_STRING) ? flags | TypedParams.STRING_OKAY : flags;
    }
}
