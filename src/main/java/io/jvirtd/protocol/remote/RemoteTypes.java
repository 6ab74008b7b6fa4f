package io.jvirtd.protocol.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_AUTH_TYPE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CONNECT_CPU_MODELS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CPUMAP_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_CPU_BASELINE_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_CPU_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MAX_CELLS;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MEMORY_PARAMETERS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_MEMORY_STATS_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_SEV_INFO_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_DOI_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_SECURITY_MODEL_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.VIR_UUID_BUFLEN;

import io.jvirtd.rpc.xdr.XdrArm;
import io.jvirtd.rpc.xdr.XdrChars;
import io.jvirtd.rpc.xdr.XdrFixed;
import io.jvirtd.rpc.xdr.XdrMax;
import io.jvirtd.rpc.xdr.XdrOptional;
import io.jvirtd.rpc.xdr.XdrUnion;
import java.util.List;

/**
 * The structs of libvirt 9.0's remote_protocol.x as records, read by the XDR codec.
 *
 * <p>How to read them against the .x file:
 * <ul>
 *   <li>{@code remote_foo_bar_args} / {@code _ret} is {@code FooBarArgs} / {@code FooBarRet};
 *       a procedure without one of them has {@code Void} in {@link RemoteSignatures}.</li>
 *   <li>Components keep the .x field names (including {@code need_results}, {@code hv_ver})
 *       and order, which is the wire order.</li>
 *   <li>{@code remote_nonnull_string} is a plain String (bound REMOTE_STRING_MAX),
 *       {@code remote_string} an {@code @XdrOptional String}, {@code remote_uuid} an
 *       {@code @XdrFixed(16) byte[]}. Unsigned ints and hypers are int/long holding the bit
 *       pattern. {@code unsigned char}/{@code unsigned short}, 4 bytes on the wire, are int.</li>
 *   <li>byte[] components compare by identity in the generated equals(); compare UUIDs with
 *       {@code Arrays.equals}.</li>
 * </ul>
 *
 * <p>Immutable values; any thread.
 */
public final class RemoteTypes {
    private RemoteTypes() {
    }

    // ---- Object handles (remote_nonnull_*) ----

    /** remote_nonnull_domain; id is -1 for an inactive domain. */
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

    // ---- Typed parameters ----

    /** remote_typed_param. */
    public record TypedParam(String field, TypedParamValue value) { }

    /** remote_typed_param_value: the discriminant is virTypedParameterType. */
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

