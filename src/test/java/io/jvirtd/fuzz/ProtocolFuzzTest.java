package io.jvirtd.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.remote.ConnectionRouter;
import io.jvirtd.daemon.remote.RemoteProgram;
import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteSignatures;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.Listener;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

/**
 * Hostile input, fuzzed for a bounded time (issue 5, docs/robustness.md): the frame decoder,
 * the argument decoding of every remote procedure, and whole calls through the remote program
 * and the test driver on a real socket. Seeds are the frames captured from libvirt 9.0's
 * clients and libvirtd (src/test/resources/fuzz/capture-frames.txt) and random well-formed
 * arguments of every procedure ({@link RandomValues}); {@link Mutator} mutates them.
 *
 * <p>What must never happen: any exception but the declared ones ({@link FrameException},
 * {@link XdrException}), allocations out of proportion to the input, a decode or a call that
 * hangs, a dropped connection or a missing reply, an error logged by the daemon (its "bug
 * serving procedure"). A finding prints its input in hex and fails the test.
 *
 * <p>Budget: {@code -Djvirtd.fuzz.seconds=N} per target (default 2, so {@code mvn verify}
 * spends a few seconds); {@code -Djvirtd.fuzz.seed=S} replays a run. Figures of a long run are
 * in docs/robustness.md.
 */
class ProtocolFuzzTest {

    private static final long SECONDS = Long.getLong("jvirtd.fuzz.seconds", 2);
    private static final long SEED = Long.getLong("jvirtd.fuzz.seed", System.nanoTime());
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<String> findings = new ArrayList<>();

