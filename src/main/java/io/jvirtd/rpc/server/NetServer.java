package io.jvirtd.rpc.server;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.loop.Watch;
import io.jvirtd.rpc.pool.WorkerPool;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A server (libvirt's virNetServer): its listening sockets, its clients, its programs, its
 * worker pool and limits. libvirtd runs two, "libvirtd" and "admin".
 *
 * <p>Threads: listeners are created and bound by the process leader; from {@link #enable()}
 * on, accepting, the client table's membership changes and shutdown run on the event loop.
 * The client table is a concurrent map so that other threads (admin API, metrics) can read
 * it without a lock. Programs are registered before {@link #enable()}.
 */
public final class NetServer {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.server");
    private static final int READ_BUFFER_SIZE = 256 * 1024;

    private final String name;
    private final EventLoop loop;
    private final WorkerPool pool;
    private final Ticker ticker;
    private volatile ServerLimits limits;
    private final List<ServerProgram> programs = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<Long, ServerClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong(1);

    // Loop-confined.
    private final List<Watch> listenerWatches = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    private boolean accepting;
    private boolean shuttingDown;
    private boolean shutdownFinished;
    private final List<Runnable> onDrained = new ArrayList<>();
    private IntConsumer clientCountListener = n -> { };

    public NetServer(String name, EventLoop loop, WorkerPool pool, ServerLimits limits, Ticker ticker) {
        this.name = name;
        this.loop = loop;
        this.pool = pool;
        this.limits = limits;
        this.ticker = ticker;
    }

    public String name() { return name; }
    public WorkerPool pool() { return pool; }
    public ServerLimits limits() { return limits; }
    public EventLoop loop() { return loop; }
    long nanoTime() { return ticker.nanoTime(); }

    /** Loop: the scratch buffer every client of this server reads into (one read at a time). */
    ByteBuffer readBuffer() {
        assert loop.inLoop();
        return readBuffer;
    }

    public void addProgram(ServerProgram program) {
        programs.add(program);
    }

    ServerProgram program(int program, int version) {
        for (ServerProgram p : programs) {
            if (p.program() == program && p.version() == version) {
                return p;
            }
        }
        return null;
    }

    /**
     * Binds a unix socket (process leader, before {@link #enable()}). A stale socket file is
     * replaced; the mode (and group) are applied before any client can be accepted.
     */
    public Listener addUnixListener(Path path, Set<PosixFilePermission> perms, GroupPrincipal group,
                                    boolean readOnly, int authType) throws IOException {
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), limits.maxQueuedClients());
            if (group != null) {
                Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
            }
            Files.setPosixFilePermissions(path, perms);
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return register(new Listener(ch, Transport.UNIX, readOnly, authType, path));
    }

    /** Binds a TCP socket (process leader, before {@link #enable()}). */
    public Listener addTcpListener(InetSocketAddress address, Transport transport, int authType)
            throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, limits.maxQueuedClients());
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return register(new Listener(ch, transport, false, authType, null));
    }

    private synchronized Listener register(Listener l) {
        listeners.add(l);
        return l;
    }

    public synchronized List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** Starts accepting on every listener (libvirt's "enable the network"). Any thread. */
    public void enable() {
        List<Listener> ls = listeners();
        loop.execute(() -> {
            for (Listener l : ls) {
                listenerWatches.add(loop.watch(l.channel(), SelectionKey.OP_ACCEPT, (w, ops) -> accept(l)));
            }
            accepting = true;
            updateAccepting();
            LOG.log(Level.INFO, "server {0}: listening on {1}", name, ls);
        });
    }

    /** Called on the loop whenever the number of clients changes. */
    public void onClientCountChange(IntConsumer listener) {
        loop.execute(() -> clientCountListener = listener);
    }

    public Collection<ServerClient> clients() {
        return clients.values();
    }

    public int clientCount() {
        return clients.size();
    }

    public ServerClient client(long id) {
        return clients.get(id);
    }

    private void accept(Listener l) {
        while (accepting && clients.size() < limits.maxClients()) {
            SocketChannel ch;
            try {
                ch = l.channel().accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept on {0} failed: {1}", l, e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                Object identity = l.transport() == Transport.UNIX ? PeerCredentials.of(ch) : ch.getRemoteAddress();
                if (l.transport() != Transport.UNIX) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                ServerClient c = new ServerClient(nextClientId.getAndIncrement(), this, loop, ch, l, identity);
                clients.put(c.id(), c);
                c.start();
                clientCountListener.accept(clients.size());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot set up a client from {0}: {1}", l, e.getMessage());
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the client is gone either way
                }
            }
        }
        updateAccepting();
    }

    /** Loop: stop watching the listeners while at max_clients; resume below it. */
    private void updateAccepting() {
        int ops = accepting && clients.size() < limits.maxClients() ? SelectionKey.OP_ACCEPT : 0;
        for (Watch w : listenerWatches) {
            if (w.interest() != ops) {
                w.setInterest(ops);
            }
        }
    }

    /** Loop: a client closed; forget it and let its programs release their state on a worker. */
    void clientClosed(ServerClient c) {
        if (clients.remove(c.id()) == null) {
            return;
        }
        for (ServerProgram p : programs) {
            try {
                pool.submit(() -> p.clientClosed(c), true);
            } catch (RuntimeException e) {
                p.clientClosed(c); // pool already stopped: the daemon is exiting, nothing else runs
            }
        }
        updateAccepting();
        clientCountListener.accept(clients.size());
        checkDrained();
    }

    /**
     * Orderly shutdown, DESIGN.md §1 rule 5, on the loop: stop accepting, stop reading new
     * calls, let calls in flight finish and their replies be written (at most
     * {@code graceMillis}), then close every client and run {@code done} on the loop.
     */
    public void shutdown(long graceMillis, Runnable done) {
        loop.execute(() -> {
            if (shutdownFinished) {
                done.run();
                return;
            }
            onDrained.add(done);
            if (shuttingDown) {
                return; // a second request (another signal) just waits for the first
            }
            shuttingDown = true;
            accepting = false;
            for (Watch w : listenerWatches) {
                w.cancel();
            }
            listenerWatches.clear();
            closeListeners();
            for (ServerClient c : clients.values()) {
                c.stopReading();
            }
            loop.schedule(graceMillis, this::finishShutdown);
            checkDrained();
        });
    }

    /** Loop: called after each reply flush during shutdown. */
    void checkDrained() {
        if (!shuttingDown || shutdownFinished) {
            return;
        }
        for (ServerClient c : clients.values()) {
            if (!c.isQuiescent()) {
                return;
            }
        }
        finishShutdown();
    }

    private void finishShutdown() {
        if (shutdownFinished) {
            return;
        }
        shutdownFinished = true;
        for (ServerClient c : List.copyOf(clients.values())) {
            c.close("daemon shutting down");
        }
        for (Runnable done : onDrained) {
            done.run();
        }
        onDrained.clear();
    }

    /** Closes every listener and removes unix socket files (shutdown, or a failed start). */
    public synchronized void closeListeners() {
        for (Listener l : listeners) {
            l.close();
        }
    }

    /** Changes the limits at run time (admin API). Any thread. */
    public void setLimits(ServerLimits newLimits) {
        limits = newLimits;
        loop.execute(this::updateAccepting);
    }
}
