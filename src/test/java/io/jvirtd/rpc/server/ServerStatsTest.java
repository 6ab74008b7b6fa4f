package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The server's monitoring counters: latency buckets and the bounded procedure table. */
class ServerStatsTest {

    private record Seen(int program, int procedure, long calls, long sumNanos, long[] buckets) {
    }

    private static List<Seen> seen(ServerStats s) {
        List<Seen> out = new ArrayList<>();
        s.forEachProcedure((program, procedure, calls, sum, buckets) ->
                out.add(new Seen(program, procedure, calls, sum, buckets)));
        return out;
    }

    @Test
    void callsLandInTheFirstBucketAtOrAboveTheirLatency() {
        ServerStats s = new ServerStats();
        s.callCompleted(7, 59, 50_000L);        // 50 us      -> le 0.0001
        s.callCompleted(7, 59, 100_000L);       // 100 us     -> le 0.0001 (bounds are inclusive)
        s.callCompleted(7, 59, 3_000_000L);     // 3 ms       -> le 0.005
        s.callCompleted(7, 59, 60_000_000_000L); // 60 s      -> +Inf
        List<Seen> all = seen(s);
        assertEquals(1, all.size());
        Seen h = all.get(0);
        assertEquals(59, h.procedure());
        assertEquals(4, h.calls());
        assertEquals(60_003_150_000L, h.sumNanos());
        long[] expected = new long[17];
        expected[0] = 2;
        expected[5] = 1;
        expected[16] = 1;
        assertArrayEquals(expected, h.buckets());
        assertEquals(16, ServerStats.bucketBoundsSeconds().length);
    }

    @Test
    void garbageProcedureNumbersShareOneSlotPerProgram() {
        ServerStats s = new ServerStats();
        s.callCompleted(1, 99999, 1);
        s.callCompleted(1, -5, 1);
        s.callCompleted(2, 3, 1);
        List<Seen> all = seen(s);
        assertEquals(2, all.size());
        assertEquals(new Seen(1, 0, 2, 2, all.get(0).buckets()), all.get(0));
        assertEquals(3, all.get(1).procedure());
    }

    @Test
    void byteAndEventCountersAdd() {
        ServerStats s = new ServerStats();
        s.bytesRead(28);
        s.bytesRead(100);
        s.bytesWritten(7);
        s.eventsDropped(2);
        s.keepaliveClosed();
        s.keepaliveClosed();
        assertEquals(128, s.bytesIn());
        assertEquals(7, s.bytesOut());
        assertEquals(2, s.eventsDropped());
        assertEquals(2, s.keepaliveCloses());
    }
}
