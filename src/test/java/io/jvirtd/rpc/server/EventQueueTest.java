package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** The per-client event queue: order, the byte bound with the oldest dropped and counted, reuse. */
class EventQueueTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    private static EventFrame frame(int size) {
        return EventFrame.of(ByteBuffer.allocate(size), EventFrame.NO_ID);
    }

    @Test
    void eventsComeOutInOrderWithTheirIdsAndTimesAcrossGrowthAndWrapAround() {
        EventQueue q = new EventQueue();
        EventFrame f = frame(40);
        int next = 0;
        int expected = 0;
        // offers and polls interleaved so that the ring wraps and grows several times
        for (int round = 1; round <= 40; round++) {
            for (int i = 0; i < round * 3; i++, next++) {
                assertEquals(0, q.offer(f, next, 1000L + next, NO_LIMIT));
            }
            for (int i = 0; i < round * 2; i++, expected++) {
                EventQueue.Entry e = q.poll();
                assertEquals(expected, e.callbackId);
                assertEquals(1000L + expected, e.queuedAtNanos);
                assertSame(f, e.frame);
                assertEquals(40, e.size);
                q.recycle(e);
            }
            assertEquals(next - expected, q.size());
            assertEquals(40L * (next - expected), q.bytes());
            assertEquals(1000L + expected, q.oldestQueuedAtNanos());
        }
        for (EventQueue.Entry e; (e = q.poll()) != null; expected++) {
            assertEquals(expected, e.callbackId);
        }
        assertEquals(next, expected);
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
        assertEquals(-1, q.oldestQueuedAtNanos());
        assertEquals(0, q.dropped());
    }

    @Test
    void pastTheBoundTheOldestAreDroppedAndCountedAndTheNewestKeptInOrder() {
        EventQueue q = new EventQueue();
        EventFrame f = frame(100);
        int drops = 0;
        for (int i = 0; i < 25; i++) {
            drops += q.offer(f, i, i, 1000);
        }
        assertEquals(15, drops);
        assertEquals(15, q.dropped());
        assertEquals(10, q.size());
        assertEquals(1000, q.bytes());
        for (int i = 15; i < 25; i++) {
            assertEquals(i, q.poll().callbackId);
        }
        assertNull(q.poll());
        // an event larger than the bound on its own does not stay either
        assertEquals(1, q.offer(frame(2000), 99, 0, 1000));
        assertTrue(q.isEmpty());
        assertEquals(16, q.dropped());
    }

    @Test
    void theLoopReusesItsEntriesAndClearForgetsWithoutCountingDrops() {
        EventQueue q = new EventQueue();
        q.offer(frame(10), 1, 1, NO_LIMIT);
        EventQueue.Entry first = q.poll();
        q.recycle(first);
        assertNull(first.frame, "a recycled entry holds no frame");
        q.offer(frame(10), 2, 2, NO_LIMIT);
        EventQueue.Entry second = q.poll();
        assertSame(first, second, "no new entry per event");
        assertEquals(2, second.callbackId);
        assertNull(second.tx);
        for (int i = 0; i < 1000; i++) {
            q.offer(frame(10), i, i, NO_LIMIT);
        }
        q.clear();
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
        assertEquals(0, q.dropped());
        q.offer(frame(10), 7, 7, NO_LIMIT); // usable after a clear that shrank the ring
        assertEquals(7, q.poll().callbackId);
    }

    /** Producers on several threads, one consumer: every event once, each producer's in its order. */
    @Test
    void concurrentProducersLoseNothingAndKeepTheirOwnOrder() throws InterruptedException {
        EventQueue q = new EventQueue();
        EventFrame f = frame(16);
        int producers = 4;
        int each = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    q.offer(f, base + i, 0, NO_LIMIT);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        int[] last = new int[producers];
        java.util.Arrays.fill(last, -1);
        int got = 0;
        while (got < producers * each) {
            EventQueue.Entry e = q.poll();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            int p = e.callbackId / each;
            assertTrue(e.callbackId > last[p], "producer " + p + ": " + e.callbackId + " after " + last[p]);
            last[p] = e.callbackId;
            q.recycle(e);
            got++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(q.isEmpty());
        for (int p = 0; p < producers; p++) {
            assertEquals(p * each + each - 1, last[p]);
        }
    }
}
