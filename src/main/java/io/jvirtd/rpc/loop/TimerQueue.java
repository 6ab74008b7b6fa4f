package io.jvirtd.rpc.loop;

import java.util.Arrays;

/**
 * Binary min-heap of armed timers ordered by deadline, with each timer's slot kept in
 * {@link LoopTimer#heapIndex} so update and cancel are O(log n) instead of a scan (libvirt scans
 * its whole timeout list every turn; a daemon with thousands of keepalive timers should not).
 * Loop-confined: no synchronisation.
 */
final class TimerQueue {
    private LoopTimer[] heap = new LoopTimer[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** The armed timer with the earliest deadline, or null. */
    LoopTimer peek() {
        return size == 0 ? null : heap[0];
    }

    void add(LoopTimer t) {
        assert t.heapIndex < 0;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heapIndex = size;
        heap[size++] = t;
        siftUp(t.heapIndex);
    }

    LoopTimer poll() {
        if (size == 0) {
            return null;
        }
        LoopTimer first = heap[0];
        removeAt(0);
        return first;
    }

    /** Removes {@code t} if it is armed; no-op otherwise. */
    void remove(LoopTimer t) {
        if (t.heapIndex >= 0) {
            removeAt(t.heapIndex);
        }
    }

    private void removeAt(int i) {
        LoopTimer removed = heap[i];
        removed.heapIndex = -1;
        int last = --size;
        if (i != last) {
            LoopTimer moved = heap[last];
            heap[i] = moved;
            moved.heapIndex = i;
            heap[last] = null;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        } else {
            heap[last] = null;
        }
    }

    private void siftUp(int i) {
        LoopTimer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            LoopTimer p = heap[parent];
            // Compare as a difference: nanoTime values may wrap, only differences are meaningful.
            if (t.deadline - p.deadline >= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        LoopTimer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline - heap[child].deadline < 0) {
                child = right;
            }
            LoopTimer c = heap[child];
            if (t.deadline - c.deadline <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
