package io.jvirtd.rpc.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
 * <p>Garbage: none per event in the steady state (issue 18: a queue entry and its node per
 * listener were most of what an event still allocated). The events wait in a ring of arrays
 * (frame, callback id, time queued) that grows by doubling while a client falls behind and
 * shrinks back once it has caught up; the loop takes them out into {@link Entry} objects of its
 * own that it hands back ({@link #recycle}) once their bytes are written.
 *
 * <p>Threads: any thread {@link #offer}s (the driver's thread delivering an event; one event bus
 * delivers serially, so one client's events arrive in order); the event loop {@link #poll}s and
 * recycles; the metrics read the counters. The ring is guarded by a lock that either side holds
 * only to move one event (or, for a producer past the bound, to drop the oldest): a producer
 * never waits for the loop's writing or for the client, and the loop never waits for a
 * producer's work. The counters are published for lock-free reading.
 */
final class EventQueue {

    /** Ring slots when the first event comes; a power of two. */
    private static final int INITIAL_SLOTS = 8;
    /** A ring grown past this many slots goes back to INITIAL_SLOTS when it empties. */
    private static final int SHRINK_ABOVE = 256;
    /** Entries the loop keeps for reuse: a keeping-up listener needs one or two. */
    private static final int POOL_MAX = 64;

    /**
     * A queued event as the loop handles it: the frame its listeners share, this client's
     * callback id for it, and when it was queued (for the lag). Loop-confined and reused; the
     * bytes are the frame's, written out with the id by the loop.
     */
    static final class Entry {
        EventFrame frame;
        int callbackId;
        int size;
        long queuedAtNanos;
        /**
         * The transmit-queue buffer that carries this event's bytes (or their unwritten part)
         * once the loop took it, so that the loop sees when it is written.
         */
        ByteBuffer tx;
        /** Where its bytes end in the server's event buffer (ServerClient#writeEventsDirect). */
        int end;
    }

    private final Object lock = new Object();
    // Guarded by lock: the ring (null until the first event), its head and count.
    private EventFrame[] frames;
    private int[] ids;
    private long[] times;
    private int head;
    private int count;
    /** Bytes and events queued; written under lock, read by any thread. */
    private volatile long bytes;
    private volatile int size;
    private final AtomicLong dropped = new AtomicLong();
    /** Loop-confined: entries handed back by the loop, for its next polls. */
    private final ArrayDeque<Entry> pool = new ArrayDeque<>();

    /**
     * Queues {@code frame} for callback {@code callbackId}; while the queue then holds more than
     * {@code limitBytes}, drops its oldest entries. Any thread.
     *
     * @return how many events were dropped to make room (usually 0)
     */
    int offer(EventFrame frame, int callbackId, long nowNanos, long limitBytes) {
        int drops = 0;
        synchronized (lock) {
            if (frames == null) {
                allocate(INITIAL_SLOTS);
            } else if (count == frames.length) {
                resize(frames.length * 2);
            }
            int i = (head + count) & (frames.length - 1);
            frames[i] = frame;
            ids[i] = callbackId;
            times[i] = nowNanos;
            count++;
            long b = bytes + frame.size();
            while (b > limitBytes && count > 0) {
                b -= frames[head].size();
                removeHead();
                drops++;
            }
            bytes = b;
            size = count;
        }
        if (drops > 0) {
            dropped.addAndGet(drops);
        }
        return drops;
    }

    /** The oldest event, removed, in an entry the loop hands back with {@link #recycle}; or null. Loop. */
    Entry poll() {
        EventFrame f;
        int id;
        long t;
        synchronized (lock) {
            if (count == 0) {
                return null;
            }
            f = frames[head];
            id = ids[head];
            t = times[head];
            removeHead();
            bytes -= f.size();
            size = count;
            if (count == 0 && frames.length > SHRINK_ABOVE) {
                allocate(INITIAL_SLOTS); // a caught-up listener does not keep its backlog's ring
            }
        }
        Entry e = pool.pollFirst();
        if (e == null) {
            e = new Entry();
        }
        e.frame = f;
        e.callbackId = id;
        e.size = f.size();
        e.queuedAtNanos = t;
        e.tx = null;
        e.end = 0;
        return e;
    }

    /** Takes back an entry from {@link #poll} whose bytes are written (or dropped). Loop. */
    void recycle(Entry e) {
        e.frame = null;
        e.tx = null;
        if (pool.size() < POOL_MAX) {
            pool.addFirst(e);
        }
    }

    /** The bytes of the oldest queued event, 0 if none is. Loop. */
    int headSize() {
        synchronized (lock) {
            return count == 0 ? 0 : frames[head].size();
        }
    }

    /** When the oldest queued event was queued, or -1 if none is. Any thread. */
    long oldestQueuedAtNanos() {
        synchronized (lock) {
            return count == 0 ? -1 : times[head];
        }
    }

    /** Forgets every queued event (the client closed); not counted as drops. Loop. */
    void clear() {
        synchronized (lock) {
            while (count > 0) {
                removeHead();
            }
            bytes = 0;
            size = 0;
            if (frames != null && frames.length > SHRINK_ABOVE) {
                allocate(INITIAL_SLOTS);
            }
        }
    }

    boolean isEmpty() { return size == 0; }
    /** Bytes queued. Any thread. */
    long bytes() { return bytes; }
    /** Events queued. Any thread. */
    int size() { return size; }
    /** Events dropped so far to keep within the bound. Any thread. */
    long dropped() { return dropped.get(); }

    // ---- under lock ----

    private void removeHead() {
        frames[head] = null; // the frame may be large and is shared: do not keep it
        head = (head + 1) & (frames.length - 1);
        count--;
    }

    private void allocate(int slots) {
        frames = new EventFrame[slots];
        ids = new int[slots];
        times = new long[slots];
        head = 0;
    }

    private void resize(int slots) {
        EventFrame[] f = new EventFrame[slots];
        int[] d = new int[slots];
        long[] t = new long[slots];
        int mask = frames.length - 1;
        for (int k = 0; k < count; k++) {
            int i = (head + k) & mask;
            f[k] = frames[i];
            d[k] = ids[i];
            t[k] = times[i];
        }
        frames = f;
        ids = d;
        times = t;
        head = 0;
    }
}
