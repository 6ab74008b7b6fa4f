package io.jvirtd.rpc.server;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.loop.Watch;
import io.jvirtd.rpc.message.DirectFramePool;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.tls.TlsContext;

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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    static final int READ_BUFFER_SIZE = 256 * 1024;
    /**
     * Pooled packet buffers of each size kept for reuse (of virsh's 256 KiB packets: 2 MiB): a
     * stream holds at most ~5 packets (its ServerStream.RX_LIMIT and the one being read), so two
     * uploads at a time reuse them all.
     */
    private static final int FRAME_POOL_IDLE = 8;
    /**
     * Ciphertext read at once from a TLS client: half the plaintext buffer, so the plaintext
     * of one read (never longer than its ciphertext) plus a buffered partial record always fits.
     */
    private static final int TLS_READ_BUFFER_SIZE = READ_BUFFER_SIZE / 2;
    /**
     * Connections accepted per listener callback. A flood of connects then costs other
     * clients at most this many accepts between two of their turns (libvirtd accepts one).
     */
    private static final int MAX_ACCEPTS_PER_TURN = 64;
    /** Most frames handed to one gathering write (Linux takes at most 1024, IOV_MAX). */
    private static final int GATHER_MAX = 256;

    private final String name;
    private final EventLoop loop;
    private final WorkerPool pool;
    private final Ticker ticker;
    private volatile ServerLimits limits;
    private volatile long maxQueuedEventBytes = ServerLimits.MAX_QUEUED_EVENT_BYTES;
    private final List<ServerProgram> programs = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<Long, ServerClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final ServerStats stats = new ServerStats();
    private final ClientMemoryBudget memoryBudget;

    // Loop-confined.
    private final List<Watch> listenerWatches = new ArrayList<>();
    /** Direct: the JDK reads a socket into it as it is, not through a temporary direct buffer. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Buffers of the stream data packets clients send (uploads); see DirectFramePool. */
    private final DirectFramePool framePool = new DirectFramePool(FRAME_POOL_IDLE);
    private ByteBuffer tlsReadBuffer;
    /** See {@link #eventWriteBuffer}; allocated with the first event written. */
    private ByteBuffer eventWriteBuffer;
    /** See {@link #gatherArray}. */
    private final ByteBuffer[] gatherArray = new ByteBuffer[GATHER_MAX];

    // Shared with any thread.
    /**
     * Clients with events the loop has not written yet: a lock-free stack linked through
     * {@link ServerClient#nextEventReady} (a client is on it at most once, while its own flag is
     * set). One loop task writes the events of every client on it, so an event for 64 listeners
     * costs the loop one task and the delivering thread no allocation per listener.
     */
    private final AtomicReference<ServerClient> eventsReady = new AtomicReference<>();
    private final Runnable flushEventClients = this::flushEventClients;
    private boolean accepting;
    /** Clients still authenticating (libvirt's nclients_unauth). Written on the loop only. */
    private volatile int unauthClients;
    private boolean shuttingDown;
    private boolean shutdownFinished;
    private final List<Runnable> onDrained = new ArrayList<>();
    private IntConsumer clientCountListener = n -> { };

    /** A server with a memory budget of its own, sized automatically from the heap. */
    public NetServer(String name, EventLoop loop, WorkerPool pool, ServerLimits limits, Ticker ticker) {
        this(name, loop, pool, limits, ticker, new ClientMemoryBudget(loop, ticker,
                ClientMemoryBudget.Settings.automatic(Runtime.getRuntime().maxMemory())));
    }

    /** A server whose clients count against {@code budget} (which other servers of {@code loop} may share). */
    public NetServer(String name, EventLoop loop, WorkerPool pool, ServerLimits limits, Ticker ticker,
                     ClientMemoryBudget budget) {
        this.name = name;
        this.loop = loop;
        this.pool = pool;
        this.limits = limits;
        this.ticker = ticker;
        this.memoryBudget = budget;
    }

    public String name() { return name; }
    public WorkerPool pool() { return pool; }
    public ServerLimits limits() { return limits; }
    public EventLoop loop() { return loop; }
    /** This server's counters (bytes, calls per procedure, keepalive closes, event drops). Any thread. */
    public ServerStats stats() { return stats; }
    long nanoTime() { return ticker.nanoTime(); }
    /** The budget this server's clients count against (shared with the other servers of the daemon). */
    public ClientMemoryBudget memoryBudget() { return memoryBudget; }

    /** Where clients' stream data packets are read into. Any thread. */
    public DirectFramePool framePool() {
        return framePool;
    }

    /** The event bound of each client (see {@link ServerClient#sendEvent}). */
    long maxQueuedEventBytes() { return maxQueuedEventBytes; }

    /** Changes the event bound (client_event_queue_limit). Any thread. */
    public void setMaxQueuedEventBytes(long bytes) { maxQueuedEventBytes = bytes; }

    /** Loop: the scratch buffer every client of this server reads into (one read at a time). */
    ByteBuffer readBuffer() {
        assert loop.inLoop();
        return readBuffer;
    }

    /**
     * Loop: the buffer a plain client's queued events are copied into, each with the client's
     * callback id, to be written with one call (ServerClient#writeEventsDirect). Direct, so the
     * JDK writes it as it is instead of copying it into a temporary direct buffer first.
     */
    ByteBuffer eventWriteBuffer() {
        assert loop.inLoop();
        if (eventWriteBuffer == null) {
            eventWriteBuffer = ByteBuffer.allocateDirect(ServerClient.EVENT_PULL_BYTES);
        }
        return eventWriteBuffer;
    }

    /** Loop: the array a gathering write hands its frames in (null after each write). */
    ByteBuffer[] gatherArray() {
        assert loop.inLoop();
        return gatherArray;
    }

    /**
     * Puts {@code c}, whose flag says it is on no list, on the list of clients with events to
     * write; the first client on an empty list posts the loop task that writes them. Any thread.
     */
    void eventsReady(ServerClient c) {
        ServerClient head;
        do {
            head = eventsReady.get();
            c.nextEventReady = head;
        } while (!eventsReady.compareAndSet(head, c));
        if (head == null) {
            loop.execute(flushEventClients);
        }
    }

    /** Loop: writes the events of every client on the list, in the order they were put there. */
    private void flushEventClients() {
        ServerClient c = eventsReady.getAndSet(null);
        ServerClient oldest = null;
        while (c != null) { // the stack is newest first
            ServerClient next = c.nextEventReady;
            c.nextEventReady = oldest;
            oldest = c;
            c = next;
        }
        for (c = oldest; c != null; ) {
            ServerClient next = c.nextEventReady;
            c.nextEventReady = null;
            c.flushEvents(); // clears the client's flag: from then on another thread may list it again
            c = next;
        }
    }

    /** Loop: the scratch buffer TLS clients read ciphertext into (allocated with the first one). */
    ByteBuffer tlsReadBuffer() {
        assert loop.inLoop();
        if (tlsReadBuffer == null) {
            tlsReadBuffer = ByteBuffer.allocate(TLS_READ_BUFFER_SIZE);
        }
        return tlsReadBuffer;
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
     * Binds a unix socket (process leader, before {@link #enable()}).
     *
     * <p>The socket appears at {@code path} with its mode and group already set: it is bound in
     * a private folder (mode 0700) next to {@code path}, given its mode and group there, and
     * renamed into place, so no client can connect through a looser mode meanwhile (libvirtd
     * gets the same by setting the umask around bind()). A socket file left by a dead daemon is
     * replaced; one a live process still listens on is not (libvirtd would steal it).
     */
    public Listener addUnixListener(Path path, Set<PosixFilePermission> perms, GroupPrincipal group,
                                    boolean readOnly, int authType) throws IOException {
        Files.createDirectories(path.getParent());
        refuseLiveSocket(path);
        removeStaleBindFolders(path.getParent());
        Path privateDir = Files.createTempDirectory(path.getParent(), ".bind-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = privateDir.resolve("sock");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(bound), limits.maxQueuedClients());
            if (group != null) {
                Files.getFileAttributeView(bound, PosixFileAttributeView.class).setGroup(group);
            }
            Files.setPosixFilePermissions(bound, perms);
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(bound);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
        return register(new Listener(ch, Transport.UNIX, readOnly, authType, path));
    }

    /**
     * Fails if a process accepts connections on the socket file {@code path}; returns if there
     * is no such file or it is a stale socket (connections refused: its daemon is dead).
     */
    private static void refuseLiveSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if ("-".equals(fileType(path))) {
            throw new IOException("Failed to bind socket to '" + path + "': it exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false); // a live daemon with a full backlog must not hang us
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException stale) {
            return; // refused: nobody listens, the file is a leftover
        }
        throw new IOException("Failed to bind socket to '" + path + "': Address already in use"
                + " (another daemon listens on it)");
    }

    /** Deletes private bind folders a daemon killed during start-up left behind (none is in use). */
    private static void removeStaleBindFolders(Path dir) {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(dir, ".bind-*")) {
            for (Path f : folders) {
                Path sock = f.resolve("sock");
                try {
                    refuseLiveSocket(sock); // another daemon binding right now keeps its folder
                    Files.deleteIfExists(sock);
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // live, or not ours to remove
                }
            }
        } catch (IOException e) {
            // nothing to clean
        }
    }

    /** "s" for a socket, from the unix file attributes; "?" when unknown. */
    private static String fileType(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode & 0170000) == 0140000 ? "s" : "-";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "?";
        }
    }

    /** Binds a TCP socket (process leader, before {@link #enable()}). */
    public Listener addTcpListener(InetSocketAddress address, Transport transport, int authType)
            throws IOException {
        return addTcpListener(address, transport, authType, null);
    }

    /**
     * Binds a TCP socket whose clients speak TLS with {@code tls} (Transport.TLS), or plain
     * when {@code tls} is null. Process leader, before {@link #enable()}.
     */
    public Listener addTcpListener(InetSocketAddress address, Transport transport, int authType, TlsContext tls)
            throws IOException {
        if ((tls != null) != (transport == Transport.TLS)) {
            throw new IllegalArgumentException("a TLS listener needs a TLS context, and only it");
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, limits.maxQueuedClients());
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return register(new Listener(ch, transport, false, authType, null, tls));
    }

    /**
     * Serves a socket that is already bound and listening (socket activation: systemd made it and
     * owns its file, so closing it never removes a unix socket's path). Process leader, before
     * {@link #enable()}; {@code ch} must be non-blocking.
     */
    public Listener addListeningSocket(ServerSocketChannel ch, Transport transport, boolean readOnly, int authType,
                                       TlsContext tls) {
        if ((tls != null) != (transport == Transport.TLS)) {
            throw new IllegalArgumentException("a TLS listener needs a TLS context, and only it");
        }
        if (ch.isBlocking()) {
            throw new IllegalArgumentException("the event loop needs a non-blocking channel");
        }
        return register(new Listener(ch, transport, readOnly, authType, null, tls));
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

    /** Clients accepted and not authenticated yet (admin: nclients_unauth). Any thread. */
    public int unauthClientCount() {
        return unauthClients;
    }

    /**
     * Loop: libvirt's virNetServerCheckLimits: a new client may be accepted only while neither
     * max_clients nor max_anonymous_clients (0 = no limit) would be exceeded by it. Otherwise
     * the listeners are not watched and new connections wait in the kernel's backlog
     * (max_queued_clients), beyond which the kernel refuses them.
     */
    private boolean canAccept() {
        ServerLimits l = limits;
        return accepting && clients.size() < l.maxClients()
                && (l.maxAnonymousClients() == 0 || unauthClients < l.maxAnonymousClients());
    }

    private void accept(Listener l) {
        for (int n = 0; n < MAX_ACCEPTS_PER_TURN && canAccept(); n++) {
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
                if (c.countAsUnauthenticated()) {
                    unauthClients++;
                }
                stats.clientAccepted();
                c.start();
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, "client {0} of server {1} connected on {2}", c.id(), name, l);
                }
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

    /** Loop: stop watching the listeners while at a limit; resume below it. */
    private void updateAccepting() {
        int ops = canAccept() ? SelectionKey.OP_ACCEPT : 0;
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
        if (c.uncountUnauthenticated()) {
            unauthClients--;
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

    /** Loop: a client finished authenticating; it no longer counts against max_anonymous_clients. */
    void clientAuthenticated(ServerClient c) {
        if (c.uncountUnauthenticated()) {
            unauthClients--;
            updateAccepting();
        }
    }

    /**
     * Orderly shutdown (docs/architecture.md §2), on the loop: stop accepting, stop reading new
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
