package io.jvirtd.rpc.server;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.loop.Watch;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected client (libvirt's virNetServerClient).
 *
 * <p>Threads: the socket, the frame decoder, the receive and transmit queues, the in-flight
 * count and the keepalive state are confined to the event loop (methods marked "loop").
 * Workers reach the client only through {@link #sendReply}, {@link #sendMessage},
 * {@link #requestClose} and the identity getters; those hand work to the loop through a
 * lock-free outbox and one run-on-loop task per batch. No lock is ever held here.
 */
public final class ServerClient {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.server");
    /** Reads that leave at least this much of a big message missing go straight into it. */
    private static final int DIRECT_READ_THRESHOLD = 16 * 1024;

    private final long id;
    private final NetServer server;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final Listener listener;
    private final long connectedAtMillis;
    private final Object identity;

    // Loop-confined state.
    private Watch watch;
    private final FrameDecoder decoder = new FrameDecoder();
    private final ArrayDeque<Message> rxQueue = new ArrayDeque<>(4);
    private final ArrayDeque<ByteBuffer> txQueue = new ArrayDeque<>(4);
    private int inFlight;
    private boolean closed;
    private boolean closeWhenFlushed;
    private boolean stopReading;
    private final FrameDecoder.Sink rxSink = rxQueue::add;
    private Timer keepaliveTimer;
    private long lastReceivedNanos;
    private int pingsLeft;

    // Cross-thread hand-off from workers to the loop.
    private final ConcurrentLinkedQueue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicInteger callsCompleted = new AtomicInteger();
    private final Runnable flushTask = this::flushOutbox;
    private volatile boolean open = true;
    private volatile Object programData;

    ServerClient(long id, NetServer server, EventLoop loop, SocketChannel channel, Listener listener,
                 Object identity) {
        this.id = id;
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.listener = listener;
        this.identity = identity;
        this.connectedAtMillis = System.currentTimeMillis();
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
     * Queues the reply to a call; releases that call's in-flight slot. Any thread. The frame
     * must be complete (length word included) and not touched afterwards.
     */
    public void sendReply(ByteBuffer frame) {
        callsCompleted.incrementAndGet();
        post(frame);
    }

    /** Queues a message that answers no call (an event, a keepalive PING). Any thread. */
    public void sendMessage(ByteBuffer frame) {
        post(frame);
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

    /** Starts the server-side keepalive (the client asked for feature PROGRAM_KEEPALIVE). Any thread. */
    public void startKeepAlive() {
        loop.execute(this::armKeepAlive);
    }

    private void post(ByteBuffer frame) {
        outbox.add(frame);
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    // ---- loop ----

    /** Loop: drains the outbox into the transmit queue and writes what the socket takes. */
    private void flushOutbox() {
        flushScheduled.set(false);
        if (closed) {
            outbox.clear();
            return;
        }
        ByteBuffer b;
        while ((b = outbox.poll()) != null) {
            txQueue.add(b);
        }
        inFlight -= callsCompleted.getAndSet(0);
        write();
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
            read();
            dispatchQueued();
        }
        updateInterest();
    }

    private void read() {
        try {
            ByteBuffer direct = decoder.directBuffer(DIRECT_READ_THRESHOLD);
            int n;
            if (direct != null) {
                n = channel.read(direct);
                if (n > 0) {
                    decoder.filled(n, rxSink);
                }
            } else {
                ByteBuffer scratch = server.readBuffer();
                scratch.clear();
                n = channel.read(scratch);
                if (n > 0) {
                    scratch.flip();
                    decoder.feed(scratch, rxSink);
                }
            }
            if (n < 0) {
                close(null);
            } else if (n > 0) {
                lastReceivedNanos = server.nanoTime();
                pingsLeft = server.limits().keepaliveCount();
            }
        } catch (FrameException e) {
            LOG.log(Level.WARNING, "client {0}: {1}; closing it", id, e.getMessage());
            close(e.getMessage());
        } catch (IOException e) {
            close(e.getMessage());
        }
    }

    /** Loop: hands queued messages on while the in-flight limit allows. */
    private void dispatchQueued() {
        Message m;
        while (!closed && inFlight < server.limits().maxClientRequests() && (m = rxQueue.poll()) != null) {
            incoming(m);
        }
    }

    private void incoming(Message m) {
        MessageHeader h = m.header();
        if (h.program() == KeepAlive.PROGRAM) {
            if (KeepAlive.isPing(h)) {
                txQueue.add(KeepAlive.pong());
                write();
            }
            return;
        }
        ServerProgram program = server.program(h.program(), h.version());
        if (h.type() != MessageHeader.TYPE_CALL && h.type() != MessageHeader.TYPE_CALL_WITH_FDS) {
            return; // replies, events and stray stream packets from a client are dropped, as libvirtd does
        }
        if (program == null) {
            txQueue.add(ReplyFrames.unknownProgram(h));
            write();
            return;
        }
        inFlight++;
        try {
            server.pool().submit(() -> program.dispatch(this, m), program.isHighPriority(h.procedure()));
        } catch (RejectedExecutionException e) {
            inFlight--;
            txQueue.add(ReplyFrames.shuttingDown(h));
            write();
        }
    }

    private void write() {
        if (txQueue.isEmpty()) {
            maybeFinishClose();
            return;
        }
        try {
            while (!txQueue.isEmpty()) {
                ByteBuffer[] batch = txQueue.toArray(new ByteBuffer[0]);
                long n = channel.write(batch);
                while (!txQueue.isEmpty() && !txQueue.peekFirst().hasRemaining()) {
                    txQueue.pollFirst();
                }
                if (n == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            close(e.getMessage());
            return;
        }
        maybeFinishClose();
    }

    private void maybeFinishClose() {
        if (closeWhenFlushed && txQueue.isEmpty() && !closed) {
            close(null);
        }
    }

    /** Loop: the one pure place that decides what we wait for (STYLE P6). */
    private void updateInterest() {
        if (closed) {
            return;
        }
        int ops = 0;
        if (!stopReading && !closeWhenFlushed && rxQueue.isEmpty()
                && inFlight < server.limits().maxClientRequests()) {
            ops |= SelectionKey.OP_READ;
        }
        if (!txQueue.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (watch.interest() != ops) {
            watch.setInterest(ops);
        }
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
        return closed || (inFlight == 0 && txQueue.isEmpty() && outbox.isEmpty());
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
        long silent = server.nanoTime() - lastReceivedNanos;
        if (silent < intervalNanos) {
            keepaliveTimer.update(Math.max(1, (intervalNanos - silent) / 1_000_000));
            return;
        }
        if (pingsLeft <= 0) {
            LOG.log(Level.INFO, "client {0}: no keepalive answer; closing it", id);
            close("keepalive timeout");
            return;
        }
        pingsLeft--;
        keepaliveTimer.update(server.limits().keepaliveInterval() * 1000L);
        txQueue.add(KeepAlive.ping());
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
        rxQueue.clear();
        txQueue.clear();
        outbox.clear();
        server.clientClosed(this);
    }
}
