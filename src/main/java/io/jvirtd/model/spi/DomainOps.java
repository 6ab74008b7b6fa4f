package io.jvirtd.model.spi;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainBlockJobInfo;
import io.jvirtd.model.domain.DomainBlockStats;
import io.jvirtd.model.domain.DomainControlInfo;
import io.jvirtd.model.domain.DomainCpuStats;
import io.jvirtd.model.domain.DomainDiskError;
import io.jvirtd.model.domain.DomainInfo;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainJobInfo;
import io.jvirtd.model.domain.DomainJobStats;
import io.jvirtd.model.domain.DomainMemoryStat;
import io.jvirtd.model.domain.DomainRef;
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
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.QemuMonitorEvent;
import io.jvirtd.model.stream.DataStream;

import java.util.List;
import java.util.function.Consumer;

/**
 * The domain, snapshot, checkpoint and domain-event part of libvirt's
 * {@code virHypervisorDriver}: one method per driver-table field, named as the field
 * ({@code domainLookupByName}, {@code domainSnapshotCreateXML} ...), reached through
 * {@link HypervisorConnection#domains()}.
 *
 * <p>Every method defaults to the answer of a driver that leaves the slot empty:
 * {@code VIR_ERR_NO_SUPPORT} naming the public API, in domain {@link VirErrorDomain#DOMAIN}
 * (snapshot calls {@link VirErrorDomain#DOMAIN_SNAPSHOT}, checkpoint calls
 * {@link VirErrorDomain#DOMAIN_CHECKPOINT}), as libvirt-domain*.c raise it.
 *
 * <p>Conventions:
 * <ul>
 *   <li>Domains arrive as {@link DomainRef}; drivers resolve them by UUID and fail with
 *       VIR_ERR_NO_DOMAIN when gone. Methods that create or start a domain return a fresh ref
 *       (with the id it now runs under).
 *   <li>"Get parameters" methods return every parameter the driver has; the daemon answers a
 *       "how many" query ({@code nparams} 0) with the list size and truncates otherwise, as
 *       libvirt's public API and remote dispatcher do.
 *   <li>C unsigned values travel in ints/longs with their bit pattern; flags are passed through
 *       unchanged and checked by the driver (virCheckFlags).
 *   <li>Public-API argument checks of libvirt-domain.c are the daemon's (ApiChecks); the driver
 *       gets arguments that passed them.
 * </ul>
 *
 * <p>Thread safety: as {@link HypervisorConnection}: calls arrive concurrently on worker threads.
 */
public interface DomainOps {

    /** The family of a driver without domains: every call NO_SUPPORT. */
    DomainOps NONE = new DomainOps() {
    };

    // ---------------------------------------------------------------- listing and counting

    /** virConnectListDomains: ids of up to {@code maxids} running domains. */
    default int[] connectListDomains(int maxids) {
        throw dom("virConnectListDomains");
    }

    /** virConnectNumOfDomains: number of running domains. */
    default int connectNumOfDomains() {
        throw dom("virConnectNumOfDomains");
    }

    /** virConnectListDefinedDomains: names of up to {@code maxnames} inactive domains. */
    default List<String> connectListDefinedDomains(int maxnames) {
        throw dom("virConnectListDefinedDomains");
    }

    /** virConnectNumOfDefinedDomains: number of inactive domains. */
    default int connectNumOfDefinedDomains() {
        throw dom("virConnectNumOfDefinedDomains");
    }

    /** virConnectListAllDomains with {@code VIR_CONNECT_LIST_DOMAINS_*} filter flags. */
    default List<DomainRef> connectListAllDomains(int flags) {
        throw dom("virConnectListAllDomains");
    }

    /**
     * virConnectGetAllDomainStats ({@code doms} empty) and virDomainListGetStats ({@code doms}
     * given): {@code stats} is a VIR_DOMAIN_STATS_* mask, flags VIR_CONNECT_GET_ALL_DOMAINS_STATS_*.
     */
    default List<DomainStatsRecord> connectGetAllDomainStats(List<DomainRef> doms, int stats, int flags) {
        throw dom(doms.isEmpty() ? "virConnectGetAllDomainStats" : "virDomainListGetStats");
    }

    // ---------------------------------------------------------------- lookup

    /** virDomainLookupByID. */
    default DomainRef domainLookupByID(int id) {
        throw dom("virDomainLookupByID");
    }

    /** virDomainLookupByUUID (16 raw bytes). */
    default DomainRef domainLookupByUUID(byte[] uuid) {
        throw dom("virDomainLookupByUUID");
    }

    /** virDomainLookupByName. */
    default DomainRef domainLookupByName(String name) {
        throw dom("virDomainLookupByName");
    }

    // ---------------------------------------------------------------- define, create, undefine

    /** virDomainCreateXML: starts a transient domain. */
    default DomainRef domainCreateXML(String xml, int flags) {
        throw dom("virDomainCreateXML");
    }

    /** virDomainCreateXMLWithFiles; {@code fds} are the passed file descriptors' numbers. */
    default DomainRef domainCreateXMLWithFiles(String xml, int[] fds, int flags) {
        throw dom("virDomainCreateXMLWithFiles");
    }

