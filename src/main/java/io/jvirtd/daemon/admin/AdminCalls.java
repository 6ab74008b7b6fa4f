package io.jvirtd.daemon.admin;

import static io.jvirtd.protocol.admin.AdminProcedure.CLIENT_CLOSE;
import static io.jvirtd.protocol.admin.AdminProcedure.CLIENT_GET_INFO;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_CLOSE;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_GET_LIB_VERSION;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_GET_LOGGING_FILTERS;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_GET_LOGGING_OUTPUTS;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_LIST_SERVERS;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_LOOKUP_SERVER;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_OPEN;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_SET_DAEMON_TIMEOUT;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_SET_LOGGING_FILTERS;
import static io.jvirtd.protocol.admin.AdminProcedure.CONNECT_SET_LOGGING_OUTPUTS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_GET_CLIENT_LIMITS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_GET_THREADPOOL_PARAMETERS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_LIST_CLIENTS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_LOOKUP_CLIENT;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_SET_CLIENT_LIMITS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS;
import static io.jvirtd.protocol.admin.AdminProcedure.SERVER_UPDATE_TLS_FILES;

import io.jvirtd.daemon.logging.LogSettings;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
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
import io.jvirtd.protocol.admin.AdminTypes.NonnullClient;
import io.jvirtd.protocol.admin.AdminTypes.NonnullServer;
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
import io.jvirtd.protocol.admin.AdminTypes.TypedParam;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.Listener;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerLimits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What each admin procedure does, against the daemon's servers, its logging and its idle
 * timer: libvirt's src/admin/admin_server.c and admin_server_dispatch.c, with their checks in
 * their order and their error texts. Where libvirt's hand-written dispatcher and its generated
 * stubs report a missing server or client differently ("No server named 'x'" from the daemon
 * lookup vs "no server with matching name 'x' found" from the dispatcher), each procedure
 * keeps the text libvirtd 9.0 sends for it.
 *
 * <p>Threads: admin workers. Reads of the servers' tables and pools are lock-free; the two
 * read-modify-write setters (client limits, pool sizes) are serialised per server here.
 */
public final class AdminCalls {

    /** LIBVIR_VERSION_NUMBER of the libvirt jvirtd answers as. */
    static final long LIB_VERSION = 9_000_000L;
    /** Most workers one pool may be asked to start at once (a guard libvirt lacks). */
    static final int MAX_WORKERS_REQUEST = 4096;

    private final List<NetServer> servers;
    private final LogSettings logging;
    private final DaemonControl daemon;
    private final ClientInfo clientInfo;

    /**
     * @param servers the daemon's servers in the order CONNECT_LIST_SERVERS reports them
     */
    public AdminCalls(List<NetServer> servers, LogSettings logging, DaemonControl daemon, ClientInfo clientInfo) {
        this.servers = List.copyOf(servers);
        this.logging = logging;
        this.daemon = daemon;
        this.clientInfo = clientInfo;
    }

