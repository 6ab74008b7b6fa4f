package io.jvirtd.protocol.admin;

import io.jvirtd.protocol.admin.AdminTypes.ClientCloseArgs;
import io.jvirtd.protocol.admin.AdminTypes.ClientGetInfoArgs;
import io.jvirtd.protocol.admin.AdminTypes.ClientGetInfoRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectGetLibVersionRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectGetLoggingFiltersArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectGetLoggingFiltersRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectGetLoggingOutputsArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectGetLoggingOutputsRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectListServersArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectListServersRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectLookupServerArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectLookupServerRet;
import io.jvirtd.protocol.admin.AdminTypes.ConnectOpenArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectSetDaemonTimeoutArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectSetLoggingFiltersArgs;
import io.jvirtd.protocol.admin.AdminTypes.ConnectSetLoggingOutputsArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerGetClientLimitsArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerGetClientLimitsRet;
import io.jvirtd.protocol.admin.AdminTypes.ServerGetThreadpoolParametersArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerGetThreadpoolParametersRet;
import io.jvirtd.protocol.admin.AdminTypes.ServerListClientsArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerListClientsRet;
import io.jvirtd.protocol.admin.AdminTypes.ServerLookupClientArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerLookupClientRet;
import io.jvirtd.protocol.admin.AdminTypes.ServerSetClientLimitsArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerSetThreadpoolParametersArgs;
import io.jvirtd.protocol.admin.AdminTypes.ServerUpdateTlsFilesArgs;
import io.jvirtd.rpc.xdr.XdrCodec;

/**
 * Every procedure of libvirt 9.0's admin program (0x06900690 v1, src/admin/admin_protocol.x),
 * as data: number, argument and return records ({@code Void.class} for void), and the public
 * API it stands for. admin_protocol.x marks no procedure {@code @priority}, so all are ordinary
 * priority; none is refused on a read-only connection (the admin socket has no read-only
 * variant). virt-admin 9.0 uses all of them but nothing else; there is no daemon-shutdown
 * procedure in 9.0. Immutable; any thread.
 */
public enum AdminProcedure {
    CONNECT_OPEN(1, ConnectOpenArgs.class, Void.class, "virAdmConnectOpen"),
    CONNECT_CLOSE(2, Void.class, Void.class, "virAdmConnectClose"),
    CONNECT_GET_LIB_VERSION(3, Void.class, ConnectGetLibVersionRet.class, "virAdmConnectGetLibVersion"),
    CONNECT_LIST_SERVERS(4, ConnectListServersArgs.class, ConnectListServersRet.class,
            "virAdmConnectListServers"),
    CONNECT_LOOKUP_SERVER(5, ConnectLookupServerArgs.class, ConnectLookupServerRet.class,
            "virAdmConnectLookupServer"),
    SERVER_GET_THREADPOOL_PARAMETERS(6, ServerGetThreadpoolParametersArgs.class,
            ServerGetThreadpoolParametersRet.class, "virAdmServerGetThreadPoolParameters"),
    SERVER_SET_THREADPOOL_PARAMETERS(7, ServerSetThreadpoolParametersArgs.class, Void.class,
            "virAdmServerSetThreadPoolParameters"),
    SERVER_LIST_CLIENTS(8, ServerListClientsArgs.class, ServerListClientsRet.class, "virAdmServerListClients"),
    SERVER_LOOKUP_CLIENT(9, ServerLookupClientArgs.class, ServerLookupClientRet.class,
            "virAdmServerLookupClient"),
    CLIENT_GET_INFO(10, ClientGetInfoArgs.class, ClientGetInfoRet.class, "virAdmClientGetInfo"),
    CLIENT_CLOSE(11, ClientCloseArgs.class, Void.class, "virAdmClientClose"),
    SERVER_GET_CLIENT_LIMITS(12, ServerGetClientLimitsArgs.class, ServerGetClientLimitsRet.class,
            "virAdmServerGetClientLimits"),
    SERVER_SET_CLIENT_LIMITS(13, ServerSetClientLimitsArgs.class, Void.class, "virAdmServerSetClientLimits"),
    CONNECT_GET_LOGGING_OUTPUTS(14, ConnectGetLoggingOutputsArgs.class, ConnectGetLoggingOutputsRet.class,
            "virAdmConnectGetLoggingOutputs"),
    CONNECT_GET_LOGGING_FILTERS(15, ConnectGetLoggingFiltersArgs.class, ConnectGetLoggingFiltersRet.class,
            "virAdmConnectGetLoggingFilters"),
    CONNECT_SET_LOGGING_OUTPUTS(16, ConnectSetLoggingOutputsArgs.class, Void.class,
            "virAdmConnectSetLoggingOutputs"),
    CONNECT_SET_LOGGING_FILTERS(17, ConnectSetLoggingFiltersArgs.class, Void.class,
            "virAdmConnectSetLoggingFilters"),
    SERVER_UPDATE_TLS_FILES(18, ServerUpdateTlsFilesArgs.class, Void.class, "virAdmServerUpdateTlsFiles"),
    CONNECT_SET_DAEMON_TIMEOUT(19, ConnectSetDaemonTimeoutArgs.class, Void.class,
            "virAdmConnectSetDaemonTimeout");

    /** ADMIN_PROGRAM. */
    public static final int PROGRAM = 0x06900690;
    /** ADMIN_PROTOCOL_VERSION. */
    public static final int VERSION = 1;

    private static final AdminProcedure[] BY_NUMBER = indexByNumber();

    private final int number;
    private final Class<?> args;
    private final Class<?> ret;
    private final String api;

    AdminProcedure(int number, Class<?> args, Class<?> ret, String api) {
        this.number = number;
        this.args = args;
        this.ret = ret;
        this.api = api;
    }

    public int number() { return number; }
    /** The argument record, or {@code Void.class}. */
    public Class<?> args() { return args; }
    /** The return record, or {@code Void.class}. */
    public Class<?> ret() { return ret; }
    /** The public API, e.g. {@code virAdmServerListClients}. */
    public String api() { return api; }

    public XdrCodec<?> argsCodec() {
        return XdrCodec.of(args);
    }

    public XdrCodec<?> retCodec() {
        return XdrCodec.of(ret);
    }

    /** The procedure with this number, or null. */
    public static AdminProcedure byNumber(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    private static AdminProcedure[] indexByNumber() {
        AdminProcedure[] index = new AdminProcedure[values().length + 1];
        for (AdminProcedure p : values()) {
            index[p.number] = p;
        }
        return index;
    }
}
