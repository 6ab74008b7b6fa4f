package io.jvirtd.rpc.server;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.MessageHeader;

import java.util.ArrayList;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all clients together may make the daemon hold (issue 17): messages being read,
 * read and not handed on, large calls until their worker is done with them, and output not
 * yet written. No number of clients can take the daemon's memory beyond it.
 *
 * <p>How clients use it ({@link ServerClient} decides, this class counts):
 * <ul>
 * <li>Every client may hold one message buffer of {@link FrameDecoder#INITIAL_BUFFER}
 *     bytes and read {@value #SMALL_READ} bytes at a time without asking: what a handshake or
 *     an ordinary call needs. It is counted, but never refused (bounded by max_clients).
 * <li>A message longer than that is <b>admitted</b> first: its whole announced length is
 *     charged at once, so an admitted message can always complete and admitted clients never
 *     wait for each other. A <b>restricted</b> client (no successful CONNECT_OPEN yet, which
 *     also needs authentication, or a client of the read-only socket, which anyone may open)
 *     must fit in the smaller restricted share; if it does not, it is dropped (no legitimate
 *     client sends large messages before CONNECT_OPEN, nor read-only calls that large). An
 *     opened read-write client that does not fit stops being read (TCP pushes back) and waits
 *     until enough is released; the smallest waiting message is admitted first.
 * <li>A client may read a full {@code READ_BUFFER_SIZE} at once only while a whole maximum
 *     message still fits ({@link #FULL_READ_ROOM}); otherwise it reads {@value #SMALL_READ}
 *     bytes at a time, which can never start more than an initial buffer of a new message.
 *     So nothing beyond the free allowance is ever held by a message that is not admitted.
 * <li>An admitted message must complete within the timeout, and output of
 *     {@value #WATCHED_OUTPUT} bytes or more must make progress within it; otherwise the
 *     client is dropped (a slowloris, or a client that never reads its replies).
 * </ul>
 *
 * <p>Threads: owned by the event loop of the servers that share it (the daemon's two servers
 * share one); every method is loop-only except {@link #leavePool} (workers) and the getters
 * (metrics). Nothing here takes a lock: the loop's arithmetic is plain, and workers hand back
 * the bytes of large calls through one atomic counter the loop folds in when it needs room.
 */
public final class ClientMemoryBudget {

    /** Read without a budget check: never more than one initial message buffer of growth. */
    static final int SMALL_READ = FrameDecoder.INITIAL_BUFFER;
    /**
     * Room a full-size read needs: the largest message it may start (which must then be
     * admissible) plus what the read itself may allocate (complete messages, a growing one).
     */
    static final long FULL_READ_ROOM = MessageHeader.MAX_MESSAGE + 3L * NetServer.READ_BUFFER_SIZE;
    /** Output from which a client's write progress is watched. */
    static final long WATCHED_OUTPUT = 64 * 1024;
    /** Smallest budget: a maximum message from an opened client must always be admissible. */
    public static final long MIN_LIMIT = 64L * 1024 * 1024;
    /** Largest automatic budget. */
    static final long MAX_AUTOMATIC_LIMIT = 1024L * 1024 * 1024;

    /**
     * The budget's size and timeout.
     *
     * @param limit         [client_memory_budget] bytes all clients together may hold
     * @param restrictedLimit [client_memory_budget_restricted] the part restricted clients may hold
     * @param timeoutMillis [client_memory_timeout] time to finish an admitted message or to
     *                      accept output
     */
    public record Settings(long limit, long restrictedLimit, long timeoutMillis) {
        public Settings {
            if (limit < MIN_LIMIT || restrictedLimit < 0 || restrictedLimit > limit || timeoutMillis < 1) {
                throw new IllegalArgumentException("bad client memory budget " + limit + "/" + restrictedLimit + "/"
                        + timeoutMillis);
            }
        }

        /** The automatic settings for a JVM whose heap may grow to {@code maxHeap} bytes. */
        public static Settings automatic(long maxHeap) {
            long limit = automaticLimit(maxHeap);
            return new Settings(limit, automaticRestricted(limit), 30_000);
        }
    }

    /**
     * A sixteenth of the heap, between {@link #MIN_LIMIT} and {@link #MAX_AUTOMATIC_LIMIT}. What
     * clients hold costs about twice its size in the heap (a growing buffer's previous copy, a
     * call's decoded arguments) and the collector commits room for garbage beyond that: with
     * an eighth (768 MiB of a 6 GiB heap) 400 opened clients holding their share took the RSS
     * to 1.1 GiB and rising (docs/robustness.md). 384 MiB still admits 11 maximum messages at once.
     */
    public static long automaticLimit(long maxHeap) {
        return Math.max(MIN_LIMIT, Math.min(MAX_AUTOMATIC_LIMIT, maxHeap / 16));
    }

    /** A sixteenth of the budget: hundreds of pre-handshake messages of 64 KiB (a SASL token) fit. */
    public static long automaticRestricted(long limit) {
        return limit / 16;
    }

    private final EventLoop loop;
    private final Ticker ticker;
    private final Settings settings;
    private final long timeoutNanos;
    private final long sweepMillis;

    // Loop-confined.
    /** Bytes charged by clients plus bytes of large calls that entered the pool (before returns). */
    private long held;
    private long restrictedHeld;
    /**
     * Opened read-write clients waiting for their message to be admitted, the smallest need
     * first, then in arrival order (see admitWaiters).
     */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private long waiterSerial;
    /** Clients holding an admitted message or watched output (see ServerClient#checkMemoryDeadline). */
    private ArrayList<ServerClient> watched = new ArrayList<>();
    private ArrayList<ServerClient> sweeping = new ArrayList<>();
    private Timer sweepTimer;
    private boolean sweepArmed;
    private boolean admitting;

    // Shared with workers and the metrics thread.
    /** Bytes of large calls that workers finished and the loop has not subtracted yet. */
    private final AtomicLong returned = new AtomicLong();
    private final AtomicBoolean returnsPosted = new AtomicBoolean();
    private volatile boolean hasWaiters;
    /** {@link #held} and {@link #restrictedHeld} as last published for other threads (release stores). */
    private final AtomicLong heldGauge = new AtomicLong();
    private final AtomicLong restrictedGauge = new AtomicLong();
    private final Runnable applyReturnsTask = this::applyReturnsAndAdmit;

    public ClientMemoryBudget(EventLoop loop, Ticker ticker, Settings settings) {
        this.loop = loop;
        this.ticker = ticker;
        this.settings = settings;
        this.timeoutNanos = settings.timeoutMillis() * 1_000_000L;
        this.sweepMillis = Math.max(10, Math.min(1000, settings.timeoutMillis() / 4));
    }

    public Settings settings() { return settings; }

    /** Bytes held now, for monitoring. Any thread. */
    public long heldBytes() {
        return Math.max(0, heldGauge.get() - returned.get());
    }

    /** Bytes held now by restricted clients, for monitoring. Any thread. */
    public long restrictedHeldBytes() {
        return Math.max(0, restrictedGauge.get());
    }

    // ---- loop ----

    /** Loop: a client holds {@code delta} more bytes (fewer when negative). Never refused. */
    void adjust(boolean restricted, long delta) {
        held += delta;
        if (restricted) {
            restrictedHeld += delta;
            restrictedGauge.lazySet(restrictedHeld);
        }
        heldGauge.lazySet(held);
        if (delta < 0 && !waiters.isEmpty()) {
            admitWaiters();
        }
    }

    /** Loop: a client's {@code bytes} stop counting against the restricted share (CONNECT_OPEN). */
    void opened(long bytes) {
        restrictedHeld -= bytes;
        restrictedGauge.lazySet(restrictedHeld);
    }

    /** Loop: whether {@code bytes} more fit, for a restricted client or an opened read-write one. */
    boolean fits(boolean restricted, long bytes) {
        return fitsNow(restricted, bytes) || (applyReturns() && fitsNow(restricted, bytes));
    }

    private boolean fitsNow(boolean restricted, long bytes) {
        return held + bytes <= settings.limit()
                && (!restricted || restrictedHeld + bytes <= settings.restrictedLimit());
    }

    /**
     * Loop: a call of {@code bytes} goes to a worker; its bytes stay charged (no longer to its
     * client) until the worker calls {@link #leavePool}.
     */
    void enterPool(long bytes) {
        held += bytes;
        heldGauge.lazySet(held);
    }

    /** Any thread (a worker): a call that {@link #enterPool entered the pool} is done. */
    void leavePool(long bytes) {
        returned.addAndGet(bytes);
        if (hasWaiters && returnsPosted.compareAndSet(false, true)) {
            loop.execute(applyReturnsTask);
        }
    }

    /** Loop: folds in what workers returned; true if there was anything. */
    private boolean applyReturns() {
        long r = returned.get();
        if (r == 0) {
            return false;
        }
        returned.addAndGet(-r);
        held -= r;
        heldGauge.lazySet(held);
        return true;
    }

    private void applyReturnsAndAdmit() {
        returnsPosted.set(false);
        applyReturns();
        admitWaiters();
    }

    /**
     * Loop: {@code c} waits until its message, {@code need} more bytes, fits;
     * {@link ServerClient#memoryGranted} follows. Its need does not change while it waits (it
     * is not read).
     */
    void await(ServerClient c, long need) {
        waiters.add(new Waiter(c, need, waiterSerial++));
        hasWaiters = true;
    }

    /**
     * Loop: admits waiting clients, the smallest need first, while it fits. Smallest first
     * rather than first come: when clients hold the budget with maximum messages, a smaller
     * message (a domain XML) gets the first room that frees instead of queueing behind every
     * waiting 32 MiB one (measured: attack C-tcp in docs/robustness.md). Waiters of equal need
     * keep their order; every admitted message completes or times out, so none waits forever
     * unless smaller ones keep arriving faster than they complete.
     */
    private void admitWaiters() {
        if (admitting) {
            return; // a client admitted below released something while settling
        }
        admitting = true;
        try {
            applyReturns();
            for (Waiter w; (w = waiters.peek()) != null; ) {
                if (!w.client.isWaitingForMemory()) {
                    waiters.poll(); // closed meanwhile
                    continue;
                }
                if (!fitsNow(false, w.need)) {
                    break; // the smallest does not fit: none does
                }
                waiters.poll();
                w.client.memoryGranted();
            }
            hasWaiters = !waiters.isEmpty();
        } finally {
            admitting = false;
        }
    }

    /** Loop: watch {@code c}'s admitted message or output until it no longer holds either. */
    void watch(ServerClient c) {
        if (c.memoryWatched) {
            return;
        }
        c.memoryWatched = true;
        watched.add(c);
        if (sweepTimer == null) {
            sweepTimer = loop.addTimer(sweepMillis, this::sweep);
            sweepArmed = true;
        } else if (!sweepArmed) {
            sweepTimer.update(sweepMillis);
            sweepArmed = true;
        }
    }

    /** Loop, every sweepMillis while clients are watched: drops those past their deadline. */
    private void sweep() {
        long now = ticker.nanoTime();
        ArrayList<ServerClient> list = watched;
        watched = sweeping; // clients watched while we sweep (a drop admits a waiter) land here
        sweeping = list;
        for (int i = 0; i < list.size(); i++) {
            ServerClient c = list.get(i);
            if (c.checkMemoryDeadline(now, timeoutNanos)) {
                watched.add(c);
            } else {
                c.memoryWatched = false;
            }
        }
        list.clear();
        if (watched.isEmpty()) {
            sweepTimer.update(-1);
            sweepArmed = false;
        }
    }

    /** Loop, for tests: bytes held as the loop counts them. */
    long heldOnLoop() {
        applyReturns();
        return held;
    }

    /** Loop, for tests: bytes the restricted clients hold. */
    long restrictedHeldOnLoop() {
        return restrictedHeld;
    }

    /** Loop, for tests: clients waiting. */
    int waiting() {
        return waiters.size();
    }

    /** A waiting client, ordered by need, then by arrival. */
    private record Waiter(ServerClient client, long need, long serial) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            int c = Long.compare(need, o.need);
            return c != 0 ? c : Long.compare(serial, o.serial);
        }
    }
}