    AdminTable table() {
        AdminTable t = new AdminTable();
        t.bind(CONNECT_OPEN, ConnectOpenArgs.class, Void.class, (s, a) -> {
            checkFlags(a.flags(), "adminDispatchConnectOpen");
            s.client().setOpened();
            return null;
        });
        t.bind(CONNECT_CLOSE, Void.class, Void.class, (s, a) -> {
            s.closeAfterReply();
            return null;
        });
        t.bind(CONNECT_GET_LIB_VERSION, Void.class, ConnectGetLibVersionRet.class,
                (s, a) -> new ConnectGetLibVersionRet(LIB_VERSION));
        t.bind(CONNECT_LIST_SERVERS, ConnectListServersArgs.class, ConnectListServersRet.class, (s, a) -> {
            checkFlags(a.flags(), "adminConnectListServers");
            List<NonnullServer> list = new ArrayList<>();
            if (a.needResults() != 0) {
                for (NetServer srv : servers) {
                    list.add(new NonnullServer(srv.name()));
                }
            }
            return new ConnectListServersRet(list, servers.size());
        });
        t.bind(CONNECT_LOOKUP_SERVER, ConnectLookupServerArgs.class, ConnectLookupServerRet.class,
                // libvirt passes the flags as the allowed set here, so any flags pass
                (s, a) -> new ConnectLookupServerRet(new NonnullServer(server(a.name()).name())));
        t.bind(SERVER_GET_THREADPOOL_PARAMETERS, ServerGetThreadpoolParametersArgs.class,
                ServerGetThreadpoolParametersRet.class, (s, a) -> {
                    WorkerPool pool = server(a.srv().name()).pool();
                    checkFlags(a.flags(), "adminServerGetThreadPoolParameters");
                    return new ServerGetThreadpoolParametersRet(List.of(
                            TypedParams.uint("minWorkers", pool.minWorkers()),
                            TypedParams.uint("maxWorkers", pool.maxWorkers()),
                            TypedParams.uint("nWorkers", pool.nWorkers()),
                            TypedParams.uint("freeWorkers", pool.freeWorkers()),
                            TypedParams.uint("prioWorkers", pool.prioWorkers()),
                            TypedParams.uint("jobQueueDepth", pool.jobQueueDepth())));
                });
        t.bind(SERVER_SET_THREADPOOL_PARAMETERS, ServerSetThreadpoolParametersArgs.class, Void.class, (s, a) -> {
            NetServer srv = serverOrNoMatch(a.srv().name());
            checkFlags(a.flags(), "adminServerSetThreadPoolParameters");
            Map<String, TypedParam> p = TypedParams.validate(a.params(),
                    "minWorkers", "maxWorkers", "prioWorkers");
            int min = workers(p.get("minWorkers"));
            int max = TypedParams.uintOr(p.get("maxWorkers"), -1);
            int prio = workers(p.get("prioWorkers"));
            synchronized (srv) {
                try {
                    srv.pool().setParameters(min, max, prio);
                } catch (IllegalArgumentException e) {
                    throw VirException.invalidArg(VirErrorDomain.NONE, e.getMessage());
                }
            }
            return null;
        });
        t.bind(SERVER_LIST_CLIENTS, ServerListClientsArgs.class, ServerListClientsRet.class, (s, a) -> {
            NetServer srv = server(a.srv().name());
            checkFlags(a.flags(), "adminServerListClients");
            List<ServerClient> clients = clientsOf(srv);
            List<NonnullClient> list = new ArrayList<>();
            if (a.needResults() != 0) {
                for (ServerClient c : clients) {
                    list.add(handle(srv, c));
                }
            }
            return new ServerListClientsRet(list, clients.size());
        });
        t.bind(SERVER_LOOKUP_CLIENT, ServerLookupClientArgs.class, ServerLookupClientRet.class, (s, a) -> {
            NetServer srv = server(a.srv().name());
            checkFlags(a.flags(), "adminServerLookupClient");
            return new ServerLookupClientRet(handle(srv, client(srv, a.id())));
        });
        t.bind(CLIENT_GET_INFO, ClientGetInfoArgs.class, ClientGetInfoRet.class, (s, a) -> {
            NetServer srv = serverOrNoMatch(a.clnt().srv().name());
            ServerClient c = srv.client(a.clnt().id());
            if (c == null) {
                throw VirException.of(VirErrorNumber.NO_CLIENT, VirErrorDomain.ADMIN,
                        "no client with matching id '" + Long.toUnsignedString(a.clnt().id()) + "' found");
            }
            checkFlags(a.flags(), "adminClientGetInfo");
            return new ClientGetInfoRet(clientInfo.of(c));
        });
        t.bind(CLIENT_CLOSE, ClientCloseArgs.class, Void.class, (s, a) -> {
            NetServer srv = server(a.clnt().srv().name());
            ServerClient c = client(srv, a.clnt().id());
            checkFlags(a.flags(), "adminClientClose");
            c.requestClose("closed through the admin interface");
            return null;
        });
        t.bind(SERVER_GET_CLIENT_LIMITS, ServerGetClientLimitsArgs.class, ServerGetClientLimitsRet.class,
                (s, a) -> {
                    NetServer srv = server(a.srv().name());
                    checkFlags(a.flags(), "adminServerGetClientLimits");
                    ServerLimits l = srv.limits();
                    return new ServerGetClientLimitsRet(List.of(
                            TypedParams.uint("nclients_max", l.maxClients()),
                            TypedParams.uint("nclients", srv.clientCount()),
                            TypedParams.uint("nclients_unauth_max", l.maxAnonymousClients()),
                            TypedParams.uint("nclients_unauth", srv.unauthClientCount())));
                });
        t.bind(SERVER_SET_CLIENT_LIMITS, ServerSetClientLimitsArgs.class, Void.class, (s, a) -> {
            NetServer srv = serverOrNoMatch(a.srv().name());
            checkFlags(a.flags(), "adminServerSetClientLimits");
            Map<String, TypedParam> p = TypedParams.validate(a.params(), "nclients_max", "nclients_unauth_max");
            setClientLimits(srv, TypedParams.uintOr(p.get("nclients_max"), -1),
                    TypedParams.uintOr(p.get("nclients_unauth_max"), -1));
            return null;
        });
        t.bind(CONNECT_GET_LOGGING_OUTPUTS, ConnectGetLoggingOutputsArgs.class, ConnectGetLoggingOutputsRet.class,
                (s, a) -> {
                    checkFlags(a.flags(), "adminConnectGetLoggingOutputs");
                    return new ConnectGetLoggingOutputsRet(logging.outputsString(), logging.outputCount());
                });
        t.bind(CONNECT_GET_LOGGING_FILTERS, ConnectGetLoggingFiltersArgs.class, ConnectGetLoggingFiltersRet.class,
                (s, a) -> {
                    checkFlags(a.flags(), "adminConnectGetLoggingFilters");
                    int n = logging.filterCount();
                    return new ConnectGetLoggingFiltersRet(n == 0 ? null : logging.filtersString(), n);
                });
        t.bind(CONNECT_SET_LOGGING_OUTPUTS, ConnectSetLoggingOutputsArgs.class, Void.class, (s, a) -> {
            checkFlags(a.flags(), "adminConnectSetLoggingOutputs");
            logging.setOutputs(a.outputs());
            return null;
        });
        t.bind(CONNECT_SET_LOGGING_FILTERS, ConnectSetLoggingFiltersArgs.class, Void.class, (s, a) -> {
            checkFlags(a.flags(), "adminConnectSetLoggingFilters");
            logging.setFilters(a.filters());
            return null;
        });
        t.bind(SERVER_UPDATE_TLS_FILES, ServerUpdateTlsFilesArgs.class, Void.class, (s, a) -> {
            NetServer srv = server(a.srv().name());
            checkFlags(a.flags(), "adminServerUpdateTlsFiles");
            for (Listener l : srv.listeners()) {
                if (l.tlsContext() != null) {
                    // libvirtd reloads the CA, CRL, certificate and key here; jvirtd cannot yet
                    throw VirException.internalError(VirErrorDomain.RPC,
                            "reloading TLS files at run time is not supported by jvirtd; restart the daemon");
                }
            }
            throw VirException.internalError(VirErrorDomain.RPC, "no tls service found, unable to update tls files");
        });
        t.bind(CONNECT_SET_DAEMON_TIMEOUT, ConnectSetDaemonTimeoutArgs.class, Void.class, (s, a) -> {
            checkFlags(a.flags(), "adminConnectSetDaemonTimeout");
            daemon.setAutoShutdownTimeout(clampUnsigned(a.timeout()));
            return null;
        });
        t.requireComplete();
        return t;
    }

