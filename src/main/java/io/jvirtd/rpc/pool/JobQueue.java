package io.jvirtd.rpc.pool;

/**
 * The pool's job list: libvirt keeps one FIFO list plus a pointer to its first priority job; we
 * keep two FIFO rings stamped with one sequence number, which gives the same answers without
 * walking the list: {@link #pollAny} is the oldest job of either kind (libvirt's list head),
 * {@link #pollPriority} the oldest priority job (libvirt's {@code firstPrio}). Plain arrays, so a
 * job in steady state costs no allocation. Guarded by the owning {@link WorkerPool}'s lock.
 */
final class JobQueue {
    private final Ring normal = new Ring();
    private final Ring priority = new Ring();
    private long nextSeq;

    void add(Runnable job, boolean highPriority) {
        (highPriority ? priority : normal).add(job, nextSeq++);
    }

    /** Oldest job of either kind, or null: what an ordinary worker takes. */
    Runnable pollAny() {
        if (priority.size == 0) {
            return normal.poll();
        }
        if (normal.size == 0 || priority.headSeq() - normal.headSeq() < 0) {
            return priority.poll();
        }
        return normal.poll();
    }

    /** Oldest priority job, or null: what a priority worker takes. */
    Runnable pollPriority() {
        return priority.poll();
    }

    /** Growable ring of jobs with their sequence numbers; capacity is a power of two. */
    private static final class Ring {
        private Runnable[] jobs = new Runnable[64];
        private long[] seqs = new long[64];
        private int head;
        int size;

        void add(Runnable job, long seq) {
            if (size == jobs.length) {
                grow();
            }
            int i = (head + size) & (jobs.length - 1);
            jobs[i] = job;
            seqs[i] = seq;
            size++;
        }

        long headSeq() {
            return seqs[head];
        }

        Runnable poll() {
            if (size == 0) {
                return null;
            }
            Runnable job = jobs[head];
            jobs[head] = null; // let the job and what it captures be collected
            head = (head + 1) & (jobs.length - 1);
            size--;
            return job;
        }

        private void grow() {
            int n = jobs.length;
            Runnable[] newJobs = new Runnable[n * 2];
            long[] newSeqs = new long[n * 2];
            for (int k = 0; k < size; k++) {
                int i = (head + k) & (n - 1);
                newJobs[k] = jobs[i];
                newSeqs[k] = seqs[i];
            }
            jobs = newJobs;
            seqs = newSeqs;
            head = 0;
        }
    }
}