        /** VIR_TYPED_PARAM_STRING; only sent when the call's flags allow strings. */
        @XdrArm(7) record StringValue(String s) implements TypedParamValue { }
    }

    /** remote_node_get_cpu_stats: one element of NODE_GET_CPU_STATS. */
    public record NodeGetCpuStats(String field, long value) { }

    /** remote_node_get_memory_stats: one element of NODE_GET_MEMORY_STATS. */
    public record NodeGetMemoryStats(String field, long value) { }

    // ---- Authentication and connection ----

    /** Elements are remote_auth_type: 0 NONE, 1 SASL, 2 POLKIT. */
    public record AuthListRet(@XdrMax(REMOTE_AUTH_TYPE_LIST_MAX) List<Integer> types) { }

    /** Stock clients always send name (maybe empty); flags 1 = VIR_CONNECT_RO. */
    public record ConnectOpenArgs(@XdrOptional String name, int flags) { }

    public record ConnectSupportsFeatureArgs(int feature) { }

    public record ConnectSupportsFeatureRet(int supported) { }

    public record ConnectGetTypeRet(String type) { }

    public record ConnectGetVersionRet(long hv_ver) { }

    public record ConnectGetLibVersionRet(long lib_ver) { }

    public record ConnectGetHostnameRet(String hostname) { }

    public record ConnectGetUriRet(String uri) { }

    public record ConnectGetMaxVcpusArgs(@XdrOptional String type) { }

    public record ConnectGetMaxVcpusRet(int max_vcpus) { }

    public record ConnectGetCapabilitiesRet(String capabilities) { }

    public record ConnectGetSysinfoArgs(int flags) { }

    public record ConnectGetSysinfoRet(String sysinfo) { }

    public record ConnectIsSecureRet(int secure) { }

    // ---- Host ----

    /** model is {@code char model[32]}: 128 bytes on the wire. */
    public record NodeGetInfoRet(@XdrChars @XdrFixed(32) String model, long memory, int cpus,
                                 int mhz, int nodes, int sockets, int cores, int threads) { }

    public record NodeGetCellsFreeMemoryArgs(int startCell, int maxcells) { }

    public record NodeGetCellsFreeMemoryRet(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> cells) { }

    public record NodeGetFreeMemoryRet(long freeMem) { }

    public record NodeGetCpuStatsArgs(int cpuNum, int nparams, int flags) { }

    public record NodeGetCpuStatsRet(
            @XdrMax(REMOTE_NODE_CPU_STATS_MAX) List<NodeGetCpuStats> params, int nparams) { }

    public record NodeGetMemoryStatsArgs(int nparams, int cellNum, int flags) { }

    public record NodeGetMemoryStatsRet(
            @XdrMax(REMOTE_NODE_MEMORY_STATS_MAX) List<NodeGetMemoryStats> params, int nparams) { }

    public record NodeGetCpuMapArgs(int need_map, int need_online, int flags) { }

    public record NodeGetCpuMapRet(@XdrMax(REMOTE_CPUMAP_MAX) byte[] cpumap, int online, int ret) { }

    /** {@code char model<>}/{@code char doi<>}: C strings, the NUL counted on the wire. */
    public record NodeGetSecurityModelRet(
            @XdrChars @XdrMax(REMOTE_SECURITY_MODEL_MAX) String model,
            @XdrChars @XdrMax(REMOTE_SECURITY_DOI_MAX) String doi) { }

    public record NodeGetFreePagesArgs(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Integer> pages,
                                       int startCell, int cellCount, int flags) { }

    public record NodeGetFreePagesRet(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> counts) { }

    public record NodeAllocPagesArgs(@XdrMax(REMOTE_NODE_MAX_CELLS) List<Integer> pageSizes,
                                     @XdrMax(REMOTE_NODE_MAX_CELLS) List<Long> pageCounts,
                                     int startCell, int cellCount, int flags) { }

    public record NodeAllocPagesRet(int ret) { }

    public record NodeGetMemoryParametersArgs(int nparams, int flags) { }

    public record NodeGetMemoryParametersRet(
            @XdrMax(REMOTE_NODE_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int nparams) { }

    public record NodeSetMemoryParametersArgs(
            @XdrMax(REMOTE_NODE_MEMORY_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    public record NodeSuspendForDurationArgs(int target, long duration, int flags) { }

    public record NodeGetSevInfoArgs(int nparams, int flags) { }

    public record NodeGetSevInfoRet(
            @XdrMax(REMOTE_NODE_SEV_INFO_MAX) List<TypedParam> params, int nparams) { }

    // ---- CPU models and capabilities ----

    public record ConnectBaselineCpuArgs(
            @XdrMax(REMOTE_CPU_BASELINE_MAX) List<String> xmlCPUs, int flags) { }

    public record ConnectBaselineCpuRet(String cpu) { }

    public record ConnectCompareCpuArgs(String xml, int flags) { }

    public record ConnectCompareCpuRet(int result) { }

    public record ConnectBaselineHypervisorCpuArgs(
            @XdrOptional String emulator, @XdrOptional String arch, @XdrOptional String machine,
            @XdrOptional String virttype,
            @XdrMax(REMOTE_CPU_BASELINE_MAX) List<String> xmlCPUs, int flags) { }

    public record ConnectBaselineHypervisorCpuRet(String cpu) { }

    public record ConnectCompareHypervisorCpuArgs(
            @XdrOptional String emulator, @XdrOptional String arch, @XdrOptional String machine,
            @XdrOptional String virttype, String xmlCPU, int flags) { }

    public record ConnectCompareHypervisorCpuRet(int result) { }

    public record ConnectGetDomainCapabilitiesArgs(
            @XdrOptional String emulatorbin, @XdrOptional String arch,
            @XdrOptional String machine, @XdrOptional String virttype, int flags) { }

    public record ConnectGetDomainCapabilitiesRet(String capabilities) { }

    public record ConnectGetCpuModelNamesArgs(String arch, int need_results, int flags) { }

    public record ConnectGetCpuModelNamesRet(
            @XdrMax(REMOTE_CONNECT_CPU_MODELS_MAX) List<String> models, int ret) { }

    public record ConnectGetStoragePoolCapabilitiesArgs(int flags) { }

    public record ConnectGetStoragePoolCapabilitiesRet(String capabilities) { }

    // ---- Domains ----

    /** flags: VIR_CONNECT_LIST_DOMAINS_* (1 ACTIVE, 2 INACTIVE, ...). */
    public record ConnectListAllDomainsArgs(int need_results, int flags) { }

    public record ConnectListAllDomainsRet(
            @XdrMax(REMOTE_DOMAIN_LIST_MAX) List<NonnullDomain> domains, int ret) { }

    public record DomainLookupByNameArgs(String name) { }

    public record DomainLookupByNameRet(NonnullDomain dom) { }

    public record DomainLookupByUuidArgs(@XdrFixed(VIR_UUID_BUFLEN) byte[] uuid) { }

    public record DomainLookupByUuidRet(NonnullDomain dom) { }

    public record DomainLookupByIdArgs(int id) { }

    public record DomainLookupByIdRet(NonnullDomain dom) { }

    public record DomainGetXmlDescArgs(NonnullDomain dom, int flags) { }

    public record DomainGetXmlDescRet(String xml) { }

    public record DomainGetInfoArgs(NonnullDomain dom) { }

    /** state is an {@code unsigned char}, nrVirtCpu an {@code unsigned short}: 4 bytes each. */
    public record DomainGetInfoRet(int state, long maxMem, long memory, int nrVirtCpu,
                                   long cpuTime) { }

    public record DomainGetStateArgs(NonnullDomain dom, int flags) { }

    public record DomainGetStateRet(int state, int reason) { }
}
