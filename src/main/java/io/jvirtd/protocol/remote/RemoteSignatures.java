package io.jvirtd.protocol.remote;

import io.jvirtd.protocol.remote.RemoteTypes.AuthListRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectBaselineCpuArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectBaselineCpuRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectBaselineHypervisorCpuArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectBaselineHypervisorCpuRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectCompareCpuArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectCompareCpuRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectCompareHypervisorCpuArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectCompareHypervisorCpuRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetCapabilitiesRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetCpuModelNamesArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetCpuModelNamesRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetDomainCapabilitiesArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetDomainCapabilitiesRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetHostnameRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetLibVersionRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetMaxVcpusArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetMaxVcpusRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetStoragePoolCapabilitiesArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetStoragePoolCapabilitiesRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetSysinfoArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetSysinfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetTypeRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetUriRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectGetVersionRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectIsSecureRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectOpenArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectSupportsFeatureArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectSupportsFeatureRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetInfoArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetInfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetStateArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetStateRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetXmlDescArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetXmlDescRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByIdArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByIdRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByUuidArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByUuidRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeAllocPagesArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeAllocPagesRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCellsFreeMemoryArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCellsFreeMemoryRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCpuMapArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCpuMapRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCpuStatsArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetCpuStatsRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetFreeMemoryRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetFreePagesArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetFreePagesRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetInfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetMemoryParametersArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetMemoryParametersRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetMemoryStatsArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetMemoryStatsRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetSecurityModelRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetSevInfoArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetSevInfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeSetMemoryParametersArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeSuspendForDurationArgs;
import io.jvirtd.rpc.xdr.XdrCodec;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Argument and return types of the remote procedures declared so far; {@code Void.class}
 * where remote_protocol.x has no struct. Adding a procedure is one record pair in
 * {@link RemoteTypes} and one line here.
 *
 * <p>Every codec is built when this class initialises, so a bad declaration stops the daemon
 * at start-up with a message naming the record and component. Immutable; any thread.
 */
public final class RemoteSignatures {
    /** What a procedure's call carries and what its successful reply carries. */
    public record Signature(Class<?> args, Class<?> ret) {
        public XdrCodec<?> argsCodec() {
            return XdrCodec.of(args);
        }

        public XdrCodec<?> retCodec() {
            return XdrCodec.of(ret);
        }
    }

    private static final Map<RemoteProcedure, Signature> TABLE = table();

    private RemoteSignatures() {
    }

    /** The signature of {@code p}, or null when it is not declared yet. */
    public static Signature of(RemoteProcedure p) {
        return TABLE.get(p);
    }

    /** Every declared procedure and its signature. */
    public static Map<RemoteProcedure, Signature> all() {
        return TABLE;
    }

