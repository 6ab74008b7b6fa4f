package io.jvirtd.rpc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * virThreadPool semantics. Synchronisation is by latches and by {@link WorkerPool#awaitState},
 * which wakes on every counter change: no sleeps, no timing assertions (timeouts only guard
 * against hangs).
 */
class WorkerPoolTest {
    private static final long GUARD_SECONDS = 10;

    private final List<WorkerPool> pools = new ArrayList<>();
    /** Opened at the end of each test so that no job stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    private WorkerPool pool(int min, int max, int prio) {
        WorkerPool p = new WorkerPool("jvirtd", min, max, prio);
        pools.add(p);
        return p;
    }

    @AfterEach
    void shutDownPools() throws InterruptedException {
        release.countDown();
        for (WorkerPool p : pools) {
            p.shutdown();
            assertTrue(p.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static void await(WorkerPool p, BooleanSupplier state) throws InterruptedException {
        assertTrue(p.awaitState(state, GUARD_SECONDS, TimeUnit.SECONDS), () -> "state not reached: " + p);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    /** A job that reports it started, then blocks until the test releases it. */
    private Runnable blocking(CountDownLatch started) {
        return blocking(started, release);
    }

    /** A job that reports it started, then blocks until {@code gate} opens. */
    private static Runnable blocking(CountDownLatch started, CountDownLatch gate) {
        return () -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void poolStartsMinWorkersAndPrioWorkersWhichThenWaitIdle() throws InterruptedException {
        WorkerPool p = pool(2, 5, 1);
        assertEquals(2, p.nWorkers());
        assertEquals(1, p.prioWorkers());
        assertEquals(2, p.minWorkers());
        assertEquals(5, p.maxWorkers());
        await(p, () -> p.freeWorkers() == 2);
        assertEquals(0, p.jobQueueDepth());
    }

    @Test
    void poolGrowsFromMinToMaxAsJobsBlockAndNeverAbove() throws InterruptedException {
        WorkerPool p = pool(1, 3, 0);
        await(p, () -> p.freeWorkers() == 1);

        CountDownLatch first = new CountDownLatch(1);
        p.submit(blocking(first), false);
        await(first);
        assertEquals(1, p.nWorkers(), "an idle worker took the job: no growth");
        assertEquals(0, p.freeWorkers());

        CountDownLatch more = new CountDownLatch(2);
        p.submit(blocking(more), false);
        p.submit(blocking(more), false);
        await(more);
        assertEquals(3, p.nWorkers());

        CountDownLatch queued = new CountDownLatch(2);
        p.submit(queued::countDown, false);
        p.submit(queued::countDown, false);
        assertEquals(3, p.nWorkers(), "at maxWorkers the job waits instead");
        assertEquals(2, p.jobQueueDepth());
        assertEquals(0, p.freeWorkers());

        release.countDown();
        await(queued);
        await(p, () -> p.freeWorkers() == 3 && p.jobQueueDepth() == 0);
        assertEquals(3, p.nWorkers(), "like libvirt, idle workers do not time out");
    }

    @Test
    void priorityJobCompletesWhileOrdinaryWorkersAreBlocked() throws Exception {
        WorkerPool p = pool(2, 2, 1);
        CountDownLatch busy = new CountDownLatch(2);
        p.submit(blocking(busy), false);
        p.submit(blocking(busy), false);
        await(busy);
        AtomicInteger ordinaryRan = new AtomicInteger();
        p.submit(ordinaryRan::incrementAndGet, false);

        CompletableFuture<String> prio = new CompletableFuture<>();
        p.submit(() -> prio.complete(Thread.currentThread().getName()), true);
        assertEquals("jvirtd-prio-1", prio.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, ordinaryRan.get());
        assertEquals(1, p.jobQueueDepth(), "a priority worker never takes an ordinary job");
    }

    @Test
    void priorityWorkerTakesPriorityJobsInSubmissionOrder() throws InterruptedException {
        WorkerPool p = pool(1, 1, 1);
        CountDownLatch ordinaryBusy = new CountDownLatch(1);
        p.submit(blocking(ordinaryBusy), false); // held until the end of the test
        await(ordinaryBusy);
        CountDownLatch prioBusy = new CountDownLatch(1);
        CountDownLatch prioGate = new CountDownLatch(1);
        p.submit(blocking(prioBusy, prioGate), true);
        await(prioBusy);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(3);
        for (int i = 1; i <= 3; i++) {
            int n = i;
            p.submit(() -> {
                order.add(n);
                done.countDown();
            }, true);
        }
        assertEquals(3, p.jobQueueDepth());
        prioGate.countDown(); // only the priority worker is free to run them
        await(done);
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void ordinaryWorkerTakesJobsOfBothKindsOldestFirst() throws InterruptedException {
        WorkerPool p = pool(1, 1, 0);
        CountDownLatch busy = new CountDownLatch(1);
        p.submit(blocking(busy), false);
        await(busy);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(4);
        for (String job : List.of("n1", "p1", "n2", "p2")) {
            p.submit(() -> {
                order.add(job);
                done.countDown();
            }, job.startsWith("p"));
        }
        release.countDown();
        await(done);
        assertEquals(List.of("n1", "p1", "n2", "p2"), order, "libvirt: the head of the job list");
    }

    @Test
    void setParametersAtRunTimeGrowsAndShrinksThePool() throws InterruptedException {
        WorkerPool p = pool(1, 2, 0);
        p.setParameters(3, 4, 2);
        assertEquals(3, p.minWorkers());
        assertEquals(4, p.maxWorkers());
        assertEquals(3, p.nWorkers());
        assertEquals(2, p.prioWorkers());
        await(p, () -> p.freeWorkers() == 3);

        p.setParameters(0, 1, 0);
        await(p, () -> p.nWorkers() == 1 && p.prioWorkers() == 0);
        assertEquals(0, p.minWorkers());
        assertEquals(1, p.maxWorkers());

        p.setParameters(-1, 2, -1); // -1 leaves a limit unchanged, as in libvirt
        assertEquals(0, p.minWorkers());
        assertEquals(2, p.maxWorkers());
        assertEquals(1, p.nWorkers());
    }

    @Test
    void loweringMaxWhileWorkersAreBusyRetiresThemAfterTheirJob() throws InterruptedException {
        WorkerPool p = pool(3, 3, 0);
        CountDownLatch busy = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            p.submit(blocking(busy), false);
        }
        await(busy);
        p.setParameters(1, 1, -1);
        assertEquals(3, p.nWorkers(), "busy workers are not interrupted");
        release.countDown();
        await(p, () -> p.nWorkers() == 1 && p.freeWorkers() == 1);
    }

    @Test
    void setParametersRejectsWhatLibvirtRejects() {
        WorkerPool p = pool(1, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.setParameters(3, -1, -1));
        assertEquals("minWorkers cannot be larger than maxWorkers", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.setParameters(0, 0, -1));
        assertEquals("maxWorkers must not be switched from zero to non-zero and vice versa", e.getMessage());
        WorkerPool none = WorkerPool.inline();
        e = assertThrows(IllegalArgumentException.class, () -> none.setParameters(-1, 4, -1));
        assertEquals("maxWorkers must not be switched from zero to non-zero and vice versa", e.getMessage());
        assertEquals(1, p.minWorkers());
        assertEquals(2, p.maxWorkers());
    }

    @Test
    void shutdownRefusesNewJobsButRunsQueuedOnes() throws InterruptedException {
        WorkerPool p = pool(1, 1, 1);
        CountDownLatch busy = new CountDownLatch(1);
        p.submit(blocking(busy), false);
        await(busy);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            p.submit(ran::incrementAndGet, i % 2 == 0);
        }
        p.shutdown();
        assertThrows(RejectedExecutionException.class, () -> p.submit(ran::incrementAndGet, false));
        release.countDown();
        assertTrue(p.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(5, ran.get());
        assertEquals(0, p.nWorkers());
        assertEquals(0, p.prioWorkers());
        assertEquals(0, p.jobQueueDepth());
    }

    @Test
    void awaitTerminationIsFalseWhileThePoolRuns() throws InterruptedException {
        WorkerPool p = pool(1, 1, 0);
        assertFalse(p.awaitTermination(0, TimeUnit.SECONDS));
    }

    @Test
    void throwingJobIsLoggedAndTheWorkerSurvives() throws Exception {
        WorkerPool p = pool(1, 1, 0);
        CompletableFuture<Thread> first = new CompletableFuture<>();
        p.submit(() -> {
            first.complete(Thread.currentThread());
            throw new IllegalStateException("test: job failure");
        }, false);
        CompletableFuture<Thread> second = new CompletableFuture<>();
        p.submit(() -> second.complete(Thread.currentThread()), false);
        assertSame(first.get(GUARD_SECONDS, TimeUnit.SECONDS), second.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, p.nWorkers());
    }

    @Test
    void workerThreadsAreNamedAfterThePool() throws Exception {
        WorkerPool p = pool(1, 1, 0);
        CompletableFuture<String> nameOf = new CompletableFuture<>();
        p.submit(() -> nameOf.complete(Thread.currentThread().getName()), false);
        assertEquals("jvirtd-worker-1", nameOf.get(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void manyJobsFromManyThreadsAllRunExactlyOnce() throws Exception {
        WorkerPool p = pool(2, 8, 2);
        int producers = 4;
        int perProducer = 20_000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(producers * perProducer);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    p.submit(() -> {
                        ran.incrementAndGet();
                        done.countDown();
                    }, i % 7 == 0);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        await(done);
        assertEquals(producers * perProducer, ran.get());
        assertTrue(p.nWorkers() <= 8);
        await(p, () -> p.jobQueueDepth() == 0 && p.freeWorkers() == p.nWorkers());
    }

    @Test
    void inlinePoolRunsJobsInTheCallerAndSurvivesThrowingJobs() {
        WorkerPool p = WorkerPool.inline();
        Thread caller = Thread.currentThread();
        AtomicInteger ran = new AtomicInteger();
        p.submit(() -> {
            assertSame(caller, Thread.currentThread());
            ran.incrementAndGet();
        }, false);
        p.submit(() -> {
            throw new IllegalStateException("test: inline job failure");
        }, true);
        assertEquals(1, ran.get());
        assertEquals(0, p.nWorkers());
        assertEquals(0, p.prioWorkers());
        assertEquals(0, p.jobQueueDepth());
        p.shutdown();
        assertThrows(RejectedExecutionException.class, () -> p.submit(ran::incrementAndGet, false));
    }
    @Test
    void backToBackJobsOnOneWorkerAllRunWhetherItSpinsOrSleeps() throws InterruptedException {
        // One worker: each job is submitted as the previous one ends, so the worker is found
        // spinning (claimed without a signal), or, after a spin ran out, asleep (signalled).
        WorkerPool p = pool(1, 1, 0);
        int n = 20_000;
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            CountDownLatch done = new CountDownLatch(1);
            p.submit(() -> {
                ran.incrementAndGet();
                done.countDown();
            }, i % 2 == 0);
            await(done);
        }
        assertEquals(n, ran.get());
        await(p, () -> p.freeWorkers() == 1 && p.jobQueueDepth() == 0);
    }

    /**
     * The priority worker spins (its spin made long enough to last the test) while the only
     * ordinary worker is busy; an ordinary job submitted then must wait for the ordinary worker,
     * not be handed to the spinning priority worker.
     */
    @Test
    void aSpinningPriorityWorkerLeavesOrdinaryJobsToOrdinaryWorkers() throws InterruptedException {
        WorkerPool p = longSpinPool(1, 1, 1);
        for (int round = 0; round < 3; round++) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch gate = new CountDownLatch(1);
            p.submit(blocking(busy, gate), false);
            await(busy);                                  // the ordinary worker is taken
            CountDownLatch prioDone = new CountDownLatch(1);
            p.submit(prioDone::countDown, true);
            await(prioDone);                              // only the priority worker could run it
            await(p, p::hasSpinner);                      // ... and it now spins for a job
            CompletableFuture<String> ranOn = new CompletableFuture<>();
            p.submit(() -> ranOn.complete(Thread.currentThread().getName()), false);
            gate.countDown();
            String thread = ranOn.join();
            assertTrue(thread.contains("-worker-"), "the ordinary job ran on " + thread);
        }
    }

    /** A pool whose workers spin long enough to last the test when they spin at all. */
    private WorkerPool longSpinPool(int min, int max, int prio) {
        String before = System.setProperty("jvirtd.pool.spinMicros", Long.toString(GUARD_SECONDS * 1_000_000));
        try {
            return pool(min, max, prio);
        } finally {
            if (before == null) {
                System.clearProperty("jvirtd.pool.spinMicros");
            } else {
                System.setProperty("jvirtd.pool.spinMicros", before);
            }
        }
    }

    /**
     * A job that asks for it (a stream whose next packet comes at its client's pace) leaves its
     * worker asleep, not spinning; the next job wakes it, and the request held for that one job
     * only: after a job that did not ask, the worker spins again. Outside a pool's worker the
     * call does nothing.
     */
    @Test
    void aJobThatAsksLeavesItsWorkerAsleepRatherThanSpinning() throws InterruptedException {
        WorkerPool p = longSpinPool(1, 1, 0);
        WorkerPool.sleepWhenIdle(); // not a worker: nothing happens
        for (int round = 0; round < 3; round++) {
            CountDownLatch asked = new CountDownLatch(1);
            p.submit(() -> {
                WorkerPool.sleepWhenIdle();
                asked.countDown();
            }, false);
            await(asked);
            await(p, () -> p.sleepingWorkers() == 1);
            assertFalse(p.hasSpinner());
            CountDownLatch plain = new CountDownLatch(1);
            p.submit(plain::countDown, false);    // wakes the sleeping worker
            await(plain);
            await(p, p::hasSpinner);              // and after a job that did not ask, it spins
            assertEquals(0, p.sleepingWorkers());
        }
    }

    @Test
    void shutdownWhileAWorkerSpinsEndsThePool() throws InterruptedException {
        WorkerPool p = pool(2, 2, 1);
        CountDownLatch done = new CountDownLatch(1);
        p.submit(done::countDown, false);
        await(done); // its worker now spins or sleeps
        p.shutdown();
        assertTrue(p.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aJobHandedToTheSpinnerMakesItBusySoTheNextJobGetsAWorkerOfItsOwn() throws Exception {
        // The spinner is handed a job without the queue; it must stop counting as free at once,
        // or a second job would wait behind a long first one instead of growing the pool.
        WorkerPool p = pool(1, 2, 0);
        for (int round = 0; round < 200; round++) {
            CountDownLatch warm = new CountDownLatch(1);
            p.submit(warm::countDown, false);
            await(warm); // the worker now spins (or, its spin over, sleeps)
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch longStarted = new CountDownLatch(1);
            p.submit(() -> {
                longStarted.countDown();
                awaitQuietly(release);
            }, false);
            await(longStarted);
            assertTrue(p.freeWorkers() < p.nWorkers(), p.toString());
            CountDownLatch second = new CountDownLatch(1);
            p.submit(second::countDown, false);
            await(second); // runs while the first still blocks
            release.countDown();
        }
        await(p, () -> p.jobQueueDepth() == 0 && p.freeWorkers() == p.nWorkers());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