    /** virDomainDefineXML. */
    default DomainRef domainDefineXML(String xml) {
        throw dom("virDomainDefineXML");
    }

    /** virDomainDefineXMLFlags. */
    default DomainRef domainDefineXMLFlags(String xml, int flags) {
        throw dom("virDomainDefineXMLFlags");
    }

    /** virDomainUndefine. */
    default void domainUndefine(DomainRef dom) {
        throw dom("virDomainUndefine");
    }

    /** virDomainUndefineFlags. */
    default void domainUndefineFlags(DomainRef dom, int flags) {
        throw dom("virDomainUndefineFlags");
    }

    /** virDomainCreate: starts a defined domain; returns its ref with the new id. */
    default DomainRef domainCreate(DomainRef dom) {
        throw dom("virDomainCreate");
    }

    /** virDomainCreateWithFlags; returns the ref with the new id. */
    default DomainRef domainCreateWithFlags(DomainRef dom, int flags) {
        throw dom("virDomainCreateWithFlags");
    }

    /** virDomainCreateWithFiles; returns the ref with the new id. */
    default DomainRef domainCreateWithFiles(DomainRef dom, int[] fds, int flags) {
        throw dom("virDomainCreateWithFiles");
    }

    /** virDomainRename. */
    default void domainRename(DomainRef dom, String newName, int flags) {
        throw dom("virDomainRename");
    }

    // ---------------------------------------------------------------- lifecycle

    /** virDomainSuspend. */
    default void domainSuspend(DomainRef dom) {
        throw dom("virDomainSuspend");
    }

    /** virDomainResume. */
    default void domainResume(DomainRef dom) {
        throw dom("virDomainResume");
    }

    /** virDomainShutdown. */
    default void domainShutdown(DomainRef dom) {
        throw dom("virDomainShutdown");
    }

    /** virDomainShutdownFlags. */
    default void domainShutdownFlags(DomainRef dom, int flags) {
        throw dom("virDomainShutdownFlags");
    }

    /** virDomainReboot. */
    default void domainReboot(DomainRef dom, int flags) {
        throw dom("virDomainReboot");
    }

    /** virDomainReset. */
    default void domainReset(DomainRef dom, int flags) {
        throw dom("virDomainReset");
    }

    /** virDomainDestroy. */
    default void domainDestroy(DomainRef dom) {
        throw dom("virDomainDestroy");
    }

    /** virDomainDestroyFlags. */
    default void domainDestroyFlags(DomainRef dom, int flags) {
        throw dom("virDomainDestroyFlags");
    }

    /** virDomainInjectNMI. */
    default void domainInjectNMI(DomainRef dom, int flags) {
        throw dom("virDomainInjectNMI");
    }

    /** virDomainSendKey: {@code codeset} a virKeycodeSet, hold time in ms. */
    default void domainSendKey(DomainRef dom, int codeset, int holdtime, int[] keycodes, int flags) {
        throw dom("virDomainSendKey");
    }

    /** virDomainSendProcessSignal. */
    default void domainSendProcessSignal(DomainRef dom, long pid, int signum, int flags) {
        throw dom("virDomainSendProcessSignal");
    }

    /** virDomainSetLifecycleAction: {@code type} a virDomainLifecycle, action a virDomainLifecycleAction. */
    default void domainSetLifecycleAction(DomainRef dom, int type, int action, int flags) {
        throw dom("virDomainSetLifecycleAction");
    }

    // ---------------------------------------------------------------- save, restore, dump

    /** virDomainSave. */
    default void domainSave(DomainRef dom, String to) {
        throw dom("virDomainSave");
    }

    /** virDomainSaveFlags; {@code dxml} may be null. */
    default void domainSaveFlags(DomainRef dom, String to, String dxml, int flags) {
        throw dom("virDomainSaveFlags");
    }

    /** virDomainRestore. */
    default void domainRestore(String from) {
        throw dom("virDomainRestore");
    }

    /** virDomainRestoreFlags; {@code dxml} may be null. */
    default void domainRestoreFlags(String from, String dxml, int flags) {
        throw dom("virDomainRestoreFlags");
    }

    /** virDomainSaveImageGetXMLDesc. */
    default String domainSaveImageGetXMLDesc(String file, int flags) {
        throw dom("virDomainSaveImageGetXMLDesc");
    }

    /** virDomainSaveImageDefineXML. */
    default void domainSaveImageDefineXML(String file, String dxml, int flags) {
        throw dom("virDomainSaveImageDefineXML");
    }

    /** virDomainManagedSaveGetXMLDesc (the test driver has none). */
    default String domainManagedSaveGetXMLDesc(DomainRef dom, int flags) {
        throw dom("virDomainManagedSaveGetXMLDesc");
    }

    /** virDomainManagedSave. */
    default void domainManagedSave(DomainRef dom, int flags) {
        throw dom("virDomainManagedSave");
    }

    /** virDomainHasManagedSaveImage. */
    default boolean domainHasManagedSaveImage(DomainRef dom, int flags) {
        throw dom("virDomainHasManagedSaveImage");
    }

    /** virDomainManagedSaveRemove. */
    default void domainManagedSaveRemove(DomainRef dom, int flags) {
        throw dom("virDomainManagedSaveRemove");
    }

