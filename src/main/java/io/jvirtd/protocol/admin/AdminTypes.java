package io.jvirtd.protocol.admin;

import io.jvirtd.rpc.xdr.XdrArm;
import io.jvirtd.rpc.xdr.XdrMax;
import io.jvirtd.rpc.xdr.XdrOptional;
import io.jvirtd.rpc.xdr.XdrUnion;

import java.util.List;

/**
 * The structs and unions of libvirt 9.0's src/admin/admin_protocol.x as records read by the
 * XDR codec: component order is the .x field order, {@code unsigned int} and {@code unsigned
 * hyper} keep their bit patterns in {@code int} and {@code long}, {@code admin_string} (a
 * pointer to a string) is {@link XdrOptional}. Record names are the procedure in CamelCase plus
 * Args or Ret, as in the remote program. Immutable; any thread.
 */
public final class AdminTypes {

    /** ADMIN_STRING_MAX: bound of every admin string. */
    public static final int ADMIN_STRING_MAX = 4194304;
    /** ADMIN_SERVER_LIST_MAX: servers in one CONNECT_LIST_SERVERS reply. */
    public static final int ADMIN_SERVER_LIST_MAX = 16384;
    /** ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX. */
    public static final int ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX = 32;
    /** ADMIN_CLIENT_LIST_MAX: clients in one SERVER_LIST_CLIENTS reply. */
    public static final int ADMIN_CLIENT_LIST_MAX = 16384;
    /** ADMIN_CLIENT_INFO_PARAMETERS_MAX. */
    public static final int ADMIN_CLIENT_INFO_PARAMETERS_MAX = 64;
    /** ADMIN_SERVER_CLIENT_LIMITS_MAX. */
    public static final int ADMIN_SERVER_CLIENT_LIMITS_MAX = 32;

    private AdminTypes() {
    }

    // ---- Shared types ----

    /** admin_typed_param: a named value; the union's discriminant is virTypedParameterType. */
    public record TypedParam(String field, TypedParamValue value) { }

    /** admin_typed_param_value (the same encoding as remote_typed_param_value). */
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

        /** VIR_TYPED_PARAM_STRING. */
        @XdrArm(7) record StringValue(String s) implements TypedParamValue { }
    }

    /** admin_nonnull_server: a server handle, just its name. */
    public record NonnullServer(String name) { }

    /**
     * admin_nonnull_client: a client handle.
     *
     * @param id        the client's id within its server (unsigned hyper)
     * @param timestamp when it connected, seconds since the epoch
     * @param transport virClientTransport: 0 unix, 1 tcp, 2 tls
     */
    public record NonnullClient(NonnullServer srv, long id, long timestamp, int transport) { }

    // ---- Procedures ----

    public record ConnectOpenArgs(int flags) { }

    public record ConnectGetLibVersionRet(long libVer) { }

    public record ConnectListServersArgs(int needResults, int flags) { }

    public record ConnectListServersRet(
            @XdrMax(ADMIN_SERVER_LIST_MAX) List<NonnullServer> servers, int ret) { }

    public record ConnectLookupServerArgs(String name, int flags) { }

    public record ConnectLookupServerRet(NonnullServer srv) { }

    public record ServerGetThreadpoolParametersArgs(NonnullServer srv, int flags) { }

    public record ServerGetThreadpoolParametersRet(
            @XdrMax(ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX) List<TypedParam> params) { }

    public record ServerSetThreadpoolParametersArgs(NonnullServer srv,
            @XdrMax(ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX) List<TypedParam> params, int flags) { }

    public record ServerListClientsArgs(NonnullServer srv, int needResults, int flags) { }

    public record ServerListClientsRet(
            @XdrMax(ADMIN_CLIENT_LIST_MAX) List<NonnullClient> clients, int ret) { }

    public record ServerLookupClientArgs(NonnullServer srv, long id, int flags) { }

    public record ServerLookupClientRet(NonnullClient clnt) { }

    public record ClientGetInfoArgs(NonnullClient clnt, int flags) { }

    public record ClientGetInfoRet(
            @XdrMax(ADMIN_CLIENT_INFO_PARAMETERS_MAX) List<TypedParam> params) { }

    public record ClientCloseArgs(NonnullClient clnt, int flags) { }

    public record ServerGetClientLimitsArgs(NonnullServer srv, int flags) { }

    public record ServerGetClientLimitsRet(
            @XdrMax(ADMIN_SERVER_CLIENT_LIMITS_MAX) List<TypedParam> params) { }

    public record ServerSetClientLimitsArgs(NonnullServer srv,
            @XdrMax(ADMIN_SERVER_CLIENT_LIMITS_MAX) List<TypedParam> params, int flags) { }

    public record ServerUpdateTlsFilesArgs(NonnullServer srv, int flags) { }

    public record ConnectGetLoggingOutputsArgs(int flags) { }

    public record ConnectGetLoggingOutputsRet(String outputs, int noutputs) { }

    public record ConnectGetLoggingFiltersArgs(int flags) { }

    /** {@code filters} is absent when no filter is defined. */
    public record ConnectGetLoggingFiltersRet(@XdrOptional String filters, int nfilters) { }

    /** An absent or empty {@code outputs} restores the default output. */
    public record ConnectSetLoggingOutputsArgs(@XdrOptional String outputs, int flags) { }

    /** An absent or empty {@code filters} removes every filter. */
    public record ConnectSetLoggingFiltersArgs(@XdrOptional String filters, int flags) { }

    public record ConnectSetDaemonTimeoutArgs(int timeout, int flags) { }
}
