package io.jvirtd.rpc.pool;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * libvirt's virThreadPool (docs/architecture.md §1): ordinary workers between minWorkers and
 * maxWorkers, plus prioWorkers that take only high-priority jobs, so lookups and destroy still
 * complete while every ordinary worker is stuck in a long call.
 *
 * <p><b>Semantics (as virthreadpool.c).</b> The pool starts minWorkers ordinary and prioWorkers
 * priority threads. {@link #submit} adds an ordinary worker when
 * {@code freeWorkers - jobQueueDepth <= 0} and {@code nWorkers < maxWorkers}; workers never
 * time out, they only leave when {@link #setParameters} lowers a limit (an idle one at once, a
 * busy one after its job) or at {@link #shutdown}. An ordinary worker takes the oldest job of
 * either kind; a priority worker the oldest high-priority job. {@code maxWorkers == 0} is
 * libvirt's "no workers" mode: jobs run in the submitting thread ({@link #inline()}).
 * Deviation: after {@link #shutdown} the queued jobs still run (libvirt drops them).
 *
 * <p><b>Threads.</b> One lock guards the job queue, the idle-worker stacks and the counters; it
 * is held for bookkeeping only, never while a job runs or a thread starts. Counters
 * are also volatile, so getters read them from any thread without the lock. Each sleeping
 * worker waits on its own condition and sits on an idle stack; {@link #submit} pops one and
 * signals exactly that worker, so a job wakes at most one thread and none when none sleeps.
 * Worker threads are daemons named {@code <name>-worker-N} and {@code <name>-prio-N}: the
 * daemon's orderly shutdown bounds its wait for stuck calls and must then be able to exit.
 *
 * <p><b>Spinning.</b> A worker that finds no job polls for one for up to {@code spinNanos}
 * (system property {@code jvirtd.pool.spinMicros}, default {@value #DEFAULT_SPIN_MICROS} µs,
 * 0 disables) before it sleeps; at most one worker spins at a time, and one whose last spin ran
 * out sleeps next time. {@link #submit} hands a job it can take straight to the spinner, without
 * the pool lock, the queue or a signal: it wins a CAS on {@link #spinner} and writes the job into
 * the worker's volatile {@code handoff}; the spinner runs it before it takes the lock again. So a
 * call arriving soon after the previous one finished costs no futex wake-up, no lock hand-over
 * and no scheduler latency (the larger part of a cheap call's hand-off, docs/performance.md).
 * The spinner counts as free until a job is handed to it ({@code freeWorkers} is atomic for
 * that). A spinner whose spin runs out must win the same CAS to go; if it loses, a job or a
 * release is on its way, so a job is never left without a worker.
 */
public final class WorkerPool {
    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.pool");
    static final int DEFAULT_SPIN_MICROS = 50;
    /** Handed to a spinner to end its spin without a job (limits changed, shutdown). */
    private static final Runnable RELEASED = () -> { };
    /** The worker running on this thread, if it is one of a pool's (see {@link #sleepWhenIdle}). */
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    private final String name;
    /** libvirt's maxWorkers == 0: no threads, jobs run in the caller. Fixed for life. */
    private final boolean inline;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every counter change that tests may wait for (see {@link #awaitState}). */
    private final Condition stateChanged = lock.newCondition();

    // Guarded by lock.
    private final JobQueue jobs = new JobQueue();
    private final ArrayDeque<Worker> idleWorkers = new ArrayDeque<>();
    private final ArrayDeque<Worker> idlePrioWorkers = new ArrayDeque<>();
    private int workerSerial;
    private int prioSerial;
    /**
     * The worker polling for a job before it sleeps, if any (at most one). Set only under the
     * lock (by the worker itself, while it is null); cleared by whoever wins the CAS: a submit
     * handing it a job (lock-free), a release, or the spinner itself when its spin runs out.
     */
    private final AtomicReference<Worker> spinner = new AtomicReference<>();
    /** How long a worker polls for a job before it sleeps; 0 disables spinning. Fixed for life. */
    private final long spinNanos;

    // Written under lock; volatile so getters need no lock.
    private volatile int minWorkers;
    private volatile int maxWorkers;
    private volatile int maxPrioWorkers;
    private volatile int nWorkers;
    private volatile int nPrioWorkers;
    /** Atomic rather than lock-guarded: a lock-free hand-off to the spinner changes it. */
    private final AtomicInteger freeWorkers = new AtomicInteger();
    private volatile int jobQueueDepth;
    private volatile boolean quit;

    public WorkerPool(String name, int minWorkers, int maxWorkers, int prioWorkers) {
        this.name = Objects.requireNonNull(name, "name");
        if (minWorkers < 0 || maxWorkers < 0 || prioWorkers < 0) {
            throw new IllegalArgumentException("worker counts must not be negative");
        }
        this.inline = maxWorkers == 0;
        this.spinNanos = Math.max(0, Long.getLong("jvirtd.pool.spinMicros", DEFAULT_SPIN_MICROS)) * 1000L;
        this.minWorkers = Math.min(minWorkers, maxWorkers); // libvirt clamps rather than fails
        this.maxWorkers = maxWorkers;
        this.maxPrioWorkers = inline ? 0 : prioWorkers;
        List<Worker> started = new ArrayList<>();
        lock.lock();
        try {
            addWorkersLocked(this.minWorkers, false, started);
            addWorkersLocked(this.maxPrioWorkers, true, started);
        } finally {
            lock.unlock();
        }
        startAll(started);
    }

    /** A pool with no threads: submit runs the job in the caller (tests). */
    public static WorkerPool inline() {
        return new WorkerPool("inline", 0, 0, 0);
    }

    /** Queues a job; throws RejectedExecutionException after shutdown. Any thread. */
    public void submit(Runnable job, boolean highPriority) {
        Objects.requireNonNull(job, "job");
        if (inline) {
            if (quit) {
                throw rejected();
            }
            runJob(job);
            return;
        }
        if (handOff(job, highPriority)) {
            return;
        }
        Worker added = null;
        lock.lock();
        try {
            if (quit) {
                throw rejected();
            }
            if (handOff(job, highPriority)) { // a worker became the spinner meanwhile
                return;
            }
            if (freeWorkers.get() - jobQueueDepth <= 0 && nWorkers < maxWorkers) {
                added = newWorkerLocked(false);
            }
            jobs.add(job, highPriority);
            jobQueueDepth++;
            wakeOneLocked(highPriority);
        } finally {
            lock.unlock();
        }
        if (added != null) {
            start(added);
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("worker pool " + name + " is shut down");
    }

    /**
     * Gives the job straight to the spinner if it can take it, without the pool lock: the job
     * never enters the queue, and the spinner runs it without taking the lock either. A lock
     * here would make the loop and a worker finishing its bookkeeping park on each other, a
     * futex wake-up and wait per call, which is what spinning is there to avoid. The spinner
     * stops counting as free here, before the job runs, so a following submit grows the pool
     * as it should. A submit racing {@link #shutdown} may still hand its job over; it runs, as
     * queued jobs do.
     */
    private boolean handOff(Runnable job, boolean highPriority) {
        Worker s = spinner.get();
        if (s == null || (!highPriority && s.priority) || quit) {
            return false;
        }
        // Not free any more before it can be seen gone: a submit that finds no spinner right
        // after the CAS must not count it as free and then skip adding a worker. Undercounting
        // for an instant at worst starts one worker more (up to maxWorkers).
        if (!s.priority) {
            freeWorkers.decrementAndGet();
        }
        if (!spinner.compareAndSet(s, null)) {
            if (!s.priority) {
                freeWorkers.incrementAndGet();
            }
            return false;
        }
        s.handoff = job; // volatile write: the spinner sees it and runs the job
        return true;
    }

    /** Wakes one sleeping worker able to take a job of that kind, preferring a priority worker for a priority job. */
    private void wakeOneLocked(boolean highPriority) {
        Worker w = highPriority ? idlePrioWorkers.pollFirst() : null;
        if (w == null) {
            w = idleWorkers.pollFirst(); // LIFO: the most recently idle thread has the warmest cache
        }
        if (w != null) {
            w.wake();
        }
    }

    /** Ends the current spin at once, so the spinner re-checks the limits and the quit flag. */
    private void releaseSpinnerLocked() {
        Worker s = spinner.get();
        if (s != null && spinner.compareAndSet(s, null)) {
            s.handoff = RELEASED;
        }
    }

    private static void wakeAllLocked(ArrayDeque<Worker> idle) {
        for (Worker w; (w = idle.pollFirst()) != null; ) {
            w.wake();
        }
    }

    /**
     * Changes the limits at run time, as virThreadPoolSetParameters: a negative value leaves that
     * limit unchanged; raising min or prio starts threads at once, lowering max or prio makes the
     * excess workers leave when idle.
     */
    public void setParameters(int minWorkers, int maxWorkers, int prioWorkers) {
        List<Worker> started = new ArrayList<>();
        lock.lock();
        try {
            int newMax = maxWorkers >= 0 ? maxWorkers : this.maxWorkers;
            int newMin = minWorkers >= 0 ? minWorkers : this.minWorkers;
            if (newMin > newMax) {
                throw new IllegalArgumentException("minWorkers cannot be larger than maxWorkers");
            }
            if ((maxWorkers == 0 && this.maxWorkers > 0) || (maxWorkers > 0 && this.maxWorkers == 0)) {
                throw new IllegalArgumentException(
                        "maxWorkers must not be switched from zero to non-zero and vice versa");
            }
            if (minWorkers >= 0) {
                if (!quit) {
                    addWorkersLocked(minWorkers - nWorkers, false, started);
                }
                this.minWorkers = minWorkers;
            }
            if (maxWorkers >= 0) {
                this.maxWorkers = maxWorkers;
                if (nWorkers > maxWorkers) {
                    releaseSpinnerLocked();
                    wakeAllLocked(idleWorkers); // each re-checks the limit; the excess leave
                }
            }
            if (prioWorkers >= 0 && !inline) {
                this.maxPrioWorkers = prioWorkers;
                if (nPrioWorkers > prioWorkers) {
                    releaseSpinnerLocked();
                    wakeAllLocked(idlePrioWorkers);
                } else if (!quit) {
                    addWorkersLocked(prioWorkers - nPrioWorkers, true, started);
                }
            }
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        startAll(started);
    }

    public int minWorkers() { return minWorkers; }
    public int maxWorkers() { return maxWorkers; }
    /** Priority workers alive (libvirt's virThreadPoolGetPriorityWorkers reports the same). */
    public int prioWorkers() { return nPrioWorkers; }
    /** Ordinary workers alive, busy or idle. */
    public int nWorkers() { return nWorkers; }
    /** Ordinary workers waiting for a job. */
    public int freeWorkers() { return freeWorkers.get(); }
    /** Jobs queued and not yet taken by a worker. */
    public int jobQueueDepth() { return jobQueueDepth; }
    /** Whether a worker is spinning for a job right now (tests wait for it). */
    boolean hasSpinner() { return spinner.get() != null; }

    /** Ordinary workers asleep on the idle stack (tests wait for it). */
    int sleepingWorkers() {
        lock.lock();
        try {
            return idleWorkers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking jobs; already queued jobs still run, then the workers exit. Idempotent. */
    public void shutdown() {
        lock.lock();
        try {
            quit = true;
            releaseSpinnerLocked();
            wakeAllLocked(idleWorkers);
            wakeAllLocked(idlePrioWorkers);
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isShutdown() {
        return quit;
    }

    /** Waits until {@link #shutdown} was called and every worker has exited. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitState(() -> quit && nWorkers == 0 && nPrioWorkers == 0, timeout, unit);
    }

    /**
     * Waits until {@code condition} (over this pool's counters) holds; re-evaluated whenever
     * they change under the lock, and every millisecond. For tests and orderly shutdown; never needed on the hot path.
     */
    boolean awaitState(BooleanSupplier condition, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (nanos <= 0) {
                    return false;
                }
                // in slices: a lock-free hand-off changes freeWorkers without a signal
                long slice = Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(1));
                nanos -= slice - stateChanged.awaitNanos(slice);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Reserves {@code count} workers (counted at once, started by the caller after unlocking). */
    private void addWorkersLocked(int count, boolean priority, List<Worker> out) {
        for (int i = 0; i < count; i++) {
            out.add(newWorkerLocked(priority));
        }
    }

    private Worker newWorkerLocked(boolean priority) {
        assert lock.isHeldByCurrentThread();
        Worker w;
        if (priority) {
            nPrioWorkers++;
            w = new Worker(priority, name + "-prio-" + ++prioSerial);
        } else {
            nWorkers++;
            w = new Worker(priority, name + "-worker-" + ++workerSerial);
        }
        return w;
    }

    private void startAll(List<Worker> workers) {
        for (Worker w : workers) {
            start(w);
        }
    }

    /** Starts a reserved worker outside the lock: Thread.start waits for the new thread. */
    private void start(Worker w) {
        assert !lock.isHeldByCurrentThread();
        try {
            w.thread.start();
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "worker pool " + name + ": cannot start " + w.thread.getName(), e);
            lock.lock();
            try {
                workerExitedLocked(w);
            } finally {
                lock.unlock();
            }
        }
    }

    private void workerExitedLocked(Worker w) {
        if (w.priority) {
            nPrioWorkers--;
        } else {
            nWorkers--;
        }
        stateChanged.signalAll();
    }

    /**
     * Called by a job on one of any pool's workers (elsewhere it does nothing): when this job
     * ends and no job waits, the worker sleeps at once instead of spinning for the next one.
     * For a job that ends because its next input comes at an outside pace, later than a spin
     * lasts: a stream whose packets the event loop reads from a client's socket (one per
     * ~100 µs on a busy upload) would have its worker spin out 50 µs of yields after every
     * packet, CPU the loop and the client lack on a small host (docs/performance.md, issue 13,
     * helper upload4). The next job then wakes a sleeping worker (the most recently idle: the
     * same one, its cache warm), as a condition variable between two threads does.
     */
    public static void sleepWhenIdle() {
        Worker w = CURRENT.get();
        if (w != null) {
            w.sleepRequested = true;
        }
    }

    /** The body of every worker thread. */
    private void work(Worker me) {
        CURRENT.set(me);
        lock.lock();
        try {
            while (true) {
                if (me.priority ? nPrioWorkers > maxPrioWorkers : nWorkers > maxWorkers) {
                    break; // the limit was lowered: this one is excess
                }
                Runnable job = me.priority ? jobs.pollPriority() : jobs.pollAny();
                if (job == null) {
                    if (quit) {
                        break; // queue drained
                    }
                    if (spinNanos > 0 && spinner.get() == null && !me.justSpun) {
                        spinLocked(me);
                    } else {
                        sleepLocked(me);
                    }
                    continue;
                }
                me.justSpun = false;
                jobQueueDepth--;
                stateChanged.signalAll();
                lock.unlock();
                try {
                    runJob(job);
                } finally {
                    lock.lock();
                }
                me.justSpun = me.takeSleepRequest();
            }
        } finally {
            workerExitedLocked(me);
            lock.unlock();
        }
    }

    /**
     * Becomes the spinner: polls (lock released) until a submit hands it a job or spinNanos
     * pass, and runs a handed job before it takes the lock again. Whoever clears
     * {@link #spinner} by CAS decides: if the spinner's own CAS fails at the end of its spin, a
     * job (or a release) is on its way and it waits the instant for it. A spinner that ran out
     * sleeps next time round (justSpun), so a quiet pool settles into sleeping workers.
     */
    private void spinLocked(Worker me) {
        me.handoff = null; // before the worker is published as the spinner
        if (!me.priority) {
            freeWorkers.incrementAndGet();
        }
        spinner.set(me);
        lock.unlock();
        boolean ranOut = false;
        try {
            Runnable job;
            long start = System.nanoTime();
            while ((job = me.handoff) == null && System.nanoTime() - start < spinNanos) {
                Thread.yield(); // polite: on a busy machine another thread gets the core
            }
            if (job == null) {
                if (spinner.compareAndSet(me, null)) {
                    ranOut = true;
                } else {
                    while ((job = me.handoff) == null) { // a submit won the CAS: its job follows
                        Thread.yield(); // the submitter may have lost its core between the two writes
                    }
                }
            }
            me.handoff = null; // hold no reference to a finished job while asleep
            if (ranOut || job == RELEASED) {
                if (!me.priority) {
                    freeWorkers.decrementAndGet();
                }
            } else {
                runJob(job); // handOff did the bookkeeping
            }
        } finally {
            lock.lock();
        }
        me.justSpun = ranOut | me.takeSleepRequest();
    }

    private void sleepLocked(Worker me) {
        me.justSpun = false;
        if (!me.priority) {
            freeWorkers.incrementAndGet();
        }
        (me.priority ? idlePrioWorkers : idleWorkers).addFirst(me);
        stateChanged.signalAll();
        me.sleep();
        if (!me.priority) {
            freeWorkers.decrementAndGet();
        }
    }

    private void runJob(Runnable job) {
        assert !lock.isHeldByCurrentThread() : "a job must never run under the pool lock";
        try {
            job.run();
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError) {
                throw (VirtualMachineError) e; // the worker dies; its count is fixed in work()
            }
            LOG.log(Level.ERROR, "worker pool " + name + ": job " + job + " failed", e);
        }
        if (!inline) {
            Thread.interrupted(); // an interrupt aimed at one job must not leak into the next
        }
    }

    @Override
    public String toString() {
        return "WorkerPool[" + name + " workers=" + nWorkers + "/" + maxWorkers + " free=" + freeWorkers
                + " prio=" + nPrioWorkers + " queued=" + jobQueueDepth + "]";
    }

    /** One worker thread and its private wake-up condition. Fields guarded by the pool lock. */
    private final class Worker {
        final boolean priority;
        final Thread thread;
        private final Condition wakeUp = lock.newCondition();
        private boolean woken;
        /**
         * The job a submit handed this spinner, or {@link #RELEASED}; written by whoever won the
         * CAS on {@link #spinner}, read while spinning.
         */
        volatile Runnable handoff;
        /** Guarded by lock: the last spin ran out (or the job asked), so sleep rather than spin again. */
        boolean justSpun;
        /** The running job asked for {@link #sleepWhenIdle}. Confined to the worker's own thread. */
        boolean sleepRequested;

        Worker(boolean priority, String threadName) {
            this.priority = priority;
            this.thread = new Thread(() -> work(this), threadName);
            this.thread.setDaemon(true);
        }

        /** The worker's own thread, after a job: whether the job asked to sleep when idle (and forget it). */
        boolean takeSleepRequest() {
            boolean asked = sleepRequested;
            sleepRequested = false;
            return asked;
        }

        /** Called by the worker itself with the lock held; returns once another thread woke it. */
        void sleep() {
            woken = false;
            while (!woken) {
                wakeUp.awaitUninterruptibly(); // workers stop via shutdown, not interrupts
            }
        }

        /** Called with the lock held by whoever popped this worker from an idle stack. */
        void wake() {
            woken = true;
            wakeUp.signal();
        }
    }
}