    /** virDomainManagedSaveDefineXML; {@code dxml} may be null. */
    default void domainManagedSaveDefineXML(DomainRef dom, String dxml, int flags) {
        throw dom("virDomainManagedSaveDefineXML");
    }

    /** virDomainSaveParams: {@code params} "file" and "dxml" (strings); no file means managed save. */
    default void domainSaveParams(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSaveParams");
    }

    /** virDomainRestoreParams: {@code params} "file" and "dxml" (strings). */
    default void domainRestoreParams(List<TypedParameter> params, int flags) {
        throw dom("virDomainRestoreParams");
    }

    /** virDomainCoreDump. */
    default void domainCoreDump(DomainRef dom, String to, int flags) {
        throw dom("virDomainCoreDump");
    }

    /** virDomainCoreDumpWithFormat: {@code format} a virDomainCoreDumpFormat. */
    default void domainCoreDumpWithFormat(DomainRef dom, String to, int format, int flags) {
        throw dom("virDomainCoreDumpWithFormat");
    }

    // ---------------------------------------------------------------- state and description

    /** virDomainGetInfo. */
    default DomainInfo domainGetInfo(DomainRef dom) {
        throw dom("virDomainGetInfo");
    }

    /** virDomainGetState. */
    default DomainStateReason domainGetState(DomainRef dom, int flags) {
        throw dom("virDomainGetState");
    }

    /** virDomainGetControlInfo. */
    default DomainControlInfo domainGetControlInfo(DomainRef dom, int flags) {
        throw dom("virDomainGetControlInfo");
    }

    /** virDomainGetXMLDesc. */
    default String domainGetXMLDesc(DomainRef dom, int flags) {
        throw dom("virDomainGetXMLDesc");
    }

    /** virDomainGetOSType. */
    default String domainGetOSType(DomainRef dom) {
        throw dom("virDomainGetOSType");
    }

    /** virDomainIsActive. */
    default boolean domainIsActive(DomainRef dom) {
        throw dom("virDomainIsActive");
    }

    /** virDomainIsPersistent. */
    default boolean domainIsPersistent(DomainRef dom) {
        throw dom("virDomainIsPersistent");
    }

    /** virDomainIsUpdated. */
    default boolean domainIsUpdated(DomainRef dom) {
        throw dom("virDomainIsUpdated");
    }

    /** virDomainGetAutostart. */
    default boolean domainGetAutostart(DomainRef dom) {
        throw dom("virDomainGetAutostart");
    }

    /** virDomainSetAutostart. */
    default void domainSetAutostart(DomainRef dom, boolean autostart) {
        throw dom("virDomainSetAutostart");
    }

    /** virDomainGetHostname. */
    default String domainGetHostname(DomainRef dom, int flags) {
        throw dom("virDomainGetHostname");
    }

    /** virDomainGetTime. */
    default DomainTime domainGetTime(DomainRef dom, int flags) {
        throw dom("virDomainGetTime");
    }

    /** virDomainSetTime. */
    default void domainSetTime(DomainRef dom, long seconds, int nseconds, int flags) {
        throw dom("virDomainSetTime");
    }

    /** virDomainGetMetadata: {@code type} a virDomainMetadataType; {@code uri} may be null. */
    default String domainGetMetadata(DomainRef dom, int type, String uri, int flags) {
        throw dom("virDomainGetMetadata");
    }

    /** virDomainSetMetadata; {@code metadata}, {@code key} and {@code uri} may be null. */
    default void domainSetMetadata(DomainRef dom, int type, String metadata, String key,
                                   String uri, int flags) {
        throw dom("virDomainSetMetadata");
    }

    /** virDomainGetMessages. */
    default List<String> domainGetMessages(DomainRef dom, int flags) {
        throw dom("virDomainGetMessages");
    }

    /** virDomainGetSecurityLabel. */
    default SecurityLabel domainGetSecurityLabel(DomainRef dom) {
        throw dom("virDomainGetSecurityLabel");
    }

    /** virDomainGetLaunchSecurityInfo. */
    default List<TypedParameter> domainGetLaunchSecurityInfo(DomainRef dom, int flags) {
        throw dom("virDomainGetLaunchSecurityInfo");
    }

    /**
     * virDomainScreenshot: the MIME type the call answers and the image the stream that follows
     * the reply carries (libvirt's test driver: "image/png" and its test-screenshot.png).
     */
    default Screenshot domainScreenshot(DomainRef dom, int screen, int flags) {
        throw dom("virDomainScreenshot");
    }

    /**
     * virDomainOpenConsole: the guest's console (or the character device {@code devName}, an
     * alias) as a stream both ways, guest output to the client and client input to the guest.
     * {@code flags}: VIR_DOMAIN_CONSOLE_FORCE (1) takes it from the client holding it,
     * VIR_DOMAIN_CONSOLE_SAFE (2) asks for exclusive access.
     */
    default DataStream domainOpenConsole(DomainRef dom, String devName, int flags) {
        throw dom("virDomainOpenConsole");
    }

    // ---------------------------------------------------------------- memory

