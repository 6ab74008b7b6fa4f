package io.jvirtd.daemon;

import io.jvirtd.daemon.remote.ConnectionRouter;
import io.jvirtd.daemon.remote.RemoteProgram;
import io.jvirtd.driver.test.TestDriver;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.Transport;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import sun.misc.Signal;

/**
 * Wires the daemon and runs its life (DESIGN.md §1): the process leader binds the sockets,
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

    private final DaemonConfig config;
    private final Options opts;
    private final AtomicBoolean shutdownRequested = new AtomicBoolean();
    private EventLoop loop;
    private NetServer server;
    private Timer idleTimer;

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
        loop = new EventLoop("jvirtd-loop");
        WorkerPool pool = new WorkerPool("jvirtd", config.minWorkers, config.maxWorkers, config.prioWorkers);
        server = new NetServer("libvirtd", loop, pool, limits(), Ticker.SYSTEM);
        try {
            bindSockets();
        } catch (IOException | RuntimeException e) {
            System.err.println("jvirtd: cannot listen: " + e.getMessage());
            server.closeListeners();
            pool.shutdown();
            return 1;
        }
        installSignalHandlers();
        loop.start();

        TestDriver testDriver;
        try {
            testDriver = new TestDriver();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "driver 'Test' failed to start", e);
            requestShutdown("driver start-up failed");
            awaitLoop();
            pool.shutdown();
            return 1;
        }
        server.addProgram(new RemoteProgram(new ConnectionRouter(List.of(testDriver))));
        server.enable();
        if (opts.timeoutSeconds > 0) {
            server.onClientCountChange(this::clientCountChanged);
            loop.execute(() -> clientCountChanged(server.clientCount()));
        }
        // Runs after enable()'s task on the loop: the listeners are watched by then.
        loop.execute(() -> LOG.log(Level.INFO, "daemon is ready"));

        awaitLoop();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "daemon stopped");
        return 0;
    }

    private ServerLimits limits() {
        return new ServerLimits(config.maxClients, config.maxQueuedClients, config.maxAnonymousClients,
                config.maxClientRequests, config.keepaliveInterval, config.keepaliveCount);
    }

    /** Binds every socket before anything is watched (libvirt's daemonSetupNetworking). */
    private void bindSockets() throws IOException {
        Path dir = config.unixSockDir;
        GroupPrincipal group = config.unixSockGroup == null ? null
                : FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(config.unixSockGroup);
        server.addUnixListener(dir.resolve("libvirt-sock"), perms(config.unixSockRwPerms), group, false, AUTH_NONE);
        server.addUnixListener(dir.resolve("libvirt-sock-ro"), perms(config.unixSockRoPerms), group, true, AUTH_NONE);
        if (opts.listen && config.listenTcp) {
            server.addTcpListener(new InetSocketAddress(config.listenAddr, Integer.parseInt(config.tcpPort)),
                    Transport.TCP, AUTH_NONE);
        }
        if (opts.listen && config.listenTls && java.nio.file.Files.exists(Path.of(config.certFile))) {
            LOG.log(Level.WARNING, "listen_tls: TLS is not available yet; no TLS listener on port {0}",
                    config.tlsPort);
        }
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
    }

    /** Loop: libvirt's -t: quit once no client has been connected for the timeout. */
    private void clientCountChanged(int clients) {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
        if (clients == 0) {
            idleTimer = loop.schedule(opts.timeoutSeconds * 1000L, () -> requestShutdown("idle timeout"));
        }
    }

    /** Starts the orderly shutdown; any thread, any number of times. */
    void requestShutdown(String why) {
        if (!shutdownRequested.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "shutting down: {0}", why);
        server.shutdown(SHUTDOWN_GRACE_MILLIS, loop::quit);
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
