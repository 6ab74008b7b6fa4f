package io.jvirtd.rpc.loop;

import static java.nio.channels.SelectionKey.OP_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Run-on-loop, failure isolation, quit and termination. */
class EventLoopLifecycleTest {

    @Test
    void executeFromAnotherThreadWakesTheBlockedLoop() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            // No timers and no channels: after the first task the loop blocks in select forever,
            // so each later task is only run if execute() wakes it.
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Boolean> ranOnLoop = new CompletableFuture<>();
                loop.execute(() -> ranOnLoop.complete(loop.inLoop()));
                assertTrue(ranOnLoop.get(10, TimeUnit.SECONDS));
            }
            assertFalse(loop.inLoop());
        } finally {
            EventLoopIoTest.stop(loop);
        }
    }

    @Test
    void tasksFromOneThreadRunInOrder() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            List<Integer> seen = new ArrayList<>(); // loop-confined
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                loop.execute(() -> seen.add(n));
            }
            loop.execute(done::countDown);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            CompletableFuture<List<Integer>> copy = new CompletableFuture<>();
            loop.execute(() -> copy.complete(new ArrayList<>(seen)));
            List<Integer> got = copy.get(10, TimeUnit.SECONDS);
            assertEquals(10_000, got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i));
            }
        } finally {
            EventLoopIoTest.stop(loop);
        }
    }

    @Test
    void throwingCallbacksAreLoggedAndTheLoopSurvives() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        loop.start();
        try {
            AtomicInteger ioCalls = new AtomicInteger();
            CountDownLatch ioCalledTwice = new CountDownLatch(2);
            loop.execute(() -> {
                throw new IllegalStateException("test: task failure");
            });
            loop.schedule(0, () -> {
                throw new IllegalStateException("test: timer failure");
            });
            loop.watch(pipe.source(), OP_READ, (w, r) -> {
                ioCalls.incrementAndGet();
                ioCalledTwice.countDown();
                if (ioCalls.get() == 2) {
                    w.cancel();
                }
                throw new IllegalStateException("test: handler failure");
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(ioCalledTwice.await(10, TimeUnit.SECONDS), "handler called again after throwing");
            CompletableFuture<Boolean> alive = new CompletableFuture<>();
            loop.execute(() -> alive.complete(true));
            assertTrue(alive.get(10, TimeUnit.SECONDS));
        } finally {
            EventLoopIoTest.stop(loop);
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void quitFromAnotherThreadEndsTheLoopButNotItsChannels() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        loop.start();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        loop.execute(() -> loopThread.complete(Thread.currentThread()));
        loop.watch(pipe.source(), OP_READ, (w, r) -> { });
        Thread quitter = new Thread(loop::quit);
        quitter.start();
        quitter.join();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        loopThread.get().join(); // returns: the thread has ended
        assertTrue(pipe.source().isOpen(), "the loop closes its selector, not the channels");
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        loop.quit(); // idempotent
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void quitRequestedFromACallbackEndsTheLoopAfterTheTurn() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        loop.execute(loop::quit);
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void watchAndTimerCountsFollowRegistrations() throws Exception {
        EventLoop loop = new EventLoop("driven", new FakeTicker()); // time stands still: nothing fires
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        try {
            Watch a = loop.watch(pipe.source(), OP_READ, (w, r) -> { });
            loop.watch(pipe.sink(), 0, (w, r) -> { });
            Timer t = loop.addTimer(-1, () -> { });
            loop.schedule(5, () -> { });
            assertEquals(0, loop.watchCount(), "off-loop requests are applied by the loop");
            loop.runOnce(0);
            assertEquals(2, loop.watchCount());
            assertEquals(2, loop.timerCount());
            a.cancel();
            t.cancel();
            assertEquals(1, loop.watchCount(), "on the loop, cancel applies at once");
            assertEquals(1, loop.timerCount());
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void runOnceBindsTheCallingThreadAsTheLoopThread() throws Exception {
        EventLoop loop = new EventLoop("driven");
        assertFalse(loop.inLoop());
        loop.runOnce(0);
        assertTrue(loop.inLoop());
        assertThrows(IllegalStateException.class, loop::start);
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                loop.runOnce(0);
                fromOther.complete(null);
            } catch (Throwable e) {
                fromOther.complete(e);
            }
        });
        other.start();
        other.join();
        assertTrue(fromOther.get() instanceof IllegalStateException);
    }
    @Test
    void whileTasksAreExpectedTheLoopStillRunsPostsTimersAndChannelsAndQuits() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        CountDownLatch readable = new CountDownLatch(1);
        loop.watch(pipe.source(), OP_READ, (w, ops) -> {
            w.cancel();
            readable.countDown();
        });
        loop.execute(() -> loop.expectTasks(1)); // a reply that never comes: the loop spins, then blocks
        for (int i = 0; i < 1_000; i++) { // posts from another thread arrive during or after a spin
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        }
        CountDownLatch fired = new CountDownLatch(1);
        loop.schedule(5, fired::countDown);
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        assertTrue(readable.await(10, TimeUnit.SECONDS));
        loop.execute(() -> loop.expectTasks(-5)); // a count that goes below zero stays at zero
        loop.quit();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        pipe.sink().close();
        pipe.source().close();
    }
}