    /** virDomainGetMaxMemory, KiB. */
    default long domainGetMaxMemory(DomainRef dom) {
        throw dom("virDomainGetMaxMemory");
    }

    /** virDomainSetMaxMemory, KiB. */
    default void domainSetMaxMemory(DomainRef dom, long memory) {
        throw dom("virDomainSetMaxMemory");
    }

    /** virDomainSetMemory, KiB. */
    default void domainSetMemory(DomainRef dom, long memory) {
        throw dom("virDomainSetMemory");
    }

    /** virDomainSetMemoryFlags, KiB. */
    default void domainSetMemoryFlags(DomainRef dom, long memory, int flags) {
        throw dom("virDomainSetMemoryFlags");
    }

    /** virDomainSetMemoryStatsPeriod, seconds. */
    default void domainSetMemoryStatsPeriod(DomainRef dom, int period, int flags) {
        throw dom("virDomainSetMemoryStatsPeriod");
    }

    /** virDomainMemoryStats: up to {@code nrStats} stats. */
    default List<DomainMemoryStat> domainMemoryStats(DomainRef dom, int nrStats, int flags) {
        throw dom("virDomainMemoryStats");
    }

    /** virDomainMemoryPeek: {@code size} bytes from {@code start}. */
    default byte[] domainMemoryPeek(DomainRef dom, long start, int size, int flags) {
        throw dom("virDomainMemoryPeek");
    }

    /**
     * The count query of a typed-parameter getter (the client passes nparams = 0 first):
     * how many parameters {@code api} (virDomainGetMemoryParameters, virDomainGetNumaParameters,
     * virDomainGetBlkioParameters, virDomainGetBlockIoTune or virDomainGetInterfaceParameters)
     * returns. libvirt's drivers answer it before they look anything up (virsh's count query for
     * blkdeviotune names no disk), so a driver should override this; the default counts the full
     * answer, with a null disk/device.
     */
    default int domainGetParametersCount(String api, DomainRef dom, int flags) {
        switch (api) {
            case "virDomainGetMemoryParameters": return domainGetMemoryParameters(dom, flags).size();
            case "virDomainGetNumaParameters": return domainGetNumaParameters(dom, flags).size();
            case "virDomainGetBlkioParameters": return domainGetBlkioParameters(dom, flags).size();
            case "virDomainGetBlockIoTune": return domainGetBlockIoTune(dom, null, flags).size();
            case "virDomainGetInterfaceParameters": return domainGetInterfaceParameters(dom, null, flags).size();
            default: throw new IllegalArgumentException("not a typed-parameter getter: " + api);
        }
    }

    /** virDomainGetMemoryParameters. */
    default List<TypedParameter> domainGetMemoryParameters(DomainRef dom, int flags) {
        throw dom("virDomainGetMemoryParameters");
    }

