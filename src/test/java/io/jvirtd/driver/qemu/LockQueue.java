package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs tasks on their own threads so that they wait for a lock in a given order: the caller
 * holds the lock until each task waits for it, then lets them go, and a ReentrantLock hands
 * itself to its queue in order (no other thread comes in between here). So the order of two
 * writers of a domain's config ({@link QemuDomain#configWrite}) is certain with no hook in the code.
 */
final class LockQueue {

    private LockQueue() {
    }

    /** Runs {@code tasks}, queued on {@code lock} in this order, and waits for them; rethrows the first failure. */
    static void inOrder(ReentrantLock lock, Runnable... tasks) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            for (Runnable r : tasks) {
                Thread t = started(r, failed);
                threads.add(t);
                awaitQueued(lock, t);
            }
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive(), "task ended");
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    private static Thread started(Runnable r, AtomicReference<Throwable> failed) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failed.compareAndSet(null, e);
            }
        });
        t.start();
        return t;
    }

    /** Until {@code t} waits for the lock (it gets there on its own; no event to wait on). */
    private static void awaitQueued(ReentrantLock lock, Thread t) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!lock.hasQueuedThread(t)) {
            assertTrue(t.isAlive() && System.nanoTime() < deadline, "thread never waited for the lock");
            Thread.onSpinWait();
        }
    }
}
