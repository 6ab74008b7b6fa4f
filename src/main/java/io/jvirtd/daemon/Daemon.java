package io.jvirtd.daemon;

import io.jvirtd.daemon.admin.AdminCalls;
import io.jvirtd.daemon.admin.AdminProgram;
import io.jvirtd.daemon.admin.ClientInfo;
import io.jvirtd.daemon.logging.LogSettings;
import io.jvirtd.daemon.metrics.MetricsServer;
import io.jvirtd.daemon.metrics.MetricsText;
import io.jvirtd.daemon.remote.ConnectionRouter;
import io.jvirtd.daemon.remote.HypervisorExtraProgram;
import io.jvirtd.daemon.remote.QemuProgram;
import io.jvirtd.daemon.remote.RemoteProgram;
import io.jvirtd.protocol.admin.AdminProcedure;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.ClientMemoryBudget;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.tls.TlsConfigException;
import io.jvirtd.rpc.tls.TlsContext;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import sun.misc.Signal;

/**
 * Wires the daemon and runs its life (docs/architecture.md §2): the process leader binds the sockets,
 * starts the event loop, starts the drivers, enables the network, then waits for the loop to
 * end; every way out (SIGTERM, SIGINT, idle timeout, a driver failing to start) goes through
 * the same orderly shutdown. Owned by the process leader; {@link #requestShutdown} may be
 * called from any thread.
 */
final class Daemon {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon");
    /** How long in-flight calls get to finish at shutdown before their clients are closed. */
    private static final long SHUTDOWN_GRACE_MILLIS = 1000;
    /** libvirt's REMOTE_AUTH_NONE: the only scheme jvirtd offers yet. */
    private static final int AUTH_NONE = 0;
    /** The socket units' names systemd passes in LISTEN_FDNAMES (libvirtd's, with jvirtd for libvirtd). */
    static final String ACTIVATION_RW = "jvirtd.socket";
    static final String ACTIVATION_RO = "jvirtd-ro.socket";
    static final String ACTIVATION_ADMIN = "jvirtd-admin.socket";
    static final String ACTIVATION_TCP = "jvirtd-tcp.socket";
    static final String ACTIVATION_TLS = "jvirtd-tls.socket";

    private final DaemonConfig config;
    private final Options opts;
    private final AtomicBoolean shutdownRequested = new AtomicBoolean();
    private EventLoop loop;
    private NetServer server;
    private NetServer adminServer;
    private MetricsServer metrics;
    /** The drivers, once built: the SIGHUP handler reloads them (any thread reads it). */
    private volatile DriverRegistry drivers;
    /** Loop-confined: the drivers' inhibitions of the idle exit (running guests). */
    private int idleExitInhibitions;
    /**
     * Loop-confined: the listeners are enabled. Until then no idle count runs (libvirt arms its
     * auto-shutdown once the daemon runs): a driver releasing an inhibition while it starts (a
     * guest that died while the daemon was away) must not start a count that, on a slow start,
     * ends the loop before the listeners are enabled.
     */
    private boolean serving;
    /** Loop-confined: the idle-shutdown timer and its timeout (-t, or virt-admin daemon-timeout). */
    private Timer idleTimer;
    private int autoShutdownSeconds;

    Daemon(DaemonConfig config, Options opts) {
        this.config = config;
        this.opts = opts;
    }

    int run() {
        Pidfile pidfile = null;
        try {
            pidfile = Pidfile.acquire(opts.pidFile != null ? opts.pidFile : Main.defaultPidFile(config));
        } catch (IOException e) {
            System.err.println("jvirtd: " + e.getMessage());
            return 1;
        }
        try {
            return runHoldingPidfile();
        } finally {
            pidfile.close();
        }
    }