    private static List<byte[]> captureFrames() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (InputStream in = ProtocolFuzzTest.class.getResourceAsStream("/fuzz/capture-frames.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    frames.add(HexFormat.of().parseHex(line.split(" ")[0]));
                }
            }
        }
        assertTrue(frames.size() > 50, "capture seeds missing");
        return frames;
    }

    private void finding(String what, byte[] input, Throwable t) {
        String f = what + (t == null ? "" : ": " + t) + "\n    input " + HexFormat.of().formatHex(input);
        if (findings.size() < 20) {
            findings.add(f);
        }
        if (t != null && findings.size() == 1) {
            t.printStackTrace();
        }
    }

    private void report(String target, long inputs, long millis, String extra) {
        System.out.printf("fuzz %-16s seed %d: %,d inputs in %.1f s%s, %d findings%n", target, SEED, inputs,
                millis / 1000.0, extra, findings.size());
        assertEquals(List.of(), findings, "fuzz findings (seed " + SEED + ")");
    }

    // ------------------------------------------------------------------ frame decoder

    @Test
    void frameDecoderAcceptsOrRejectsEveryStreamWithinItsMemoryBound() throws Exception {
        List<byte[]> seeds = captureFrames();
        Random random = new Random(SEED);
        Mutator mutator = new Mutator(random);
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long inputs = 0;
        long messages = 0;
        long rejected = 0;
        while (System.nanoTime() < deadline) {
            // A stream: a few captured frames, some mutated, or random bytes.
            java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                byte[] f = seeds.get(random.nextInt(seeds.size()));
                s.writeBytes(random.nextInt(3) == 0 ? f : mutator.mutate(f, 1 << 16));
            }
            if (random.nextInt(10) == 0) {
                byte[] r = new byte[random.nextInt(4096)];
                random.nextBytes(r);
                s.writeBytes(r);
            }
            byte[] stream = s.toByteArray();
            inputs++;
            FrameDecoder d = new FrameDecoder();
            List<Message> out = new ArrayList<>();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                int at = 0;
                while (at < stream.length) {
                    int chunk = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 20000));
                    ByteBuffer direct = random.nextBoolean() ? d.directBuffer(1024) : null;
                    if (direct != null) {
                        int k = Math.min(chunk, direct.remaining());
                        direct.put(stream, at, k);
                        d.filled(k, out::add);
                        at += k;
                    } else {
                        d.feed(ByteBuffer.wrap(stream, at, chunk), out::add);
                        at += chunk;
                    }
                    if (d.bufferedCapacity() > Math.max(FrameDecoder.INITIAL_BUFFER, 2L * at)) {
                        finding("decoder holds " + d.bufferedCapacity() + " bytes after " + at + " fed", stream, null);
                        break;
                    }
                }
            } catch (FrameException e) {
                rejected++;
            } catch (Throwable t) {
                finding("frame decoder threw", stream, t);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated > 4L * stream.length + (1 << 20)) {
                finding("frame decoder allocated " + allocated + " bytes for " + stream.length, stream, null);
            }
            for (Message m : out) {
                if (m.frame().length < MessageHeader.SIZE) {
                    finding("message shorter than a header", stream, null);
                }
            }
            messages += out.size();
        }
        report("frame decoder", inputs, SECONDS * 1000, String.format(" (%,d messages, %,d streams rejected)",
                messages, rejected));
    }

    // ------------------------------------------------------------------ argument decoding

    @Test
    void everyProceduresArgumentsDecodeOrFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 120), this::fuzzArguments);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fuzzArguments() {
        Random random = new Random(SEED);
        RandomValues values = new RandomValues(random);
        Mutator mutator = new Mutator(random);
        List<Map.Entry<RemoteProcedure, RemoteSignatures.Signature>> procs = new ArrayList<>(
                RemoteSignatures.all().entrySet());
        Map<String, Integer> perOutcome = new TreeMap<>();
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long inputs = 0;
        long slowestNanos = 0;
        int round = 0;
        while (System.nanoTime() < deadline) {
            // Every procedure once per round, so each gets its share however short the budget.
            Map.Entry<RemoteProcedure, RemoteSignatures.Signature> e = procs.get(round++ % procs.size());
            XdrCodec codec = e.getValue().argsCodec();
            Object v = values.of(e.getValue().args());
            XdrWriter w = new XdrWriter(64);
            try {
                codec.encode(w, v);
            } catch (XdrException ex) {
                perOutcome.merge("generated value not encodable", 1, Integer::sum);
                continue;
            }
            byte[] valid = w.toByteArray();
            // The round trip: a valid encoding decodes, and encodes back to the same bytes.
            inputs++;
            try {
                Object back = codec.decode(new XdrReader(valid, 0, valid.length));
                XdrWriter w2 = new XdrWriter(64);
                codec.encode(w2, back);
                if (!Arrays.equals(valid, w2.toByteArray())) {
                    finding(e.getKey() + " round trip changed the bytes", valid, null);
                }
            } catch (Throwable t) {
                finding(e.getKey() + " could not decode its own encoding", valid, t);
            }
            for (int i = 0; i < 8; i++) {
                byte[] input;
                if (i < 7) {
                    input = mutator.mutate(valid, 1 << 16);
                } else {
                    input = new byte[random.nextInt(256)];
                    random.nextBytes(input);
                }
                inputs++;
                long before = THREADS.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                try {
                    codec.decode(new XdrReader(input, 0, input.length));
                    perOutcome.merge("mutant decoded", 1, Integer::sum);
                } catch (XdrException ex) {
                    perOutcome.merge("mutant rejected (XdrException)", 1, Integer::sum);
                } catch (Throwable t) {
                    finding(e.getKey() + " args decode threw", input, t);
                }
                long took = System.nanoTime() - t0;
                slowestNanos = Math.max(slowestNanos, took);
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                if (allocated > 64L * input.length + (256 << 10)) {
                    // Measure again: the first decode along a path may link call sites (one-off).
                    long again = decodeAllocation(codec, input);
                    if (again > 64L * input.length + (256 << 10)) {
                        finding(e.getKey() + " decode allocated " + again + " bytes for " + input.length, input, null);
                    }
                }
                if (took > 200_000_000L) {
                    // Again, to tell a slow decoder from a GC pause or a busy machine.
                    long t1 = System.nanoTime();
                    decodeAllocation(codec, input);
                    long again = System.nanoTime() - t1;
                    if (again > 200_000_000L) {
                        finding(e.getKey() + " decode took " + again / 1_000_000 + " ms for " + input.length
                                + " bytes", input, null);
                    }
                }
            }
        }
        report("argument decoding", inputs, SECONDS * 1000, String.format(" over %d procedures %s, slowest decode"
                + " %.2f ms", procs.size(), perOutcome, slowestNanos / 1e6));
    }

    @SuppressWarnings("rawtypes")
    private static long decodeAllocation(XdrCodec codec, byte[] input) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            codec.decode(new XdrReader(input, 0, input.length));
        } catch (RuntimeException e) {
            // its outcome was judged on the first run
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    // ------------------------------------------------------------------ whole calls

    /** Procedures that write or read files named by the caller: fuzzing them would touch the disk. */
    private static boolean touchesFiles(RemoteProcedure p) {
        String n = p.name();
        return n.contains("SAVE") || n.contains("RESTORE") || n.contains("CORE_DUMP") || n.contains("SCREENSHOT")
                || n.contains("UPLOAD") || n.contains("DOWNLOAD") || n.contains("MIGRATE");
    }

    @Test
    void wholeCallsAreAnsweredOnceAndNeverCrashTheServer() throws Exception {
        List<String> errors = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    synchronized (errors) {
                        errors.add(r.getLoggerName() + ": " + r.getMessage()
                                + (r.getThrown() == null ? "" : " " + r.getThrown()));
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("io.jvirtd");
        root.addHandler(h);
        EventLoop loop = new EventLoop("fuzz-loop");
        WorkerPool pool = new WorkerPool("fuzz", 2, 8, 2);
        NetServer server = new NetServer("libvirtd", loop, pool, ServerLimits.DEFAULTS, Ticker.SYSTEM);
        server.addProgram(new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))));
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        loop.start();
        server.enable();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 120),
                    () -> fuzzCalls((InetSocketAddress) l.channel().getLocalAddress()));
        } finally {
            root.removeHandler(h);
            CountDownLatch done = new CountDownLatch(1);
            server.shutdown(1000, () -> {
                done.countDown();
                loop.quit();
            });
            done.await(10, TimeUnit.SECONDS);
            loop.awaitTermination(10, TimeUnit.SECONDS);
            pool.shutdown();
        }
        synchronized (errors) {
            for (String e : errors) {
                finding("the daemon logged an error: " + e, new byte[0], null);
            }
        }
        assertEquals(List.of(), findings, "fuzz findings (seed " + SEED + ")");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fuzzCalls(InetSocketAddress address) throws IOException {
        Random random = new Random(SEED);
        RandomValues values = new RandomValues(random);
        Mutator mutator = new Mutator(random);
        List<RemoteProcedure> procs = new ArrayList<>();
        for (RemoteProcedure p : RemoteSignatures.all().keySet()) {
            if (!touchesFiles(p) && p != RemoteProcedure.CONNECT_CLOSE) {
                procs.add(p);
            }
        }
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long calls = 0;
        long ok = 0;
        int serial = 0;
        Conn c = Conn.open(address);
        int round = 0;
        while (System.nanoTime() < deadline) {
            RemoteProcedure p = procs.get(round++ % procs.size());
            XdrWriter w = new XdrWriter(64);
            try {
                ((XdrCodec) RemoteSignatures.of(p).argsCodec()).encode(w, values.of(RemoteSignatures.of(p).args()));
            } catch (XdrException ex) {
                continue;
            }
            byte[] body = random.nextInt(3) == 0 ? w.toByteArray() : mutator.mutate(w.toByteArray(), 1 << 16);
            byte[] frame = frame(p.number(), serial, body);
            calls++;
            try {
                c.out.write(frame);
                int status = c.awaitReply(serial);
                if (status == MessageHeader.STATUS_OK) {
                    ok++;
                }
            } catch (SocketTimeoutException e) {
                finding(p + " got no reply within 10 s", frame, null);
                c.close();
                c = Conn.open(address);
            } catch (EOFException e) {
                finding(p + ": the server closed the connection", frame, null);
                c = Conn.open(address);
            }
            serial++;
            if (random.nextInt(50) == 0) { // sometimes start over: open, calls before open
                c.close();
                c = Conn.open(address);
            }
        }
        c.close();
        report("whole calls", calls, SECONDS * 1000, String.format(" (%,d answered OK, the rest with errors)", ok));
    }

    private static byte[] frame(int proc, int serial, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(28 + body.length);
        b.putInt(b.capacity()).putInt(0x20008086).putInt(1).putInt(proc).putInt(MessageHeader.TYPE_CALL)
                .putInt(serial).putInt(MessageHeader.STATUS_OK).put(body);
        return b.array();
    }

    /** A blocking client: open the test host, then calls one at a time. */
    private static final class Conn {
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;

        private Conn(Socket s) throws IOException {
            this.socket = s;
            this.out = s.getOutputStream();
            this.in = new DataInputStream(s.getInputStream());
        }

        static Conn open(InetSocketAddress a) throws IOException {
            Socket s = new Socket(a.getAddress(), a.getPort());
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            Conn c = new Conn(s);
            byte[] uri = "test:///default".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer args = ByteBuffer.allocate(4 + 4 + 16 + 4);
            args.putInt(1).putInt(uri.length).put(uri).put(new byte[(4 - uri.length % 4) % 4]).putInt(0);
            c.out.write(frame(1, -1, Arrays.copyOf(args.array(), args.position())));
            if (c.awaitReply(-1) != MessageHeader.STATUS_OK) {
                throw new IOException("CONNECT_OPEN failed");
            }
            return c;
        }

        /** Reads frames until the reply to {@code serial}; returns its status. */
        int awaitReply(int serial) throws IOException {
            while (true) {
                int len = in.readInt();
                byte[] rest = new byte[len - 4];
                in.readFully(rest);
                ByteBuffer b = ByteBuffer.wrap(rest);
                int type = b.getInt(12);
                if (type == MessageHeader.TYPE_REPLY && b.getInt(16) == serial) {
                    return b.getInt(20);
                }
                // events (a fuzzed registration may deliver some) are skipped
            }
        }

        void close() throws IOException {
            socket.close();
        }
    }
}
