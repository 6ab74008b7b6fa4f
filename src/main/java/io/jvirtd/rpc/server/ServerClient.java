package io.jvirtd.rpc.server;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.loop.Watch;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.StreamFrames;
import io.jvirtd.rpc.tls.TlsSession;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * One connected client (libvirt's virNetServerClient).
 *
 * <p>Threads: the socket, the frame decoder, the receive and transmit queues, the in-flight
 * count and the keepalive state are confined to the event loop (methods marked "loop").
 * Workers reach the client only through {@link #sendReply}, {@link #sendMessage},
 * {@link #sendEvent}, {@link #requestClose} and the identity getters; those hand work to the
 * loop through lock-free outboxes and one run-on-loop task per batch. No lock is ever held here.
 *
 * <p>Replies are bounded by max_client_requests (we stop reading a client with that many calls
 * in flight). Events are not: a driver raises them whatever the client does. They wait in the
 * client's {@link EventQueue}, bounded in bytes (client_event_queue_limit, default
 * {@link ServerLimits#MAX_QUEUED_EVENT_BYTES}); past the bound the oldest are dropped and
 * counted, so a listener that reads slowly costs the others nothing and the driver never waits.
 * The loop takes events from that queue only when the transmit queue is empty (TLS: while it
 * holds less than {@value #EVENT_PULL_BYTES} bytes), at most that many bytes at a time, so a
 * backlog stays where it can be dropped, and one write carries every event that piled up since
 * the last. The listeners of an event share one frame ({@link EventFrame}); the loop copies it, with
 * each client's callback id, into a buffer of the server's and writes from there, so an event
 * costs a client three array slots in its queue, no object and no copy of its own. A listener
 * that reads nothing at
 * all for client_memory_timeout with output waiting is dropped by the budget, as a client that
 * never reads its replies ({@link #settleMemory}). Its lag (the age of its oldest unwritten
 * event) and its drops are published for the metrics ({@link #eventLagNanos},
 * {@link #eventsDropped}).
 *
 * <p>Memory: what the client makes the daemon hold (the message being read, messages read and
 * not handed on, large calls on their worker, unwritten output) is charged to the server's
 * {@link ClientMemoryBudget} as it changes ({@link #settleMemory}). A message longer than an
 * initial buffer is admitted by the budget before more of it is read; reads are small while the
 * budget is nearly full; a client before CONNECT_OPEN or of the read-only socket whose message
 * does not fit is dropped, an opened read-write one stops being read until it fits. See the budget for the rules.
 *
 * <p>Data streams ({@link ServerStream}, opened by a call through {@link #openStream}): their
 * packets from the client are routed to them by the loop; their packets to the client go
 * through a stream outbox, and each stream hears when its packets are written, which is its
 * flow control. While a stream holds more unwritten client data than it may, this client's
 * next messages are not dispatched (and so, as its receive queue fills, not read).
 *
 * <p>TLS (a client of a TLS listener) sits between the socket and the frame decoder: the
 * loop reads ciphertext, the {@link TlsSession} turns it into plaintext for the decoder, and
 * the transmit queue is encrypted on its way out; the handshake's delegated work and the
 * client-certificate check run off the loop and resume here ({@link #tlsResumed}). As in
 * libvirtd, an accepted client gets one confirmation byte (1) before any reply, and a
 * refused one is closed without a word (no close_notify), which virsh reports as "Unable to
 * read TLS confirmation".
 */
public final class ServerClient {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.server");
    /**
     * Reads that leave at least this much of a big message missing go straight into it (a
     * stream packet in a pooled buffer: any rest of it, see FrameDecoder#directBuffer).
     */
    private static final int DIRECT_READ_THRESHOLD = 16 * 1024;
    /** libvirt's "checks have succeeded" byte, the first thing an accepted TLS client reads. */
    private static final ByteBuffer TLS_CONFIRM = ByteBuffer.wrap(new byte[] {1}).asReadOnlyBuffer();
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);
    /** libvirt's REMOTE_AUTH_NONE: clients of such a listener need no authentication step. */
    private static final int AUTH_NONE = 0;
    /**
     * Longest read straight into a message: the JDK reads a socket through a temporary direct
     * buffer as large as the request and caches it per thread, so this bounds that native memory.
     */
    private static final int MAX_DIRECT_READ = 1024 * 1024;
    /** An admitted message up to this size gets its whole buffer at once (stream data: 256 KiB). */
    private static final int WHOLE_ALLOCATION = 1024 * 1024;
    /**
     * Most bytes handed to one write. The JDK copies every heap buffer it is given into a
     * temporary direct buffer of the same size before the kernel takes what fits in the socket
     * (a few MiB): five queued 32 MiB replies would cost 160 MiB of native memory and 160 MiB
     * of copying per write call. Bounded, a large frame is written a part at a time.
     */
    private static final int MAX_WRITE = 1024 * 1024;
    /** Events move from the event queue to the transmit queue while it holds less than this. */
    static final int EVENT_PULL_BYTES = 64 * 1024;
    /**
     * Most plain reads of one client per readiness (at most ~2 MiB: a 256 KiB upload packet is
     * two reads, its header and its body). An upload's packets come back to back, and going back
     * to the selector between a header and its body, or between two packets the socket already
     * holds, costs a loop turn each; the bound keeps the other clients' turns coming.
     */
    static final int MAX_READS_PER_TURN = 16;

    private final long id;
    private final NetServer server;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final Listener listener;
    private final long connectedAtMillis;
    private final Object identity;
    /** The TLS session of a client of a TLS listener, else null. Loop-confined. */
    private final TlsSession tls;
    /** The client certificate's DN, once the TLS client was accepted. */
    private volatile String tlsDname;
    /**
     * Until authentication completes only the auth procedures may be called (libvirt's
     * auth_pending). With auth "none" a client is authenticated when accepted, as in libvirtd.
     */
    private volatile boolean authPending;

    // Loop-confined state.
    /** True once an accepted TLS client was sent its confirmation byte. */
    private boolean tlsConfirmed;
    /** True while the server counts this client against max_anonymous_clients. */
    private boolean countedUnauthenticated;
    private Watch watch;
    private final FrameDecoder decoder;
    private final ArrayDeque<Message> rxQueue = new ArrayDeque<>(4);
    private final ArrayDeque<ByteBuffer> txQueue = new ArrayDeque<>(4);
    private int inFlight;
    /** Calls handed to the pool whose reply has not reached the loop yet (see EventLoop#expectTasks). */
    private int awaitingReplies;
    private boolean closed;
    /** A fault plan hung a call: nothing more is written, nothing read is served (fallSilent). */
    private boolean silent;
    private boolean closeWhenFlushed;
    private boolean stopReading;
    /**
     * The last plain write left output the socket did not take: wait for OP_WRITE rather than
     * try again whenever something is queued (each try copies the whole batch for nothing).
     */
    private boolean socketFull;
    private final FrameDecoder.Sink rxSink = this::received;
    /** The last plain read took all it asked for: the socket may hold more (see ready). */
    private boolean readFilled;
    /**
     * The last message read was a stream data packet in a pooled direct buffer (an upload is
     * under way): at the next message boundary read only its length word and header, so that
     * the packet's body goes from the socket straight into a pooled buffer, not through the
     * read buffer and a copy (see FrameDecoder#allocateWhole).
     */
    private boolean uploading;
    private final ClientMemoryBudget budget;
    /** What this client holds, for the budget; a separate object (see Memory). */
    private final Memory mem = new Memory();
    /** In the budget's watch list; written by the budget only. */
    boolean memoryWatched;
    private Timer keepaliveTimer;
    private long lastReceivedNanos;
    private int pingsLeft;
    /**
     * Events taken for writing and not completely written, in the order they were taken: their
     * bytes are in txQueue (each entry's {@code tx}), or in the server's event buffer during
     * {@link #writeEventsDirect}.
     */
    private final ArrayDeque<EventQueue.Entry> eventsInTx = new ArrayDeque<>(4);
    /**
     * Replies in txQueue, in txQueue order. A call keeps its in-flight slot until its reply
     * is written (libvirtd decrements nrequests in DispatchWrite), so a client that does not
     * read its replies stops being read after max_client_requests of them.
     */
    private final ArrayDeque<ByteBuffer> repliesInTx = new ArrayDeque<>(4);
    /** The keepalive PONG waiting in txQueue, if any: one unwritten PONG answers any number of PINGs. */
    private ByteBuffer pendingPong;
    /** Stream frames in txQueue, in txQueue order: their stream hears when each is written. */
    private final ArrayDeque<StreamFrame> streamFramesInTx = new ArrayDeque<>(4);
    /** This client's data streams (see ServerStream). */
    private final ClientStreams streams = new ClientStreams();

    // Cross-thread hand-off from workers to the loop.
    /** Replies posted by workers, in order. */
    private final ConcurrentLinkedQueue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
    /** Messages that answer no call ({@link #sendMessage}), in order. */
    private final ConcurrentLinkedQueue<ByteBuffer> messageOutbox = new ConcurrentLinkedQueue<>();
    /** Stream packets posted by stream services, in order; after the replies of the same flush. */
    private final ConcurrentLinkedQueue<StreamFrame> streamOutbox = new ConcurrentLinkedQueue<>();
    /** Events posted by any thread and not yet in txQueue; written after the replies of the same flush, in order. */
    private final EventQueue events = new EventQueue();
    /** Set when the event bound is first exceeded, so the drops are logged once. */
    private final AtomicBoolean eventOverflow = new AtomicBoolean();
    /** Published by the loop: when the oldest event in txQueue was queued, -1 if none is there. */
    private volatile long oldestEventInTxNanos = -1;
    /** Published by the loop: events in txQueue not completely written. */
    private volatile int eventsInTxCount;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushOutbox;
    /** Set while this client is on its server's list of clients with events to write. */
    private final AtomicBoolean eventFlushScheduled = new AtomicBoolean();
    /**
     * The next client on that list (NetServer#eventsReady): written by the thread that puts
     * this client on it, read and cleared by the loop, never while another thread may write it.
     */
    ServerClient nextEventReady;
    private volatile boolean open = true;
    private volatile Object programData;

    ServerClient(long id, NetServer server, EventLoop loop, SocketChannel channel, Listener listener,
                 Object identity) throws SSLException {
        this.id = id;
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.listener = listener;
        this.identity = identity;
        this.connectedAtMillis = System.currentTimeMillis();
        this.tls = listener.tlsContext() == null ? null
                : listener.tlsContext().newServerSession(loop, loop::inLoop, this::tlsResumed);
        this.authPending = listener.authType() != AUTH_NONE;
        this.budget = server.memoryBudget();
        this.decoder = new FrameDecoder(MessageHeader.MAX_MESSAGE, server.framePool());
    }

    /** Loop: starts watching the socket. */
    void start() {
        lastReceivedNanos = server.nanoTime();
        watch = loop.watch(channel, SelectionKey.OP_READ, (w, ops) -> ready(ops));
    }

    // ---- identity, any thread ----

    public long id() { return id; }
    public boolean isReadOnly() { return listener.readOnly(); }
    public Transport transport() { return listener.transport(); }
    /** The auth scheme AUTH_LIST announces for this client's socket (0 none, 1 sasl, 2 polkit). */
    public int authType() { return listener.authType(); }
    public long connectedAtMillis() { return connectedAtMillis; }
    /** The peer's credentials (a UnixDomainPrincipal) or remote address. */
    public Object identity() { return identity; }
    public boolean isOpen() { return open; }
    public NetServer server() { return server; }
    /** The x509 distinguished name of an accepted TLS client (as libvirt prints it), else null. */
    public String tlsX509Dname() { return tlsDname; }
    /** True until the client authenticated; then only the auth procedures may be called. */
    public boolean isAuthPending() { return authPending; }

    /**
     * The client completed authentication (SASL, polkit): every procedure is open to it now,
     * and it stops counting against max_anonymous_clients. Any thread; idempotent.
     */
    public void setAuthenticated() {
        authPending = false;
        loop.execute(() -> server.clientAuthenticated(this));
    }

    /**
     * The client opened a connection (a successful CONNECT_OPEN, which follows authentication):
     * from now on, unless it is read-only, its large messages count against the whole budget,
     * not the restricted share, and wait for room instead of being dropped. Any thread; idempotent.
     */
    public void setOpened() {
        if (isReadOnly()) {
            return; // anyone may open the read-only socket (0777): it stays restricted
        }
        loop.execute(() -> {
            if (mem.restricted && !closed) {
                budget.opened(mem.charged);
                mem.restricted = false;
            }
        });
    }

    /** Loop, at accept: whether the server counts this client as unauthenticated. */
    boolean countAsUnauthenticated() {
        countedUnauthenticated = authPending;
        return countedUnauthenticated;
    }

    /** Loop: true (once) when the server counted this client as unauthenticated and must stop. */
    boolean uncountUnauthenticated() {
        boolean was = countedUnauthenticated;
        countedUnauthenticated = false;
        return was;
    }

    /**
     * The inode of our end of a unix connection, or -1 (TCP, closed, or not knowable); lets the
     * admin interface find the peer's pid, which the JDK's SO_PEERCRED does not give. Any thread.
     */
    public long socketInode() {
        return transport() == Transport.UNIX ? PeerCredentials.socketInode(channel) : -1;
    }

    public SocketAddress remoteAddress() {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Per-program state (the daemon's open hypervisor connection); set once by the program. */
    public Object programData() { return programData; }
    public void setProgramData(Object data) { programData = data; }

    // ---- worker to loop ----

    /**
     * Queues the reply to a call; that call's in-flight slot is released once the reply is
     * written. Any thread. The frame must be complete (length word included) and not touched
     * afterwards.
     */
    public void sendReply(ByteBuffer frame) {
        DispatchGuard.replied();
        post(outbox, frame);
    }

    /** Queues a message that answers no call (a keepalive PING). Any thread. */
    public void sendMessage(ByteBuffer frame) {
        post(messageOutbox, frame);
    }

    /**
     * Opens a data stream for the call {@code call} this worker serves: from now on the client's
     * packets with the call's procedure and serial go to it. {@link ServerStream#start} it after
     * the call's reply was sent, or {@link ServerStream#cancel} it if the call failed. Any thread.
     *
     * @param sends  the server sends data (a download); else it only receives
     * @param sparse the stream carries holes (libvirt's VIR_STREAM_SPARSE flags)
     */
    public ServerStream openStream(MessageHeader call, StreamIo io, boolean sends, boolean sparse) {
        ServerStream s = new ServerStream(this, call, io, sends, sparse);
        streams.add(s);
        if (!open) { // closed meanwhile: the loop's dropAll may have run before the add
            streams.remove(s);
            s.cancel();
        }
        return s;
    }

    ClientStreams streams() {
        return streams;
    }

    /** Whether the caller is this client's event loop. */
    boolean onLoop() {
        return loop.inLoop();
    }

    /**
     * Queues a packet of {@code stream}; the stream hears when it is written. A {@code pooled}
     * frame (a buffer of the server's {@link io.jvirtd.rpc.message.DirectFramePool}) goes back to
     * the pool once written or dropped. Any thread.
     */
    void sendStreamFrame(ByteBuffer frame, ServerStream stream, boolean pooled) {
        streamOutbox.add(new StreamFrame(frame, stream, frame.remaining(), pooled));
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    /** A stream's waiting client data fell below its limit: read the client again. Any thread. */
    void streamDrained() {
        loop.execute(() -> {
            if (!closed) {
                dispatchQueued();
                updateInterest();
            }
        });
    }

    /**
     * Queues an event MESSAGE for this client without ever blocking: {@code frame}, which every
     * listener of the event shares, with {@code callbackId} written in as the loop writes it.
     * Any thread. If the events the loop has not taken yet would exceed the server's bound, the
     * oldest of them are dropped and counted (the first drop of a client is logged).
     *
     * <p>The loop hears of it through the server's list of clients with events (one task for
     * every client an event went to, not one each), and writes a client's queued events with one
     * call from a buffer of its own (see {@link #writeEventsDirect}).
     *
     * @return false if the client is closed (the caller may forget it), else true
     */
    public boolean sendEvent(EventFrame frame, int callbackId) {
        if (!open) {
            return false;
        }
        int drops = events.offer(frame, callbackId, server.nanoTime(), server.maxQueuedEventBytes());
        if (drops > 0) {
            server.stats().eventsDropped(drops);
            if (eventOverflow.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "client {0}: more than {1} bytes of events not read; dropping the oldest",
                        id, server.maxQueuedEventBytes());
            }
        }
        if (eventFlushScheduled.compareAndSet(false, true)) {
            server.eventsReady(this);
        }
        return true;
    }

    /**
     * {@link #sendEvent(EventFrame, int)} of a complete frame of this client's own, with no
     * callback id to write in; the frame must not be touched afterwards.
     */
    public boolean sendEvent(ByteBuffer frame) {
        return sendEvent(EventFrame.of(frame, EventFrame.NO_ID), 0);
    }

    /** Bytes of events queued and not yet taken for writing (for tests and diagnostics). Any thread. */
    public long queuedEventBytes() {
        return events.bytes();
    }

    /** Events queued or being written, not yet completely written. Any thread. */
    public int eventsWaiting() {
        return events.size() + eventsInTxCount;
    }

    /** Events dropped because this client did not read them fast enough. Any thread. */
    public long eventsDropped() {
        return events.dropped();
    }

    /**
     * How far behind the client is: the age of its oldest event not completely written, 0 if
     * none waits. Any thread (a snapshot, for the metrics).
     */
    public long eventLagNanos() {
        long oldest = oldestEventInTxNanos;
        if (oldest < 0) {
            oldest = events.oldestQueuedAtNanos();
        }
        return oldest < 0 ? 0 : Math.max(0, server.nanoTime() - oldest);
    }

    /** Closes the client once everything queued so far is written. Any thread. */
    public void closeAfterReplies() {
        loop.execute(() -> {
            closeWhenFlushed = true;
            flushOutbox();
        });
    }

    /** Closes the client now, dropping unsent data. Any thread; idempotent. */
    public void requestClose(String why) {
        if (loop.inLoop()) {
            close(why);
        } else {
            loop.execute(() -> close(why));
        }
    }

    /**
     * A fault plan's hang: the call being served gets no reply, and from now on the client is
     * told nothing (no reply, event, PING or PONG) and what it sends is read and dropped, as by
     * a host that stopped answering. Reading goes on so that the daemon sees the client give up
     * (its keepalive or timeout closes the socket) and frees the client then; its own keepalive,
     * if the client asked for one, closes a client that says nothing either. No worker and no
     * unwritten output are held meanwhile. Any thread; the calling worker must not reply.
     */
    public void fallSilent() {
        loop.execute(() -> {
            if (closed || silent) {
                return;
            }
            silent = true;
            if (awaitingReplies > 0) { // the hung call's reply will never come
                awaitingReplies--;
                loop.expectTasks(-1);
            }
            rxQueue.clear();
            mem.rxQueuedBytes = 0;
            txQueue.clear();
            repliesInTx.clear();
            dropStreamFrames(streamFramesInTx);
            streams.dropAll(); // a silent host moves no data either
            pendingPong = null;
            mem.txBytes = 0;
            dropEvents();
            LOG.log(Level.DEBUG, "client {0}: a fault plan hung a call; the connection falls silent", id);
            flushOutbox();
        });
    }

    /** Starts the server-side keepalive (the client asked for feature PROGRAM_KEEPALIVE). Any thread. */
    public void startKeepAlive() {
        loop.execute(this::armKeepAlive);
    }

    private void post(ConcurrentLinkedQueue<ByteBuffer> box, ByteBuffer frame) {
        box.add(frame);
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    // ---- loop ----

    /** Loop, from the server's list of clients with events: writes what the socket takes. */
    void flushEvents() {
        // Cleared before the queue is read (a volatile write): an event queued after the
        // write() below looked is seen by its producer to need another flush.
        eventFlushScheduled.set(false);
        if (closed) {
            events.clear();
            return;
        }
        if (silent) {
            dropEvents();
            return;
        }
        if (!socketFull) { // else the socket's OP_WRITE readiness writes them
            write();
        }
        updateInterest();
        server.checkDrained();
    }

    /** Loop: drains the outbox into the transmit queue and writes what the socket takes. */
    private void flushOutbox() {
        flushScheduled.set(false);
        if (closed) {
            outbox.clear();
            messageOutbox.clear();
            dropStreamFrames(streamOutbox);
            events.clear();
            return;
        }
        if (silent) { // replies of calls still running when the connection fell silent
            int replies = 0;
            while (outbox.poll() != null) {
                replies++;
            }
            replies = Math.min(replies, awaitingReplies);
            awaitingReplies -= replies;
            loop.expectTasks(-replies);
            messageOutbox.clear();
            dropStreamFrames(streamOutbox);
            dropEvents();
            updateInterest();
            return;
        }
        ByteBuffer b;
        int replies = 0;
        while ((b = outbox.poll()) != null) {
            queueTx(b);
            repliesInTx.add(b);
            replies++;
        }
        replies = Math.min(replies, awaitingReplies);
        if (replies > 0) {
            awaitingReplies -= replies;
            loop.expectTasks(-replies);
        }
        while ((b = messageOutbox.poll()) != null) {
            queueTx(b);
        }
        for (StreamFrame f; (f = streamOutbox.poll()) != null; ) {
            streamFramesInTx.add(f);
            queueTx(f.frame);
        }
        if (!socketFull) { // else the socket's OP_WRITE readiness writes it all
            write(); // takes the events
        }
        dispatchQueued();
        updateInterest();
        server.checkDrained();
    }

    private void ready(int ops) {
        if (closed) {
            return;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            write();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !closed) {
            for (int reads = 1; ; reads++) {
                readFilled = false;
                read();
                if (!readFilled || reads == MAX_READS_PER_TURN || tls != null) {
                    break;
                }
                dispatchQueued(); // a complete packet goes on to its stream, which may hold back
                if (!wantsPlainRead()) {
                    break;
                }
            }
        }
        dispatchQueued(); // reading queued calls, or writing replies freed slots
        updateInterest();
    }

    private void read() {
        if (!admitMessage()) {
            return;
        }
        if (tls != null) {
            readTls();
            return;
        }
        try {
            ByteBuffer direct = decoder.directBuffer(DIRECT_READ_THRESHOLD);
            int n;
            int asked;
            if (direct != null) { // an admitted message: it grows within what is charged
                if (direct.remaining() > MAX_DIRECT_READ) {
                    direct.limit(direct.position() + MAX_DIRECT_READ);
                }
                asked = direct.remaining();
                n = channel.read(direct);
                if (n > 0) {
                    decoder.filled(n, rxSink);
                }
            } else {
                ByteBuffer scratch = server.readBuffer();
                scratch.clear();
                if (uploading && decoder.atBoundary()) {
                    scratch.limit(StreamFrames.OVERHEAD); // the next packet's body goes to a pooled buffer
                } else if (!budget.fits(mem.restricted, ClientMemoryBudget.FULL_READ_ROOM)) {
                    scratch.limit(ClientMemoryBudget.SMALL_READ);
                }
                asked = scratch.remaining();
                n = channel.read(scratch);
                if (n > 0) {
                    scratch.flip();
                    decoder.feed(scratch, rxSink);
                }
            }
            if (n < 0) {
                close(null);
            } else if (n > 0) {
                readFilled = n == asked; // the socket may hold more: ready() reads again at once
                server.stats().bytesRead(n);
                lastReceivedNanos = server.nanoTime();
                pingsLeft = server.limits().keepaliveCount();
                admitMessage(); // one this read started
            }
        } catch (FrameException e) {
            LOG.log(Level.WARNING, "client {0}: {1}; closing it", id, e.getMessage());
            close(e.getMessage());
        } catch (IOException e) {
            close(e.getMessage());
        }
    }

    /** Loop, the decoder's sink: a message is complete. */
    private void received(Message m) {
        // a small stream packet between data packets (a client's odd-sized send) keeps the mode
        uploading = m.isDirect() || (uploading && m.header().type() == MessageHeader.TYPE_STREAM);
        if (silent) {
            mem.admitted = false; // read and dropped: it holds nothing any more
            m.release();
            return;
        }
        rxQueue.add(m);
        mem.rxQueuedBytes += m.memory();
        if (mem.admitted) {
            mem.admitted = false; // its length stays charged, now as rxQueuedBytes
        }
    }

    /**
     * Loop: before more of a large message is read, the budget must admit its whole length.
     * True if reading may go on; false if the client was dropped (before CONNECT_OPEN) or now
     * waits for room (not read until {@link #memoryGranted}).
     */
    private boolean admitMessage() {
        if (mem.admitted || mem.waitingForMemory || decoder.pendingLength() <= FrameDecoder.INITIAL_BUFFER) {
            return !mem.waitingForMemory;
        }
        if (closed) {
            return false;
        }
        settleMemory(); // what the last read allocated counts before we ask
        long need = memoryNeeded();
        if (budget.fits(mem.restricted, need)) {
            admit();
            return true;
        }
        if (mem.restricted) {
            dropForMemory(ServerStats.MemoryDrop.RESTRICTED_SHARE, "a message of " + decoder.pendingLength()
                    + " bytes " + (isReadOnly() ? "from a read-only client" : "before CONNECT_OPEN")
                    + " does not fit in the memory for mem.restricted clients (" + budget.settings().restrictedLimit()
                    + " bytes, client_memory_budget_restricted)");
            return false;
        }
        mem.waitingForMemory = true;
        server.stats().memoryWaited();
        budget.await(this, need);
        return false;
    }

    private void admit() {
        mem.admitted = true;
        mem.admittedNanos = server.nanoTime();
        decoder.allocateWhole(WHOLE_ALLOCATION); // charged in full from here on anyway
        settleMemory();
        budget.watch(this);
    }

    /** Loop: bytes the message being read needs beyond what it holds. */
    private long memoryNeeded() {
        return decoder.wholeMemory() - decoder.bufferedCapacity();
    }

    /** Loop: true while not read for want of memory (and not closed). */
    boolean isWaitingForMemory() {
        return mem.waitingForMemory && !closed;
    }

    /** Loop, from the budget: the message fits now; it is admitted and reading resumes. */
    void memoryGranted() {
        mem.waitingForMemory = false;
        admit();
        updateInterest();
    }

    /**
     * Loop: charges the budget with what this client holds now: the message being read (its
     * buffer, or its whole length once admitted), messages read and not handed on, unwritten
     * output. Large calls on a worker are the pool's charge (see incoming).
     */
    private void settleMemory() {
        long output = mem.txBytes + events.bytes(); // events waiting for the loop are output too
        long now = (mem.admitted ? decoder.wholeMemory() : decoder.bufferedCapacity()) + mem.rxQueuedBytes + output;
        if (now != mem.charged) {
            long delta = now - mem.charged;
            mem.charged = now;
            budget.adjust(mem.restricted, delta);
        }
        if (output >= ClientMemoryBudget.WATCHED_OUTPUT) {
            if (!mem.txWatched) {
                mem.txWatched = true;
                mem.txProgressNanos = server.nanoTime();
                budget.watch(this);
            }
        } else if (mem.txWatched) {
            mem.txWatched = false;
        }
    }

    /**
     * Loop, from the budget's sweep: drops this client if its admitted message has not
     * completed, or its watched output has not moved, within {@code timeoutNanos}. False when
     * there is nothing left to watch (or the client was dropped).
     */
    boolean checkMemoryDeadline(long now, long timeoutNanos) {
        if (closed) {
            return false;
        }
        if (mem.admitted && (watch.interest() & SelectionKey.OP_READ) == 0) {
            mem.admittedNanos = now; // not read for our own reasons (calls in flight): its time starts again
        }
        if (mem.admitted && now - mem.admittedNanos > timeoutNanos) {
            dropForMemory(ServerStats.MemoryDrop.MESSAGE_TIMEOUT, "a message of " + decoder.pendingLength()
                    + " bytes was not complete after " + timeoutNanos / 1_000_000 + " ms (" + decoder.bufferedHave()
                    + " bytes received, client_memory_timeout)");
            return false;
        }
        if (mem.txWatched && now - mem.txProgressNanos > timeoutNanos) {
            dropForMemory(ServerStats.MemoryDrop.OUTPUT_TIMEOUT, mem.txBytes + " bytes of output not read for "
                    + timeoutNanos / 1_000_000 + " ms (client_memory_timeout)");
            return false;
        }
        return mem.admitted || mem.txWatched;
    }

    /** Loop: drops the client to protect the daemon's memory; logged once, counted. */
    private void dropForMemory(ServerStats.MemoryDrop why, String detail) {
        server.stats().memoryDropped(why);
        LOG.log(Level.WARNING, "client {0} ({1}): {2}; dropping it", id, peerName(), detail);
        close(why.label());
    }

    private String peerName() {
        if (transport() == Transport.UNIX) {
            return "unix socket";
        }
        SocketAddress a = remoteAddress();
        return a == null ? "?" : a.toString();
    }

    /** Loop: appends a frame to the transmit queue, counting its bytes. */
    private void queueTx(ByteBuffer frame) {
        if (silent) {
            return;
        }
        txQueue.add(frame);
        mem.txBytes += frame.remaining();
    }

    /** Loop: hands queued messages on while the in-flight limit allows. */
    private void dispatchQueued() {
        Message m;
        // the queue first: with nothing queued (most calls of this) the rest is not looked at
        while (!rxQueue.isEmpty() && !closed && !silent && inFlight < server.limits().maxClientRequests()
                && !streams.holdsBack() && (m = rxQueue.poll()) != null) {
            mem.rxQueuedBytes -= m.memory();
            incoming(m);
        }
    }

    private void incoming(Message m) {
        MessageHeader h = m.header();
        if (h.program() == KeepAlive.PROGRAM) {
            m.release();
            if (KeepAlive.isPing(h) && pendingPong == null) {
                pendingPong = KeepAlive.pong();
                queueTx(pendingPong);
                write();
            }
            return;
        }
        if (h.type() == MessageHeader.TYPE_STREAM || h.type() == MessageHeader.TYPE_STREAM_HOLE) {
            streams.route(m);
            return;
        }
        ServerProgram program = server.program(h.program(), h.version());
        if (h.type() != MessageHeader.TYPE_CALL && h.type() != MessageHeader.TYPE_CALL_WITH_FDS) {
            m.release();
            return; // replies, events and stray stream packets from a client are dropped, as libvirtd does
        }
        if (program == null) {
            queueLoopReply(ReplyFrames.unknownProgram(h));
            return;
        }
        inFlight++;
        // A large call stays charged until its worker is done with it (its arguments live as
        // long); small ones are bounded by max_client_requests and cost nothing to track.
        int pooled = m.size() > FrameDecoder.INITIAL_BUFFER ? m.size() : 0;
        try {
            long queuedAt = System.nanoTime();
            server.pool().submit(() -> {
                try {
                    DispatchGuard.dispatch(program, this, m);
                } finally {
                    server.stats().callCompleted(h.program(), h.procedure(), System.nanoTime() - queuedAt);
                    if (pooled > 0) {
                        budget.leavePool(pooled);
                    }
                }
            }, program.isHighPriority(h.procedure()));
            if (pooled > 0) {
                budget.enterPool(pooled);
            }
            awaitingReplies++;
            loop.expectTasks(1);
        } catch (RejectedExecutionException e) {
            inFlight--;
            queueLoopReply(ReplyFrames.shuttingDown(h));
        }
    }

    /** Loop: a reply made on the loop; it holds a call slot until written, like any reply. */
    private void queueLoopReply(ByteBuffer frame) {
        inFlight++;
        queueTx(frame);
        repliesInTx.add(frame);
        write();
    }

    private void write() {
        if (silent) {
            return;
        }
        socketFull = false;
        if (tls != null && !flushTls()) {
            return;
        }
        try {
            while (true) {
                if (txQueue.isEmpty() && tls == null) {
                    if (events.isEmpty() || !writeEventsDirect()) {
                        break;
                    }
                    continue; // more events came, or one too large for the event buffer is in txQueue now
                }
                if (tls != null) {
                    takeEvents();
                }
                if (txQueue.isEmpty()) {
                    break;
                }
                long n = writeTxQueue();
                if (n > 0) {
                    server.stats().bytesWritten(n);
                    mem.txBytes -= n;
                    if (mem.txWatched) {
                        mem.txProgressNanos = server.nanoTime();
                    }
                }
                boolean eventsWritten = false;
                while (!txQueue.isEmpty() && !txQueue.peekFirst().hasRemaining()) {
                    ByteBuffer done = txQueue.pollFirst();
                    if (done == repliesInTx.peekFirst()) {
                        repliesInTx.pollFirst();
                        inFlight--;
                    } else if (done == pendingPong) {
                        pendingPong = null;
                    }
                    EventQueue.Entry e;
                    while ((e = eventsInTx.peekFirst()) != null && e.tx == done) {
                        events.recycle(eventsInTx.pollFirst()); // several events may share one buffer (writeEventsDirect)
                        eventsWritten = true;
                    }
                    StreamFrame sf = streamFramesInTx.peekFirst();
                    if (sf != null && sf.frame == done) {
                        streamFramesInTx.pollFirst();
                        if (sf.pooled) {
                            server.framePool().give(sf.frame);
                        }
                        sf.stream.written(sf.size);
                    }
                }
                if (eventsWritten) {
                    publishEventsInTx();
                }
                if (n == 0) {
                    socketFull = tls == null;
                    break;
                }
            }
        } catch (IOException e) {
            close(e.getMessage());
            return;
        }
        maybeFinishClose();
    }

    /** Loop: one write call of the head of txQueue; returns the (plaintext) bytes written. */
    private long writeTxQueue() throws IOException {
        ByteBuffer head = txQueue.peekFirst();
        if (head.remaining() > MAX_WRITE) { // a part of a large frame, through a view
            ByteBuffer part = head.duplicate();
            part.limit(part.position() + MAX_WRITE);
            ByteBuffer[] one = {part};
            long n = tls != null ? writeTls(one) : channel.write(one);
            head.position(part.position());
            return n;
        }
        if (tls != null) {
            // one frame per wrap, so no TLS record holds the end of one message and the start of
            // the next: libvirt's client reads a record's plaintext only up to the message it
            // waits for and never looks at what GnuTLS kept of the record
            // (virNetSocketHasCachedData ignores TLS) until more bytes come on the socket
            return writeTls(new ByteBuffer[] {head});
        }
        ByteBuffer[] gather = server.gatherArray();
        int count = gatherBatch(gather);
        try {
            return channel.write(gather, 0, count);
        } finally {
            Arrays.fill(gather, 0, count, null); // holds no frame past the write
        }
    }

    /**
     * Loop, a plain socket with nothing else waiting to be written: copies queued events into
     * the server's event buffer, each with this client's callback id written in, and writes them
     * with one call, so the steady state allocates nothing per event and client. What the
     * socket does not take goes to txQueue, where the loop waits for writability; the events
     * still queued stay where they can be dropped. An event larger than the buffer goes to
     * txQueue in a buffer of its own. True if the socket took everything (more may follow),
     * false if it is full.
     */
    private boolean writeEventsDirect() throws IOException {
        assert eventsInTx.isEmpty() : "events in txQueue, which is empty";
        ByteBuffer out = server.eventWriteBuffer();
        out.clear();
        EventQueue.Entry e;
        EventQueue.Entry tooLarge = null;
        while ((e = events.poll()) != null) {
            if (e.size > out.remaining()) {
                tooLarge = e; // the queue cannot take it back: it goes to txQueue after these
                break;
            }
            e.frame.copyTo(out, e.callbackId);
            e.end = out.position();
            eventsInTx.add(e);
        }
        if (events.isEmpty()) {
            eventOverflow.set(false); // caught up: a later overflow is logged again
        }
        out.flip();
        int n = out.hasRemaining() ? channel.write(out) : 0;
        if (n > 0) {
            server.stats().bytesWritten(n);
            if (mem.txWatched) {
                mem.txProgressNanos = server.nanoTime();
            }
        }
        while ((e = eventsInTx.peekFirst()) != null && e.end <= n) {
            events.recycle(eventsInTx.pollFirst());
        }
        boolean full = out.hasRemaining();
        if (full) { // the socket's buffer is full: keep the rest, as one buffer
            ByteBuffer rest = ByteBuffer.allocate(out.remaining());
            rest.put(out).flip();
            for (EventQueue.Entry w : eventsInTx) {
                w.tx = rest;
            }
            queueTx(rest);
        }
        if (tooLarge != null) {
            tooLarge.tx = tooLarge.frame.toBuffer(tooLarge.callbackId);
            eventsInTx.add(tooLarge);
            queueTx(tooLarge.tx);
        }
        publishEventsInTx();
        if (full) {
            socketFull = true;
            return false;
        }
        return true;
    }

    /**
     * Loop, TLS clients (whose output the session encrypts from txQueue): moves queued events to
     * the transmit queue, each in a buffer of its own, while it holds less than
     * EVENT_PULL_BYTES; what stays behind can still be dropped if the client falls behind.
     */
    private void takeEvents() {
        if (events.isEmpty() || mem.txBytes >= EVENT_PULL_BYTES) {
            return;
        }
        EventQueue.Entry e;
        while (mem.txBytes < EVENT_PULL_BYTES && (e = events.poll()) != null) {
            e.tx = e.frame.toBuffer(e.callbackId);
            eventsInTx.add(e);
            queueTx(e.tx);
        }
        publishEventsInTx();
        if (events.isEmpty()) {
            eventOverflow.set(false); // caught up: a later overflow is logged again
        }
    }

    /** Loop: what the metrics read about events in txQueue. */
    private void publishEventsInTx() {
        EventQueue.Entry first = eventsInTx.peekFirst();
        oldestEventInTxNanos = first == null ? -1 : first.queuedAtNanos;
        eventsInTxCount = eventsInTx.size();
    }

    /**
     * Loop: puts the frames at the head of txQueue that add up to at most MAX_WRITE bytes (at
     * least one), and at most {@code into.length} of them, into {@code into}; returns how many.
     */
    private int gatherBatch(ByteBuffer[] into) {
        int count = 0;
        long bytes = 0;
        for (ByteBuffer b : txQueue) {
            bytes += b.remaining();
            if (count == into.length || count > 0 && bytes > MAX_WRITE) {
                break;
            }
            into[count++] = b;
        }
        return count;
    }

    private void maybeFinishClose() {
        if (closeWhenFlushed && txQueue.isEmpty() && (tls == null || !tls.hasOutput()) && !closed) {
            close(null);
        }
    }

    /** Loop: the one place that decides what we wait for, from the client's state alone. */
    private void updateInterest() {
        if (closed) {
            return;
        }
        // every turn on this client ends here: an upload packet held back for the next one
        // goes to its worker unless that next one is half read (ServerStream#startDeferred)
        streams.startDeferred(decoder.readingPooledPacket());
        settleMemory();
        boolean wantRead = silent || wantsPlainRead();
        boolean wantWrite = !txQueue.isEmpty();
        if (tls != null) { // during the handshake the session decides; afterwards it adds its own output
            wantRead = tls.wantsRead(wantRead);
            wantWrite = tls.wantsWrite(wantWrite);
        }
        int ops = 0;
        if (wantRead) {
            ops |= SelectionKey.OP_READ;
        }
        if (wantWrite) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (watch.interest() != ops) {
            watch.setInterest(ops);
        }
    }

    /** Loop: reading may go on (before TLS has its say): nothing holds this client's input back. */
    private boolean wantsPlainRead() {
        return !closed && !stopReading && !closeWhenFlushed && !mem.waitingForMemory && rxQueue.isEmpty()
                && inFlight < server.limits().maxClientRequests();
    }

    /** Loop: stop reading new calls (shutdown); calls in flight still get their replies. */
    void stopReading() {
        stopReading = true;
        if (!closed) {
            updateInterest();
        }
    }

    /** Loop: nothing in flight and nothing left to write. */
    boolean isQuiescent() {
        return closed || (inFlight == 0 && txQueue.isEmpty() && outbox.isEmpty() && messageOutbox.isEmpty()
                && events.isEmpty() && streamOutbox.isEmpty()
                && (tls == null || !tls.hasOutput()));
    }

    // ---- TLS, loop ----

    /** Loop: reads ciphertext and passes on the plaintext it carries; writes any handshake reply. */
    private void readTls() {
        ByteBuffer net = server.tlsReadBuffer();
        net.clear();
        if (!budget.fits(mem.restricted, ClientMemoryBudget.FULL_READ_ROOM)) {
            net.limit(ClientMemoryBudget.SMALL_READ);
        }
        int n;
        try {
            n = channel.read(net);
        } catch (IOException e) {
            close(e.getMessage());
            return;
        }
        if (n < 0) {
            close(null);
            return;
        }
        if (n == 0) {
            return;
        }
        lastReceivedNanos = server.nanoTime();
        pingsLeft = server.limits().keepaliveCount();
        net.flip();
        if (tlsInput(net)) {
            write();
        }
    }

    /**
     * Loop: feeds ciphertext (possibly none, to use what the session buffered) through the
     * session into the decoder, then acts on the session's state. False if the client was closed.
     */
    private boolean tlsInput(ByteBuffer net) {
        try {
            ByteBuffer app = server.readBuffer();
            do {
                app.clear();
                tls.unwrap(net, app);
                app.flip();
                if (app.hasRemaining()) {
                    server.stats().bytesRead(app.remaining());
                    decoder.feed(app, rxSink);
                }
                net = NO_BYTES;
            } while (tls.hasBufferedInput());
        } catch (FrameException e) {
            LOG.log(Level.WARNING, "client {0}: {1}; closing it", id, e.getMessage());
            close(e.getMessage());
            return false;
        } catch (SSLException e) {
            LOG.log(Level.INFO, "client {0}: TLS failed: {1}; closing it", id, e.getMessage());
            close(e.getMessage());
            return false;
        }
        if (tls.isInboundDone()) {
            close(null);
            return false;
        }
        if (tls.isRejected()) { // libvirtd: no confirmation byte, the socket just closes
            close("TLS client refused: " + tls.verdict().reason());
            return false;
        }
        if (!tlsConfirmed && tls.isEstablished()) {
            tlsConfirmed = true;
            tlsDname = tls.verdict().peerDn();
            txQueue.addFirst(TLS_CONFIRM.duplicate());
            mem.txBytes += 1;
        }
        admitMessage(); // one this plaintext started
        return !closed;
    }

    /** Loop: a delegated TLS task or the client check finished; carry on where the session stopped. */
    private void tlsResumed() {
        if (closed || !tlsInput(NO_BYTES)) {
            return;
        }
        write();
        dispatchQueued();
        if (!closed) {
            updateInterest();
        }
    }

    /** Loop: writes the session's pending ciphertext; false if that closed the client. */
    private boolean flushTls() {
        try {
            ByteBuffer out = tls.output();
            while (out.hasRemaining() && channel.write(out) > 0) {
                // the socket took some; try again until it is full or we are done
            }
            tls.outputWritten();
            return true;
        } catch (IOException e) {
            close(e.getMessage());
            return false;
        }
    }

    /** Loop: encrypts queued plaintext and writes what the socket takes; returns plaintext consumed. */
    private long writeTls(ByteBuffer[] batch) throws IOException {
        long consumed = tls.wrap(batch);
        ByteBuffer out = tls.output();
        while (out.hasRemaining() && channel.write(out) > 0) {
            // as in flushTls
        }
        tls.outputWritten();
        return consumed;
    }

    private void armKeepAlive() {
        int interval = server.limits().keepaliveInterval();
        if (closed || keepaliveTimer != null || interval <= 0) {
            return;
        }
        pingsLeft = server.limits().keepaliveCount();
        keepaliveTimer = loop.addTimer(interval * 1000L, this::keepaliveTick);
    }

    /** Loop: libvirt's keepalive timer: PING after a silent interval, give up after count PINGs. */
    private void keepaliveTick() {
        if (closed) {
            return;
        }
        long intervalNanos = server.limits().keepaliveInterval() * 1_000_000_000L;
        if (mem.waitingForMemory) {
            lastReceivedNanos = server.nanoTime(); // we do not read it: its silence is ours
        }
        long silent = server.nanoTime() - lastReceivedNanos;
        if (silent < intervalNanos) {
            keepaliveTimer.update(Math.max(1, (intervalNanos - silent) / 1_000_000));
            return;
        }
        if (pingsLeft <= 0) {
            LOG.log(Level.INFO, "client {0}: no keepalive answer; closing it", id);
            server.stats().keepaliveClosed();
            close("keepalive timeout");
            return;
        }
        pingsLeft--;
        keepaliveTimer.update(server.limits().keepaliveInterval() * 1000L);
        queueTx(KeepAlive.ping());
        write();
        updateInterest();
    }

    /** Loop: closes the socket and tells the server and the programs. Idempotent. */
    void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        open = false;
        loop.expectTasks(-awaitingReplies);
        awaitingReplies = 0;
        if (why != null) {
            LOG.log(Level.DEBUG, "client {0} closed: {1}", id, why);
        }
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel();
        }
        if (watch != null) {
            watch.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do for a socket we are dropping
        }
        for (Message m; (m = rxQueue.poll()) != null; ) {
            m.release();
        }
        decoder.discard();
        txQueue.clear();
        mem.rxQueuedBytes = 0;
        mem.txBytes = 0;
        mem.admitted = false;
        mem.waitingForMemory = false;
        mem.txWatched = false;
        budget.adjust(mem.restricted, -mem.charged);
        mem.charged = 0;
        repliesInTx.clear();
        pendingPong = null;
        outbox.clear();
        messageOutbox.clear();
        dropStreamFrames(streamOutbox);
        dropStreamFrames(streamFramesInTx);
        streams.dropAll();
        dropEvents();
        server.clientClosed(this);
    }

    /**
     * Loop: forgets the stream frames of {@code frames} (never to be written), giving pooled ones
     * back. A worker that queues a frame after the client closed has it dropped by the flush it
     * schedules (flushOutbox), so none is lost to the pool.
     */
    private void dropStreamFrames(java.util.Queue<StreamFrame> frames) {
        for (StreamFrame f; (f = frames.poll()) != null; ) {
            if (f.pooled) {
                server.framePool().give(f.frame);
            }
        }
    }

    /** Loop: forgets every unwritten event of a closed client. */
    private void dropEvents() {
        for (EventQueue.Entry e; (e = eventsInTx.pollFirst()) != null; ) {
            events.recycle(e);
        }
        events.clear();
        publishEventsInTx();
    }

    /**
     * The client's memory accounting, loop-confined. In an object of its own: the loop writes
     * these fields on every call, and workers read the client's final fields (its outboxes, its
     * loop) on every reply, so they are kept off the client's own cache lines; a boolean is only
     * written when it changes, for the same reason. (With them inline, and the write path's old
     * batching, a quiet A/B showed ~5 % fewer calls/s at 64 connections x 8 calls in flight;
     * with both changed, no difference: docs/robustness.md.)
     */
    private static final class Memory {
        /** Counts against the budget's restricted share: no successful CONNECT_OPEN yet, or read-only. */
        boolean restricted = true;
        /** The message being read is admitted: its whole length is charged. */
        boolean admitted;
        /** Not read until the budget admits the message being read (see memoryGranted). */
        boolean waitingForMemory;
        /** Output of at least WATCHED_OUTPUT bytes is waiting; txProgressNanos is when it last moved. */
        boolean txWatched;
        /** Bytes charged to the budget for this client (see settleMemory). */
        long charged;
        /** Bytes of the messages in rxQueue. */
        long rxQueuedBytes;
        /** Bytes queued in txQueue and not written yet. */
        long txBytes;
        long admittedNanos;
        long txProgressNanos;
    }

    /** A stream's frame on its way out, its size when it was posted, and whether it goes back to the pool. */
    private record StreamFrame(ByteBuffer frame, ServerStream stream, int size, boolean pooled) {
    }
}