    private int runHoldingPidfile() {
        FatalErrors.install();
        loop = new EventLoop("jvirtd-loop");
        // One budget for the clients of both servers: they share the loop and the heap.
        ClientMemoryBudget memory = new ClientMemoryBudget(loop, Ticker.SYSTEM,
                config.memorySettings(Runtime.getRuntime().maxMemory()));
        WorkerPool pool = new WorkerPool("jvirtd", config.minWorkers, config.maxWorkers, config.prioWorkers);
        server = new NetServer("libvirtd", loop, pool, limits(), Ticker.SYSTEM, memory);
        server.setMaxQueuedEventBytes(config.clientEventQueueLimit);
        // libvirtd's admin server: its own pool without priority workers, no anonymous clients
        WorkerPool adminPool = new WorkerPool("admin", config.adminMinWorkers, config.adminMaxWorkers, 0);
        adminServer = new NetServer("admin", loop, adminPool, adminLimits(), Ticker.SYSTEM, memory);
        try {
            bindSockets();
        } catch (IOException | RuntimeException e) {
            System.err.println("jvirtd: cannot listen: " + e.getMessage());
            server.closeListeners();
            adminServer.closeListeners();
            pool.shutdown();
            adminPool.shutdown();
            return 1;
        }
        autoShutdownSeconds = opts.timeoutSeconds;
        installSignalHandlers();
        loop.start();

        // The stateful drivers start while the loop runs and before the network is enabled: the
        // QEMU driver reattaches to the monitors of guests that kept running (libvirtd's order).
        DriverRegistry drivers;
        FutureTask<ServerProgram> remote = null;
        try {
            drivers = DriverRegistry.fromConfig(config);
            this.drivers = drivers;
            // The remote program's procedure table (about a thousand argument and reply classes
            // to load) is built on a helper thread meanwhile: a restart with running guests spends
            // that time waiting for their monitors' answers (docs/performance.md, issue 12).
            DriverRegistry d = drivers;
            remote = new FutureTask<>(() -> SlowCallHook.wrap(new RemoteProgram(new ConnectionRouter(d.byScheme())),
                    config.testSlowCall, Boolean.getBoolean(SlowCallHook.TEST_HOOKS_PROPERTY)));
            Thread builder = new Thread(remote, "jvirtd-tables");
            builder.setDaemon(true);
            builder.start();
            drivers.startAll(new LoopForDrivers(loop, this::inhibitIdleExit));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "a driver failed to start", e);
            requestShutdown("driver start-up failed");
            awaitLoop();
            pool.shutdown();
            adminPool.shutdown();
            return 1;
        }
        server.addProgram(built(remote));
        server.addProgram(new QemuProgram());
        server.addProgram(HypervisorExtraProgram.lxc());
        List<NetServer> servers = List.of(adminServer, server); // virt-admin srv-list order
        adminServer.addProgram(new AdminProgram(new AdminCalls(servers, LogSettings.global(),
                this::setAutoShutdownTimeout, new ClientInfo())));
        // The metrics endpoint is a listener too: bound before any client is accepted, and a
        // daemon that cannot serve what its configuration asks for does not start (exit 1).
        if (!startMetrics(servers, drivers)) {
            requestShutdown("metrics endpoint failed");
            awaitLoop();
            drivers.stopAll();
            pool.shutdown();
            adminPool.shutdown();
            return 1;
        }
        server.enable();
        adminServer.enable();
        server.onClientCountChange(n -> updateIdleTimer());
        adminServer.onClientCountChange(n -> updateIdleTimer());
        loop.execute(() -> {
            serving = true;
            updateIdleTimer();
        });
        // Runs after enable()'s task on the loop: the listeners are watched by then.
        loop.execute(() -> LOG.log(Level.INFO, "daemon is ready"));
        ClientMemoryBudget.Settings m = memory.settings();
        LOG.log(Level.INFO, "client memory budget {0} bytes, {1} of it for restricted clients, timeout {2} s",
                m.limit(), m.restrictedLimit(), m.timeoutMillis() / 1000);