    /** virDomainSetMemoryParameters. */
    default void domainSetMemoryParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetMemoryParameters");
    }

    /** virDomainGetNumaParameters. */
    default List<TypedParameter> domainGetNumaParameters(DomainRef dom, int flags) {
        throw dom("virDomainGetNumaParameters");
    }

    /** virDomainSetNumaParameters. */
    default void domainSetNumaParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetNumaParameters");
    }

    // ---------------------------------------------------------------- vCPUs, pinning, IOThreads

    /** virDomainSetVcpus. */
    default void domainSetVcpus(DomainRef dom, int nvcpus) {
        throw dom("virDomainSetVcpus");
    }

    /** virDomainSetVcpusFlags. */
    default void domainSetVcpusFlags(DomainRef dom, int nvcpus, int flags) {
        throw dom("virDomainSetVcpusFlags");
    }

    /** virDomainSetVcpu: the vCPUs of {@code cpumap} (a CPU list) on ({@code state} 1) or off (0). */
    default void domainSetVcpu(DomainRef dom, String cpumap, int state, int flags) {
        throw dom("virDomainSetVcpu");
    }

    /** virDomainGetVcpusFlags. */
    default int domainGetVcpusFlags(DomainRef dom, int flags) {
        throw dom("virDomainGetVcpusFlags");
    }

    /** virDomainGetMaxVcpus. */
    default int domainGetMaxVcpus(DomainRef dom) {
        throw dom("virDomainGetMaxVcpus");
    }

    /** virDomainGetVcpus: up to {@code maxinfo} vCPUs and, with {@code maplen > 0}, their maps. */
    default DomainVcpus domainGetVcpus(DomainRef dom, int maxinfo, int maplen) {
        throw dom("virDomainGetVcpus");
    }

    /** virDomainPinVcpu. */
    default void domainPinVcpu(DomainRef dom, int vcpu, byte[] cpumap) {
        throw dom("virDomainPinVcpu");
    }

    /** virDomainPinVcpuFlags. */
    default void domainPinVcpuFlags(DomainRef dom, int vcpu, byte[] cpumap, int flags) {
        throw dom("virDomainPinVcpuFlags");
    }

    /** virDomainGetVcpuPinInfo: up to {@code ncpumaps} maps of {@code maplen} bytes. */
    default PinInfo domainGetVcpuPinInfo(DomainRef dom, int ncpumaps, int maplen, int flags) {
        throw dom("virDomainGetVcpuPinInfo");
    }

    /** virDomainPinEmulator. */
    default void domainPinEmulator(DomainRef dom, byte[] cpumap, int flags) {
        throw dom("virDomainPinEmulator");
    }

    /** virDomainGetEmulatorPinInfo: one map of {@code maplen} bytes (count 1) or none. */
    default PinInfo domainGetEmulatorPinInfo(DomainRef dom, int maplen, int flags) {
        throw dom("virDomainGetEmulatorPinInfo");
    }

    /** virDomainGetIOThreadInfo. */
    default List<IoThreadInfo> domainGetIOThreadInfo(DomainRef dom, int flags) {
        throw dom("virDomainGetIOThreadInfo");
    }

    /** virDomainAddIOThread. */
    default void domainAddIOThread(DomainRef dom, int iothreadId, int flags) {
        throw dom("virDomainAddIOThread");
    }

    /** virDomainDelIOThread. */
    default void domainDelIOThread(DomainRef dom, int iothreadId, int flags) {
        throw dom("virDomainDelIOThread");
    }

    /** virDomainPinIOThread. */
    default void domainPinIOThread(DomainRef dom, int iothreadId, byte[] cpumap, int flags) {
        throw dom("virDomainPinIOThread");
    }

    /** virDomainSetIOThreadParams. */
    default void domainSetIOThreadParams(DomainRef dom, int iothreadId, List<TypedParameter> params,
                                         int flags) {
        throw dom("virDomainSetIOThreadParams");
    }

    /** virDomainGetCPUStats; see {@link DomainCpuStats} for the answer's form. */
    default DomainCpuStats domainGetCPUStats(DomainRef dom, int nparams, int startCpu, int ncpus,
                                             int flags) {
        throw dom("virDomainGetCPUStats");
    }

    // ---------------------------------------------------------------- scheduler, blkio, tuning

    /** virDomainGetSchedulerType. */
    default SchedulerType domainGetSchedulerType(DomainRef dom) {
        throw dom("virDomainGetSchedulerType");
    }

    /** virDomainGetSchedulerParameters. */
    default List<TypedParameter> domainGetSchedulerParameters(DomainRef dom) {
        throw dom("virDomainGetSchedulerParameters");
    }

    /** virDomainGetSchedulerParametersFlags. */
    default List<TypedParameter> domainGetSchedulerParametersFlags(DomainRef dom, int flags) {
        throw dom("virDomainGetSchedulerParametersFlags");
    }

    /** virDomainSetSchedulerParameters. */
    default void domainSetSchedulerParameters(DomainRef dom, List<TypedParameter> params) {
        throw dom("virDomainSetSchedulerParameters");
    }

    /** virDomainSetSchedulerParametersFlags. */
    default void domainSetSchedulerParametersFlags(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetSchedulerParametersFlags");
    }

    /** virDomainGetBlkioParameters. */
    default List<TypedParameter> domainGetBlkioParameters(DomainRef dom, int flags) {
        throw dom("virDomainGetBlkioParameters");
    }

    /** virDomainSetBlkioParameters. */
    default void domainSetBlkioParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetBlkioParameters");
    }

    /** virDomainGetBlockIoTune; {@code disk} may be null (virsh asks with one). */
    default List<TypedParameter> domainGetBlockIoTune(DomainRef dom, String disk, int flags) {
        throw dom("virDomainGetBlockIoTune");
    }

    /** virDomainSetBlockIoTune. */
    default void domainSetBlockIoTune(DomainRef dom, String disk, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetBlockIoTune");
    }

    /** virDomainGetInterfaceParameters. */
    default List<TypedParameter> domainGetInterfaceParameters(DomainRef dom, String device, int flags) {
        throw dom("virDomainGetInterfaceParameters");
    }

    /** virDomainSetInterfaceParameters. */
    default void domainSetInterfaceParameters(DomainRef dom, String device, List<TypedParameter> params,
                                              int flags) {
        throw dom("virDomainSetInterfaceParameters");
    }

    /** virDomainSetBlockThreshold: {@code dev} is a disk target, optionally with {@code [index]}; bytes. */
    default void domainSetBlockThreshold(DomainRef dom, String dev, long threshold, int flags) {
        throw dom("virDomainSetBlockThreshold");
    }

    /** virDomainStartDirtyRateCalc: {@code seconds} of sampling, mode in {@code flags}. */
    default void domainStartDirtyRateCalc(DomainRef dom, int seconds, int flags) {
        throw dom("virDomainStartDirtyRateCalc");
    }

    /** virDomainAuthorizedSSHKeysGet (asks the guest agent). */
    default List<String> domainAuthorizedSSHKeysGet(DomainRef dom, String user, int flags) {
        throw dom("virDomainAuthorizedSSHKeysGet");
    }

    /** virDomainAuthorizedSSHKeysSet (asks the guest agent). */
    default void domainAuthorizedSSHKeysSet(DomainRef dom, String user, List<String> keys, int flags) {
        throw dom("virDomainAuthorizedSSHKeysSet");
    }

    /** virDomainBackupBegin; {@code checkpointXml} may be null. */
    default void domainBackupBegin(DomainRef dom, String backupXml, String checkpointXml, int flags) {
        throw dom("virDomainBackupBegin");
    }

    /** virDomainBackupGetXMLDesc. */
    default String domainBackupGetXMLDesc(DomainRef dom, int flags) {
        throw dom("virDomainBackupGetXMLDesc");
    }

    /** virDomainGetPerfEvents. */
    default List<TypedParameter> domainGetPerfEvents(DomainRef dom, int flags) {
        throw dom("virDomainGetPerfEvents");
    }

    /** virDomainSetPerfEvents. */
    default void domainSetPerfEvents(DomainRef dom, List<TypedParameter> params, int flags) {
        throw dom("virDomainSetPerfEvents");
    }

    // ---------------------------------------------------------------- devices and guest

    /** virDomainAttachDevice (the driver picks its default impact). */
    default void domainAttachDevice(DomainRef dom, String xml) {
        throw dom("virDomainAttachDevice");
    }

    /** virDomainAttachDeviceFlags: {@code flags} virDomainDeviceModifyFlags. */
    default void domainAttachDeviceFlags(DomainRef dom, String xml, int flags) {
        throw dom("virDomainAttachDeviceFlags");
    }

    /** virDomainDetachDevice (the driver picks its default impact). */
    default void domainDetachDevice(DomainRef dom, String xml) {
        throw dom("virDomainDetachDevice");
    }

    /** virDomainDetachDeviceFlags. */
    default void domainDetachDeviceFlags(DomainRef dom, String xml, int flags) {
        throw dom("virDomainDetachDeviceFlags");
    }

    /** virDomainUpdateDeviceFlags (VIR_DOMAIN_DEVICE_MODIFY_FORCE among the flags). */
    default void domainUpdateDeviceFlags(DomainRef dom, String xml, int flags) {
        throw dom("virDomainUpdateDeviceFlags");
    }

    /** virDomainDetachDeviceAlias: starts the removal, does not wait for it. */
    default void domainDetachDeviceAlias(DomainRef dom, String alias, int flags) {
        throw dom("virDomainDetachDeviceAlias");
    }

    /** virDomainBlockStats for a disk target or source path. */
    default DomainBlockStats domainBlockStats(DomainRef dom, String path) {
        throw dom("virDomainBlockStats");
    }

    /** virDomainBlockPeek: {@code size} bytes of disk {@code disk} from {@code offset}. */
    default byte[] domainBlockPeek(DomainRef dom, String disk, long offset, int size, int flags) {
        throw dom("virDomainBlockPeek");
    }

    /** virDomainBlockResize. */
    default void domainBlockResize(DomainRef dom, String disk, long size, int flags) {
        throw dom("virDomainBlockResize");
    }

    // ---------------------------------------------------------------- block jobs

    /** virDomainBlockJobAbort (with PIVOT: finishes a copy or active commit on the new image). */
    default void domainBlockJobAbort(DomainRef dom, String disk, int flags) {
        throw dom("virDomainBlockJobAbort");
    }

    /** virDomainGetBlockJobInfo: the disk's block job, or null when it has none (libvirt's 0). */
    default DomainBlockJobInfo domainGetBlockJobInfo(DomainRef dom, String disk, int flags) {
        throw dom("virDomainGetBlockJobInfo");
    }

    /** virDomainBlockJobSetSpeed; {@code bandwidth} is C unsigned long. */
    default void domainBlockJobSetSpeed(DomainRef dom, String disk, long bandwidth, int flags) {
        throw dom("virDomainBlockJobSetSpeed");
    }

    /** virDomainBlockPull. */
    default void domainBlockPull(DomainRef dom, String disk, long bandwidth, int flags) {
        throw dom("virDomainBlockPull");
    }

    /** virDomainBlockRebase; {@code base} may be null. */
    default void domainBlockRebase(DomainRef dom, String disk, String base, long bandwidth, int flags) {
        throw dom("virDomainBlockRebase");
    }

    /** virDomainBlockCopy into the disk described by {@code destxml}. */
    default void domainBlockCopy(DomainRef dom, String disk, String destxml, List<TypedParameter> params,
                                 int flags) {
        throw dom("virDomainBlockCopy");
    }

    /** virDomainBlockCommit; {@code base} and {@code top} may be null. */
    default void domainBlockCommit(DomainRef dom, String disk, String base, String top, long bandwidth,
                                   int flags) {
        throw dom("virDomainBlockCommit");
    }

    /** virDomainInterfaceStats for an interface target name or MAC. */
    default DomainInterfaceStats domainInterfaceStats(DomainRef dom, String device) {
        throw dom("virDomainInterfaceStats");
    }

    /** virDomainGetBlockInfo. */
    default DomainBlockInfo domainGetBlockInfo(DomainRef dom, String path, int flags) {
        throw dom("virDomainGetBlockInfo");
    }

    /**
     * virDomainGetDiskErrors: up to {@code maxerrors} errors; for a count query
     * ({@code maxerrors} 0) every error, whose number the daemon answers.
     */
    default List<DomainDiskError> domainGetDiskErrors(DomainRef dom, int maxerrors, int flags) {
        throw dom("virDomainGetDiskErrors");
    }

    /** virDomainInterfaceAddresses: {@code source} a virDomainInterfaceAddressesSource. */
    default List<DomainInterface> domainInterfaceAddresses(DomainRef dom, int source, int flags) {
        throw dom("virDomainInterfaceAddresses");
    }

    /** virDomainGetFSInfo. */
    default List<FsInfo> domainGetFSInfo(DomainRef dom, int flags) {
        throw dom("virDomainGetFSInfo");
    }

    /** virDomainFSFreeze: returns the number of frozen file systems. */
    default int domainFSFreeze(DomainRef dom, List<String> mountpoints, int flags) {
        throw dom("virDomainFSFreeze");
    }

    /** virDomainFSThaw: returns the number of thawed file systems. */
    default int domainFSThaw(DomainRef dom, List<String> mountpoints, int flags) {
        throw dom("virDomainFSThaw");
    }

    /** virDomainFSTrim; {@code mountPoint} may be null. */
    default void domainFSTrim(DomainRef dom, String mountPoint, long minimum, int flags) {
        throw dom("virDomainFSTrim");
    }

    /** virDomainGetGuestInfo: the typed parameters of the {@code types} asked for (all for 0). */
    default List<TypedParameter> domainGetGuestInfo(DomainRef dom, int types, int flags) {
        throw dom("virDomainGetGuestInfo");
    }

    /** virDomainGetGuestVcpus: the guest agent's view of the guest's vCPUs, as typed parameters. */
    default List<TypedParameter> domainGetGuestVcpus(DomainRef dom, int flags) {
        throw dom("virDomainGetGuestVcpus");
    }

    /** virDomainSetGuestVcpus: {@code cpumap} a vCPU list, {@code state} 1 online, 0 offline. */
    default void domainSetGuestVcpus(DomainRef dom, String cpumap, int state, int flags) {
        throw dom("virDomainSetGuestVcpus");
    }

    /** virDomainSetUserPassword. */
    default void domainSetUserPassword(DomainRef dom, String user, String password, int flags) {
        throw dom("virDomainSetUserPassword");
    }

    // ---------------------------------------------------------------- jobs (not in the test driver)

    /** virDomainGetJobInfo. */
    default DomainJobInfo domainGetJobInfo(DomainRef dom) {
        throw dom("virDomainGetJobInfo");
    }

    /** virDomainGetJobStats. */
    default DomainJobStats domainGetJobStats(DomainRef dom, int flags) {
        throw dom("virDomainGetJobStats");
    }

    /** virDomainAbortJob. */
    default void domainAbortJob(DomainRef dom) {
        throw dom("virDomainAbortJob");
    }

    /** virDomainAbortJobFlags. */
    default void domainAbortJobFlags(DomainRef dom, int flags) {
        throw dom("virDomainAbortJobFlags");
    }

    // ---------------------------------------------------------------- events

    /**
     * virConnectDomainEventRegisterAny: delivers events {@code eventId} about {@code domOrNull}
     * (every domain when null) to {@code listener}, which must not block.
     *
     * @return the callback id, unique per host
     */
    default int connectDomainEventRegisterAny(DomainRef domOrNull, int eventId,
                                              Consumer<DomainEvent> listener) {
        throw dom("virConnectDomainEventRegisterAny");
    }

    /** virConnectDomainEventDeregisterAny. */
    default void connectDomainEventDeregisterAny(int callbackId) {
        throw dom("virConnectDomainEventDeregisterAny");
    }

    // ---------------------------------------------------------------- libvirt-qemu (program 0x20008087)

    /**
     * virDomainQemuMonitorCommand (and virDomainQemuMonitorCommandWithFiles without files): runs
     * {@code cmd} on the domain's monitor, QMP JSON or, with flag HMP (1), a human monitor
     * command, and answers the monitor's reply as text. libvirt-qemu.c raises its NO_SUPPORT from
     * no error domain.
     */
    default String domainQemuMonitorCommand(DomainRef dom, String cmd, int flags) {
        throw VirException.noSupport(VirErrorDomain.NONE, "virDomainQemuMonitorCommand");
    }

    /** virDomainQemuAgentCommand: {@code cmd} to the guest agent; its reply, or null. */
    default String domainQemuAgentCommand(DomainRef dom, String cmd, int timeout, int flags) {
        throw VirException.noSupport(VirErrorDomain.NONE, "virDomainQemuAgentCommand");
    }

    /**
     * virConnectDomainQemuMonitorEventRegister: delivers the monitor events of {@code domOrNull}'s
     * guest (every guest when null) named {@code eventOrNull} (every event when null; flags REGEX
     * (1) and NOCASE (2) change how the name matches) to {@code listener}, which must not block.
     *
     * @return the callback id, from the same counter as the domain event callbacks
     */
    default int connectDomainQemuMonitorEventRegister(DomainRef domOrNull, String eventOrNull, int flags,
                                                      Consumer<QemuMonitorEvent> listener) {
        throw VirException.noSupport(VirErrorDomain.NONE, "virConnectDomainQemuMonitorEventRegister");
    }

    /** virConnectDomainQemuMonitorEventDeregister. */
    default void connectDomainQemuMonitorEventDeregister(int callbackId) {
        throw VirException.noSupport(VirErrorDomain.NONE, "virConnectDomainQemuMonitorEventDeregister");
    }

    // ---------------------------------------------------------------- snapshots

    /** virDomainSnapshotCreateXML. */
    default SnapshotRef domainSnapshotCreateXML(DomainRef dom, String xml, int flags) {
        throw snap("virDomainSnapshotCreateXML");
    }

    /** virDomainSnapshotGetXMLDesc. */
    default String domainSnapshotGetXMLDesc(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotGetXMLDesc");
    }

    /** virDomainSnapshotNum. */
    default int domainSnapshotNum(DomainRef dom, int flags) {
        throw snap("virDomainSnapshotNum");
    }

    /** virDomainSnapshotListNames: up to {@code maxnames}. */
    default List<String> domainSnapshotListNames(DomainRef dom, int maxnames, int flags) {
        throw snap("virDomainSnapshotListNames");
    }

    /** virDomainListAllSnapshots. */
    default List<SnapshotRef> domainListAllSnapshots(DomainRef dom, int flags) {
        throw snap("virDomainListAllSnapshots");
    }

    /** virDomainSnapshotNumChildren. */
    default int domainSnapshotNumChildren(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotNumChildren");
    }

    /** virDomainSnapshotListChildrenNames: up to {@code maxnames}. */
    default List<String> domainSnapshotListChildrenNames(SnapshotRef snap, int maxnames, int flags) {
        throw snap("virDomainSnapshotListChildrenNames");
    }

    /** virDomainSnapshotListAllChildren. */
    default List<SnapshotRef> domainSnapshotListAllChildren(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotListAllChildren");
    }

    /** virDomainSnapshotLookupByName. */
    default SnapshotRef domainSnapshotLookupByName(DomainRef dom, String name, int flags) {
        throw snap("virDomainSnapshotLookupByName");
    }

    /** virDomainHasCurrentSnapshot. */
    default boolean domainHasCurrentSnapshot(DomainRef dom, int flags) {
        throw snap("virDomainHasCurrentSnapshot");
    }

    /** virDomainSnapshotGetParent. */
    default SnapshotRef domainSnapshotGetParent(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotGetParent");
    }

    /** virDomainSnapshotCurrent. */
    default SnapshotRef domainSnapshotCurrent(DomainRef dom, int flags) {
        throw snap("virDomainSnapshotCurrent");
    }

    /** virDomainSnapshotIsCurrent. */
    default boolean domainSnapshotIsCurrent(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotIsCurrent");
    }

    /** virDomainSnapshotHasMetadata. */
    default boolean domainSnapshotHasMetadata(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotHasMetadata");
    }

    /** virDomainRevertToSnapshot. */
    default void domainRevertToSnapshot(SnapshotRef snap, int flags) {
        throw snap("virDomainRevertToSnapshot");
    }

    /** virDomainSnapshotDelete. */
    default void domainSnapshotDelete(SnapshotRef snap, int flags) {
        throw snap("virDomainSnapshotDelete");
    }

    // ---------------------------------------------------------------- checkpoints

    /** virDomainCheckpointCreateXML. */
    default CheckpointRef domainCheckpointCreateXML(DomainRef dom, String xml, int flags) {
        throw ckpt("virDomainCheckpointCreateXML");
    }

    /** virDomainCheckpointGetXMLDesc. */
    default String domainCheckpointGetXMLDesc(CheckpointRef checkpoint, int flags) {
        throw ckpt("virDomainCheckpointGetXMLDesc");
    }

    /** virDomainListAllCheckpoints. */
    default List<CheckpointRef> domainListAllCheckpoints(DomainRef dom, int flags) {
        throw ckpt("virDomainListAllCheckpoints");
    }

    /** virDomainCheckpointListAllChildren. */
    default List<CheckpointRef> domainCheckpointListAllChildren(CheckpointRef checkpoint, int flags) {
        throw ckpt("virDomainCheckpointListAllChildren");
    }

    /** virDomainCheckpointLookupByName. */
    default CheckpointRef domainCheckpointLookupByName(DomainRef dom, String name, int flags) {
        throw ckpt("virDomainCheckpointLookupByName");
    }

    /** virDomainCheckpointGetParent. */
    default CheckpointRef domainCheckpointGetParent(CheckpointRef checkpoint, int flags) {
        throw ckpt("virDomainCheckpointGetParent");
    }

    /** virDomainCheckpointDelete. */
    default void domainCheckpointDelete(CheckpointRef checkpoint, int flags) {
        throw ckpt("virDomainCheckpointDelete");
    }

    // ---------------------------------------------------------------- helpers

    /** NO_SUPPORT for a domain-level API. */
    private static VirException dom(String api) {
        return VirException.noSupport(VirErrorDomain.DOMAIN, api);
    }

    /** NO_SUPPORT for a snapshot API. */
    private static VirException snap(String api) {
        return VirException.noSupport(VirErrorDomain.DOMAIN_SNAPSHOT, api);
    }

    /** NO_SUPPORT for a checkpoint API. */
    private static VirException ckpt(String api) {
        return VirException.noSupport(VirErrorDomain.DOMAIN_CHECKPOINT, api);
    }
}
