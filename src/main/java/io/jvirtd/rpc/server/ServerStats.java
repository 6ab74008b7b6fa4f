package io.jvirtd.rpc.server;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NetServer} for monitoring: bytes in and out, clients closed by the
 * keepalive timer, events dropped because a client did not read them fast enough, clients dropped or made
 * to wait by the {@link ClientMemoryBudget}, and per procedure the
 * number of calls and a latency histogram (from the loop handing the call to the pool to the
 * program queueing its reply, so queueing behind busy workers counts).
 *
 * <p>Cost on the hot path: a {@link LongAdder} add per count (striped, so workers and the loop
 * do not contend on one cache line; the byte counts, which only the loop writes, a volatile
 * field update) and, per call, an array index by procedure number and a bucket search over 16
 * bounds. Per-procedure counters are created on a procedure's first call,
 * so idle procedures cost nothing; procedure numbers past {@link #MAX_PROCEDURE} (a client's
 * garbage) share one slot, 0, so a hostile client cannot make the table grow.
 *
 * <p>Threads: any thread counts (the bytes: only the event loop); any thread reads (sums are
 * not a consistent snapshot across counters, which monitoring does not need). Names of
 * programs and procedures are the daemon's business, not this layer's: readers get numbers.
 */
public final class ServerStats {

    /** Highest procedure number with a slot of its own. */
    public static final int MAX_PROCEDURE = 1023;

    /** Upper bounds of the latency buckets, in nanoseconds (the last bucket is +Inf). */
    private static final long[] BOUNDS_NANOS = {
        100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L,
        5_000_000_000L, 10_000_000_000L,
    };

    /**
     * Written by the server's event loop only (every socket read and write is its), so a plain
     * volatile sum: one writer needs no atomic add, and the loop pays a field update per read
     * instead of a LongAdder's compare-and-set, which the interpreter runs as a chain of calls.
     */
    private volatile long bytesIn;
    private volatile long bytesOut;
    private final LongAdder keepaliveCloses = new LongAdder();
    private final LongAdder eventsDropped = new LongAdder();
    private final LongAdder clientsAccepted = new LongAdder();
    private final LongAdder[] memoryDrops = new LongAdder[MemoryDrop.values().length];
    private final LongAdder memoryWaits = new LongAdder();
    private final CopyOnWriteArrayList<ProgramCalls> programs = new CopyOnWriteArrayList<>();

    /** Why a client was dropped to keep the daemon within its {@link ClientMemoryBudget}. */
    public enum MemoryDrop {
        /** A large message from a client before CONNECT_OPEN or a read-only one did not fit in the restricted share. */
        RESTRICTED_SHARE("restricted_share"),
        /** An admitted message did not complete within the timeout. */
        MESSAGE_TIMEOUT("message_timeout"),
        /** Output was not read within the timeout. */
        OUTPUT_TIMEOUT("output_timeout");

        private final String label;

        MemoryDrop(String label) {
            this.label = label;
        }

        /** The metrics label. */
        public String label() {
            return label;
        }
    }

    public ServerStats() {
        for (int i = 0; i < memoryDrops.length; i++) {
            memoryDrops[i] = new LongAdder();
        }
    }

    /** The buckets' upper bounds in seconds, for exporters (+Inf not included). */
    public static double[] bucketBoundsSeconds() {
        double[] s = new double[BOUNDS_NANOS.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = BOUNDS_NANOS[i] / 1e9;
        }
        return s;
    }

    /** Loop. */
    void bytesRead(long n) {
        bytesIn += n;
    }

    /** Loop. */
    void bytesWritten(long n) {
        bytesOut += n;
    }

    void keepaliveClosed() {
        keepaliveCloses.increment();
    }

    void eventsDropped(int n) {
        eventsDropped.add(n);
    }

    void clientAccepted() {
        clientsAccepted.increment();
    }

    void memoryDropped(MemoryDrop why) {
        memoryDrops[why.ordinal()].increment();
    }

    void memoryWaited() {
        memoryWaits.increment();
    }

    /** One call of {@code program}/{@code procedure} took {@code nanos} until its reply was queued. */
    void callCompleted(int program, int procedure, long nanos) {
        programCalls(program).record(procedure, nanos);
    }

    private ProgramCalls programCalls(int program) {
        for (ProgramCalls p : programs) {
            if (p.program == program) {
                return p;
            }
        }
        synchronized (programs) {
            for (ProgramCalls p : programs) {
                if (p.program == program) {
                    return p;
                }
            }
            ProgramCalls p = new ProgramCalls(program);
            programs.add(p);
            return p;
        }
    }

    public long bytesIn() { return bytesIn; }
    public long bytesOut() { return bytesOut; }
    public long keepaliveCloses() { return keepaliveCloses.sum(); }
    public long eventsDropped() { return eventsDropped.sum(); }
    public long clientsAccepted() { return clientsAccepted.sum(); }
    /** Clients dropped for {@code why}. */
    public long memoryDrops(MemoryDrop why) { return memoryDrops[why.ordinal()].sum(); }
    /** Times an opened client stopped being read until its large message could be admitted. */
    public long memoryWaits() { return memoryWaits.sum(); }

    /** Receives one procedure's counters; {@code buckets} are per bucket (not cumulative), +Inf last. */
    @FunctionalInterface
    public interface ProcedureVisitor {
        void visit(int program, int procedure, long calls, long sumNanos, long[] buckets);
    }

    /** Visits every procedure called at least once, program by program, in procedure order. */
    public void forEachProcedure(ProcedureVisitor v) {
        for (ProgramCalls p : programs) {
            for (int i = 0; i < p.procedures.length(); i++) {
                Histogram h = p.procedures.get(i);
                if (h != null) {
                    long[] b = new long[h.buckets.length];
                    for (int k = 0; k < b.length; k++) {
                        b[k] = h.buckets[k].sum();
                    }
                    v.visit(p.program, i, h.count.sum(), h.sumNanos.sum(), b);
                }
            }
        }
    }

    /** The calls of one program, indexed by procedure number. */
    private static final class ProgramCalls {
        final int program;
        final AtomicReferenceArray<Histogram> procedures = new AtomicReferenceArray<>(MAX_PROCEDURE + 1);

        ProgramCalls(int program) {
            this.program = program;
        }

        void record(int procedure, long nanos) {
            int slot = procedure > 0 && procedure <= MAX_PROCEDURE ? procedure : 0;
            Histogram h = procedures.get(slot);
            if (h == null) {
                procedures.compareAndSet(slot, null, new Histogram());
                h = procedures.get(slot);
            }
            h.record(nanos);
        }
    }

    /** Calls, their total time and a count per latency bucket. */
    private static final class Histogram {
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();
        final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long nanos) {
            count.increment();
            sumNanos.add(nanos);
            int lo = 0;
            int hi = BOUNDS_NANOS.length;
            while (lo < hi) { // first bound >= nanos; BOUNDS_NANOS.length is +Inf
                int mid = (lo + hi) >>> 1;
                if (BOUNDS_NANOS[mid] < nanos) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            buckets[lo].increment();
        }
    }
}
