package io.jvirtd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.logging.LogSettings;
import io.jvirtd.protocol.admin.AdminProcedure;
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
import io.jvirtd.protocol.admin.AdminTypes.TypedParamValue;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.Listener;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.server.WireSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin program against two real servers on loopback: replies checked field by field and,
 * where virt-admin's captures against libvirtd 9.0 give them, by their length on the wire.
 */
class AdminProgramTest {

    private static final NonnullServer LIBVIRTD = new NonnullServer("libvirtd");
    private static final NonnullServer ADMIN = new NonnullServer("admin");

    @TempDir
    Path dir;

    private EventLoop loop;
    private WorkerPool pool;
    private WorkerPool adminPool;
    private NetServer libvirtd;
    private NetServer admin;
    private InetSocketAddress libvirtdTcp;
    private InetSocketAddress adminTcp;
    private Path libvirtdUnix;
    private LogSettings logging;
    private final AtomicInteger timeout = new AtomicInteger(-1);
    /** libvirtd's client count as its loop reports it; the monitor is notified on each change. */
    private final AtomicInteger clientCount = new AtomicInteger();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("admin-test");
        pool = new WorkerPool("jvirtd", 2, 6, 1);
        adminPool = new WorkerPool("admin", 2, 2, 0);
        libvirtd = new NetServer("libvirtd", loop, pool, new ServerLimits(5000, 10, 20, 5, 5, 5), Ticker.SYSTEM);
        admin = new NetServer("admin", loop, adminPool, new ServerLimits(5000, 10, 0, 5, 5, 5), Ticker.SYSTEM);
        libvirtd.addProgram(new NullProgram());
        logging = new LogSettings(new PrintStream(new ByteArrayOutputStream()), dir.resolve("no-journal"));
        logging.configure(0, null, null, false, Map.of(), "test");
        ClientInfo fakePid = new ClientInfo() {
            @Override
            protected long peerPid(long inode) {
                return 22099;
            }
        };
        admin.addProgram(new AdminProgram(new AdminCalls(List.of(admin, libvirtd), logging, timeout::set, fakePid)));
        libvirtdTcp = local(libvirtd.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0));
        libvirtdUnix = dir.resolve("libvirt-sock-ro");
        libvirtd.addUnixListener(libvirtdUnix, PosixFilePermissions.fromString("rwx------"), null, true, 0);
        adminTcp = local(admin.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0));
        loop.start();
        libvirtd.onClientCountChange(n -> {
            synchronized (clientCount) {
                clientCount.set(n);
                clientCount.notifyAll();
            }
        });
        libvirtd.enable();
        admin.enable();
    }

    private static InetSocketAddress local(Listener l) throws IOException {
        return (InetSocketAddress) l.channel().getLocalAddress();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        CountDownLatch done = new CountDownLatch(2);
        libvirtd.shutdown(1000, done::countDown);
        admin.shutdown(1000, done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.quit();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        pool.shutdown();
        adminPool.shutdown();
    }

    private AdminWire adminClient() throws IOException {
        AdminWire w = new AdminWire(adminTcp);
        toClose.add(w);
        w.call(AdminProcedure.CONNECT_OPEN, new ConnectOpenArgs(0)).ok(Void.class);
        return w;
    }

    /** A TCP client of the libvirtd server, once the server has counted it. */
    private WireSocket libvirtdClient(int expectedCount) throws IOException, InterruptedException {
        WireSocket s = new WireSocket(libvirtdTcp);
        toClose.add(s);
        awaitClients(expectedCount);
        return s;
    }

    /** Waits (on the server's client-count callback) until libvirtd has {@code n} clients. */
    private void awaitClients(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (clientCount) {
            while (clientCount.get() != n) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertTrue(left > 0, "libvirtd never had " + n + " clients");
                clientCount.wait(left);
            }
        }
    }

    private static void assertError(AdminWire.Reply r, int code, int domain, String message) {
        assertEquals(MessageHeader.STATUS_ERROR, r.header().status(), "expected an error reply");
        RpcError e = r.error();
        assertEquals(code, e.code(), e::toString);
        assertEquals(domain, e.domain(), e::toString);
        assertEquals(message, e.message());
        assertEquals(2, e.level());
    }

    private static int uint(TypedParam p) {
        return ((TypedParamValue.UIntValue) p.value()).ui();
    }

    @Test
    void listsAdminThenLibvirtdAsLibvirtdDid() throws IOException {
        AdminWire.Reply r = adminClient().call(AdminProcedure.CONNECT_LIST_SERVERS, new ConnectListServersArgs(1, 0));
        assertEquals(new ConnectListServersRet(List.of(ADMIN, LIBVIRTD), 2), r.ok(ConnectListServersRet.class));
        assertEquals(60, r.wireLength()); // captured from libvirtd
        ConnectListServersRet countOnly = adminClient().call(AdminProcedure.CONNECT_LIST_SERVERS,
                new ConnectListServersArgs(0, 0)).ok(ConnectListServersRet.class);
        assertEquals(new ConnectListServersRet(List.of(), 2), countOnly);
    }

    @Test
    void looksUpServersByName() throws IOException {
        AdminWire w = adminClient();
        AdminWire.Reply r = w.call(AdminProcedure.CONNECT_LOOKUP_SERVER, new ConnectLookupServerArgs("libvirtd", 0));
        assertEquals(new ConnectLookupServerRet(LIBVIRTD), r.ok(ConnectLookupServerRet.class));
        assertEquals(40, r.wireLength());
        AdminWire.Reply miss = w.call(AdminProcedure.CONNECT_LOOKUP_SERVER, new ConnectLookupServerArgs("nosuchsrv", 0));
        assertError(miss, 95, 7, "Server not found: No server named 'nosuchsrv'");
        assertEquals("Server not found: %s", miss.error().str1());
        assertEquals("No server named 'nosuchsrv'", miss.error().str2());
        assertEquals(180, miss.wireLength());
    }

    @Test
    void threadPoolParametersAreReadAndAppliedToTheLivePool() throws IOException {
        AdminWire w = adminClient();
        AdminWire.Reply r = w.call(AdminProcedure.SERVER_GET_THREADPOOL_PARAMETERS,
                new ServerGetThreadpoolParametersArgs(LIBVIRTD, 0));
        List<TypedParam> p = r.ok(ServerGetThreadpoolParametersRet.class).params();
        assertEquals(List.of("minWorkers", "maxWorkers", "nWorkers", "freeWorkers", "prioWorkers", "jobQueueDepth"),
                p.stream().map(TypedParam::field).toList());
        assertEquals(List.of(2, 6, 2, 2, 1, 0), p.stream().map(AdminProgramTest::uint).toList());
        assertEquals(176, r.wireLength());

        w.call(AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS, new ServerSetThreadpoolParametersArgs(LIBVIRTD,
                List.of(new TypedParam("maxWorkers", new TypedParamValue.UIntValue(40)),
                        new TypedParam("minWorkers", new TypedParamValue.UIntValue(3)),
                        new TypedParam("prioWorkers", new TypedParamValue.UIntValue(2))), 0)).ok(Void.class);
        assertEquals(40, pool.maxWorkers());
        assertEquals(3, pool.minWorkers());
        assertEquals(3, pool.nWorkers());
        assertEquals(2, pool.prioWorkers());

        // the admin pool serves this very call: one of its workers is busy (and the worker of the
        // previous call may not be back to sleep yet, so free is 1 or 0)
        List<Integer> a = w.call(AdminProcedure.SERVER_GET_THREADPOOL_PARAMETERS,
                new ServerGetThreadpoolParametersArgs(ADMIN, 0)).ok(ServerGetThreadpoolParametersRet.class).params()
                .stream().map(AdminProgramTest::uint).toList();
        assertEquals(List.of(2, 2, 2, 0, 0), List.of(a.get(0), a.get(1), a.get(2), a.get(4), a.get(5)));
        assertTrue(a.get(3) <= 1, a::toString);
    }

    @Test
    void threadPoolSetterRefusesWhatLibvirtRefuses() throws IOException {
        AdminWire w = adminClient();
        assertError(w.call(AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS, new ServerSetThreadpoolParametersArgs(
                LIBVIRTD, List.of(new TypedParam("minWorkers", new TypedParamValue.UIntValue(50))), 0)),
                8, 0, "invalid argument: minWorkers cannot be larger than maxWorkers");
        assertError(w.call(AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS, new ServerSetThreadpoolParametersArgs(
                LIBVIRTD, List.of(new TypedParam("nWorkers", new TypedParamValue.UIntValue(5))), 0)),
                74, 0, "argument unsupported: parameter 'nWorkers' not supported");
        assertError(w.call(AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS, new ServerSetThreadpoolParametersArgs(
                LIBVIRTD, List.of(new TypedParam("maxWorkers", new TypedParamValue.IntValue(5))), 0)),
                8, 0, "invalid argument: invalid type 'int' for parameter 'maxWorkers', expected 'uint'");
        assertError(w.call(AdminProcedure.SERVER_SET_THREADPOOL_PARAMETERS, new ServerSetThreadpoolParametersArgs(
                new NonnullServer("x"), List.of(), 0)),
                95, 62, "Server not found: no server with matching name 'x' found");
        assertError(w.call(AdminProcedure.SERVER_GET_THREADPOOL_PARAMETERS,
                new ServerGetThreadpoolParametersArgs(LIBVIRTD, 1)),
                8, 62, "unsupported flags (0x1) in function adminServerGetThreadPoolParameters");
        assertEquals(6, pool.maxWorkers());
    }

    @Test
    void listsLooksUpDescribesAndClosesClients() throws Exception {
        AdminWire w = adminClient();
        long before = System.currentTimeMillis() / 1000;
        WireSocket first = libvirtdClient(1);
        libvirtdClient(2);
        ServerListClientsRet list = w.call(AdminProcedure.SERVER_LIST_CLIENTS, new ServerListClientsArgs(LIBVIRTD, 1, 0))
                .ok(ServerListClientsRet.class);
        assertEquals(2, list.ret());
        assertTrue(list.clients().get(0).id() < list.clients().get(1).id(), "clients in id order");
        NonnullClient c = list.clients().get(0);
        assertEquals(Transport.TCP.code(), c.transport());
        assertTrue(c.timestamp() >= before && c.timestamp() <= System.currentTimeMillis() / 1000 + 1);

        AdminWire.Reply looked = w.call(AdminProcedure.SERVER_LOOKUP_CLIENT, new ServerLookupClientArgs(LIBVIRTD, c.id(), 0));
        assertEquals(new ServerLookupClientRet(c), looked.ok(ServerLookupClientRet.class));
        assertEquals(60, looked.wireLength());

        AdminWire.Reply info = w.call(AdminProcedure.CLIENT_GET_INFO, new ClientGetInfoArgs(c, 0));
        List<TypedParam> params = info.ok(ClientGetInfoRet.class).params();
        String addr = (String) ((TypedParamValue.StringValue) params.get(1).value()).s();
        assertEquals(List.of(new TypedParam("readonly", new TypedParamValue.BooleanValue(0)),
                new TypedParam("sock_addr", new TypedParamValue.StringValue(addr))), params);
        assertTrue(addr.matches("127\\.0\\.0\\.1:\\d+"), addr);
        assertEquals(76 + addr.length() + (4 - addr.length() % 4) % 4, info.wireLength()); // 92 for libvirtd's capture

        w.call(AdminProcedure.CLIENT_CLOSE, new ClientCloseArgs(c, 0)).ok(Void.class);
        assertTrue(first.awaitClosed(), "the named client was closed");
        awaitClients(1);
        assertError(w.call(AdminProcedure.SERVER_LOOKUP_CLIENT, new ServerLookupClientArgs(LIBVIRTD, 999999, 0)),
                96, 7, "Client not found: No client with matching ID '999999'");
        assertError(w.call(AdminProcedure.CLIENT_GET_INFO, new ClientGetInfoArgs(c, 0)),
                96, 62, "Client not found: no client with matching id '" + c.id() + "' found");
        assertError(w.call(AdminProcedure.CLIENT_CLOSE, new ClientCloseArgs(c, 0)),
                96, 7, "Client not found: No client with matching ID '" + c.id() + "'");
    }

    @Test
    void unixClientInfoHasLibvirtsIdentityKeys() throws Exception {
        AdminWire w = adminClient();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(libvirtdUnix));
            awaitClients(1);
            NonnullClient c = w.call(AdminProcedure.SERVER_LIST_CLIENTS, new ServerListClientsArgs(LIBVIRTD, 1, 0))
                    .ok(ServerListClientsRet.class).clients().get(0);
            assertEquals(Transport.UNIX.code(), c.transport());
            AdminWire.Reply r = w.call(AdminProcedure.CLIENT_GET_INFO, new ClientGetInfoArgs(c, 0));
            List<TypedParam> p = r.ok(ClientGetInfoRet.class).params();
            assertEquals(List.of("readonly", "unix_user_id", "unix_user_name", "unix_group_id", "unix_group_name",
                    "unix_process_id"), p.stream().map(TypedParam::field).toList());
            assertEquals(new TypedParamValue.BooleanValue(1), p.get(0).value());
            assertEquals(new TypedParamValue.IntValue(22099), p.get(5).value());
            String user = ((TypedParamValue.StringValue) p.get(2).value()).s();
            assertEquals(Files.getOwner(Path.of("/proc/self")).getName(), user);
            if (user.equals("root")) {
                assertEquals(new TypedParamValue.IntValue(0), p.get(1).value());
                assertEquals(196, r.wireLength()); // libvirtd's reply for root with a 5-digit pid
            }
        }
    }

    @Test
    void clientLimitsAreReadAndSet() throws Exception {
        AdminWire w = adminClient();
        libvirtdClient(1);
        AdminWire.Reply r = w.call(AdminProcedure.SERVER_GET_CLIENT_LIMITS, new ServerGetClientLimitsArgs(LIBVIRTD, 0));
        assertEquals(List.of(5000, 1, 20, 0), r.ok(ServerGetClientLimitsRet.class).params().stream()
                .map(AdminProgramTest::uint).toList());
        assertEquals(136, r.wireLength());
        w.call(AdminProcedure.SERVER_SET_CLIENT_LIMITS, new ServerSetClientLimitsArgs(LIBVIRTD,
                List.of(new TypedParam("nclients_max", new TypedParamValue.UIntValue(4000))), 0)).ok(Void.class);
        assertEquals(4000, libvirtd.limits().maxClients());
        assertEquals(20, libvirtd.limits().maxAnonymousClients());
        assertError(w.call(AdminProcedure.SERVER_SET_CLIENT_LIMITS, new ServerSetClientLimitsArgs(LIBVIRTD,
                List.of(new TypedParam("nclients_unauth_max", new TypedParamValue.UIntValue(6000))), 0)),
                8, 7, "invalid argument: The overall maximum number of clients waiting for authentication must not "
                        + "be less than the overall maximum number of clients");
        List<TypedParam> a = w.call(AdminProcedure.SERVER_GET_CLIENT_LIMITS, new ServerGetClientLimitsArgs(ADMIN, 0))
                .ok(ServerGetClientLimitsRet.class).params();
        assertEquals(List.of(5000, 1, 0, 0), a.stream().map(AdminProgramTest::uint).toList());
    }

    @Test
    void loggingSettingsAreReadAndReplaced() throws IOException {
        AdminWire w = adminClient();
        AdminWire.Reply filters = w.call(AdminProcedure.CONNECT_GET_LOGGING_FILTERS, new ConnectGetLoggingFiltersArgs(0));
        assertEquals(new ConnectGetLoggingFiltersRet(null, 0), filters.ok(ConnectGetLoggingFiltersRet.class));
        assertEquals(36, filters.wireLength());
        AdminWire.Reply outputs = w.call(AdminProcedure.CONNECT_GET_LOGGING_OUTPUTS, new ConnectGetLoggingOutputsArgs(0));
        assertEquals(new ConnectGetLoggingOutputsRet("3:stderr", 1), outputs.ok(ConnectGetLoggingOutputsRet.class));
        assertEquals(44, outputs.wireLength());

        w.call(AdminProcedure.CONNECT_SET_LOGGING_FILTERS, new ConnectSetLoggingFiltersArgs("1:rpc 3:remote", 0))
                .ok(Void.class);
        assertEquals(new ConnectGetLoggingFiltersRet("1:*rpc* 3:*remote* ", 2),
                w.call(AdminProcedure.CONNECT_GET_LOGGING_FILTERS, new ConnectGetLoggingFiltersArgs(0))
                        .ok(ConnectGetLoggingFiltersRet.class));
        assertError(w.call(AdminProcedure.CONNECT_SET_LOGGING_FILTERS, new ConnectSetLoggingFiltersArgs("bogus", 0)),
                8, 0, "invalid argument: Malformed format for filter 'bogus'");
        w.call(AdminProcedure.CONNECT_SET_LOGGING_FILTERS, new ConnectSetLoggingFiltersArgs("", 0)).ok(Void.class);
        assertNull(logging.filtersString());

        Path log = dir.resolve("x.log");
        w.call(AdminProcedure.CONNECT_SET_LOGGING_OUTPUTS, new ConnectSetLoggingOutputsArgs("2:stderr 1:file:" + log, 0))
                .ok(Void.class);
        assertEquals("2:stderr 1:file:" + log, logging.outputsString());
        w.call(AdminProcedure.CONNECT_SET_LOGGING_OUTPUTS, new ConnectSetLoggingOutputsArgs(null, 0)).ok(Void.class);
        assertEquals("3:stderr", logging.outputsString()); // back to the default output
    }

    @Test
    void daemonTimeoutVersionTlsAndUnknownProcedures() throws IOException {
        AdminWire w = adminClient();
        w.call(AdminProcedure.CONNECT_SET_DAEMON_TIMEOUT, new ConnectSetDaemonTimeoutArgs(30, 0)).ok(Void.class);
        assertEquals(30, timeout.get());
        assertError(w.call(AdminProcedure.CONNECT_SET_DAEMON_TIMEOUT, new ConnectSetDaemonTimeoutArgs(30, 1)),
                8, 62, "unsupported flags (0x1) in function adminConnectSetDaemonTimeout");
        assertEquals(new ConnectGetLibVersionRet(9_000_000L),
                w.call(AdminProcedure.CONNECT_GET_LIB_VERSION, null).ok(ConnectGetLibVersionRet.class));
        AdminWire.Reply tls = w.call(AdminProcedure.SERVER_UPDATE_TLS_FILES, new ServerUpdateTlsFilesArgs(LIBVIRTD, 0));
        assertError(tls, 1, 7, "internal error: no tls service found, unable to update tls files");
        assertEquals(216, tls.wireLength());
        assertError(w.callRaw(99), 39, 7, "unknown procedure: 99");
    }

    @Test
    void connectCloseAnswersThenCloses() throws IOException {
        AdminWire w = adminClient();
        w.call(AdminProcedure.CONNECT_CLOSE, null).ok(Void.class);
        assertTrue(w.socket().awaitClosed());
    }

    /** Answers every call with an empty reply: a stand-in for the remote program. */
    private static final class NullProgram implements ServerProgram {
        @Override
        public int program() {
            return 0x20008086;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public boolean isHighPriority(int procedure) {
            return false;
        }

        @Override
        public void dispatch(ServerClient client, Message call) {
            client.sendReply(ReplyFrames.finishFrame(ReplyFrames.startFrame(
                    call.header().reply(MessageHeader.STATUS_OK), 0)));
        }
    }
}