    private static Map<RemoteProcedure, Signature> table() {
        Map<RemoteProcedure, Signature> t = new EnumMap<>(RemoteProcedure.class);
        t.put(RemoteProcedure.AUTH_LIST, sig(Void.class, AuthListRet.class));
        t.put(RemoteProcedure.CONNECT_OPEN, sig(ConnectOpenArgs.class, Void.class));
        t.put(RemoteProcedure.CONNECT_CLOSE, sig(Void.class, Void.class));
        t.put(RemoteProcedure.CONNECT_SUPPORTS_FEATURE,
                sig(ConnectSupportsFeatureArgs.class, ConnectSupportsFeatureRet.class));
        t.put(RemoteProcedure.CONNECT_GET_TYPE, sig(Void.class, ConnectGetTypeRet.class));
        t.put(RemoteProcedure.CONNECT_GET_VERSION, sig(Void.class, ConnectGetVersionRet.class));
        t.put(RemoteProcedure.CONNECT_GET_LIB_VERSION,
                sig(Void.class, ConnectGetLibVersionRet.class));
        t.put(RemoteProcedure.CONNECT_GET_HOSTNAME, sig(Void.class, ConnectGetHostnameRet.class));
        t.put(RemoteProcedure.CONNECT_GET_URI, sig(Void.class, ConnectGetUriRet.class));
        t.put(RemoteProcedure.CONNECT_GET_MAX_VCPUS,
                sig(ConnectGetMaxVcpusArgs.class, ConnectGetMaxVcpusRet.class));
        t.put(RemoteProcedure.CONNECT_GET_CAPABILITIES,
                sig(Void.class, ConnectGetCapabilitiesRet.class));
        t.put(RemoteProcedure.CONNECT_GET_SYSINFO,
                sig(ConnectGetSysinfoArgs.class, ConnectGetSysinfoRet.class));
        // libvirt 9.0 has no CONNECT_IS_ENCRYPTED or CONNECT_IS_ALIVE procedure: clients
        // answer those from what they know of the transport (PROTOCOL.md 2.3).
        t.put(RemoteProcedure.CONNECT_IS_SECURE, sig(Void.class, ConnectIsSecureRet.class));
        t.put(RemoteProcedure.NODE_GET_INFO, sig(Void.class, NodeGetInfoRet.class));
        t.put(RemoteProcedure.NODE_GET_CELLS_FREE_MEMORY,
                sig(NodeGetCellsFreeMemoryArgs.class, NodeGetCellsFreeMemoryRet.class));
        t.put(RemoteProcedure.NODE_GET_FREE_MEMORY, sig(Void.class, NodeGetFreeMemoryRet.class));
        t.put(RemoteProcedure.NODE_GET_CPU_STATS,
                sig(NodeGetCpuStatsArgs.class, NodeGetCpuStatsRet.class));
        t.put(RemoteProcedure.NODE_GET_MEMORY_STATS,
                sig(NodeGetMemoryStatsArgs.class, NodeGetMemoryStatsRet.class));
        t.put(RemoteProcedure.NODE_GET_CPU_MAP, sig(NodeGetCpuMapArgs.class, NodeGetCpuMapRet.class));
        t.put(RemoteProcedure.NODE_GET_SECURITY_MODEL,
                sig(Void.class, NodeGetSecurityModelRet.class));
        t.put(RemoteProcedure.NODE_GET_FREE_PAGES,
                sig(NodeGetFreePagesArgs.class, NodeGetFreePagesRet.class));
        t.put(RemoteProcedure.NODE_ALLOC_PAGES, sig(NodeAllocPagesArgs.class, NodeAllocPagesRet.class));
        t.put(RemoteProcedure.NODE_GET_MEMORY_PARAMETERS,
                sig(NodeGetMemoryParametersArgs.class, NodeGetMemoryParametersRet.class));
        t.put(RemoteProcedure.NODE_SET_MEMORY_PARAMETERS,
                sig(NodeSetMemoryParametersArgs.class, Void.class));
        t.put(RemoteProcedure.NODE_SUSPEND_FOR_DURATION,
                sig(NodeSuspendForDurationArgs.class, Void.class));
        t.put(RemoteProcedure.NODE_GET_SEV_INFO, sig(NodeGetSevInfoArgs.class, NodeGetSevInfoRet.class));
        t.put(RemoteProcedure.CONNECT_BASELINE_CPU,
                sig(ConnectBaselineCpuArgs.class, ConnectBaselineCpuRet.class));
        t.put(RemoteProcedure.CONNECT_COMPARE_CPU,
                sig(ConnectCompareCpuArgs.class, ConnectCompareCpuRet.class));
        t.put(RemoteProcedure.CONNECT_BASELINE_HYPERVISOR_CPU,
                sig(ConnectBaselineHypervisorCpuArgs.class, ConnectBaselineHypervisorCpuRet.class));
        t.put(RemoteProcedure.CONNECT_COMPARE_HYPERVISOR_CPU,
                sig(ConnectCompareHypervisorCpuArgs.class, ConnectCompareHypervisorCpuRet.class));
        t.put(RemoteProcedure.CONNECT_GET_DOMAIN_CAPABILITIES,
                sig(ConnectGetDomainCapabilitiesArgs.class, ConnectGetDomainCapabilitiesRet.class));
        t.put(RemoteProcedure.CONNECT_GET_CPU_MODEL_NAMES,
                sig(ConnectGetCpuModelNamesArgs.class, ConnectGetCpuModelNamesRet.class));
        t.put(RemoteProcedure.CONNECT_GET_STORAGE_POOL_CAPABILITIES,
                sig(ConnectGetStoragePoolCapabilitiesArgs.class,
                        ConnectGetStoragePoolCapabilitiesRet.class));
        t.put(RemoteProcedure.CONNECT_REGISTER_CLOSE_CALLBACK, sig(Void.class, Void.class));
        t.put(RemoteProcedure.CONNECT_UNREGISTER_CLOSE_CALLBACK, sig(Void.class, Void.class));
        t.put(RemoteProcedure.CONNECT_LIST_ALL_DOMAINS,
                sig(ConnectListAllDomainsArgs.class, ConnectListAllDomainsRet.class));
        t.put(RemoteProcedure.DOMAIN_LOOKUP_BY_NAME,
                sig(DomainLookupByNameArgs.class, DomainLookupByNameRet.class));
        t.put(RemoteProcedure.DOMAIN_LOOKUP_BY_UUID,
                sig(DomainLookupByUuidArgs.class, DomainLookupByUuidRet.class));
        t.put(RemoteProcedure.DOMAIN_LOOKUP_BY_ID,
                sig(DomainLookupByIdArgs.class, DomainLookupByIdRet.class));
        t.put(RemoteProcedure.DOMAIN_GET_XML_DESC,
                sig(DomainGetXmlDescArgs.class, DomainGetXmlDescRet.class));
        t.put(RemoteProcedure.DOMAIN_GET_INFO, sig(DomainGetInfoArgs.class, DomainGetInfoRet.class));
        t.put(RemoteProcedure.DOMAIN_GET_STATE, sig(DomainGetStateArgs.class, DomainGetStateRet.class));
        return Collections.unmodifiableMap(t);
    }

    /** Builds both codecs now so that a bad declaration fails at class initialisation. */
    private static Signature sig(Class<?> args, Class<?> ret) {
        XdrCodec.of(args);
        XdrCodec.of(ret);
        return new Signature(args, ret);
    }
}
