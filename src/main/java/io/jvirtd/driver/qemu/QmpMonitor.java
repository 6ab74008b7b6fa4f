package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.DriverEventLoop;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A client of one guest's QMP monitor whose socket is read and written by the daemon's event
 * loop: commands carry ids ({@code libvirt-N}), replies are matched to them, events go to the
 * {@link Listener} in the order QEMU sent them, including events that arrive before the reply
 * of the command that caused them (RESUME before {@code cont}'s {@code {}}).
 *
 * <p>Threads: {@link #execute} and {@link #close} are called by worker threads, which block on
 * the reply with a timeout (never forever). Everything about the socket (reads, writes, the
 * decoder, the output queue) is confined to the loop thread; the pending replies are a
 * concurrent map shared by both. Listener callbacks run on the loop and must not block.
 */
final class QmpMonitor {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** libvirt's QEMU_MONITOR_MAX_RESPONSE: a longer message closes the monitor. */
    static final long MAX_MESSAGE_BYTES = 10L * 1024 * 1024;

    /** What the monitor reports; called on the loop thread, must not block. */
    interface Listener {
        /** A QMP event: its name, {@code data} (empty when absent) and timestamp in microseconds. */
        void onEvent(String event, Map<String, Object> data, long timestampMicros);

        /** The connection ended: EOF from QEMU ({@code byUs} false) or {@link #close()}. Once. */
        void onClose(boolean byUs);

        /**
         * Every event message whole, as QEMU sent it, just before {@link #onEvent} gets it: what
         * the monitor event relay (virConnectDomainQemuMonitorEventRegister) passes on. Loop thread.
         */
        default void onRawEvent(Map<String, Object> message) {
        }
    }

    private final String name;
    private final DriverEventLoop loop;
    private final SocketChannel channel;
    private final Listener listener;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** {@link #sendArbitrary} commands sent without an id, oldest first: QEMU answers them in order, without id. */
    private final Queue<Pending> withoutId = new ConcurrentLinkedQueue<>();
    /** Workers waiting for one event each ({@link #expectEvent}); completed on the loop. */
    private final Queue<EventWaiter> eventWaiters = new ConcurrentLinkedQueue<>();

    private record EventWaiter(String event, Predicate<Map<String, Object>> matches,
                               CompletableFuture<Map<String, Object>> got) {
    }
    private final CompletableFuture<Map<String, Object>> greeting = new CompletableFuture<>();
    /** The reply to the qmp_capabilities {@link #open} sent; set before the monitor is shared. */
    private CompletableFuture<Object> negotiation;
    /** Completed on the loop once the connection is closed and the listener told. */
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
    private volatile boolean closed;

    // Loop-confined.
    private DriverEventLoop.Registration registration;
    private final QmpCodec.Decoder decoder;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
    private boolean closeReported;

    /**
     * A command waiting for its reply; {@code whole} (a {@link #sendArbitrary} command) gets the
     * whole reply message, error or not, instead of {@code return}'s value.
     */
    private record Pending(String command, CompletableFuture<Object> reply, boolean whole) {
        Pending(String command, CompletableFuture<Object> reply) {
            this(command, reply, false);
        }
    }

    private QmpMonitor(String name, DriverEventLoop loop, SocketChannel channel, Listener listener) {
        this.name = name;
        this.loop = loop;
        this.channel = channel;
        this.listener = listener;
        this.decoder = new QmpCodec.Decoder(MAX_MESSAGE_BYTES, this::message);
    }

    /**
     * Connects to the monitor socket, waits for QEMU's greeting and negotiates capabilities
     * ({@code qmp_capabilities}). Worker thread.
     *
     * @param name the domain's name, for errors and logs
     * @throws VirException OPERATION_FAILED when the socket cannot be reached or QEMU closes it
     */
    static QmpMonitor connect(String name, Path socket, DriverEventLoop loop, Listener listener,
                              long timeoutMillis) {
        QmpMonitor mon = open(name, socket, loop, listener);
        mon.awaitNegotiated(timeoutMillis);
        return mon;
    }

    /**
     * Connects and starts the negotiation without waiting for QEMU: {@code qmp_capabilities} is
     * queued at once (QEMU reads it after sending its greeting and runs commands in order), so
     * commands {@link #send sent} right after it travel in the same round trip, which is what a
     * start or a reattach costs on a busy host. {@link #awaitNegotiated} then waits for the
     * greeting and the negotiation. Worker thread (the connect).
     *
     * @throws VirException OPERATION_FAILED when the socket cannot be reached
     */
    static QmpMonitor open(String name, Path socket, DriverEventLoop loop, Listener listener) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket)); // local: completes at once or fails
                ch.configureBlocking(false);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw VirException.format(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "failed to connect to monitor socket %s: %s", socket, e.getMessage());
        }
        QmpMonitor mon = new QmpMonitor(name, loop, ch, listener);
        loop.execute(mon::register);
        mon.negotiation = mon.send("qmp_capabilities", null);
        return mon;
    }

    /**
     * Waits for the greeting and the answer to {@code qmp_capabilities} of {@link #open}; on
     * failure closes the monitor. Worker thread.
     */
    void awaitNegotiated(long timeoutMillis) {
        try {
            await(greeting, "greeting", timeoutMillis);
            await(negotiation, "qmp_capabilities", timeoutMillis);
        } catch (VirException e) {
            close();
            throw e;
        }
    }

    private void register() {
        assert loop.inLoop();
        if (closed) {
            closeOnLoop(true);
            return;
        }
        registration = loop.watch(channel, SelectionKey.OP_READ, this::ready);
    }

    /**
     * Runs a QMP command and waits for its answer ({@code return}'s value). Worker thread.
     *
     * @throws VirException INTERNAL_ERROR with QEMU's error text, OPERATION_FAILED when the
     *                      monitor closes first, OPERATION_TIMEOUT after {@code timeoutMillis}
     */
    Object execute(String command, Map<String, ?> arguments, long timeoutMillis) {
        return await(send(command, arguments), command, timeoutMillis);
    }

    /** Sends a command; the future completes on the loop with the answer or fails. Any thread. */
    CompletableFuture<Object> send(String command, Map<String, ?> arguments) {
        String id = "libvirt-" + nextId.incrementAndGet();
        CompletableFuture<Object> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(closedError());
            return reply;
        }
        byte[] bytes = QmpCodec.command(command, arguments, id);
        pending.put(id, new Pending(command, reply));
        loop.execute(() -> enqueue(ByteBuffer.wrap(bytes)));
        reply.whenComplete((v, e) -> pending.remove(id));
        if (closed) { // closed while we registered: the loop's sweep may have missed us
            reply.completeExceptionally(closedError());
        }
        return reply;
    }

    /**
     * Sends a client's own command (virDomainQemuMonitorCommand) as libvirt does: an object with
     * an {@code execute} member gets an {@code id} member appended; anything else ({@code json},
     * already checked to be valid JSON) goes as it is, and QEMU's reply to it carries no id, so
     * such replies go to these commands in the order they were sent. The future completes on the
     * loop with the whole reply message ({@code return} or {@code error}), as QEMU sent it. Any
     * thread.
     *
     * @param commandOrNull the parsed object when it has {@code execute}, else null
     */
    CompletableFuture<Object> sendArbitrary(Map<String, Object> commandOrNull, String json) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(closedError());
            return reply;
        }
        String id = commandOrNull == null ? null : "libvirt-" + nextId.incrementAndGet();
        byte[] text;
        if (id != null) {
            Map<String, Object> withId = new LinkedHashMap<>(commandOrNull);
            withId.remove("id");
            withId.put("id", id);
            text = QmpCodec.json(withId).getBytes(StandardCharsets.UTF_8);
        } else {
            text = json.strip().getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = Arrays.copyOf(text, text.length + 2);
        bytes[text.length] = '\r';
        bytes[text.length + 1] = '\n';
        Pending p = new Pending(commandOrNull == null ? json : String.valueOf(commandOrNull.get("execute")), reply,
                true);
        if (id != null) {
            pending.put(id, p);
            reply.whenComplete((v, e) -> pending.remove(id));
            loop.execute(() -> enqueue(ByteBuffer.wrap(bytes)));
        } else {
            loop.execute(() -> enqueueUnnumbered(p, bytes));
        }
        if (closed) {
            reply.completeExceptionally(closedError());
        }
        return reply;
    }

    /**
     * Sends a command with no {@code id}: its answer is the next id-less reply (QEMU answers in
     * the order it reads). For the many small questions of statistics: QEMU 7.2 reads its monitor
     * one byte per main-loop turn, about 4 us of its CPU per byte here, and an id is a fifth of
     * a short command. The future completes on the loop with {@code return}'s value, or fails as
     * {@link #send}'s. Any thread.
     */
    CompletableFuture<Object> sendUnnumbered(String command, Map<String, ?> arguments) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(closedError());
            return reply;
        }
        byte[] bytes = QmpCodec.command(command, arguments, null);
        loop.execute(() -> enqueueUnnumbered(new Pending(command, reply), bytes));
        if (closed) {
            reply.completeExceptionally(closedError());
        }
        return reply;
    }

    /**
     * Waits for the answer of a command {@link #send sent} earlier ({@code return}'s value), as
     * {@link #execute} does. Worker thread.
     */
    <T> T await(CompletableFuture<T> f, String what, long timeoutMillis) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw VirException.format(VirErrorNumber.OPERATION_TIMEOUT, VirErrorDomain.QEMU,
                    "QEMU monitor of domain '%s' did not answer '%s' within %d ms", name, what, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw VirException.internalError(VirErrorDomain.QEMU, "interrupted while waiting for the monitor");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof VirException v) {
                throw v;
            }
            throw VirException.internalError(VirErrorDomain.QEMU, String.valueOf(e.getCause()));
        }
    }

    /** Closes the connection (QEMU keeps running). Any thread; idempotent. */
    void close() {
        closed = true;
        try {
            loop.execute(() -> closeOnLoop(true));
        } catch (RuntimeException e) { // the loop is gone (daemon shutdown): close directly
            closeChannelQuietly();
            failPending();
            closeDone.complete(null);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the connection has ended (QEMU's EOF or {@link #close}) and every message
     * before it has gone to the listener, at most {@code millis}. Worker thread.
     *
     * @return true if it ended in time
     */
    boolean awaitClose(long millis) {
        try {
            closeDone.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    // ------------------------------------------------------------------ loop thread

    /**
     * Queues an id-less command's reply slot and its bytes in one step on the loop, so that the
     * slots are in the order the commands are written. A slot stays until its reply comes, even
     * when its caller gave up (cancelled): the late reply must not go to the next one.
     */
    private void enqueueUnnumbered(Pending p, byte[] bytes) {
        assert loop.inLoop();
        if (closed) {
            p.reply.completeExceptionally(closedError());
            return;
        }
        withoutId.add(p);
        enqueue(ByteBuffer.wrap(bytes));
    }

    private void enqueue(ByteBuffer b) {
        assert loop.inLoop();
        if (closed) {
            return; // the pending reply was failed by the close
        }
        output.add(b);
        flush();
    }

    private void ready(int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            read();
        }
    }

    private void flush() {
        try {
            while (!output.isEmpty()) {
                ByteBuffer b = output.peek();
                channel.write(b);
                if (b.hasRemaining()) {
                    break;
                }
                output.poll();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "monitor of {0}: write failed: {1}", name, e.getMessage());
            closeOnLoop(false);
            return;
        }
        if (registration != null) {
            registration.setInterest(output.isEmpty() ? SelectionKey.OP_READ
                    : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void read() {
        // Bounded per turn: one monitor cannot keep the loop from the others.
        for (int i = 0; i < 16 && !closed; i++) {
            readBuffer.clear();
            int n;
            try {
                n = channel.read(readBuffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                decoder.endOfInput();
                closeOnLoop(false);
                return;
            }
            if (n == 0) {
                return;
            }
            try {
                decoder.feed(readBuffer.array(), 0, n);
            } catch (QmpCodec.ProtocolException e) {
                LOG.log(Level.WARNING, "monitor of {0}: {1}; closing it", name, e.getMessage());
                closeOnLoop(false);
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void message(Map<String, Object> msg) {
        if (msg.containsKey("QMP")) {
            greeting.complete(msg);
            return;
        }
        Object event = msg.get("event");
        if (event instanceof String ev) {
            Object data = msg.get("data");
            long micros = 0;
            if (msg.get("timestamp") instanceof Map<?, ?> ts) {
                micros = asLong(ts.get("seconds")) * 1_000_000L + asLong(ts.get("microseconds"));
            }
            if (!eventWaiters.isEmpty()) {
                completeWaiters(ev, data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
            }
            try {
                listener.onRawEvent(msg);
                listener.onEvent(ev, data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(), micros);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "monitor of " + name + ": event listener failed on " + ev, e);
            }
            return;
        }
        Object id = msg.get("id");
        Pending p = id == null ? withoutId.poll() : pending.remove(id.toString());
        if (p == null) {
            LOG.log(Level.DEBUG, "monitor of {0}: reply to no pending command: {1}", name, msg);
            return;
        }
        if (p.whole) {
            p.reply.complete(msg);
        } else if (msg.containsKey("return")) {
            p.reply.complete(msg.get("return"));
        } else if (msg.get("error") instanceof Map<?, ?> err) {
            p.reply.completeExceptionally(VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "unable to execute QEMU command '%s': %s", p.command, err.get("desc")));
        } else {
            p.reply.completeExceptionally(VirException.internalError(VirErrorDomain.QEMU,
                    "unexpected reply to QEMU command '" + p.command + "'"));
        }
    }

    private static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private void closeOnLoop(boolean byUs) {
        assert loop.inLoop();
        closed = true;
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
        closeChannelQuietly();
        output.clear();
        greeting.completeExceptionally(closedError());
        failPending();
        if (!closeReported) {
            closeReported = true;
            try {
                listener.onClose(byUs);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "monitor of " + name + ": close listener failed", e);
            }
        }
        closeDone.complete(null);
    }

    private void closeChannelQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing monitor of {0}: {1}", name, e.getMessage());
        }
    }

    /**
     * A future for the next event {@code event} whose {@code data} {@code matches} accepts: it
     * completes on the loop with that data, or fails when the monitor closes. Register it before
     * sending the command that causes the event; cancel it when no longer waiting. Any thread.
     */
    CompletableFuture<Map<String, Object>> expectEvent(String event, Predicate<Map<String, Object>> matches) {
        CompletableFuture<Map<String, Object>> got = new CompletableFuture<>();
        EventWaiter w = new EventWaiter(event, matches, got);
        eventWaiters.add(w);
        got.whenComplete((r, e) -> eventWaiters.remove(w)); // cancelled or done: no longer looked at
        if (closed) {
            got.completeExceptionally(closedError());
        }
        return got;
    }

    /** Loop: hands an event to the workers waiting for it. */
    private void completeWaiters(String event, Map<String, Object> data) {
        for (EventWaiter w : eventWaiters) {
            if (w.event().equals(event) && !w.got().isDone()) {
                try {
                    if (w.matches().test(data)) {
                        w.got().complete(data);
                    }
                } catch (RuntimeException e) {
                    w.got().completeExceptionally(e);
                }
            }
        }
    }

    private void failPending() {
        for (EventWaiter w; (w = eventWaiters.poll()) != null; ) {
            w.got().completeExceptionally(closedError());
        }
        for (Pending p : pending.values()) {
            p.reply.completeExceptionally(closedError());
        }
        pending.clear();
        for (Pending p; (p = withoutId.poll()) != null; ) {
            p.reply.completeExceptionally(closedError());
        }
    }

    /** libvirt's qemuMonitorIO on EOF: "End of file from qemu monitor". */
    private static VirException closedError() {
        return VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, "End of file from qemu monitor");
    }

    @Override
    public String toString() {
        return "QMP monitor of " + name;
    }
}
