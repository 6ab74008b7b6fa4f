package io.jvirtd.rpc.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The daemon's one event-loop thread (docs/architecture.md §1): a {@link Selector} over every watched
 * channel, timers with libvirt's timeout semantics, and tasks posted from other threads.
 *
 * <p><b>Threads.</b> The loop thread owns the Selector, every {@link SelectionKey}, the timer
 * heap and the bookkeeping lists; it is the only thread that touches them, so they need no lock
 * (methods that must run there {@code assert inLoop()}). Any other thread reaches the loop only
 * through the public API: {@link #execute}, {@link #watch}, {@link #addTimer}, {@link #schedule},
 * {@link Watch#setInterest}, {@link Watch#cancel}, {@link Timer#update}, {@link Timer#cancel},
 * {@link #quit}. Off the loop these post a task to a lock-free multi-producer queue and wake the
 * selector; on the loop they act directly. Callbacks (I/O handlers, timers, tasks) run on the
 * loop thread and must never block.
 *
 * <p><b>One turn.</b> Run posted tasks; select until the next timer deadline (not at all if
 * tasks are pending, forever if there is no timer) dispatching ready channels; fire due timers;
 * run posted tasks. A callback that throws is logged and the loop carries on.
 *
 * <p><b>Wake-ups.</b> {@code wakeupPending} is clear only while the loop is about to block or
 * blocked in select. A producer calls {@link Selector#wakeup()} only if it wins the CAS that sets
 * it, so a burst of posts costs one wake-up, and posts while the loop is busy cost none. The loop
 * clears the flag, then re-checks the queue before blocking; a producer enqueues, then tests the
 * flag; so one of the two always sees the other (no lost wake-up).
 *
 * <p><b>Spinning.</b> While the loop expects tasks from other threads soon ({@link #expectTasks}:
 * the replies of calls it handed to workers), it polls for them for up to {@code spinNanos}
 * (system property {@code jvirtd.loop.spinMicros}, default {@value #DEFAULT_SPIN_MICROS} µs) before
 * it blocks in select. {@code wakeupPending} stays set meanwhile, so a worker posting a reply
 * makes no wake-up syscall and the loop does not pay the scheduler's wake-up latency: on this
 * machine the two cost more than the rest of a cheap call. The spin is bounded and happens only
 * when a reply is due, so an idle daemon never spins; and only within {@value #SPIN_WINDOW_MICROS}
 * µs of the last call handed out: a call that has run longer is not a cheap one (the wake-up is a
 * few per cent of it at most), and a loop spinning after each of its QMP messages only takes CPU
 * from what the call waits for (a snapshot create: 0.2-0.4 ms per call beside QEMU's savevm;
 * docs/performance.md, issue 14, helper snapcpu).
 *
 * <p><b>Tests.</b> Time comes from the injected {@link Ticker}. A loop that is never started can
 * be driven by {@link #runOnce}; the first thread that calls it becomes the loop thread.
 */
public final class EventLoop implements Executor {
    static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.loop");

    /** Tasks run per drain, so a task that keeps re-posting itself cannot starve I/O. */
    private static final int MAX_TASKS_PER_DRAIN = 4096;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Longest period honoured (about 146 years), so deadline arithmetic cannot overflow. */
    private static final long MAX_PERIOD_MILLIS = Long.MAX_VALUE / 2 / NANOS_PER_MILLI;
    /** Wait argument meaning "no limit other than timers". */
    private static final long FOREVER = -1;
    static final int DEFAULT_SPIN_MICROS = 50;
    /** How long after the last call handed out the loop still spins (class comment). */
    static final int SPIN_WINDOW_MICROS = 1000;
    /** Checks of the task queue between two non-blocking selects while spinning. */
    private static final int SPIN_CHECKS_PER_SELECT = 8;

    private final String name;
    private final Ticker ticker;
    private final Selector selector;

    // Shared with any thread.
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Clear only while the loop may be blocked in select; see the class comment. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean(true);
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch terminatedLatch = new CountDownLatch(1);
    private volatile Thread loopThread;
    private volatile boolean quitRequested;
    /** Set when the loop thread exits; from then on posts are refused. */
    private volatile boolean terminated;
    /** What ended the loop thread, if anything but quit() did; set before termination. */
    private volatile Throwable failure;
    /** Written by the loop thread only; volatile so any thread may read them. */
    private volatile int watchCount;
    private volatile int timerCount;

    // Loop-confined.
    private final TimerQueue timers = new TimerQueue();
    /** Timers due in the current turn; reused so firing allocates nothing. */
    private final ArrayList<LoopTimer> due = new ArrayList<>();
    /** Watches whose channel's previous key the selector has not forgotten yet. */
    private final ArrayList<ChannelWatch> retryRegistrations = new ArrayList<>();
    /** Bound once: the per-key action handed to select, so a turn allocates no iterator. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    /** True from just before a blocking select until the first key (or its return). */
    private boolean mayBlock;
    /** Tasks other threads are expected to post soon (see {@link #expectTasks}). */
    private int expectedTasks;
    /** System.nanoTime() when expectedTasks last rose. Loop thread. */
    private long expectedSince;
    /** How long to poll before blocking while tasks are expected; 0 disables spinning. */
    private final long spinNanos = Math.max(0, Long.getLong("jvirtd.loop.spinMicros", DEFAULT_SPIN_MICROS)) * 1000L;

    public EventLoop(String name) {
        this(name, Ticker.SYSTEM);
    }

    public EventLoop(String name, Ticker ticker) {
        this.name = Objects.requireNonNull(name, "name");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for event loop " + name, e);
        }
    }

    /** Starts the loop thread. */
    public void start() {
        if (loopThread != null || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("event loop " + name + " already started or driven by runOnce");
        }
        // Not a daemon thread: the process leader joins it, and its end is the daemon's end.
        Thread t = new Thread(this::run, name);
        loopThread = t;
        t.start();
    }

    public String name() {
        return name;
    }

    /** True when called on the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    /**
     * Runs {@code task} on the loop thread (run-on-loop). Any thread; tasks from one thread run
     * in the order posted. Throws RejectedExecutionException once the loop has terminated.
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!post(task)) {
            throw new RejectedExecutionException("event loop " + name + " has terminated");
        }
    }

    /**
     * Queues {@code task} and wakes the loop if it may be blocked. Returns false (task not
     * queued) if the loop has terminated. Every task that was accepted runs exactly once.
     */
    boolean post(Runnable task) {
        tasks.offer(task);
        // The loop sets 'terminated' before its final drain: if we see it, the drain may have
        // missed our task; removing it decides atomically whether we or the drain own it.
        if (terminated && tasks.remove(task)) {
            return false;
        }
        wakeup();
        return true;
    }

    private void wakeup() {
        // Read before CAS: while the loop is busy the flag stays set and producers do no write.
        if (!wakeupPending.get() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Watches a non-blocking channel for {@code interestOps} (SelectionKey OP_* bits valid for
     * the channel). Any thread; off the loop the registration happens on the loop's next turn.
     * A channel can be watched by at most one live watch of this loop at a time.
     */
    public Watch watch(SelectableChannel channel, int interestOps, IoHandler handler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(handler, "handler");
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("channel must be in non-blocking mode: " + channel);
        }
        checkOps(channel, interestOps);
        ChannelWatch w = new ChannelWatch(this, channel, interestOps, handler);
        if (inLoop()) {
            register(w, true);
        } else if (!post(() -> register(w, false))) {
            throw new RejectedExecutionException("event loop " + name + " has terminated");
        }
        return w;
    }

    /** Loop thread: registers {@code w}; on failure throws if {@code direct}, else logs. */
    private void register(ChannelWatch w, boolean direct) {
        assert inLoop();
        if (w.cancelled) {
            return;
        }
        SelectionKey old = w.channel.keyFor(selector);
        if (old != null && old.isValid()) {
            w.cancelled = true;
            registrationFailed(w, direct, new IllegalStateException("channel is already watched: " + w.channel));
            return;
        }
        if (old != null) {
            // Cancelled this turn: the selector forgets the old key at its next select.
            retryRegistrations.add(w);
            return;
        }
        try {
            w.key = w.channel.register(selector, w.interest(), w);
            w.registered = true;
            watchCount++;
        } catch (ClosedChannelException e) {
            w.cancelled = true;
            registrationFailed(w, direct, new UncheckedIOException("cannot watch a closed channel: " + w.channel, e));
        } catch (CancelledKeyException e) {
            retryRegistrations.add(w);
        }
    }

    private static void registrationFailed(ChannelWatch w, boolean direct, RuntimeException e) {
        if (direct) {
            throw e;
        }
        LOG.log(Level.ERROR, "watch not registered: " + w.channel, e);
    }

    /** Loop thread: stops watching; the channel stays open. */
    void deregister(ChannelWatch w) {
        assert inLoop();
        if (w.registered) {
            w.registered = false;
            watchCount--;
            w.key.cancel();
            w.key = null;
        } else if (!retryRegistrations.isEmpty()) {
            retryRegistrations.remove(w);
        }
    }

    /**
     * Adds a timer with libvirt semantics: period -1 disabled, 0 fires on every turn (so the loop
     * does not sleep while it is armed), N ms repeating, the next firing N ms after the previous
     * one ran (a late timer fires once, not once per missed period). Any thread.
     */
    public Timer addTimer(long periodMillis, Runnable callback) {
        checkPeriod(periodMillis);
        return newTimer(periodMillis, callback, false);
    }

    /** One-shot timer: fires once after {@code delayMillis}, then removes itself. Any thread. */
    public Timer schedule(long delayMillis, Runnable callback) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay must not be negative: " + delayMillis);
        }
        return newTimer(delayMillis, callback, true);
    }

    private Timer newTimer(long periodMillis, Runnable callback, boolean oneShot) {
        Objects.requireNonNull(callback, "callback");
        LoopTimer t = new LoopTimer(this, Math.min(periodMillis, MAX_PERIOD_MILLIS), callback, oneShot);
        long now = ticker.nanoTime();
        if (inLoop()) {
            addTimerOnLoop(t, now);
        } else if (!post(() -> addTimerOnLoop(t, now))) {
            throw new RejectedExecutionException("event loop " + name + " has terminated");
        }
        return t;
    }

    private void addTimerOnLoop(LoopTimer t, long now) {
        assert inLoop();
        if (t.cancelled) {
            return;
        }
        t.live = true;
        timerCount++;
        arm(t, now);
    }

    /** Any thread: the new period counts from the time of this call. */
    void updateTimer(LoopTimer t, long periodMillis) {
        long period = Math.min(periodMillis, MAX_PERIOD_MILLIS);
        long now = ticker.nanoTime();
        if (inLoop()) {
            rearm(t, period, now);
        } else {
            post(() -> rearm(t, period, now)); // refused only after termination: nothing to update
        }
    }

    private void rearm(LoopTimer t, long periodMillis, long now) {
        assert inLoop();
        if (t.live) {
            t.periodMillis = periodMillis;
            arm(t, now);
        }
    }

    /** Loop thread: (re)places {@code t} in the heap at now + period, or leaves it out if disabled. */
    private void arm(LoopTimer t, long now) {
        timers.remove(t);
        if (t.periodMillis >= 0) {
            t.deadline = now + t.periodMillis * NANOS_PER_MILLI;
            timers.add(t);
        }
    }

    void cancelTimer(LoopTimer t) {
        if (inLoop()) {
            removeTimer(t);
        } else {
            post(() -> removeTimer(t));
        }
    }

    private void removeTimer(LoopTimer t) {
        assert inLoop();
        if (t.live) {
            t.live = false;
            timerCount--;
            timers.remove(t);
        }
    }

    /** Asks the loop to end after the current turn. Any thread; idempotent. */
    public void quit() {
        quitRequested = true;
        wakeup();
    }

    /**
     * What killed the loop thread (an OutOfMemoryError, a failing selector), or null while it
     * runs or when it ended through {@link #quit}. Its owner must treat a failure as fatal.
     * Any thread; final once {@link #awaitTermination} returned true.
     */
    public Throwable failure() {
        return failure;
    }

    /** Waits for the loop thread to end. True at once for a loop that was never started. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return !started.get() || terminatedLatch.await(timeout, unit);
    }

    /**
     * Loop thread: {@code delta} more (or, negative, fewer) tasks are expected from other
     * threads soon, typically the reply of a call handed to a worker. While any are expected
     * the loop spins briefly before it blocks (class comment). Only a hint: a count that is
     * off costs at most one bounded spin per turn.
     */
    public void expectTasks(int delta) {
        assert inLoop();
        if (delta > 0) {
            expectedSince = System.nanoTime();
        }
        expectedTasks = Math.max(0, expectedTasks + delta);
    }

    /** Channels currently registered (watch applied on the loop, not cancelled). Any thread. */
    public int watchCount() {
        return watchCount;
    }

    /** Live timers, including disabled ones, excluding cancelled and fired one-shots. Any thread. */
    public int timerCount() {
        return timerCount;
    }

    /** For tests, on a loop that was never started: one turn, waiting at most timeoutMillis. */
    public void runOnce(long timeoutMillis) {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeoutMillis);
        }
        if (started.get()) {
            throw new IllegalStateException("runOnce on started event loop " + name);
        }
        Thread current = Thread.currentThread();
        if (loopThread == null) {
            loopThread = current;
        } else if (loopThread != current) {
            throw new IllegalStateException("event loop " + name + " is driven by " + loopThread.getName());
        }
        try {
            turn(timeoutMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        try {
            while (!quitRequested) {
                turn(FOREVER);
            }
        } catch (Throwable t) {
            failure = t; // first: logging may fail too (out of memory)
            // Loud by design: the loop is the daemon; its death ends it.
            LOG.log(Level.ERROR, "event loop " + name + " died", t);
        } finally {
            terminate();
        }
    }

    private void terminate() {
        terminated = true;
        // Tasks accepted before 'terminated' became visible still run, exactly once (see post).
        for (Runnable r; (r = tasks.poll()) != null; ) {
            runTask(r);
        }
        try {
            selector.close(); // deregisters every channel; the channels belong to their owners
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing selector of event loop " + name, e);
        }
        terminatedLatch.countDown();
    }

    /** Loop thread: one turn. {@code maxWaitMillis} caps the select wait; FOREVER for none. */
    private void turn(long maxWaitMillis) throws IOException {
        assert inLoop();
        runTasks();
        select(maxWaitMillis);
        if (!retryRegistrations.isEmpty()) {
            retryPendingRegistrations();
        }
        runDueTimers(ticker.nanoTime());
        runTasks();
        if (Thread.interrupted()) {
            // An interrupt would make every select return at once; quit() is how to stop the loop.
            LOG.log(Level.DEBUG, "event loop {0} ignores an interrupt", name);
        }
    }

    private void select(long maxWaitMillis) throws IOException {
        long waitMillis = waitMillis(maxWaitMillis);
        if (waitMillis != 0 && expectedTasks > 0 && spinNanos > 0
                && System.nanoTime() - expectedSince < SPIN_WINDOW_MICROS * 1000L) {
            int dispatched = spin(waitMillis);
            if (dispatched > 0) {
                return; // ready channels were dispatched: this was the turn's select
            }
            if (dispatched == 0) {
                waitMillis = 0; // a task arrived: run it without blocking
            }
        }
        if (waitMillis != 0) {
            mayBlock = true;
            wakeupPending.set(false);
            // Re-check after clearing the flag: a post that saw the flag still set did not wake us.
            if (!tasks.isEmpty() || quitRequested) {
                waitMillis = 0;
            }
        }
        if (waitMillis == 0) {
            selector.selectNow(dispatcher);
        } else if (waitMillis == FOREVER) {
            selector.select(dispatcher);
        } else {
            selector.select(dispatcher, waitMillis);
        }
        markAwake();
    }

    /**
     * Polls the task queue, and now and then the channels, for at most spinNanos (or until
     * {@code waitMillis}, the next timer). Returns the number of channels dispatched if a poll
     * found some, 0 if a task (or quit) arrived, -1 if the spin ran out. Real time, not the
     * ticker's: spinning is about the CPU, not about the loop's clock.
     */
    private int spin(long waitMillis) throws IOException {
        long limit = waitMillis == FOREVER ? spinNanos : Math.min(spinNanos, waitMillis * NANOS_PER_MILLI);
        long start = System.nanoTime();
        while (true) {
            for (int i = 0; i < SPIN_CHECKS_PER_SELECT; i++) {
                if (!tasks.isEmpty() || quitRequested) {
                    return 0;
                }
                Thread.yield(); // polite: on a busy machine another thread gets the core
            }
            int n = selector.selectNow(dispatcher);
            if (n > 0) {
                markAwake();
                return n;
            }
            if (System.nanoTime() - start >= limit) {
                return -1;
            }
        }
    }

    private void markAwake() {
        if (mayBlock) {
            mayBlock = false;
            wakeupPending.set(true);
        }
    }

    /** How long select may block: 0 if work is pending, up to the next timer deadline. */
    private long waitMillis(long maxWaitMillis) {
        if (!tasks.isEmpty() || !retryRegistrations.isEmpty()) {
            return 0;
        }
        LoopTimer first = timers.peek();
        if (first == null) {
            return maxWaitMillis;
        }
        long delta = first.deadline - ticker.nanoTime();
        if (delta <= 0) {
            return 0;
        }
        // Round up: waking before the deadline would only spin another turn.
        long ms = (delta + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
        return maxWaitMillis == FOREVER ? ms : Math.min(ms, maxWaitMillis);
    }

    /** Loop thread, called by the Selector for each ready key. */
    private void dispatch(SelectionKey key) {
        // Work done from here on (replies posted by workers) must not trigger a wake-up syscall.
        markAwake();
        ChannelWatch w = (ChannelWatch) key.attachment();
        if (w.cancelled || !key.isValid()) {
            return; // cancelled by an earlier callback of this turn
        }
        try {
            w.handler.ready(w, key.readyOps());
        } catch (CancelledKeyException e) {
            LOG.log(Level.DEBUG, "key cancelled during callback of {0}", w);
        } catch (Throwable t) {
            callbackFailed(w, t);
        }
    }

    private void retryPendingRegistrations() {
        ChannelWatch[] pending = retryRegistrations.toArray(new ChannelWatch[0]);
        retryRegistrations.clear();
        for (ChannelWatch w : pending) {
            register(w, false);
        }
    }

    private void runDueTimers(long now) {
        for (LoopTimer t; (t = timers.peek()) != null && t.deadline - now <= 0; ) {
            timers.poll();
            due.add(t);
        }
        for (int i = 0, n = due.size(); i < n; i++) {
            LoopTimer t = due.get(i);
            // An earlier callback of this turn may have cancelled, disabled or re-armed it.
            if (t.cancelled || !t.live || t.heapIndex >= 0 || t.periodMillis < 0) {
                continue;
            }
            if (t.oneShot) {
                removeTimer(t);
            } else {
                arm(t, now); // libvirt: next expiry is now + period, measured from this firing
            }
            try {
                t.callback.run();
            } catch (Throwable e) {
                callbackFailed(t, e);
            }
        }
        due.clear();
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_DRAIN; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            runTask(r);
        }
    }

    private void runTask(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            callbackFailed(r, t);
        }
    }

    private void callbackFailed(Object what, Throwable t) {
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t; // out of memory or stack: not a callback bug
        }
        LOG.log(Level.ERROR, "callback of " + what + " failed on event loop " + name, t);
    }

    static void checkOps(SelectableChannel channel, int ops) {
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("interest ops 0x" + Integer.toHexString(ops)
                    + " not valid for " + channel.getClass().getSimpleName());
        }
    }

    static void checkPeriod(long periodMillis) {
        if (periodMillis < -1) {
            throw new IllegalArgumentException("timer period must be -1 (disabled), 0 or positive: " + periodMillis);
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + "]";
    }
}
