package io.jvirtd.protocol.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_AUTH_SASL_DATA_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_AUTH_TYPE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CONNECT_CPU_MODELS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CONNECT_IDENTITY_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CPUMAPS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CPUMAP_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CPU_BASELINE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_CHECKPOINT_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_DISK_ERRORS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_EVENT_TUNABLE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_FSINFO_DISKS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_FSINFO_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_GET_CPU_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_INTERFACE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_IP_ADDR_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_JOB_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_LAUNCH_SECURITY_STATE_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_MEMORY_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_MESSAGES_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_NUMA_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_PERF_EVENTS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SAVE_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SEND_KEY_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SNAPSHOT_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_INTERFACE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_IOTHREAD_INFO_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_MIGRATE_COOKIE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NETWORK_DHCP_LEASES_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NETWORK_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NETWORK_PORT_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NETWORK_PORT_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_CPU_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_DEVICE_CAPS_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_DEVICE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MAX_CELLS;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MEMORY_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MEMORY_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_SEV_INFO_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NWFILTER_BINDING_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NWFILTER_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECRET_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECRET_VALUE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_DOI_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_LABEL_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_LABEL_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_MODEL_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_STORAGE_POOL_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_STORAGE_VOL_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_VCPUINFO_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.VIR_UUID_BUFLEN;

import io.jvirtd.rpc.xdr.XdrArm;
import io.jvirtd.rpc.xdr.XdrChars;
import io.jvirtd.rpc.xdr.XdrFixed;
import io.jvirtd.rpc.xdr.XdrMax;
import io.jvirtd.rpc.xdr.XdrOptional;
import io.jvirtd.rpc.xdr.XdrUnion;
import java.util.List;

/*
 * GENERATED by docs/dev/gen_remote_types.py from libvirt 9.0.0's src/remote/remote_protocol.x.
 * Do not edit: change the script and rerun it (see its header).
 */
/**
 * The structs and unions of libvirt 9.0's remote_protocol.x reachable from a procedure, as
 * records read by the XDR codec. GENERATED by docs/dev/gen_remote_types.py from the .x file of
 * libvirt 9.0.0: do not edit by hand, change the script and rerun it.
 *
 * <p>How to read them against the .x file:
 * <ul>
 *   <li>{@code remote_foo_bar} is {@code FooBar}: {@code remote_<proc>_args} / {@code _ret} /
 *       {@code _msg} are {@code <Proc>Args} / {@code <Proc>Ret} / {@code <Proc>Msg}; a call
 *       without one of them has {@code Void} in {@link RemoteSignatures}.</li>
 *   <li>Components keep the .x field names (including {@code need_results}, {@code hv_ver})
 *       and order, which is the wire order.</li>
 *   <li>{@code remote_nonnull_string} is a plain String (bound REMOTE_STRING_MAX),
 *       {@code remote_string} an {@code @XdrOptional String}, {@code remote_uuid} an
 *       {@code @XdrFixed(16) byte[]}, {@code remote_domain} (and the other nullable handles) an
 *       {@code @XdrOptional} record. Unsigned ints and hypers are int/long holding the bit
 *       pattern. {@code char}/{@code short} and their unsigned forms, 4 bytes on the wire, are
 *       int. {@code char x[N]}/{@code char x<N>} are {@code @XdrChars} Strings (SASL data, binary,
 *       is an {@code @XdrChars byte[]}).</li>
 *   <li>byte[] components compare by identity in the generated equals(); compare UUIDs with
 *       {@code Arrays.equals}.</li>
 * </ul>
 *
 * <p>Immutable values; any thread.
 */
public final class RemoteTypes {
    private RemoteTypes() {
    }

    /** remote_nonnull_domain. id is -1 for an inactive domain. */
    public record NonnullDomain(String name, @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid, int id) { }