        awaitLoop();
        if (loop.failure() != null) {
            FatalErrors.loopDied(loop.name(), loop.failure()); // never the orderly exit 0
        }
        if (metrics != null) {
            metrics.close();
        }
        drivers.stopAll(); // running guests keep running; the next start reattaches
        pool.shutdown();
        adminPool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
            adminPool.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "daemon stopped");
        return 0;
    }

    /** The program a helper thread built; its failure is the leader's (a bug, as it would be here). */
    private static ServerProgram built(FutureTask<ServerProgram> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the remote program", e);
        }
    }

    private ServerLimits limits() {
        return new ServerLimits(config.maxClients, config.maxQueuedClients, config.maxAnonymousClients,
                config.maxClientRequests, config.keepaliveInterval, config.keepaliveCount);
    }

    /** The admin server's: libvirtd gives it no anonymous clients; it never PINGs (see AdminProgram). */
    private ServerLimits adminLimits() {
        return new ServerLimits(config.adminMaxClients, config.adminMaxQueuedClients, 0,
                config.adminMaxClientRequests, config.adminKeepaliveInterval, config.adminKeepaliveCount);
    }

    /** Starts the Prometheus endpoint when metrics_listen_addr is set; false when it cannot bind. */
    private boolean startMetrics(List<NetServer> servers, DriverRegistry drivers) {
        if (config.metricsListenAddr == null) {
            return true;
        }
        List<MetricsText.ProgramNames> names = List.of(
                new MetricsText.ProgramNames(RemoteProcedure.PROGRAM, "remote", n -> {
                    RemoteProcedure p = RemoteProcedure.byNumber(n);
                    return p == null ? null : p.name();
                }),
                new MetricsText.ProgramNames(AdminProcedure.PROGRAM, "admin", n -> {
                    AdminProcedure p = AdminProcedure.byNumber(n);
                    return p == null ? null : p.name();
                }));
        try {
            metrics = MetricsServer.start(MetricsServer.parseAddress(config.metricsListenAddr), servers, names,
                    drivers::faultCounts);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot serve metrics on {0}: {1}", config.metricsListenAddr, e.toString());
            return false;
        }
    }

    /**
     * Binds every socket before anything is watched (libvirt's daemonSetupNetworking), after
     * every credential is loaded and checked, so that start-up fails before any socket exists
     * and a client that finds one socket accepting finds them all. A TCP socket accepts into
     * its backlog from bind() on, a unix socket from the moment it is renamed into place: TLS
     * is bound first, then TCP, then the unix sockets, so each socket that accepts implies the
     * ones before it. The loop watches them all at once in enable().
     */
    private void bindSockets() throws IOException {
        GroupPrincipal group = config.unixSockGroup == null ? null
                : FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(config.unixSockGroup);
        SystemdActivation activation;
        try {
            activation = SystemdActivation.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (activation != null) {
            bindActivated(activation);
            return;
        }
        TlsContext tls = null;
        if (opts.listen && config.listenTls) {
            try {
                tls = TlsSetup.serverContext(config, TlsSetup.newTaskExecutor());
            } catch (TlsConfigException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        if (tls != null) {
            server.addTcpListener(new InetSocketAddress(config.listenAddr, Integer.parseInt(config.tlsPort)),
                    Transport.TLS, AUTH_NONE, tls);
        }
        if (opts.listen && config.listenTcp) {
            server.addTcpListener(new InetSocketAddress(config.listenAddr, Integer.parseInt(config.tcpPort)),
                    Transport.TCP, AUTH_NONE);
        }
        Path dir = config.unixSockDir;
        server.addUnixListener(dir.resolve("libvirt-sock"), perms(config.unixSockRwPerms), group, false, AUTH_NONE);
        server.addUnixListener(dir.resolve("libvirt-sock-ro"), perms(config.unixSockRoPerms), group, true, AUTH_NONE);
        adminServer.addUnixListener(dir.resolve("libvirt-admin-sock"), perms(config.unixSockAdminPerms), group,
                false, AUTH_NONE);
    }

    /**
     * Socket activation (libvirt's daemonSetupNetworking with a virSystemdActivation): serves
     * exactly the sockets systemd passed, by their unit names, and binds none of its own, so a
     * socket unit the administrator disabled stays off. The unix sockets' modes and group are the
     * socket units' (SocketMode=, SocketGroup=), not unix_sock_*; the TCP address is theirs too.
     * --listen is refused, as by libvirtd; a descriptor under a name jvirtd does not serve is
     * an error. The names are the units': jvirtd.socket, jvirtd-ro.socket, jvirtd-admin.socket,
     * jvirtd-tcp.socket, jvirtd-tls.socket.
     */
    private void bindActivated(SystemdActivation act) throws IOException {
        if (opts.listen) {
            throw new IOException("--listen parameter not permitted with systemd activation sockets,"
                    + " see 'man jvirtd' for further guidance");
        }
        TlsContext tls = null;
        if (act.hasName(ACTIVATION_TLS)) {
            try {
                tls = TlsSetup.serverContext(config, TlsSetup.newTaskExecutor(), true);
            } catch (TlsConfigException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        for (int fd : act.claim(ACTIVATION_RW)) {
            server.addListeningSocket(unixSocket(fd, ACTIVATION_RW), Transport.UNIX, false, AUTH_NONE, null);
        }
        for (int fd : act.claim(ACTIVATION_RO)) {
            server.addListeningSocket(unixSocket(fd, ACTIVATION_RO), Transport.UNIX, true, AUTH_NONE, null);
        }
        for (int fd : act.claim(ACTIVATION_ADMIN)) {
            adminServer.addListeningSocket(unixSocket(fd, ACTIVATION_ADMIN), Transport.UNIX, false, AUTH_NONE, null);
        }
        for (int fd : act.claim(ACTIVATION_TCP)) {
            server.addListeningSocket(tcpSocket(fd, ACTIVATION_TCP), Transport.TCP, false, AUTH_NONE, null);
        }
        for (int fd : act.claim(ACTIVATION_TLS)) {
            server.addListeningSocket(tcpSocket(fd, ACTIVATION_TLS), Transport.TLS, false, AUTH_NONE, tls);
        }
        if (!act.unclaimed().isEmpty()) {
            throw new IOException("Some activation file descriptors are unclaimed: " + act.unclaimed()
                    + " (jvirtd serves jvirtd.socket, jvirtd-ro.socket, jvirtd-admin.socket, jvirtd-tcp.socket"
                    + " and jvirtd-tls.socket)");
        }
        LOG.log(Level.INFO, "socket activation: serving {0} and {1}", server.listeners(), adminServer.listeners());
    }

    private static java.nio.channels.ServerSocketChannel unixSocket(int fd, String name) throws IOException {
        java.nio.channels.ServerSocketChannel ch = InheritedSockets.listening(fd, name);
        if (!(ch.getLocalAddress() instanceof java.net.UnixDomainSocketAddress)) {
            ch.close();
            throw new IOException("socket activation: " + name + " (descriptor " + fd + ") must be a unix socket");
        }
        return ch;
    }

    private static java.nio.channels.ServerSocketChannel tcpSocket(int fd, String name) throws IOException {
        java.nio.channels.ServerSocketChannel ch = InheritedSockets.listening(fd, name);
        if (!(ch.getLocalAddress() instanceof InetSocketAddress)) {
            ch.close();
            throw new IOException("socket activation: " + name + " (descriptor " + fd + ") must be a TCP socket");
        }
        return ch;
    }

    /** An octal mode such as "0770" as permissions. */
    static Set<PosixFilePermission> perms(String octal) {
        int mode = Integer.parseInt(octal, 8);
        StringBuilder s = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    private void installSignalHandlers() {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), sig -> requestShutdown("SIG" + sig.getName()));
        }
        // SIGHUP reopens the log files (logrotate) and, as libvirtd, reloads the drivers (the
        // mock host's fault plan file); on the JVM's signal thread, never the event loop.
        try {
            Signal.handle(new Signal("HUP"), sig -> {
                Logging.reopen();
                LOG.log(Level.INFO, "SIGHUP: log files reopened");
                DriverRegistry d = drivers;
                if (d != null) {
                    d.reloadAll();
                }
            });
        } catch (IllegalArgumentException e) { // the JVM keeps HUP (-Xrs): no reopen on signal
            LOG.log(Level.WARNING, "cannot handle SIGHUP: {0}", e.getMessage());
        }
    }

    /**
     * A driver holds or releases one inhibition of the idle exit (libvirt's
     * virNetDaemonAddShutdownInhibition / RemoveShutdownInhibition: the QEMU driver holds one
     * while any guest runs). Any thread; counted on the loop.
     */
    private void inhibitIdleExit(boolean hold) {
        loop.execute(() -> {
            idleExitInhibitions += hold ? 1 : -1;
            updateIdleTimer();
        });
    }

    /** The admin program's daemon-timeout: libvirt's virNetDaemonAutoShutdown. Any thread. */
    private void setAutoShutdownTimeout(int seconds) {
        loop.execute(() -> {
            autoShutdownSeconds = seconds;
            if (idleTimer != null) { // a new timeout restarts the count, as libvirt re-arms its timer
                idleTimer.cancel();
                idleTimer = null;
            }
            updateIdleTimer();
        });
    }

    /**
     * Loop: libvirt's -t and daemon-timeout: quit once no client of any server (admin
     * included) has been connected for the timeout; 0 never quits.
     */
    private void updateIdleTimer() {
        if (!serving) {
            return;
        }
        boolean idle = server.clientCount() + adminServer.clientCount() == 0 && idleExitInhibitions == 0
                && autoShutdownSeconds > 0;
        if (!idle && idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        } else if (idle && idleTimer == null) {
            idleTimer = loop.schedule(autoShutdownSeconds * 1000L, () -> requestShutdown("idle timeout"));
        }
    }

    /** Starts the orderly shutdown; any thread, any number of times. */
    void requestShutdown(String why) {
        if (!shutdownRequested.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "shutting down: {0}", why);
        AtomicInteger running = new AtomicInteger(2);
        Runnable drained = () -> {
            if (running.decrementAndGet() == 0) {
                loop.quit();
            }
        };
        server.shutdown(SHUTDOWN_GRACE_MILLIS, drained);
        adminServer.shutdown(SHUTDOWN_GRACE_MILLIS, drained);
    }

    private void awaitLoop() {
        try {
            while (!loop.awaitTermination(1, TimeUnit.HOURS)) {
                // the loop ends only through quit(); keep waiting
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