    /** virNetDaemonGetServer: NO_SERVER "No server named 'x'" from the RPC layer. */
    private NetServer server(String name) {
        for (NetServer srv : servers) {
            if (srv.name().equals(name)) {
                return srv;
            }
        }
        throw VirException.of(VirErrorNumber.NO_SERVER, VirErrorDomain.RPC, "No server named '" + name + "'");
    }

    /** The hand-written dispatchers' own text for a missing server. */
    private NetServer serverOrNoMatch(String name) {
        for (NetServer srv : servers) {
            if (srv.name().equals(name)) {
                return srv;
            }
        }
        throw VirException.of(VirErrorNumber.NO_SERVER, VirErrorDomain.ADMIN,
                "no server with matching name '" + name + "' found");
    }

    /** virNetServerGetClient: NO_CLIENT "No client with matching ID 'n'". */
    private static ServerClient client(NetServer srv, long id) {
        ServerClient c = srv.client(id);
        if (c == null) {
            throw VirException.of(VirErrorNumber.NO_CLIENT, VirErrorDomain.RPC,
                    "No client with matching ID '" + Long.toUnsignedString(id) + "'");
        }
        return c;
    }

    /** The server's clients in libvirt's order: by id, which is the order they connected in. */
    private static List<ServerClient> clientsOf(NetServer srv) {
        List<ServerClient> list = new ArrayList<>(srv.clients());
        list.sort(Comparator.comparingLong(ServerClient::id));
        return list;
    }

    private static NonnullClient handle(NetServer srv, ServerClient c) {
        return new NonnullClient(new NonnullServer(srv.name()), c.id(), c.connectedAtMillis() / 1000,
                c.transport().code());
    }

    /** libvirt's virNetServerSetClientLimits; -1 leaves a limit as it is. */
    private static void setClientLimits(NetServer srv, int maxClients, int maxUnauth) {
        synchronized (srv) {
            ServerLimits old = srv.limits();
            int max = maxClients >= 0 ? maxClients : old.maxClients();
            int unauth = maxUnauth >= 0 ? maxUnauth : old.maxAnonymousClients();
            if (max < unauth) {
                throw VirException.invalidArg(VirErrorDomain.RPC, "The overall maximum number of clients waiting "
                        + "for authentication must not be less than the overall maximum number of clients");
            }
            ServerLimits next;
            try {
                next = new ServerLimits(max, old.maxQueuedClients(), unauth, old.maxClientRequests(),
                        old.keepaliveInterval(), old.keepaliveCount());
            } catch (IllegalArgumentException e) {
                // libvirt accepts nclients_max 0 (and then accepts no one); jvirtd's limits do not
                throw VirException.invalidArg(VirErrorDomain.RPC, e.getMessage());
            }
            srv.setLimits(next);
        }
    }

    /** A worker count from a UINT parameter, -1 when absent; refuses absurd numbers. */
    private static int workers(TypedParam p) {
        int n = TypedParams.uintOr(p, -1);
        if (n > MAX_WORKERS_REQUEST) {
            throw VirException.invalidArg(VirErrorDomain.NONE, "cannot start " + n + " workers: at most "
                    + MAX_WORKERS_REQUEST + " per pool");
        }
        return n;
    }

    /** An XDR unsigned int as a Java int, saturating above Integer.MAX_VALUE. */
    static int clampUnsigned(int ui) {
        return ui < 0 ? Integer.MAX_VALUE : ui;
    }

    /** libvirt's virCheckFlags(0, ...) in a function of VIR_FROM_ADMIN. */
    private static void checkFlags(int flags, String function) {
        VirException.checkFlags(flags, 0, VirErrorDomain.ADMIN, function);
    }
}