    /** remote_nonnull_network. */
    public record NonnullNetwork(String name, @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_nonnull_network_port. */
    public record NonnullNetworkPort(NonnullNetwork net, @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_nonnull_nwfilter. */
    public record NonnullNwfilter(String name, @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_nonnull_nwfilter_binding. */
    public record NonnullNwfilterBinding(String portdev, String filtername) { }

    /** remote_nonnull_interface. */
    public record NonnullInterface(String name, String mac) { }

    /** remote_nonnull_storage_pool. */
    public record NonnullStoragePool(String name, @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_nonnull_storage_vol. */
    public record NonnullStorageVol(String pool, String name, String key) { }

    /** remote_nonnull_node_device. */
    public record NonnullNodeDevice(String name) { }

    /** remote_nonnull_secret. */
    public record NonnullSecret(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid, int usageType,
            String usageID) { }

    /** remote_nonnull_domain_checkpoint. */
    public record NonnullDomainCheckpoint(String name, NonnullDomain dom) { }

    /** remote_nonnull_domain_snapshot. */
    public record NonnullDomainSnapshot(String name, NonnullDomain dom) { }

    /** remote_vcpu_info. */
    public record VcpuInfo(int number, int state, long cpu_time, int cpu) { }

    /** remote_typed_param_value. The discriminant is virTypedParameterType. */
    @XdrUnion
    public sealed interface TypedParamValue {
        /** VIR_TYPED_PARAM_INT. */
        @XdrArm(1) record IntValue(int i) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_UINT. */
        @XdrArm(2) record UIntValue(int ui) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_LLONG. */
        @XdrArm(3) record LLongValue(long l) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_ULLONG. */
        @XdrArm(4) record ULLongValue(long ul) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_DOUBLE. */
        @XdrArm(5) record DoubleValue(double d) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_BOOLEAN: an int, 0 or 1. */
        @XdrArm(6) record BooleanValue(int b) implements TypedParamValue { }

        /** VIR_TYPED_PARAM_STRING: only sent when the call's flags allow strings. */
        @XdrArm(7) record StringValue(String s) implements TypedParamValue { }
    }

    /** remote_typed_param. */
    public record TypedParam(String field, TypedParamValue value) { }

    /** remote_node_get_cpu_stats. One element of NODE_GET_CPU_STATS. */
    public record NodeGetCpuStats(String field, long value) { }

    /** remote_node_get_memory_stats. One element of NODE_GET_MEMORY_STATS. */
    public record NodeGetMemoryStats(String field, long value) { }

    /** remote_domain_disk_error. */
    public record DomainDiskError(String disk, int error) { }

    /**
     * remote_connect_open_args. Stock clients always send name (maybe empty); flags 1 =
     * VIR_CONNECT_RO.
     */
    public record ConnectOpenArgs(@XdrOptional String name, int flags) { }

    /** remote_connect_supports_feature_args. */
    public record ConnectSupportsFeatureArgs(int feature) { }

    /** remote_connect_supports_feature_ret. */
    public record ConnectSupportsFeatureRet(int supported) { }

    /** remote_connect_get_type_ret. */
    public record ConnectGetTypeRet(String type) { }

    /** remote_connect_get_version_ret. */
    public record ConnectGetVersionRet(long hv_ver) { }

    /** remote_connect_get_lib_version_ret. */
    public record ConnectGetLibVersionRet(long lib_ver) { }

    /** remote_connect_get_hostname_ret. */
    public record ConnectGetHostnameRet(String hostname) { }

    /** remote_connect_get_sysinfo_args. */
    public record ConnectGetSysinfoArgs(int flags) { }

    /** remote_connect_get_sysinfo_ret. */
    public record ConnectGetSysinfoRet(String sysinfo) { }

    /** remote_connect_get_uri_ret. */
    public record ConnectGetUriRet(String uri) { }

    /** remote_connect_get_max_vcpus_args. */
    public record ConnectGetMaxVcpusArgs(@XdrOptional String type) { }

    /** remote_connect_get_max_vcpus_ret. */
    public record ConnectGetMaxVcpusRet(int max_vcpus) { }

    /** remote_node_get_info_ret. model is {@code char model[32]}: 128 bytes on the wire. */
    public record NodeGetInfoRet(@XdrChars @XdrFixed(32) String model, long memory, int cpus,
            int mhz, int nodes, int sockets, int cores, int threads) { }

    /** remote_connect_get_capabilities_ret. */
    public record ConnectGetCapabilitiesRet(String capabilities) { }

    /** remote_connect_get_domain_capabilities_args. */
    public record ConnectGetDomainCapabilitiesArgs(@XdrOptional String emulatorbin,
            @XdrOptional String arch, @XdrOptional String machine, @XdrOptional String virttype,
            int flags) { }

    /** remote_connect_get_domain_capabilities_ret. */
    public record ConnectGetDomainCapabilitiesRet(String capabilities) { }

    /** remote_node_get_cpu_stats_args. */
    public record NodeGetCpuStatsArgs(int cpuNum, int nparams, int flags) { }

    /** remote_node_get_cpu_stats_ret. */
    public record NodeGetCpuStatsRet(
            @XdrMax(REMOTE_NODE_CPU_STATS_MAX) List<NodeGetCpuStats> params, int nparams) { }

    /** remote_node_get_memory_stats_args. */
    public record NodeGetMemoryStatsArgs(int nparams, int cellNum, int flags) { }

    /** remote_node_get_memory_stats_ret. */
    public record NodeGetMemoryStatsRet(
            @XdrMax(REMOTE_NODE_MEMORY_STATS_MAX) List<NodeGetMemoryStats> params, int nparams) { }

    /** remote_node_get_cells_free_memory_args. */
    public record NodeGetCellsFreeMemoryArgs(int startCell, int maxcells) { }

    /** remote_node_get_cells_free_memory_ret. */
    public record NodeGetCellsFreeMemoryRet(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> cells) { }

    /** remote_node_get_free_memory_ret. */
    public record NodeGetFreeMemoryRet(long freeMem) { }

    /** remote_domain_get_scheduler_type_args. */
    public record DomainGetSchedulerTypeArgs(NonnullDomain dom) { }

    /** remote_domain_get_scheduler_type_ret. */
    public record DomainGetSchedulerTypeRet(String type, int nparams) { }

    /** remote_domain_get_scheduler_parameters_args. */
    public record DomainGetSchedulerParametersArgs(NonnullDomain dom, int nparams) { }

    /** remote_domain_get_scheduler_parameters_ret. */
    public record DomainGetSchedulerParametersRet(
            @XdrMax(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) List<TypedParam> params) { }

    /** remote_domain_get_scheduler_parameters_flags_args. */
    public record DomainGetSchedulerParametersFlagsArgs(NonnullDomain dom, int nparams,
            int flags) { }

    /** remote_domain_get_scheduler_parameters_flags_ret. */
    public record DomainGetSchedulerParametersFlagsRet(
            @XdrMax(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) List<TypedParam> params) { }

    /** remote_domain_set_scheduler_parameters_args. */
    public record DomainSetSchedulerParametersArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) List<TypedParam> params) { }

    /** remote_domain_set_scheduler_parameters_flags_args. */
    public record DomainSetSchedulerParametersFlagsArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_set_blkio_parameters_args. */
    public record DomainSetBlkioParametersArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_blkio_parameters_args. */
    public record DomainGetBlkioParametersArgs(NonnullDomain dom, int nparams, int flags) { }

    /** remote_domain_get_blkio_parameters_ret. */
    public record DomainGetBlkioParametersRet(
            @XdrMax(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_domain_set_memory_parameters_args. */
    public record DomainSetMemoryParametersArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_memory_parameters_args. */
    public record DomainGetMemoryParametersArgs(NonnullDomain dom, int nparams, int flags) { }

    /** remote_domain_get_memory_parameters_ret. */
    public record DomainGetMemoryParametersRet(
            @XdrMax(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_domain_block_resize_args. */
    public record DomainBlockResizeArgs(NonnullDomain dom, String disk, long size, int flags) { }

    /** remote_domain_set_numa_parameters_args. */
    public record DomainSetNumaParametersArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_numa_parameters_args. */
    public record DomainGetNumaParametersArgs(NonnullDomain dom, int nparams, int flags) { }

    /** remote_domain_get_numa_parameters_ret. */
    public record DomainGetNumaParametersRet(
            @XdrMax(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_domain_set_perf_events_args. */
    public record DomainSetPerfEventsArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_PERF_EVENTS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_perf_events_args. */
    public record DomainGetPerfEventsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_perf_events_ret. */
    public record DomainGetPerfEventsRet(
            @XdrMax(REMOTE_DOMAIN_PERF_EVENTS_MAX) List<TypedParam> params) { }

    /** remote_domain_block_stats_args. */
    public record DomainBlockStatsArgs(NonnullDomain dom, String path) { }

    /** remote_domain_block_stats_ret. */
    public record DomainBlockStatsRet(long rd_req, long rd_bytes, long wr_req, long wr_bytes,
            long errs) { }

    /** remote_domain_block_stats_flags_args. */
    public record DomainBlockStatsFlagsArgs(NonnullDomain dom, String path, int nparams,
            int flags) { }

    /** remote_domain_block_stats_flags_ret. */
    public record DomainBlockStatsFlagsRet(
            @XdrMax(REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) List<TypedParam> params,
            int nparams) { }

    /** remote_domain_interface_stats_args. */
    public record DomainInterfaceStatsArgs(NonnullDomain dom, String device) { }

    /** remote_domain_interface_stats_ret. */
    public record DomainInterfaceStatsRet(long rx_bytes, long rx_packets, long rx_errs,
            long rx_drop, long tx_bytes, long tx_packets, long tx_errs, long tx_drop) { }

    /** remote_domain_set_interface_parameters_args. */
    public record DomainSetInterfaceParametersArgs(NonnullDomain dom, String device,
            @XdrMax(REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_interface_parameters_args. */
    public record DomainGetInterfaceParametersArgs(NonnullDomain dom, String device, int nparams,
            int flags) { }

    /** remote_domain_get_interface_parameters_ret. */
    public record DomainGetInterfaceParametersRet(
            @XdrMax(REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX) List<TypedParam> params,
            int nparams) { }

    /** remote_domain_memory_stats_args. */
    public record DomainMemoryStatsArgs(NonnullDomain dom, int maxStats, int flags) { }

    /** remote_domain_memory_stat. */
    public record DomainMemoryStat(int tag, long val) { }

    /** remote_domain_memory_stats_ret. */
    public record DomainMemoryStatsRet(
            @XdrMax(REMOTE_DOMAIN_MEMORY_STATS_MAX) List<DomainMemoryStat> stats) { }

    /** remote_domain_block_peek_args. */
    public record DomainBlockPeekArgs(NonnullDomain dom, String path, long offset, int size,
            int flags) { }

    /** remote_domain_block_peek_ret. */
    public record DomainBlockPeekRet(@XdrMax(REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX) byte[] buffer) { }

    /** remote_domain_memory_peek_args. */
    public record DomainMemoryPeekArgs(NonnullDomain dom, long offset, int size, int flags) { }

    /** remote_domain_memory_peek_ret. */
    public record DomainMemoryPeekRet(
            @XdrMax(REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX) byte[] buffer) { }

    /** remote_domain_get_block_info_args. */
    public record DomainGetBlockInfoArgs(NonnullDomain dom, String path, int flags) { }

    /** remote_domain_get_block_info_ret. */
    public record DomainGetBlockInfoRet(long allocation, long capacity, long physical) { }

    /** remote_connect_list_domains_args. */
    public record ConnectListDomainsArgs(int maxids) { }

    /** remote_connect_list_domains_ret. */
    public record ConnectListDomainsRet(@XdrMax(REMOTE_DOMAIN_LIST_MAX) List<Integer> ids) { }

    /** remote_connect_num_of_domains_ret. */
    public record ConnectNumOfDomainsRet(int num) { }

    /** remote_domain_create_xml_args. */
    public record DomainCreateXmlArgs(String xml_desc, int flags) { }

    /** remote_domain_create_xml_ret. */
    public record DomainCreateXmlRet(NonnullDomain dom) { }

    /** remote_domain_create_xml_with_files_args. */
    public record DomainCreateXmlWithFilesArgs(String xml_desc, int flags) { }

    /** remote_domain_create_xml_with_files_ret. */
    public record DomainCreateXmlWithFilesRet(NonnullDomain dom) { }

    /** remote_domain_lookup_by_id_args. */
    public record DomainLookupByIdArgs(int id) { }

    /** remote_domain_lookup_by_id_ret. */
    public record DomainLookupByIdRet(NonnullDomain dom) { }

    /** remote_domain_lookup_by_uuid_args. */
    public record DomainLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_domain_lookup_by_uuid_ret. */
    public record DomainLookupByUuidRet(NonnullDomain dom) { }

    /** remote_domain_lookup_by_name_args. */
    public record DomainLookupByNameArgs(String name) { }

    /** remote_domain_lookup_by_name_ret. */
    public record DomainLookupByNameRet(NonnullDomain dom) { }

    /** remote_domain_suspend_args. */
    public record DomainSuspendArgs(NonnullDomain dom) { }

    /** remote_domain_resume_args. */
    public record DomainResumeArgs(NonnullDomain dom) { }

    /** remote_domain_pm_suspend_for_duration_args. */
    public record DomainPmSuspendForDurationArgs(NonnullDomain dom, int target, long duration,
            int flags) { }

    /** remote_domain_pm_wakeup_args. */
    public record DomainPmWakeupArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_shutdown_args. */
    public record DomainShutdownArgs(NonnullDomain dom) { }

    /** remote_domain_reboot_args. */
    public record DomainRebootArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_reset_args. */
    public record DomainResetArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_destroy_args. */
    public record DomainDestroyArgs(NonnullDomain dom) { }

    /** remote_domain_destroy_flags_args. */
    public record DomainDestroyFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_os_type_args. */
    public record DomainGetOsTypeArgs(NonnullDomain dom) { }

    /** remote_domain_get_os_type_ret. */
    public record DomainGetOsTypeRet(String type) { }

    /** remote_domain_get_max_memory_args. */
    public record DomainGetMaxMemoryArgs(NonnullDomain dom) { }

    /** remote_domain_get_max_memory_ret. */
    public record DomainGetMaxMemoryRet(long memory) { }

    /** remote_domain_set_max_memory_args. */
    public record DomainSetMaxMemoryArgs(NonnullDomain dom, long memory) { }

    /** remote_domain_set_memory_args. */
    public record DomainSetMemoryArgs(NonnullDomain dom, long memory) { }

    /** remote_domain_set_memory_flags_args. */
    public record DomainSetMemoryFlagsArgs(NonnullDomain dom, long memory, int flags) { }

    /** remote_domain_set_memory_stats_period_args. */
    public record DomainSetMemoryStatsPeriodArgs(NonnullDomain dom, int period, int flags) { }

    /** remote_domain_get_info_args. */
    public record DomainGetInfoArgs(NonnullDomain dom) { }

    /**
     * remote_domain_get_info_ret. state is an {@code unsigned char}, nrVirtCpu an {@code unsigned
     * short}: 4 bytes each.
     */
    public record DomainGetInfoRet(int state, long maxMem, long memory, int nrVirtCpu,
            long cpuTime) { }

    /** remote_domain_save_args. */
    public record DomainSaveArgs(NonnullDomain dom, String to) { }

    /** remote_domain_save_flags_args. */
    public record DomainSaveFlagsArgs(NonnullDomain dom, String to, @XdrOptional String dxml,
            int flags) { }

    /** remote_domain_save_params_args. */
    public record DomainSaveParamsArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_SAVE_PARAMS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_restore_args. */
    public record DomainRestoreArgs(String from) { }

    /** remote_domain_restore_flags_args. */
    public record DomainRestoreFlagsArgs(String from, @XdrOptional String dxml, int flags) { }

    /** remote_domain_restore_params_args. */
    public record DomainRestoreParamsArgs(
            @XdrMax(REMOTE_DOMAIN_SAVE_PARAMS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_save_image_get_xml_desc_args. */
    public record DomainSaveImageGetXmlDescArgs(String file, int flags) { }

    /** remote_domain_save_image_get_xml_desc_ret. */
    public record DomainSaveImageGetXmlDescRet(String xml) { }

    /** remote_domain_save_image_define_xml_args. */
    public record DomainSaveImageDefineXmlArgs(String file, String dxml, int flags) { }

    /** remote_domain_core_dump_args. */
    public record DomainCoreDumpArgs(NonnullDomain dom, String to, int flags) { }

    /** remote_domain_core_dump_with_format_args. */
    public record DomainCoreDumpWithFormatArgs(NonnullDomain dom, String to, int dumpformat,
            int flags) { }

    /** remote_domain_screenshot_args. */
    public record DomainScreenshotArgs(NonnullDomain dom, int screen, int flags) { }

    /** remote_domain_screenshot_ret. */
    public record DomainScreenshotRet(@XdrOptional String mime) { }

    /** remote_domain_get_xml_desc_args. */
    public record DomainGetXmlDescArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_xml_desc_ret. */
    public record DomainGetXmlDescRet(String xml) { }

    /** remote_domain_migrate_prepare_args. */
    public record DomainMigratePrepareArgs(@XdrOptional String uri_in, long flags,
            @XdrOptional String dname, long resource) { }

    /** remote_domain_migrate_prepare_ret. */
    public record DomainMigratePrepareRet(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie,
            @XdrOptional String uri_out) { }

    /** remote_domain_migrate_perform_args. */
    public record DomainMigratePerformArgs(NonnullDomain dom,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie, String uri, long flags,
            @XdrOptional String dname, long resource) { }

    /** remote_domain_migrate_finish_args. */
    public record DomainMigrateFinishArgs(String dname,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie, String uri, long flags) { }

    /** remote_domain_migrate_finish_ret. */
    public record DomainMigrateFinishRet(NonnullDomain ddom) { }

    /** remote_domain_migrate_prepare2_args. */
    public record DomainMigratePrepare2Args(@XdrOptional String uri_in, long flags,
            @XdrOptional String dname, long resource, String dom_xml) { }

    /** remote_domain_migrate_prepare2_ret. */
    public record DomainMigratePrepare2Ret(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie,
            @XdrOptional String uri_out) { }

    /** remote_domain_migrate_finish2_args. */
    public record DomainMigrateFinish2Args(String dname,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie, String uri, long flags,
            int retcode) { }

    /** remote_domain_migrate_finish2_ret. */
    public record DomainMigrateFinish2Ret(NonnullDomain ddom) { }

    /** remote_connect_list_defined_domains_args. */
    public record ConnectListDefinedDomainsArgs(int maxnames) { }

    /** remote_connect_list_defined_domains_ret. */
    public record ConnectListDefinedDomainsRet(
            @XdrMax(REMOTE_DOMAIN_LIST_MAX) List<String> names) { }

    /** remote_connect_num_of_defined_domains_ret. */
    public record ConnectNumOfDefinedDomainsRet(int num) { }

    /** remote_domain_create_args. */
    public record DomainCreateArgs(NonnullDomain dom) { }

    /** remote_domain_create_with_flags_args. */
    public record DomainCreateWithFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_create_with_flags_ret. */
    public record DomainCreateWithFlagsRet(NonnullDomain dom) { }

    /** remote_domain_create_with_files_args. */
    public record DomainCreateWithFilesArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_create_with_files_ret. */
    public record DomainCreateWithFilesRet(NonnullDomain dom) { }

    /** remote_domain_define_xml_args. */
    public record DomainDefineXmlArgs(String xml) { }

    /** remote_domain_define_xml_ret. */
    public record DomainDefineXmlRet(NonnullDomain dom) { }

    /** remote_domain_define_xml_flags_args. */
    public record DomainDefineXmlFlagsArgs(String xml, int flags) { }

    /** remote_domain_define_xml_flags_ret. */
    public record DomainDefineXmlFlagsRet(NonnullDomain dom) { }

    /** remote_domain_undefine_args. */
    public record DomainUndefineArgs(NonnullDomain dom) { }

    /** remote_domain_undefine_flags_args. */
    public record DomainUndefineFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_inject_nmi_args. */
    public record DomainInjectNmiArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_send_key_args. */
    public record DomainSendKeyArgs(NonnullDomain dom, int codeset, int holdtime,
            @XdrMax(REMOTE_DOMAIN_SEND_KEY_MAX) List<Integer> keycodes, int flags) { }

    /** remote_domain_send_process_signal_args. */
    public record DomainSendProcessSignalArgs(NonnullDomain dom, long pid_value, int signum,
            int flags) { }

    /** remote_domain_set_vcpus_args. */
    public record DomainSetVcpusArgs(NonnullDomain dom, int nvcpus) { }

    /** remote_domain_set_vcpus_flags_args. */
    public record DomainSetVcpusFlagsArgs(NonnullDomain dom, int nvcpus, int flags) { }

    /** remote_domain_get_vcpus_flags_args. */
    public record DomainGetVcpusFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_vcpus_flags_ret. */
    public record DomainGetVcpusFlagsRet(int num) { }

    /** remote_domain_pin_vcpu_args. */
    public record DomainPinVcpuArgs(NonnullDomain dom, int vcpu,
            @XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap) { }

    /** remote_domain_pin_vcpu_flags_args. */
    public record DomainPinVcpuFlagsArgs(NonnullDomain dom, int vcpu,
            @XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap, int flags) { }

    /** remote_domain_get_vcpu_pin_info_args. */
    public record DomainGetVcpuPinInfoArgs(NonnullDomain dom, int ncpumaps, int maplen,
            int flags) { }

    /** remote_domain_get_vcpu_pin_info_ret. */
    public record DomainGetVcpuPinInfoRet(@XdrMax(REMOTE_CPUMAPS_MAX) byte[] cpumaps, int num) { }

    /** remote_domain_pin_emulator_args. */
    public record DomainPinEmulatorArgs(NonnullDomain dom, @XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap,
            int flags) { }

    /** remote_domain_get_emulator_pin_info_args. */
    public record DomainGetEmulatorPinInfoArgs(NonnullDomain dom, int maplen, int flags) { }

    /** remote_domain_get_emulator_pin_info_ret. */
    public record DomainGetEmulatorPinInfoRet(@XdrMax(REMOTE_CPUMAPS_MAX) byte[] cpumaps,
            int ret) { }

    /** remote_domain_get_vcpus_args. */
    public record DomainGetVcpusArgs(NonnullDomain dom, int maxinfo, int maplen) { }

    /** remote_domain_get_vcpus_ret. */
    public record DomainGetVcpusRet(@XdrMax(REMOTE_VCPUINFO_MAX) List<VcpuInfo> info,
            @XdrMax(REMOTE_CPUMAPS_MAX) byte[] cpumaps) { }

    /** remote_domain_get_max_vcpus_args. */
    public record DomainGetMaxVcpusArgs(NonnullDomain dom) { }

    /** remote_domain_get_max_vcpus_ret. */
    public record DomainGetMaxVcpusRet(int num) { }

    /** remote_domain_iothread_info. */
    public record DomainIothreadInfo(int iothread_id, @XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap) { }

    /** remote_domain_get_iothread_info_args. */
    public record DomainGetIothreadInfoArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_iothread_info_ret. */
    public record DomainGetIothreadInfoRet(
            @XdrMax(REMOTE_IOTHREAD_INFO_MAX) List<DomainIothreadInfo> info, int ret) { }

    /** remote_domain_pin_iothread_args. */
    public record DomainPinIothreadArgs(NonnullDomain dom, int iothreads_id,
            @XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap, int flags) { }

    /** remote_domain_add_iothread_args. */
    public record DomainAddIothreadArgs(NonnullDomain dom, int iothread_id, int flags) { }

    /** remote_domain_del_iothread_args. */
    public record DomainDelIothreadArgs(NonnullDomain dom, int iothread_id, int flags) { }

    /** remote_domain_set_iothread_params_args. */
    public record DomainSetIothreadParamsArgs(NonnullDomain dom, int iothread_id,
            @XdrMax(REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_get_security_label_args. */
    public record DomainGetSecurityLabelArgs(NonnullDomain dom) { }

    /** remote_domain_get_security_label_ret. */
    public record DomainGetSecurityLabelRet(
            @XdrChars @XdrMax(REMOTE_SECURITY_LABEL_MAX) String label, int enforcing) { }

    /** remote_domain_get_security_label_list_args. */
    public record DomainGetSecurityLabelListArgs(NonnullDomain dom) { }

    /** remote_domain_get_security_label_list_ret. */
    public record DomainGetSecurityLabelListRet(
            @XdrMax(REMOTE_SECURITY_LABEL_LIST_MAX) List<DomainGetSecurityLabelRet> labels,
            int ret) { }

    /**
     * remote_node_get_security_model_ret. {@code char model<>}/{@code char doi<>}: C strings, the
     * NUL counted on the wire.
     */
    public record NodeGetSecurityModelRet(@XdrChars @XdrMax(REMOTE_SECURITY_MODEL_MAX) String model,
            @XdrChars @XdrMax(REMOTE_SECURITY_DOI_MAX) String doi) { }

    /** remote_domain_attach_device_args. */
    public record DomainAttachDeviceArgs(NonnullDomain dom, String xml) { }

    /** remote_domain_attach_device_flags_args. */
    public record DomainAttachDeviceFlagsArgs(NonnullDomain dom, String xml, int flags) { }

    /** remote_domain_detach_device_args. */
    public record DomainDetachDeviceArgs(NonnullDomain dom, String xml) { }

    /** remote_domain_detach_device_flags_args. */
    public record DomainDetachDeviceFlagsArgs(NonnullDomain dom, String xml, int flags) { }

    /** remote_domain_update_device_flags_args. */
    public record DomainUpdateDeviceFlagsArgs(NonnullDomain dom, String xml, int flags) { }

    /** remote_domain_detach_device_alias_args. */
    public record DomainDetachDeviceAliasArgs(NonnullDomain dom, String alias, int flags) { }

    /** remote_domain_get_autostart_args. */
    public record DomainGetAutostartArgs(NonnullDomain dom) { }

    /** remote_domain_get_autostart_ret. */
    public record DomainGetAutostartRet(int autostart) { }

    /** remote_domain_set_autostart_args. */
    public record DomainSetAutostartArgs(NonnullDomain dom, int autostart) { }

    /** remote_domain_set_metadata_args. */
    public record DomainSetMetadataArgs(NonnullDomain dom, int type, @XdrOptional String metadata,
            @XdrOptional String key, @XdrOptional String uri, int flags) { }

    /** remote_domain_get_metadata_args. */
    public record DomainGetMetadataArgs(NonnullDomain dom, int type, @XdrOptional String uri,
            int flags) { }

    /** remote_domain_get_metadata_ret. */
    public record DomainGetMetadataRet(String metadata) { }

    /** remote_domain_block_job_abort_args. */
    public record DomainBlockJobAbortArgs(NonnullDomain dom, String path, int flags) { }

    /** remote_domain_get_block_job_info_args. */
    public record DomainGetBlockJobInfoArgs(NonnullDomain dom, String path, int flags) { }

    /** remote_domain_get_block_job_info_ret. */
    public record DomainGetBlockJobInfoRet(int found, int type, long bandwidth, long cur,
            long end) { }

    /** remote_domain_block_job_set_speed_args. */
    public record DomainBlockJobSetSpeedArgs(NonnullDomain dom, String path, long bandwidth,
            int flags) { }

    /** remote_domain_block_pull_args. */
    public record DomainBlockPullArgs(NonnullDomain dom, String path, long bandwidth, int flags) { }

    /** remote_domain_block_rebase_args. */
    public record DomainBlockRebaseArgs(NonnullDomain dom, String path, @XdrOptional String base,
            long bandwidth, int flags) { }

    /** remote_domain_block_copy_args. */
    public record DomainBlockCopyArgs(NonnullDomain dom, String path, String destxml,
            @XdrMax(REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_block_commit_args. */
    public record DomainBlockCommitArgs(NonnullDomain dom, String disk, @XdrOptional String base,
            @XdrOptional String top, long bandwidth, int flags) { }

    /** remote_domain_set_block_io_tune_args. */
    public record DomainSetBlockIoTuneArgs(NonnullDomain dom, String disk,
            @XdrMax(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX) List<TypedParam> params,
            int flags) { }

    /** remote_domain_get_block_io_tune_args. */
    public record DomainGetBlockIoTuneArgs(NonnullDomain dom, @XdrOptional String disk, int nparams,
            int flags) { }

    /** remote_domain_get_block_io_tune_ret. */
    public record DomainGetBlockIoTuneRet(
            @XdrMax(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX) List<TypedParam> params,
            int nparams) { }

    /** remote_domain_get_cpu_stats_args. */
    public record DomainGetCpuStatsArgs(NonnullDomain dom, int nparams, int start_cpu, int ncpus,
            int flags) { }

    /** remote_domain_get_cpu_stats_ret. */
    public record DomainGetCpuStatsRet(
            @XdrMax(REMOTE_DOMAIN_GET_CPU_STATS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_domain_get_hostname_args. */
    public record DomainGetHostnameArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_hostname_ret. */
    public record DomainGetHostnameRet(String hostname) { }

    /** remote_connect_num_of_networks_ret. */
    public record ConnectNumOfNetworksRet(int num) { }

    /** remote_connect_list_networks_args. */
    public record ConnectListNetworksArgs(int maxnames) { }

    /** remote_connect_list_networks_ret. */
    public record ConnectListNetworksRet(@XdrMax(REMOTE_NETWORK_LIST_MAX) List<String> names) { }

    /** remote_connect_num_of_defined_networks_ret. */
    public record ConnectNumOfDefinedNetworksRet(int num) { }

    /** remote_connect_list_defined_networks_args. */
    public record ConnectListDefinedNetworksArgs(int maxnames) { }

    /** remote_connect_list_defined_networks_ret. */
    public record ConnectListDefinedNetworksRet(
            @XdrMax(REMOTE_NETWORK_LIST_MAX) List<String> names) { }

    /** remote_network_lookup_by_uuid_args. */
    public record NetworkLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_network_lookup_by_uuid_ret. */
    public record NetworkLookupByUuidRet(NonnullNetwork net) { }

    /** remote_network_lookup_by_name_args. */
    public record NetworkLookupByNameArgs(String name) { }

    /** remote_network_lookup_by_name_ret. */
    public record NetworkLookupByNameRet(NonnullNetwork net) { }

    /** remote_network_create_xml_args. */
    public record NetworkCreateXmlArgs(String xml) { }

    /** remote_network_create_xml_ret. */
    public record NetworkCreateXmlRet(NonnullNetwork net) { }

    /** remote_network_create_xml_flags_args. */
    public record NetworkCreateXmlFlagsArgs(String xml, int flags) { }

    /** remote_network_create_xml_flags_ret. */
    public record NetworkCreateXmlFlagsRet(NonnullNetwork net) { }

    /** remote_network_define_xml_args. */
    public record NetworkDefineXmlArgs(String xml) { }

    /** remote_network_define_xml_ret. */
    public record NetworkDefineXmlRet(NonnullNetwork net) { }

    /** remote_network_define_xml_flags_args. */
    public record NetworkDefineXmlFlagsArgs(String xml, int flags) { }

    /** remote_network_define_xml_flags_ret. */
    public record NetworkDefineXmlFlagsRet(NonnullNetwork net) { }

    /** remote_network_undefine_args. */
    public record NetworkUndefineArgs(NonnullNetwork net) { }

    /** remote_network_update_args. */
    public record NetworkUpdateArgs(NonnullNetwork net, int command, int section, int parentIndex,
            String xml, int flags) { }

    /** remote_network_create_args. */
    public record NetworkCreateArgs(NonnullNetwork net) { }

    /** remote_network_destroy_args. */
    public record NetworkDestroyArgs(NonnullNetwork net) { }

    /** remote_network_get_xml_desc_args. */
    public record NetworkGetXmlDescArgs(NonnullNetwork net, int flags) { }

    /** remote_network_get_xml_desc_ret. */
    public record NetworkGetXmlDescRet(String xml) { }

    /** remote_network_get_bridge_name_args. */
    public record NetworkGetBridgeNameArgs(NonnullNetwork net) { }

    /** remote_network_get_bridge_name_ret. */
    public record NetworkGetBridgeNameRet(String name) { }

    /** remote_network_get_autostart_args. */
    public record NetworkGetAutostartArgs(NonnullNetwork net) { }

    /** remote_network_get_autostart_ret. */
    public record NetworkGetAutostartRet(int autostart) { }

    /** remote_network_set_autostart_args. */
    public record NetworkSetAutostartArgs(NonnullNetwork net, int autostart) { }

    /** remote_connect_num_of_nwfilters_ret. */
    public record ConnectNumOfNwfiltersRet(int num) { }

    /** remote_connect_list_nwfilters_args. */
    public record ConnectListNwfiltersArgs(int maxnames) { }

    /** remote_connect_list_nwfilters_ret. */
    public record ConnectListNwfiltersRet(@XdrMax(REMOTE_NWFILTER_LIST_MAX) List<String> names) { }

    /** remote_nwfilter_lookup_by_uuid_args. */
    public record NwfilterLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_nwfilter_lookup_by_uuid_ret. */
    public record NwfilterLookupByUuidRet(NonnullNwfilter nwfilter) { }

    /** remote_nwfilter_lookup_by_name_args. */
    public record NwfilterLookupByNameArgs(String name) { }

    /** remote_nwfilter_lookup_by_name_ret. */
    public record NwfilterLookupByNameRet(NonnullNwfilter nwfilter) { }

    /** remote_nwfilter_define_xml_args. */
    public record NwfilterDefineXmlArgs(String xml) { }

    /** remote_nwfilter_define_xml_ret. */
    public record NwfilterDefineXmlRet(NonnullNwfilter nwfilter) { }

    /** remote_nwfilter_define_xml_flags_args. */
    public record NwfilterDefineXmlFlagsArgs(String xml, int flags) { }

    /** remote_nwfilter_define_xml_flags_ret. */
    public record NwfilterDefineXmlFlagsRet(NonnullNwfilter nwfilter) { }

    /** remote_nwfilter_undefine_args. */
    public record NwfilterUndefineArgs(NonnullNwfilter nwfilter) { }

    /** remote_nwfilter_get_xml_desc_args. */
    public record NwfilterGetXmlDescArgs(NonnullNwfilter nwfilter, int flags) { }

    /** remote_nwfilter_get_xml_desc_ret. */
    public record NwfilterGetXmlDescRet(String xml) { }

    /** remote_connect_num_of_interfaces_ret. */
    public record ConnectNumOfInterfacesRet(int num) { }

    /** remote_connect_list_interfaces_args. */
    public record ConnectListInterfacesArgs(int maxnames) { }

    /** remote_connect_list_interfaces_ret. */
    public record ConnectListInterfacesRet(
            @XdrMax(REMOTE_INTERFACE_LIST_MAX) List<String> names) { }

    /** remote_connect_num_of_defined_interfaces_ret. */
    public record ConnectNumOfDefinedInterfacesRet(int num) { }

    /** remote_connect_list_defined_interfaces_args. */
    public record ConnectListDefinedInterfacesArgs(int maxnames) { }

    /** remote_connect_list_defined_interfaces_ret. */
    public record ConnectListDefinedInterfacesRet(
            @XdrMax(REMOTE_INTERFACE_LIST_MAX) List<String> names) { }

    /** remote_interface_lookup_by_name_args. */
    public record InterfaceLookupByNameArgs(String name) { }

    /** remote_interface_lookup_by_name_ret. */
    public record InterfaceLookupByNameRet(NonnullInterface iface) { }

    /** remote_interface_lookup_by_mac_string_args. */
    public record InterfaceLookupByMacStringArgs(String mac) { }

    /** remote_interface_lookup_by_mac_string_ret. */
    public record InterfaceLookupByMacStringRet(NonnullInterface iface) { }

    /** remote_interface_get_xml_desc_args. */
    public record InterfaceGetXmlDescArgs(NonnullInterface iface, int flags) { }

    /** remote_interface_get_xml_desc_ret. */
    public record InterfaceGetXmlDescRet(String xml) { }

    /** remote_interface_define_xml_args. */
    public record InterfaceDefineXmlArgs(String xml, int flags) { }

    /** remote_interface_define_xml_ret. */
    public record InterfaceDefineXmlRet(NonnullInterface iface) { }

    /** remote_interface_undefine_args. */
    public record InterfaceUndefineArgs(NonnullInterface iface) { }

    /** remote_interface_create_args. */
    public record InterfaceCreateArgs(NonnullInterface iface, int flags) { }

    /** remote_interface_destroy_args. */
    public record InterfaceDestroyArgs(NonnullInterface iface, int flags) { }

    /** remote_interface_change_begin_args. */
    public record InterfaceChangeBeginArgs(int flags) { }

    /** remote_interface_change_commit_args. */
    public record InterfaceChangeCommitArgs(int flags) { }

    /** remote_interface_change_rollback_args. */
    public record InterfaceChangeRollbackArgs(int flags) { }

    /** remote_auth_list_ret. Elements are remote_auth_type: 0 NONE, 1 SASL, 2 POLKIT. */
    public record AuthListRet(@XdrMax(REMOTE_AUTH_TYPE_LIST_MAX) List<Integer> types) { }

    /** remote_auth_sasl_init_ret. */
    public record AuthSaslInitRet(String mechlist) { }

    /** remote_auth_sasl_start_args. */
    public record AuthSaslStartArgs(String mech, int nil,
            @XdrChars @XdrMax(REMOTE_AUTH_SASL_DATA_MAX) byte[] data) { }

    /** remote_auth_sasl_start_ret. */
    public record AuthSaslStartRet(int complete, int nil,
            @XdrChars @XdrMax(REMOTE_AUTH_SASL_DATA_MAX) byte[] data) { }

    /** remote_auth_sasl_step_args. */
    public record AuthSaslStepArgs(int nil,
            @XdrChars @XdrMax(REMOTE_AUTH_SASL_DATA_MAX) byte[] data) { }

    /** remote_auth_sasl_step_ret. */
    public record AuthSaslStepRet(int complete, int nil,
            @XdrChars @XdrMax(REMOTE_AUTH_SASL_DATA_MAX) byte[] data) { }

    /** remote_auth_polkit_ret. */
    public record AuthPolkitRet(int complete) { }

    /** remote_connect_num_of_storage_pools_ret. */
    public record ConnectNumOfStoragePoolsRet(int num) { }

    /** remote_connect_list_storage_pools_args. */
    public record ConnectListStoragePoolsArgs(int maxnames) { }

    /** remote_connect_list_storage_pools_ret. */
    public record ConnectListStoragePoolsRet(
            @XdrMax(REMOTE_STORAGE_POOL_LIST_MAX) List<String> names) { }

    /** remote_connect_num_of_defined_storage_pools_ret. */
    public record ConnectNumOfDefinedStoragePoolsRet(int num) { }

    /** remote_connect_list_defined_storage_pools_args. */
    public record ConnectListDefinedStoragePoolsArgs(int maxnames) { }

    /** remote_connect_list_defined_storage_pools_ret. */
    public record ConnectListDefinedStoragePoolsRet(
            @XdrMax(REMOTE_STORAGE_POOL_LIST_MAX) List<String> names) { }

    /** remote_connect_find_storage_pool_sources_args. */
    public record ConnectFindStoragePoolSourcesArgs(String type, @XdrOptional String srcSpec,
            int flags) { }

    /** remote_connect_find_storage_pool_sources_ret. */
    public record ConnectFindStoragePoolSourcesRet(String xml) { }

    /** remote_storage_pool_lookup_by_uuid_args. */
    public record StoragePoolLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_storage_pool_lookup_by_uuid_ret. */
    public record StoragePoolLookupByUuidRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_lookup_by_name_args. */
    public record StoragePoolLookupByNameArgs(String name) { }

    /** remote_storage_pool_lookup_by_name_ret. */
    public record StoragePoolLookupByNameRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_lookup_by_volume_args. */
    public record StoragePoolLookupByVolumeArgs(NonnullStorageVol vol) { }

    /** remote_storage_pool_lookup_by_volume_ret. */
    public record StoragePoolLookupByVolumeRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_lookup_by_target_path_args. */
    public record StoragePoolLookupByTargetPathArgs(String path) { }

    /** remote_storage_pool_lookup_by_target_path_ret. */
    public record StoragePoolLookupByTargetPathRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_create_xml_args. */
    public record StoragePoolCreateXmlArgs(String xml, int flags) { }

    /** remote_storage_pool_create_xml_ret. */
    public record StoragePoolCreateXmlRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_define_xml_args. */
    public record StoragePoolDefineXmlArgs(String xml, int flags) { }

    /** remote_storage_pool_define_xml_ret. */
    public record StoragePoolDefineXmlRet(NonnullStoragePool pool) { }

    /** remote_storage_pool_build_args. */
    public record StoragePoolBuildArgs(NonnullStoragePool pool, int flags) { }

    /** remote_storage_pool_undefine_args. */
    public record StoragePoolUndefineArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_create_args. */
    public record StoragePoolCreateArgs(NonnullStoragePool pool, int flags) { }

    /** remote_storage_pool_destroy_args. */
    public record StoragePoolDestroyArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_delete_args. */
    public record StoragePoolDeleteArgs(NonnullStoragePool pool, int flags) { }

    /** remote_storage_pool_refresh_args. */
    public record StoragePoolRefreshArgs(NonnullStoragePool pool, int flags) { }

    /** remote_storage_pool_get_xml_desc_args. */
    public record StoragePoolGetXmlDescArgs(NonnullStoragePool pool, int flags) { }

    /** remote_storage_pool_get_xml_desc_ret. */
    public record StoragePoolGetXmlDescRet(String xml) { }

    /** remote_storage_pool_get_info_args. */
    public record StoragePoolGetInfoArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_get_info_ret. */
    public record StoragePoolGetInfoRet(int state, long capacity, long allocation,
            long available) { }

    /** remote_storage_pool_get_autostart_args. */
    public record StoragePoolGetAutostartArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_get_autostart_ret. */
    public record StoragePoolGetAutostartRet(int autostart) { }

    /** remote_storage_pool_set_autostart_args. */
    public record StoragePoolSetAutostartArgs(NonnullStoragePool pool, int autostart) { }

    /** remote_storage_pool_num_of_volumes_args. */
    public record StoragePoolNumOfVolumesArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_num_of_volumes_ret. */
    public record StoragePoolNumOfVolumesRet(int num) { }

    /** remote_storage_pool_list_volumes_args. */
    public record StoragePoolListVolumesArgs(NonnullStoragePool pool, int maxnames) { }

    /** remote_storage_pool_list_volumes_ret. */
    public record StoragePoolListVolumesRet(
            @XdrMax(REMOTE_STORAGE_VOL_LIST_MAX) List<String> names) { }

    /** remote_storage_vol_lookup_by_name_args. */
    public record StorageVolLookupByNameArgs(NonnullStoragePool pool, String name) { }

    /** remote_storage_vol_lookup_by_name_ret. */
    public record StorageVolLookupByNameRet(NonnullStorageVol vol) { }

    /** remote_storage_vol_lookup_by_key_args. */
    public record StorageVolLookupByKeyArgs(String key) { }

    /** remote_storage_vol_lookup_by_key_ret. */
    public record StorageVolLookupByKeyRet(NonnullStorageVol vol) { }

    /** remote_storage_vol_lookup_by_path_args. */
    public record StorageVolLookupByPathArgs(String path) { }

    /** remote_storage_vol_lookup_by_path_ret. */
    public record StorageVolLookupByPathRet(NonnullStorageVol vol) { }

    /** remote_storage_vol_create_xml_args. */
    public record StorageVolCreateXmlArgs(NonnullStoragePool pool, String xml, int flags) { }

    /** remote_storage_vol_create_xml_ret. */
    public record StorageVolCreateXmlRet(NonnullStorageVol vol) { }

    /** remote_storage_vol_create_xml_from_args. */
    public record StorageVolCreateXmlFromArgs(NonnullStoragePool pool, String xml,
            NonnullStorageVol clonevol, int flags) { }

    /** remote_storage_vol_create_xml_from_ret. */
    public record StorageVolCreateXmlFromRet(NonnullStorageVol vol) { }

    /** remote_storage_vol_delete_args. */
    public record StorageVolDeleteArgs(NonnullStorageVol vol, int flags) { }

    /** remote_storage_vol_wipe_args. */
    public record StorageVolWipeArgs(NonnullStorageVol vol, int flags) { }

    /** remote_storage_vol_wipe_pattern_args. */
    public record StorageVolWipePatternArgs(NonnullStorageVol vol, int algorithm, int flags) { }

    /** remote_storage_vol_get_xml_desc_args. */
    public record StorageVolGetXmlDescArgs(NonnullStorageVol vol, int flags) { }

    /** remote_storage_vol_get_xml_desc_ret. */
    public record StorageVolGetXmlDescRet(String xml) { }

    /** remote_storage_vol_get_info_args. */
    public record StorageVolGetInfoArgs(NonnullStorageVol vol) { }

    /** remote_storage_vol_get_info_ret. */
    public record StorageVolGetInfoRet(int type, long capacity, long allocation) { }

    /** remote_storage_vol_get_info_flags_args. */
    public record StorageVolGetInfoFlagsArgs(NonnullStorageVol vol, int flags) { }

    /** remote_storage_vol_get_info_flags_ret. */
    public record StorageVolGetInfoFlagsRet(int type, long capacity, long allocation) { }

    /** remote_storage_vol_get_path_args. */
    public record StorageVolGetPathArgs(NonnullStorageVol vol) { }

    /** remote_storage_vol_get_path_ret. */
    public record StorageVolGetPathRet(String name) { }

    /** remote_storage_vol_resize_args. */
    public record StorageVolResizeArgs(NonnullStorageVol vol, long capacity, int flags) { }

    /** remote_node_num_of_devices_args. */
    public record NodeNumOfDevicesArgs(@XdrOptional String cap, int flags) { }

    /** remote_node_num_of_devices_ret. */
    public record NodeNumOfDevicesRet(int num) { }

    /** remote_node_list_devices_args. */
    public record NodeListDevicesArgs(@XdrOptional String cap, int maxnames, int flags) { }

    /** remote_node_list_devices_ret. */
    public record NodeListDevicesRet(@XdrMax(REMOTE_NODE_DEVICE_LIST_MAX) List<String> names) { }

    /** remote_node_device_lookup_by_name_args. */
    public record NodeDeviceLookupByNameArgs(String name) { }

    /** remote_node_device_lookup_by_name_ret. */
    public record NodeDeviceLookupByNameRet(NonnullNodeDevice dev) { }

    /** remote_node_device_lookup_scsi_host_by_wwn_args. */
    public record NodeDeviceLookupScsiHostByWwnArgs(String wwnn, String wwpn, int flags) { }

    /** remote_node_device_lookup_scsi_host_by_wwn_ret. */
    public record NodeDeviceLookupScsiHostByWwnRet(NonnullNodeDevice dev) { }

    /** remote_node_device_get_xml_desc_args. */
    public record NodeDeviceGetXmlDescArgs(String name, int flags) { }

    /** remote_node_device_get_xml_desc_ret. */
    public record NodeDeviceGetXmlDescRet(String xml) { }

    /** remote_node_device_get_parent_args. */
    public record NodeDeviceGetParentArgs(String name) { }

    /** remote_node_device_get_parent_ret. */
    public record NodeDeviceGetParentRet(@XdrOptional String parentName) { }

    /** remote_node_device_num_of_caps_args. */
    public record NodeDeviceNumOfCapsArgs(String name) { }

    /** remote_node_device_num_of_caps_ret. */
    public record NodeDeviceNumOfCapsRet(int num) { }

    /** remote_node_device_list_caps_args. */
    public record NodeDeviceListCapsArgs(String name, int maxnames) { }

    /** remote_node_device_list_caps_ret. */
    public record NodeDeviceListCapsRet(
            @XdrMax(REMOTE_NODE_DEVICE_CAPS_LIST_MAX) List<String> names) { }

    /** remote_node_device_dettach_args. */
    public record NodeDeviceDettachArgs(String name) { }

    /** remote_node_device_detach_flags_args. */
    public record NodeDeviceDetachFlagsArgs(String name, @XdrOptional String driverName,
            int flags) { }

    /** remote_node_device_re_attach_args. */
    public record NodeDeviceReAttachArgs(String name) { }

    /** remote_node_device_reset_args. */
    public record NodeDeviceResetArgs(String name) { }

    /** remote_node_device_create_xml_args. */
    public record NodeDeviceCreateXmlArgs(String xml_desc, int flags) { }

    /** remote_node_device_create_xml_ret. */
    public record NodeDeviceCreateXmlRet(NonnullNodeDevice dev) { }

    /** remote_node_device_destroy_args. */
    public record NodeDeviceDestroyArgs(String name) { }

    /** remote_node_device_define_xml_args. */
    public record NodeDeviceDefineXmlArgs(String xml_desc, int flags) { }

    /** remote_node_device_define_xml_ret. */
    public record NodeDeviceDefineXmlRet(NonnullNodeDevice dev) { }

    /** remote_node_device_undefine_args. */
    public record NodeDeviceUndefineArgs(String name, int flags) { }

    /** remote_node_device_create_args. */
    public record NodeDeviceCreateArgs(String name, int flags) { }

    /** remote_node_device_get_autostart_args. */
    public record NodeDeviceGetAutostartArgs(String name) { }

    /** remote_node_device_get_autostart_ret. */
    public record NodeDeviceGetAutostartRet(int autostart) { }

    /** remote_node_device_set_autostart_args. */
    public record NodeDeviceSetAutostartArgs(String name, int autostart) { }

    /** remote_node_device_is_persistent_args. */
    public record NodeDeviceIsPersistentArgs(String name) { }

    /** remote_node_device_is_persistent_ret. */
    public record NodeDeviceIsPersistentRet(int persistent) { }

    /** remote_node_device_is_active_args. */
    public record NodeDeviceIsActiveArgs(String name) { }

    /** remote_node_device_is_active_ret. */
    public record NodeDeviceIsActiveRet(int active) { }

    /** remote_connect_domain_event_register_ret. */
    public record ConnectDomainEventRegisterRet(int cb_registered) { }

    /** remote_connect_domain_event_deregister_ret. */
    public record ConnectDomainEventDeregisterRet(int cb_registered) { }

    /** remote_domain_event_lifecycle_msg. */
    public record DomainEventLifecycleMsg(NonnullDomain dom, int event, int detail) { }

    /**
     * remote_domain_event_callback_lifecycle_msg. callbackID names the client's registration; msg
     * is the legacy lifecycle body.
     */
    public record DomainEventCallbackLifecycleMsg(int callbackID, DomainEventLifecycleMsg msg) { }

    /** remote_connect_domain_xml_from_native_args. */
    public record ConnectDomainXmlFromNativeArgs(String nativeFormat, String nativeConfig,
            int flags) { }

    /** remote_connect_domain_xml_from_native_ret. */
    public record ConnectDomainXmlFromNativeRet(String domainXml) { }

    /** remote_connect_domain_xml_to_native_args. */
    public record ConnectDomainXmlToNativeArgs(String nativeFormat, String domainXml, int flags) { }

    /** remote_connect_domain_xml_to_native_ret. */
    public record ConnectDomainXmlToNativeRet(String nativeConfig) { }

    /** remote_connect_num_of_secrets_ret. */
    public record ConnectNumOfSecretsRet(int num) { }

    /** remote_connect_list_secrets_args. */
    public record ConnectListSecretsArgs(int maxuuids) { }

    /** remote_connect_list_secrets_ret. */
    public record ConnectListSecretsRet(@XdrMax(REMOTE_SECRET_LIST_MAX) List<String> uuids) { }

    /** remote_secret_lookup_by_uuid_args. */
    public record SecretLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_secret_lookup_by_uuid_ret. */
    public record SecretLookupByUuidRet(NonnullSecret secret) { }

    /** remote_secret_define_xml_args. */
    public record SecretDefineXmlArgs(String xml, int flags) { }

    /** remote_secret_define_xml_ret. */
    public record SecretDefineXmlRet(NonnullSecret secret) { }

    /** remote_secret_get_xml_desc_args. */
    public record SecretGetXmlDescArgs(NonnullSecret secret, int flags) { }

    /** remote_secret_get_xml_desc_ret. */
    public record SecretGetXmlDescRet(String xml) { }

    /** remote_secret_set_value_args. */
    public record SecretSetValueArgs(NonnullSecret secret,
            @XdrMax(REMOTE_SECRET_VALUE_MAX) byte[] value, int flags) { }

    /** remote_secret_get_value_args. */
    public record SecretGetValueArgs(NonnullSecret secret, int flags) { }

    /** remote_secret_get_value_ret. */
    public record SecretGetValueRet(@XdrMax(REMOTE_SECRET_VALUE_MAX) byte[] value) { }

    /** remote_secret_undefine_args. */
    public record SecretUndefineArgs(NonnullSecret secret) { }

    /** remote_secret_lookup_by_usage_args. */
    public record SecretLookupByUsageArgs(int usageType, String usageID) { }

    /** remote_secret_lookup_by_usage_ret. */
    public record SecretLookupByUsageRet(NonnullSecret secret) { }

    /** remote_domain_migrate_prepare_tunnel_args. */
    public record DomainMigratePrepareTunnelArgs(long flags, @XdrOptional String dname,
            long resource, String dom_xml) { }

    /** remote_connect_is_secure_ret. */
    public record ConnectIsSecureRet(int secure) { }

    /** remote_domain_is_active_args. */
    public record DomainIsActiveArgs(NonnullDomain dom) { }

    /** remote_domain_is_active_ret. */
    public record DomainIsActiveRet(int active) { }

    /** remote_domain_is_persistent_args. */
    public record DomainIsPersistentArgs(NonnullDomain dom) { }

    /** remote_domain_is_persistent_ret. */
    public record DomainIsPersistentRet(int persistent) { }

    /** remote_domain_is_updated_args. */
    public record DomainIsUpdatedArgs(NonnullDomain dom) { }

    /** remote_domain_is_updated_ret. */
    public record DomainIsUpdatedRet(int updated) { }

    /** remote_network_is_active_args. */
    public record NetworkIsActiveArgs(NonnullNetwork net) { }

    /** remote_network_is_active_ret. */
    public record NetworkIsActiveRet(int active) { }

    /** remote_network_is_persistent_args. */
    public record NetworkIsPersistentArgs(NonnullNetwork net) { }

    /** remote_network_is_persistent_ret. */
    public record NetworkIsPersistentRet(int persistent) { }

    /** remote_storage_pool_is_active_args. */
    public record StoragePoolIsActiveArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_is_active_ret. */
    public record StoragePoolIsActiveRet(int active) { }

    /** remote_storage_pool_is_persistent_args. */
    public record StoragePoolIsPersistentArgs(NonnullStoragePool pool) { }

    /** remote_storage_pool_is_persistent_ret. */
    public record StoragePoolIsPersistentRet(int persistent) { }

    /** remote_interface_is_active_args. */
    public record InterfaceIsActiveArgs(NonnullInterface iface) { }

    /** remote_interface_is_active_ret. */
    public record InterfaceIsActiveRet(int active) { }

    /** remote_connect_compare_cpu_args. */
    public record ConnectCompareCpuArgs(String xml, int flags) { }

    /** remote_connect_compare_cpu_ret. */
    public record ConnectCompareCpuRet(int result) { }

    /** remote_connect_baseline_cpu_args. */
    public record ConnectBaselineCpuArgs(@XdrMax(REMOTE_CPU_BASELINE_MAX) List<String> xmlCPUs,
            int flags) { }

    /** remote_connect_baseline_cpu_ret. */
    public record ConnectBaselineCpuRet(String cpu) { }

    /** remote_domain_get_job_info_args. */
    public record DomainGetJobInfoArgs(NonnullDomain dom) { }

    /** remote_domain_get_job_info_ret. */
    public record DomainGetJobInfoRet(int type, long timeElapsed, long timeRemaining,
            long dataTotal, long dataProcessed, long dataRemaining, long memTotal,
            long memProcessed, long memRemaining, long fileTotal, long fileProcessed,
            long fileRemaining) { }

    /** remote_domain_get_job_stats_args. */
    public record DomainGetJobStatsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_job_stats_ret. */
    public record DomainGetJobStatsRet(int type,
            @XdrMax(REMOTE_DOMAIN_JOB_STATS_MAX) List<TypedParam> params) { }

    /** remote_domain_abort_job_args. */
    public record DomainAbortJobArgs(NonnullDomain dom) { }

    /** remote_domain_abort_job_flags_args. */
    public record DomainAbortJobFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_migrate_get_max_downtime_args. */
    public record DomainMigrateGetMaxDowntimeArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_migrate_get_max_downtime_ret. */
    public record DomainMigrateGetMaxDowntimeRet(long downtime) { }

    /** remote_domain_migrate_set_max_downtime_args. */
    public record DomainMigrateSetMaxDowntimeArgs(NonnullDomain dom, long downtime, int flags) { }

    /** remote_domain_migrate_get_compression_cache_args. */
    public record DomainMigrateGetCompressionCacheArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_migrate_get_compression_cache_ret. */
    public record DomainMigrateGetCompressionCacheRet(long cacheSize) { }

    /** remote_domain_migrate_set_compression_cache_args. */
    public record DomainMigrateSetCompressionCacheArgs(NonnullDomain dom, long cacheSize,
            int flags) { }

    /** remote_domain_migrate_set_max_speed_args. */
    public record DomainMigrateSetMaxSpeedArgs(NonnullDomain dom, long bandwidth, int flags) { }

    /** remote_domain_migrate_get_max_speed_args. */
    public record DomainMigrateGetMaxSpeedArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_migrate_get_max_speed_ret. */
    public record DomainMigrateGetMaxSpeedRet(long bandwidth) { }

    /** remote_connect_domain_event_register_any_args. */
    public record ConnectDomainEventRegisterAnyArgs(int eventID) { }

    /** remote_connect_domain_event_deregister_any_args. */
    public record ConnectDomainEventDeregisterAnyArgs(int eventID) { }

    /** remote_connect_domain_event_callback_register_any_args. */
    public record ConnectDomainEventCallbackRegisterAnyArgs(int eventID,
            @XdrOptional NonnullDomain dom) { }

    /** remote_connect_domain_event_callback_register_any_ret. */
    public record ConnectDomainEventCallbackRegisterAnyRet(int callbackID) { }

    /** remote_connect_domain_event_callback_deregister_any_args. */
    public record ConnectDomainEventCallbackDeregisterAnyArgs(int callbackID) { }

    /** remote_domain_event_reboot_msg. */
    public record DomainEventRebootMsg(NonnullDomain dom) { }

    /** remote_domain_event_callback_reboot_msg. */
    public record DomainEventCallbackRebootMsg(int callbackID, DomainEventRebootMsg msg) { }

    /** remote_domain_event_rtc_change_msg. */
    public record DomainEventRtcChangeMsg(NonnullDomain dom, long offset) { }

    /** remote_domain_event_callback_rtc_change_msg. */
    public record DomainEventCallbackRtcChangeMsg(int callbackID, DomainEventRtcChangeMsg msg) { }

    /** remote_domain_event_watchdog_msg. */
    public record DomainEventWatchdogMsg(NonnullDomain dom, int action) { }

    /** remote_domain_event_callback_watchdog_msg. */
    public record DomainEventCallbackWatchdogMsg(int callbackID, DomainEventWatchdogMsg msg) { }

    /** remote_domain_event_io_error_msg. */
    public record DomainEventIoErrorMsg(NonnullDomain dom, String srcPath, String devAlias,
            int action) { }

    /** remote_domain_event_callback_io_error_msg. */
    public record DomainEventCallbackIoErrorMsg(int callbackID, DomainEventIoErrorMsg msg) { }

    /** remote_domain_event_io_error_reason_msg. */
    public record DomainEventIoErrorReasonMsg(NonnullDomain dom, String srcPath, String devAlias,
            int action, String reason) { }

    /** remote_domain_event_callback_io_error_reason_msg. */
    public record DomainEventCallbackIoErrorReasonMsg(int callbackID,
            DomainEventIoErrorReasonMsg msg) { }

    /** remote_domain_event_graphics_address. */
    public record DomainEventGraphicsAddress(int family, String node, String service) { }

    /** remote_domain_event_graphics_identity. */
    public record DomainEventGraphicsIdentity(String type, String name) { }

    /** remote_domain_event_graphics_msg. */
    public record DomainEventGraphicsMsg(NonnullDomain dom, int phase,
            DomainEventGraphicsAddress local, DomainEventGraphicsAddress remote, String authScheme,
            @XdrMax(REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX)
            List<DomainEventGraphicsIdentity> subject) { }

    /** remote_domain_event_callback_graphics_msg. */
    public record DomainEventCallbackGraphicsMsg(int callbackID, DomainEventGraphicsMsg msg) { }

    /** remote_domain_event_block_job_msg. */
    public record DomainEventBlockJobMsg(NonnullDomain dom, String path, int type, int status) { }

    /** remote_domain_event_callback_block_job_msg. */
    public record DomainEventCallbackBlockJobMsg(int callbackID, DomainEventBlockJobMsg msg) { }

    /** remote_domain_event_disk_change_msg. */
    public record DomainEventDiskChangeMsg(NonnullDomain dom, @XdrOptional String oldSrcPath,
            @XdrOptional String newSrcPath, String devAlias, int reason) { }

    /** remote_domain_event_callback_disk_change_msg. */
    public record DomainEventCallbackDiskChangeMsg(int callbackID, DomainEventDiskChangeMsg msg) { }

    /** remote_domain_event_tray_change_msg. */
    public record DomainEventTrayChangeMsg(NonnullDomain dom, String devAlias, int reason) { }

    /** remote_domain_event_callback_tray_change_msg. */
    public record DomainEventCallbackTrayChangeMsg(int callbackID, DomainEventTrayChangeMsg msg) { }

    /** remote_domain_event_pmwakeup_msg. */
    public record DomainEventPmwakeupMsg(NonnullDomain dom) { }

    /** remote_domain_event_callback_pmwakeup_msg. */
    public record DomainEventCallbackPmwakeupMsg(int callbackID, int reason,
            DomainEventPmwakeupMsg msg) { }

    /** remote_domain_event_pmsuspend_msg. */
    public record DomainEventPmsuspendMsg(NonnullDomain dom) { }

    /** remote_domain_event_callback_pmsuspend_msg. */
    public record DomainEventCallbackPmsuspendMsg(int callbackID, int reason,
            DomainEventPmsuspendMsg msg) { }

    /** remote_domain_event_balloon_change_msg. */
    public record DomainEventBalloonChangeMsg(NonnullDomain dom, long actual) { }

    /** remote_domain_event_callback_balloon_change_msg. */
    public record DomainEventCallbackBalloonChangeMsg(int callbackID,
            DomainEventBalloonChangeMsg msg) { }

    /** remote_domain_event_pmsuspend_disk_msg. */
    public record DomainEventPmsuspendDiskMsg(NonnullDomain dom) { }

    /** remote_domain_event_callback_pmsuspend_disk_msg. */
    public record DomainEventCallbackPmsuspendDiskMsg(int callbackID, int reason,
            DomainEventPmsuspendDiskMsg msg) { }

    /** remote_domain_managed_save_args. */
    public record DomainManagedSaveArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_has_managed_save_image_args. */
    public record DomainHasManagedSaveImageArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_has_managed_save_image_ret. */
    public record DomainHasManagedSaveImageRet(int result) { }

    /** remote_domain_managed_save_remove_args. */
    public record DomainManagedSaveRemoveArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_managed_save_get_xml_desc_args. */
    public record DomainManagedSaveGetXmlDescArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_managed_save_get_xml_desc_ret. */
    public record DomainManagedSaveGetXmlDescRet(String xml) { }

    /** remote_domain_managed_save_define_xml_args. */
    public record DomainManagedSaveDefineXmlArgs(NonnullDomain dom, @XdrOptional String dxml,
            int flags) { }

    /** remote_domain_snapshot_create_xml_args. */
    public record DomainSnapshotCreateXmlArgs(NonnullDomain dom, String xml_desc, int flags) { }

    /** remote_domain_snapshot_create_xml_ret. */
    public record DomainSnapshotCreateXmlRet(NonnullDomainSnapshot snap) { }

    /** remote_domain_snapshot_get_xml_desc_args. */
    public record DomainSnapshotGetXmlDescArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_get_xml_desc_ret. */
    public record DomainSnapshotGetXmlDescRet(String xml) { }

    /** remote_domain_snapshot_num_args. */
    public record DomainSnapshotNumArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_snapshot_num_ret. */
    public record DomainSnapshotNumRet(int num) { }

    /** remote_domain_snapshot_list_names_args. */
    public record DomainSnapshotListNamesArgs(NonnullDomain dom, int maxnames, int flags) { }

    /** remote_domain_snapshot_list_names_ret. */
    public record DomainSnapshotListNamesRet(
            @XdrMax(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) List<String> names) { }

    /** remote_domain_list_all_snapshots_args. */
    public record DomainListAllSnapshotsArgs(NonnullDomain dom, int need_results, int flags) { }

    /** remote_domain_list_all_snapshots_ret. */
    public record DomainListAllSnapshotsRet(
            @XdrMax(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) List<NonnullDomainSnapshot> snapshots,
            int ret) { }

    /** remote_domain_snapshot_num_children_args. */
    public record DomainSnapshotNumChildrenArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_num_children_ret. */
    public record DomainSnapshotNumChildrenRet(int num) { }

    /** remote_domain_snapshot_list_children_names_args. */
    public record DomainSnapshotListChildrenNamesArgs(NonnullDomainSnapshot snap, int maxnames,
            int flags) { }

    /** remote_domain_snapshot_list_children_names_ret. */
    public record DomainSnapshotListChildrenNamesRet(
            @XdrMax(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) List<String> names) { }

    /** remote_domain_snapshot_list_all_children_args. */
    public record DomainSnapshotListAllChildrenArgs(NonnullDomainSnapshot snapshot,
            int need_results, int flags) { }

    /** remote_domain_snapshot_list_all_children_ret. */
    public record DomainSnapshotListAllChildrenRet(
            @XdrMax(REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) List<NonnullDomainSnapshot> snapshots,
            int ret) { }

    /** remote_domain_snapshot_lookup_by_name_args. */
    public record DomainSnapshotLookupByNameArgs(NonnullDomain dom, String name, int flags) { }

    /** remote_domain_snapshot_lookup_by_name_ret. */
    public record DomainSnapshotLookupByNameRet(NonnullDomainSnapshot snap) { }

    /** remote_domain_has_current_snapshot_args. */
    public record DomainHasCurrentSnapshotArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_has_current_snapshot_ret. */
    public record DomainHasCurrentSnapshotRet(int result) { }

    /** remote_domain_snapshot_get_parent_args. */
    public record DomainSnapshotGetParentArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_get_parent_ret. */
    public record DomainSnapshotGetParentRet(NonnullDomainSnapshot snap) { }

    /** remote_domain_snapshot_current_args. */
    public record DomainSnapshotCurrentArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_snapshot_current_ret. */
    public record DomainSnapshotCurrentRet(NonnullDomainSnapshot snap) { }

    /** remote_domain_snapshot_is_current_args. */
    public record DomainSnapshotIsCurrentArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_is_current_ret. */
    public record DomainSnapshotIsCurrentRet(int current) { }

    /** remote_domain_snapshot_has_metadata_args. */
    public record DomainSnapshotHasMetadataArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_has_metadata_ret. */
    public record DomainSnapshotHasMetadataRet(int metadata) { }

    /** remote_domain_revert_to_snapshot_args. */
    public record DomainRevertToSnapshotArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_snapshot_delete_args. */
    public record DomainSnapshotDeleteArgs(NonnullDomainSnapshot snap, int flags) { }

    /** remote_domain_open_console_args. */
    public record DomainOpenConsoleArgs(NonnullDomain dom, @XdrOptional String dev_name,
            int flags) { }

    /** remote_domain_open_channel_args. */
    public record DomainOpenChannelArgs(NonnullDomain dom, @XdrOptional String name, int flags) { }

    /** remote_storage_vol_upload_args. */
    public record StorageVolUploadArgs(NonnullStorageVol vol, long offset, long length,
            int flags) { }

    /** remote_storage_vol_download_args. */
    public record StorageVolDownloadArgs(NonnullStorageVol vol, long offset, long length,
            int flags) { }

    /** remote_domain_get_state_args. */
    public record DomainGetStateArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_state_ret. */
    public record DomainGetStateRet(int state, int reason) { }

    /** remote_domain_migrate_begin3_args. */
    public record DomainMigrateBegin3Args(NonnullDomain dom, @XdrOptional String xmlin, long flags,
            @XdrOptional String dname, long resource) { }

    /** remote_domain_migrate_begin3_ret. */
    public record DomainMigrateBegin3Ret(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out,
            String xml) { }

    /** remote_domain_migrate_prepare3_args. */
    public record DomainMigratePrepare3Args(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in,
            @XdrOptional String uri_in, long flags, @XdrOptional String dname, long resource,
            String dom_xml) { }

    /** remote_domain_migrate_prepare3_ret. */
    public record DomainMigratePrepare3Ret(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out,
            @XdrOptional String uri_out) { }

    /** remote_domain_migrate_prepare_tunnel3_args. */
    public record DomainMigratePrepareTunnel3Args(
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, long flags,
            @XdrOptional String dname, long resource, String dom_xml) { }

    /** remote_domain_migrate_prepare_tunnel3_ret. */
    public record DomainMigratePrepareTunnel3Ret(
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_perform3_args. */
    public record DomainMigratePerform3Args(NonnullDomain dom, @XdrOptional String xmlin,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, @XdrOptional String dconnuri,
            @XdrOptional String uri, long flags, @XdrOptional String dname, long resource) { }

    /** remote_domain_migrate_perform3_ret. */
    public record DomainMigratePerform3Ret(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_finish3_args. */
    public record DomainMigrateFinish3Args(String dname,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, @XdrOptional String dconnuri,
            @XdrOptional String uri, long flags, int cancelled) { }

    /** remote_domain_migrate_finish3_ret. */
    public record DomainMigrateFinish3Ret(NonnullDomain dom,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_confirm3_args. */
    public record DomainMigrateConfirm3Args(NonnullDomain dom,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, long flags, int cancelled) { }

    /** remote_domain_event_control_error_msg. */
    public record DomainEventControlErrorMsg(NonnullDomain dom) { }

    /** remote_domain_event_callback_control_error_msg. */
    public record DomainEventCallbackControlErrorMsg(int callbackID,
            DomainEventControlErrorMsg msg) { }

    /** remote_domain_get_control_info_args. */
    public record DomainGetControlInfoArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_control_info_ret. */
    public record DomainGetControlInfoRet(int state, int details, long stateTime) { }

    /** remote_domain_open_graphics_args. */
    public record DomainOpenGraphicsArgs(NonnullDomain dom, int idx, int flags) { }

    /** remote_domain_open_graphics_fd_args. */
    public record DomainOpenGraphicsFdArgs(NonnullDomain dom, int idx, int flags) { }

    /** remote_node_suspend_for_duration_args. */
    public record NodeSuspendForDurationArgs(int target, long duration, int flags) { }

    /** remote_domain_shutdown_flags_args. */
    public record DomainShutdownFlagsArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_disk_errors_args. */
    public record DomainGetDiskErrorsArgs(NonnullDomain dom, int maxerrors, int flags) { }

    /** remote_domain_get_disk_errors_ret. */
    public record DomainGetDiskErrorsRet(
            @XdrMax(REMOTE_DOMAIN_DISK_ERRORS_MAX) List<DomainDiskError> errors, int nerrors) { }

    /**
     * remote_connect_list_all_domains_args. flags: VIR_CONNECT_LIST_DOMAINS_* (1 ACTIVE, 2
     * INACTIVE, ...).
     */
    public record ConnectListAllDomainsArgs(int need_results, int flags) { }

    /** remote_connect_list_all_domains_ret. */
    public record ConnectListAllDomainsRet(
            @XdrMax(REMOTE_DOMAIN_LIST_MAX) List<NonnullDomain> domains, int ret) { }

    /** remote_connect_list_all_storage_pools_args. */
    public record ConnectListAllStoragePoolsArgs(int need_results, int flags) { }

    /** remote_connect_list_all_storage_pools_ret. */
    public record ConnectListAllStoragePoolsRet(
            @XdrMax(REMOTE_STORAGE_POOL_LIST_MAX) List<NonnullStoragePool> pools, int ret) { }

    /** remote_storage_pool_list_all_volumes_args. */
    public record StoragePoolListAllVolumesArgs(NonnullStoragePool pool, int need_results,
            int flags) { }

    /** remote_storage_pool_list_all_volumes_ret. */
    public record StoragePoolListAllVolumesRet(
            @XdrMax(REMOTE_STORAGE_VOL_LIST_MAX) List<NonnullStorageVol> vols, int ret) { }

    /** remote_connect_list_all_networks_args. */
    public record ConnectListAllNetworksArgs(int need_results, int flags) { }

    /** remote_connect_list_all_networks_ret. */
    public record ConnectListAllNetworksRet(
            @XdrMax(REMOTE_NETWORK_LIST_MAX) List<NonnullNetwork> nets, int ret) { }

    /** remote_connect_list_all_interfaces_args. */
    public record ConnectListAllInterfacesArgs(int need_results, int flags) { }

    /** remote_connect_list_all_interfaces_ret. */
    public record ConnectListAllInterfacesRet(
            @XdrMax(REMOTE_INTERFACE_LIST_MAX) List<NonnullInterface> ifaces, int ret) { }

    /** remote_connect_list_all_node_devices_args. */
    public record ConnectListAllNodeDevicesArgs(int need_results, int flags) { }

    /** remote_connect_list_all_node_devices_ret. */
    public record ConnectListAllNodeDevicesRet(
            @XdrMax(REMOTE_NODE_DEVICE_LIST_MAX) List<NonnullNodeDevice> devices, int ret) { }

    /** remote_connect_list_all_nwfilters_args. */
    public record ConnectListAllNwfiltersArgs(int need_results, int flags) { }

    /** remote_connect_list_all_nwfilters_ret. */
    public record ConnectListAllNwfiltersRet(
            @XdrMax(REMOTE_NWFILTER_LIST_MAX) List<NonnullNwfilter> filters, int ret) { }

    /** remote_connect_list_all_secrets_args. */
    public record ConnectListAllSecretsArgs(int need_results, int flags) { }

    /** remote_connect_list_all_secrets_ret. */
    public record ConnectListAllSecretsRet(
            @XdrMax(REMOTE_SECRET_LIST_MAX) List<NonnullSecret> secrets, int ret) { }

    /** remote_node_set_memory_parameters_args. */
    public record NodeSetMemoryParametersArgs(
            @XdrMax(REMOTE_NODE_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_node_get_memory_parameters_args. */
    public record NodeGetMemoryParametersArgs(int nparams, int flags) { }

    /** remote_node_get_memory_parameters_ret. */
    public record NodeGetMemoryParametersRet(
            @XdrMax(REMOTE_NODE_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_node_get_cpu_map_args. */
    public record NodeGetCpuMapArgs(int need_map, int need_online, int flags) { }

    /** remote_node_get_cpu_map_ret. */
    public record NodeGetCpuMapRet(@XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap, int online,
            int ret) { }

    /** remote_domain_fstrim_args. */
    public record DomainFstrimArgs(NonnullDomain dom, @XdrOptional String mountPoint, long minimum,
            int flags) { }

    /** remote_domain_get_time_args. */
    public record DomainGetTimeArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_time_ret. */
    public record DomainGetTimeRet(long seconds, int nseconds) { }

    /** remote_domain_set_time_args. */
    public record DomainSetTimeArgs(NonnullDomain dom, long seconds, int nseconds, int flags) { }

    /** remote_domain_migrate_begin3_params_args. */
    public record DomainMigrateBegin3ParamsArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_migrate_begin3_params_ret. */
    public record DomainMigrateBegin3ParamsRet(@XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out,
            String xml) { }

    /** remote_domain_migrate_prepare3_params_args. */
    public record DomainMigratePrepare3ParamsArgs(
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, int flags) { }

    /** remote_domain_migrate_prepare3_params_ret. */
    public record DomainMigratePrepare3ParamsRet(
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out, @XdrOptional String uri_out) { }

    /** remote_domain_migrate_prepare_tunnel3_params_args. */
    public record DomainMigratePrepareTunnel3ParamsArgs(
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, int flags) { }

    /** remote_domain_migrate_prepare_tunnel3_params_ret. */
    public record DomainMigratePrepareTunnel3ParamsRet(
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_perform3_params_args. */
    public record DomainMigratePerform3ParamsArgs(NonnullDomain dom, @XdrOptional String dconnuri,
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, int flags) { }

    /** remote_domain_migrate_perform3_params_ret. */
    public record DomainMigratePerform3ParamsRet(
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_finish3_params_args. */
    public record DomainMigrateFinish3ParamsArgs(
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, int flags, int cancelled) { }

    /** remote_domain_migrate_finish3_params_ret. */
    public record DomainMigrateFinish3ParamsRet(NonnullDomain dom,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_out) { }

    /** remote_domain_migrate_confirm3_params_args. */
    public record DomainMigrateConfirm3ParamsArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX) List<TypedParam> params,
            @XdrMax(REMOTE_MIGRATE_COOKIE_MAX) byte[] cookie_in, int flags, int cancelled) { }

    /** remote_domain_event_device_removed_msg. */
    public record DomainEventDeviceRemovedMsg(NonnullDomain dom, String devAlias) { }

    /** remote_domain_event_callback_device_removed_msg. */
    public record DomainEventCallbackDeviceRemovedMsg(int callbackID,
            DomainEventDeviceRemovedMsg msg) { }

    /** remote_domain_event_block_job_2_msg. */
    public record DomainEventBlockJob2Msg(int callbackID, NonnullDomain dom, String dst, int type,
            int status) { }

    /** remote_domain_event_block_threshold_msg. */
    public record DomainEventBlockThresholdMsg(int callbackID, NonnullDomain dom, String dev,
            @XdrOptional String path, long threshold, long excess) { }

    /** remote_domain_event_callback_tunable_msg. */
    public record DomainEventCallbackTunableMsg(int callbackID, NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_EVENT_TUNABLE_MAX) List<TypedParam> params) { }

    /** remote_domain_event_callback_device_added_msg. */
    public record DomainEventCallbackDeviceAddedMsg(int callbackID, NonnullDomain dom,
            String devAlias) { }

    /** remote_connect_event_connection_closed_msg. */
    public record ConnectEventConnectionClosedMsg(int reason) { }

    /** remote_connect_get_cpu_model_names_args. */
    public record ConnectGetCpuModelNamesArgs(String arch, int need_results, int flags) { }

    /** remote_connect_get_cpu_model_names_ret. */
    public record ConnectGetCpuModelNamesRet(
            @XdrMax(REMOTE_CONNECT_CPU_MODELS_MAX) List<String> models, int ret) { }

    /** remote_connect_network_event_register_any_args. */
    public record ConnectNetworkEventRegisterAnyArgs(int eventID,
            @XdrOptional NonnullNetwork net) { }

    /** remote_connect_network_event_register_any_ret. */
    public record ConnectNetworkEventRegisterAnyRet(int callbackID) { }

    /** remote_connect_network_event_deregister_any_args. */
    public record ConnectNetworkEventDeregisterAnyArgs(int callbackID) { }

    /** remote_network_event_lifecycle_msg. */
    public record NetworkEventLifecycleMsg(int callbackID, NonnullNetwork net, int event,
            int detail) { }

    /** remote_connect_storage_pool_event_register_any_args. */
    public record ConnectStoragePoolEventRegisterAnyArgs(int eventID,
            @XdrOptional NonnullStoragePool pool) { }

    /** remote_connect_storage_pool_event_register_any_ret. */
    public record ConnectStoragePoolEventRegisterAnyRet(int callbackID) { }

    /** remote_connect_storage_pool_event_deregister_any_args. */
    public record ConnectStoragePoolEventDeregisterAnyArgs(int callbackID) { }

    /** remote_storage_pool_event_lifecycle_msg. */
    public record StoragePoolEventLifecycleMsg(int callbackID, NonnullStoragePool pool, int event,
            int detail) { }

    /** remote_storage_pool_event_refresh_msg. */
    public record StoragePoolEventRefreshMsg(int callbackID, NonnullStoragePool pool) { }

    /** remote_connect_node_device_event_register_any_args. */
    public record ConnectNodeDeviceEventRegisterAnyArgs(int eventID,
            @XdrOptional NonnullNodeDevice dev) { }

    /** remote_connect_node_device_event_register_any_ret. */
    public record ConnectNodeDeviceEventRegisterAnyRet(int callbackID) { }

    /** remote_connect_node_device_event_deregister_any_args. */
    public record ConnectNodeDeviceEventDeregisterAnyArgs(int callbackID) { }

    /** remote_node_device_event_lifecycle_msg. */
    public record NodeDeviceEventLifecycleMsg(int callbackID, NonnullNodeDevice dev, int event,
            int detail) { }

    /** remote_node_device_event_update_msg. */
    public record NodeDeviceEventUpdateMsg(int callbackID, NonnullNodeDevice dev) { }

    /** remote_domain_fsfreeze_args. */
    public record DomainFsfreezeArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX) List<String> mountpoints, int flags) { }

    /** remote_domain_fsfreeze_ret. */
    public record DomainFsfreezeRet(int filesystems) { }

    /** remote_domain_fsthaw_args. */
    public record DomainFsthawArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX) List<String> mountpoints, int flags) { }

    /** remote_domain_fsthaw_ret. */
    public record DomainFsthawRet(int filesystems) { }

    /** remote_node_get_free_pages_args. */
    public record NodeGetFreePagesArgs(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Integer> pages,
            int startCell, int cellCount, int flags) { }

    /** remote_node_get_free_pages_ret. */
    public record NodeGetFreePagesRet(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> counts) { }

    /** remote_node_alloc_pages_args. */
    public record NodeAllocPagesArgs(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Integer> pageSizes,
            @XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> pageCounts, int startCell, int cellCount,
            int flags) { }

    /** remote_node_alloc_pages_ret. */
    public record NodeAllocPagesRet(int ret) { }

    /** remote_network_dhcp_lease. */
    public record NetworkDhcpLease(String iface, long expirytime, int type, @XdrOptional String mac,
            @XdrOptional String iaid, String ipaddr, int prefix, @XdrOptional String hostname,
            @XdrOptional String clientid) { }

    /** remote_network_get_dhcp_leases_args. */
    public record NetworkGetDhcpLeasesArgs(NonnullNetwork net, @XdrOptional String mac,
            int need_results, int flags) { }

    /** remote_network_get_dhcp_leases_ret. */
    public record NetworkGetDhcpLeasesRet(
            @XdrMax(REMOTE_NETWORK_DHCP_LEASES_MAX) List<NetworkDhcpLease> leases, int ret) { }

    /** remote_domain_stats_record. */
    public record DomainStatsRecord(NonnullDomain dom,
            @XdrMax(REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX) List<TypedParam> params) { }

    /** remote_connect_get_all_domain_stats_args. */
    public record ConnectGetAllDomainStatsArgs(
            @XdrMax(REMOTE_DOMAIN_LIST_MAX) List<NonnullDomain> doms, int stats, int flags) { }

    /** remote_domain_event_callback_agent_lifecycle_msg. */
    public record DomainEventCallbackAgentLifecycleMsg(int callbackID, NonnullDomain dom, int state,
            int reason) { }

    /** remote_connect_get_all_domain_stats_ret. */
    public record ConnectGetAllDomainStatsRet(
            @XdrMax(REMOTE_DOMAIN_LIST_MAX) List<DomainStatsRecord> retStats) { }

    /** remote_domain_fsinfo. */
    public record DomainFsinfo(String mountpoint, String name, String fstype,
            @XdrMax(REMOTE_DOMAIN_FSINFO_DISKS_MAX) List<String> dev_aliases) { }

    /** remote_domain_get_fsinfo_args. */
    public record DomainGetFsinfoArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_fsinfo_ret. */
    public record DomainGetFsinfoRet(@XdrMax(REMOTE_DOMAIN_FSINFO_MAX) List<DomainFsinfo> info,
            int ret) { }

    /** remote_domain_ip_addr. */
    public record DomainIpAddr(int type, String addr, int prefix) { }

    /** remote_domain_interface. */
    public record DomainInterface(String name, @XdrOptional String hwaddr,
            @XdrMax(REMOTE_DOMAIN_IP_ADDR_MAX) List<DomainIpAddr> addrs) { }

    /** remote_domain_interface_addresses_args. */
    public record DomainInterfaceAddressesArgs(NonnullDomain dom, int source, int flags) { }

    /** remote_domain_interface_addresses_ret. */
    public record DomainInterfaceAddressesRet(
            @XdrMax(REMOTE_DOMAIN_INTERFACE_MAX) List<DomainInterface> ifaces) { }

    /** remote_domain_set_user_password_args. */
    public record DomainSetUserPasswordArgs(NonnullDomain dom, @XdrOptional String user,
            @XdrOptional String password, int flags) { }

    /** remote_domain_rename_args. */
    public record DomainRenameArgs(NonnullDomain dom, @XdrOptional String new_name, int flags) { }

    /** remote_domain_rename_ret. */
    public record DomainRenameRet(int retcode) { }

    /** remote_domain_event_callback_migration_iteration_msg. */
    public record DomainEventCallbackMigrationIterationMsg(int callbackID, NonnullDomain dom,
            int iteration) { }

    /** remote_domain_event_callback_job_completed_msg. */
    public record DomainEventCallbackJobCompletedMsg(int callbackID, NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_JOB_STATS_MAX) List<TypedParam> params) { }

    /** remote_domain_migrate_start_post_copy_args. */
    public record DomainMigrateStartPostCopyArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_event_callback_device_removal_failed_msg. */
    public record DomainEventCallbackDeviceRemovalFailedMsg(int callbackID, NonnullDomain dom,
            String devAlias) { }

    /** remote_domain_get_guest_vcpus_args. */
    public record DomainGetGuestVcpusArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_guest_vcpus_ret. */
    public record DomainGetGuestVcpusRet(
            @XdrMax(REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX) List<TypedParam> params) { }

    /** remote_domain_set_guest_vcpus_args. */
    public record DomainSetGuestVcpusArgs(NonnullDomain dom, String cpumap, int state,
            int flags) { }

    /** remote_domain_set_vcpu_args. */
    public record DomainSetVcpuArgs(NonnullDomain dom, String cpumap, int state, int flags) { }

    /** remote_domain_event_callback_metadata_change_msg. */
    public record DomainEventCallbackMetadataChangeMsg(int callbackID, NonnullDomain dom, int type,
            @XdrOptional String nsuri) { }

    /** remote_domain_event_memory_failure_msg. */
    public record DomainEventMemoryFailureMsg(int callbackID, NonnullDomain dom, int recipient,
            int action, int flags) { }

    /** remote_connect_secret_event_register_any_args. */
    public record ConnectSecretEventRegisterAnyArgs(int eventID,
            @XdrOptional NonnullSecret secret) { }

    /** remote_connect_secret_event_register_any_ret. */
    public record ConnectSecretEventRegisterAnyRet(int callbackID) { }

    /** remote_connect_secret_event_deregister_any_args. */
    public record ConnectSecretEventDeregisterAnyArgs(int callbackID) { }

    /** remote_secret_event_lifecycle_msg. */
    public record SecretEventLifecycleMsg(int callbackID, NonnullSecret secret, int event,
            int detail) { }

    /** remote_secret_event_value_changed_msg. */
    public record SecretEventValueChangedMsg(int callbackID, NonnullSecret secret) { }

    /** remote_domain_set_block_threshold_args. */
    public record DomainSetBlockThresholdArgs(NonnullDomain dom, String dev, long threshold,
            int flags) { }

    /** remote_domain_set_lifecycle_action_args. */
    public record DomainSetLifecycleActionArgs(NonnullDomain dom, int type, int action,
            int flags) { }

    /** remote_connect_compare_hypervisor_cpu_args. */
    public record ConnectCompareHypervisorCpuArgs(@XdrOptional String emulator,
            @XdrOptional String arch, @XdrOptional String machine, @XdrOptional String virttype,
            String xmlCPU, int flags) { }

    /** remote_connect_compare_hypervisor_cpu_ret. */
    public record ConnectCompareHypervisorCpuRet(int result) { }

    /** remote_connect_baseline_hypervisor_cpu_args. */
    public record ConnectBaselineHypervisorCpuArgs(@XdrOptional String emulator,
            @XdrOptional String arch, @XdrOptional String machine, @XdrOptional String virttype,
            @XdrMax(REMOTE_CPU_BASELINE_MAX) List<String> xmlCPUs, int flags) { }

    /** remote_connect_baseline_hypervisor_cpu_ret. */
    public record ConnectBaselineHypervisorCpuRet(String cpu) { }

    /** remote_node_get_sev_info_args. */
    public record NodeGetSevInfoArgs(int nparams, int flags) { }

    /** remote_node_get_sev_info_ret. */
    public record NodeGetSevInfoRet(@XdrMax(REMOTE_NODE_SEV_INFO_MAX) List<TypedParam> params,
            int nparams) { }

    /** remote_domain_get_launch_security_info_args. */
    public record DomainGetLaunchSecurityInfoArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_launch_security_info_ret. */
    public record DomainGetLaunchSecurityInfoRet(
            @XdrMax(REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX) List<TypedParam> params) { }

    /** remote_domain_set_launch_security_state_args. */
    public record DomainSetLaunchSecurityStateArgs(NonnullDomain dom,
            @XdrMax(REMOTE_DOMAIN_LAUNCH_SECURITY_STATE_PARAMS_MAX) List<TypedParam> params,
            int flags) { }

    /** remote_nwfilter_binding_lookup_by_port_dev_args. */
    public record NwfilterBindingLookupByPortDevArgs(String name) { }

    /** remote_nwfilter_binding_lookup_by_port_dev_ret. */
    public record NwfilterBindingLookupByPortDevRet(NonnullNwfilterBinding nwfilter) { }

    /** remote_nwfilter_binding_create_xml_args. */
    public record NwfilterBindingCreateXmlArgs(String xml, int flags) { }

    /** remote_nwfilter_binding_create_xml_ret. */
    public record NwfilterBindingCreateXmlRet(NonnullNwfilterBinding nwfilter) { }

    /** remote_nwfilter_binding_delete_args. */
    public record NwfilterBindingDeleteArgs(NonnullNwfilterBinding nwfilter) { }

    /** remote_nwfilter_binding_get_xml_desc_args. */
    public record NwfilterBindingGetXmlDescArgs(NonnullNwfilterBinding nwfilter, int flags) { }

    /** remote_nwfilter_binding_get_xml_desc_ret. */
    public record NwfilterBindingGetXmlDescRet(String xml) { }

    /** remote_connect_list_all_nwfilter_bindings_args. */
    public record ConnectListAllNwfilterBindingsArgs(int need_results, int flags) { }

    /** remote_connect_list_all_nwfilter_bindings_ret. */
    public record ConnectListAllNwfilterBindingsRet(
            @XdrMax(REMOTE_NWFILTER_BINDING_LIST_MAX) List<NonnullNwfilterBinding> bindings,
            int ret) { }

    /** remote_connect_get_storage_pool_capabilities_args. */
    public record ConnectGetStoragePoolCapabilitiesArgs(int flags) { }

    /** remote_connect_get_storage_pool_capabilities_ret. */
    public record ConnectGetStoragePoolCapabilitiesRet(String capabilities) { }

    /** remote_network_list_all_ports_args. */
    public record NetworkListAllPortsArgs(NonnullNetwork network, int need_results, int flags) { }

    /** remote_network_list_all_ports_ret. */
    public record NetworkListAllPortsRet(
            @XdrMax(REMOTE_NETWORK_PORT_LIST_MAX) List<NonnullNetworkPort> ports, int ret) { }

    /** remote_network_port_lookup_by_uuid_args. */
    public record NetworkPortLookupByUuidArgs(NonnullNetwork network,
            @XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    /** remote_network_port_lookup_by_uuid_ret. */
    public record NetworkPortLookupByUuidRet(NonnullNetworkPort port) { }

    /** remote_network_port_create_xml_args. */
    public record NetworkPortCreateXmlArgs(NonnullNetwork network, String xml, int flags) { }

    /** remote_network_port_create_xml_ret. */
    public record NetworkPortCreateXmlRet(NonnullNetworkPort port) { }

    /** remote_network_port_set_parameters_args. */
    public record NetworkPortSetParametersArgs(NonnullNetworkPort port,
            @XdrMax(REMOTE_NETWORK_PORT_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    /** remote_network_port_get_parameters_args. */
    public record NetworkPortGetParametersArgs(NonnullNetworkPort port, int nparams, int flags) { }

    /** remote_network_port_get_parameters_ret. */
    public record NetworkPortGetParametersRet(
            @XdrMax(REMOTE_NETWORK_PORT_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    /** remote_network_port_get_xml_desc_args. */
    public record NetworkPortGetXmlDescArgs(NonnullNetworkPort port, int flags) { }

    /** remote_network_port_get_xml_desc_ret. */
    public record NetworkPortGetXmlDescRet(String xml) { }

    /** remote_network_port_delete_args. */
    public record NetworkPortDeleteArgs(NonnullNetworkPort port, int flags) { }

    /** remote_domain_checkpoint_create_xml_args. */
    public record DomainCheckpointCreateXmlArgs(NonnullDomain dom, String xml_desc, int flags) { }

    /** remote_domain_checkpoint_create_xml_ret. */
    public record DomainCheckpointCreateXmlRet(NonnullDomainCheckpoint checkpoint) { }

    /** remote_domain_checkpoint_get_xml_desc_args. */
    public record DomainCheckpointGetXmlDescArgs(NonnullDomainCheckpoint checkpoint, int flags) { }

    /** remote_domain_checkpoint_get_xml_desc_ret. */
    public record DomainCheckpointGetXmlDescRet(String xml) { }

    /** remote_domain_list_all_checkpoints_args. */
    public record DomainListAllCheckpointsArgs(NonnullDomain dom, int need_results, int flags) { }

    /** remote_domain_list_all_checkpoints_ret. */
    public record DomainListAllCheckpointsRet(
            @XdrMax(REMOTE_DOMAIN_CHECKPOINT_LIST_MAX) List<NonnullDomainCheckpoint> checkpoints,
            int ret) { }

    /** remote_domain_checkpoint_list_all_children_args. */
    public record DomainCheckpointListAllChildrenArgs(NonnullDomainCheckpoint checkpoint,
            int need_results, int flags) { }

    /** remote_domain_checkpoint_list_all_children_ret. */
    public record DomainCheckpointListAllChildrenRet(
            @XdrMax(REMOTE_DOMAIN_CHECKPOINT_LIST_MAX) List<NonnullDomainCheckpoint> checkpoints,
            int ret) { }

    /** remote_domain_checkpoint_lookup_by_name_args. */
    public record DomainCheckpointLookupByNameArgs(NonnullDomain dom, String name, int flags) { }

    /** remote_domain_checkpoint_lookup_by_name_ret. */
    public record DomainCheckpointLookupByNameRet(NonnullDomainCheckpoint checkpoint) { }

    /** remote_domain_checkpoint_get_parent_args. */
    public record DomainCheckpointGetParentArgs(NonnullDomainCheckpoint checkpoint, int flags) { }

    /** remote_domain_checkpoint_get_parent_ret. */
    public record DomainCheckpointGetParentRet(NonnullDomainCheckpoint parent) { }

    /** remote_domain_checkpoint_delete_args. */
    public record DomainCheckpointDeleteArgs(NonnullDomainCheckpoint checkpoint, int flags) { }

    /** remote_domain_get_guest_info_args. */
    public record DomainGetGuestInfoArgs(NonnullDomain dom, int types, int flags) { }

    /** remote_domain_get_guest_info_ret. */
    public record DomainGetGuestInfoRet(
            @XdrMax(REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX) List<TypedParam> params) { }

    /** remote_connect_set_identity_args. */
    public record ConnectSetIdentityArgs(
            @XdrMax(REMOTE_CONNECT_IDENTITY_PARAMS_MAX) List<TypedParam> params, int flags) { }

    /** remote_domain_agent_set_response_timeout_args. */
    public record DomainAgentSetResponseTimeoutArgs(NonnullDomain dom, int timeout, int flags) { }

    /** remote_domain_agent_set_response_timeout_ret. */
    public record DomainAgentSetResponseTimeoutRet(int result) { }

    /** remote_domain_backup_begin_args. */
    public record DomainBackupBeginArgs(NonnullDomain dom, String backup_xml,
            @XdrOptional String checkpoint_xml, int flags) { }

    /** remote_domain_backup_get_xml_desc_args. */
    public record DomainBackupGetXmlDescArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_backup_get_xml_desc_ret. */
    public record DomainBackupGetXmlDescRet(String xml) { }

    /** remote_domain_authorized_ssh_keys_get_args. */
    public record DomainAuthorizedSshKeysGetArgs(NonnullDomain dom, String user, int flags) { }

    /** remote_domain_authorized_ssh_keys_get_ret. */
    public record DomainAuthorizedSshKeysGetRet(
            @XdrMax(REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX) List<String> keys) { }

    /** remote_domain_authorized_ssh_keys_set_args. */
    public record DomainAuthorizedSshKeysSetArgs(NonnullDomain dom, String user,
            @XdrMax(REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX) List<String> keys, int flags) { }

    /** remote_domain_get_messages_args. */
    public record DomainGetMessagesArgs(NonnullDomain dom, int flags) { }

    /** remote_domain_get_messages_ret. */
    public record DomainGetMessagesRet(@XdrMax(REMOTE_DOMAIN_MESSAGES_MAX) List<String> msgs) { }

    /** remote_domain_start_dirty_rate_calc_args. */
    public record DomainStartDirtyRateCalcArgs(NonnullDomain dom, int seconds, int flags) { }

    /** remote_domain_event_memory_device_size_change_msg. */
    public record DomainEventMemoryDeviceSizeChangeMsg(int callbackID, NonnullDomain dom,
            String alias, long size) { }

    /** remote_domain_fd_associate_args. */
    public record DomainFdAssociateArgs(NonnullDomain dom, String name, int flags) { }
}
