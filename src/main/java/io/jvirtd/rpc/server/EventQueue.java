package io.jvirtd.rpc.server;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's events that the loop has not taken for writing yet: bounded in bytes,
 * the oldest dropped first, every drop counted (docs/robustness.md, "A listener that does not
 * keep up").
 *
 * <p>Why the oldest: an event says what changed; a listener that falls behind and then reads
 * again is better served by the latest changes than by a stale prefix, and it learns from the
 * drop count (metrics) that it must look the state up again. What it does receive stays in the
 * order the events were queued: both ends take from the head.
 *
 * <p>Threads: any thread {@link #offer}s (the driver's thread delivering an event; one event bus
 * delivers serially, so one client's events arrive in order); the event loop {@link #poll}s; the
 * metrics read the counters. Lock-free: a producer never waits for the loop or for the client,
 * and the loop never waits for a producer. The byte count may exceed the bound by the events
 * being offered at that very moment (one per producing thread).
 */
final class EventQueue {

    /**
     * A queued event: the frame its listeners share, this client's callback id for it, and when
     * it was queued (for the lag). One small object per event and client; the bytes are the
     * frame's, written out with the id by the loop.
     */
    static final class Entry {
        final EventFrame frame;
        final int callbackId;
        final int size;
        final long queuedAtNanos;
        /**
         * Loop-confined: the transmit-queue buffer that carries this event's bytes (or their
         * unwritten part) once the loop took it, so that the loop sees when it is written.
         */
        ByteBuffer tx;
        /** Loop-confined: where its bytes end in the server's event buffer (ServerClient#writeEventsDirect). */
        int end;

        Entry(EventFrame frame, int callbackId, long queuedAtNanos) {
            this.frame = frame;
            this.callbackId = callbackId;
            this.size = frame.size();
            this.queuedAtNanos = queuedAtNanos;
        }
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * Queues {@code frame} for callback {@code callbackId}; while the queue then holds more than
     * {@code limitBytes}, drops its oldest entries. Any thread.
     *
     * @return how many events were dropped to make room (usually 0)
     */
    int offer(EventFrame frame, int callbackId, long nowNanos, long limitBytes) {
        Entry e = new Entry(frame, callbackId, nowNanos);
        entries.add(e);
        count.incrementAndGet();
        int drops = 0;
        if (bytes.addAndGet(e.size) > limitBytes) {
            Entry old;
            while (bytes.get() > limitBytes && (old = poll()) != null) {
                drops++;
            }
            dropped.addAndGet(drops);
        }
        return drops;
    }

    /** The oldest entry, removed, or null. The loop (and {@link #offer}, dropping). */
    Entry poll() {
        Entry e = entries.poll();
        if (e != null) {
            bytes.addAndGet(-e.size);
            count.decrementAndGet();
        }
        return e;
    }

    /** When the oldest queued event was queued, or -1 if none is. Any thread. */
    long oldestQueuedAtNanos() {
        Entry e = entries.peek();
        return e == null ? -1 : e.queuedAtNanos;
    }

    /** Forgets every queued event (the client closed); not counted as drops. Loop. */
    void clear() {
        while (poll() != null) {
            // poll keeps the counters right
        }
    }

    boolean isEmpty() { return entries.isEmpty(); }
    /** Bytes queued. Any thread. */
    long bytes() { return bytes.get(); }
    /** Events queued. Any thread. */
    int size() { return count.get(); }
    /** Events dropped so far to keep within the bound. Any thread. */
    long dropped() { return dropped.get(); }
}
