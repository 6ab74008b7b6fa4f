package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.message.DirectFramePool;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.StreamFrames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The rpc layer's data streams on a real server and socket: a writer that does not keep up
 * holds back only its own client, with the memory it makes the daemon hold bounded; a client
 * that does not read its download holds back nothing; finish and abort are confirmed; a hole
 * on a stream not opened sparse closes the client; packets for no stream are ignored.
 */
class ServerStreamTest {

    private static final int UPLOAD = 1;
    private static final int DOWNLOAD = 2;
    private static final int PLAIN = 3;
    private static final int CHUNK = StreamFrames.CHUNK;

    /**
     * The io of a stream: an upload's takes bytes only while the gate is open; a download's
     * ({@code endless}) gives endless data, counted.
     */
    static final class TestIo implements StreamIo {
        final boolean endless;
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicLong written = new AtomicLong();
        final AtomicLong produced = new AtomicLong();
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicBoolean aborted = new AtomicBoolean();

        TestIo(boolean endless) {
            this.endless = endless;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!endless) {
                throw new StreamIo.Failure(io.jvirtd.rpc.message.RpcError.rpc("not readable"));
            }
            int n = dst.remaining();
            dst.position(dst.position() + n);
            produced.addAndGet(n);
            return n;
        }

        @Override
        public void write(ByteBuffer src) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.addAndGet(src.remaining());
            src.position(src.limit());
        }

        @Override
        public long section() {
            return Long.MAX_VALUE;
        }

        @Override
        public void skip(long length) {
        }

        @Override
        public void finish() {
            finished.countDown();
        }

        @Override
        public void abort() {
            aborted.set(true);
        }
    }

    private final TestIo sink = new TestIo(false);
    private final TestIo source = new TestIo(true);

    /**
     * The io of a console whose guest does not read: it takes at most {@code room} bytes and
     * never waits (so the stream serves it inline); {@link #makeRoom} lets more in and says so, as a console's writer thread does.
     */
    static final class StallingIo implements StreamIo {
        final AtomicLong room = new AtomicLong();
        final java.io.ByteArrayOutputStream taken = new java.io.ByteArrayOutputStream();
        final AtomicLong writes = new AtomicLong();
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicBoolean aborted = new AtomicBoolean();
        volatile ServerStream stream;

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public void write(ByteBuffer src) {
            writes.incrementAndGet();
            int n = (int) Math.min(src.remaining(), room.get());
            room.addAndGet(-n);
            byte[] bytes = new byte[n]; // src may be a direct buffer (a pooled upload packet)
            src.get(bytes);
            synchronized (taken) {
                taken.write(bytes, 0, n);
            }
        }

        @Override
        public boolean neverBlocks() {
            return true; // as a console: served on the loop and on the thread that makes room
        }

        void makeRoom(long n) {
            room.addAndGet(n);
            stream.writable();
        }

        int takenBytes() {
            synchronized (taken) {
                return taken.size();
            }
        }

        @Override
        public long section() {
            return Long.MAX_VALUE;
        }

        @Override
        public void skip(long length) {
        }

        @Override
        public void finish() {
            finished.countDown();
        }

        @Override
        public void abort() {
            aborted.set(true);
        }
    }

    /**
     * The io of a console whose pty the event loop reads: {@link #next} is what the loop read,
     * taken by {@link #read}, which notes the thread it ran on.
     */
    static final class LoopReadIo implements StreamIo {
        volatile byte[] next;
        final AtomicLong asked = new AtomicLong();
        final java.util.List<String> dataReadOn = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        volatile ServerStream stream;

        @Override
        public int available() {
            asked.incrementAndGet();
            byte[] b = next;
            return b == null ? 0 : b.length;
        }

        @Override
        public int read(ByteBuffer dst) {
            byte[] b = next;
            if (b == null) {
                return 0;
            }
            next = null;
            dst.put(b);
            dataReadOn.add(Thread.currentThread().getName());
            return b.length;
        }

        @Override
        public void write(ByteBuffer src) {
            src.position(src.limit());
        }

        @Override
        public boolean neverBlocks() {
            return true;
        }

        @Override
        public long section() {
            return Long.MAX_VALUE;
        }

        @Override
        public void skip(long length) {
        }

        @Override
        public void finish() {
        }

        @Override
        public void abort() {
        }
    }

    private static final int CONSOLE = 4;
    private static final int ECHO = 5;
    private static final int BROKEN = 6;
    private final StallingIo console = new StallingIo();
    private final LoopReadIo echoes = new LoopReadIo();
    /** A download whose io has a bug: its read throws what no io should. */
    private final StreamIo broken = new StreamIo() {
        @Override
        public int read(ByteBuffer dst) {
            throw new IllegalStateException("secret internal detail");
        }

        @Override
        public void write(ByteBuffer src) {
        }

        @Override
        public long section() {
            return 0;
        }

        @Override
        public void skip(long length) {
        }

        @Override
        public void finish() {
        }

        @Override
        public void abort() {
        }
    };

    private final TestProgram program = new TestProgram() {
        @Override
        public void dispatch(ServerClient client, Message call) {
            MessageHeader h = call.header();
            ServerStream s = h.procedure() == UPLOAD ? client.openStream(h, sink, false, false)
                    : h.procedure() == DOWNLOAD ? client.openStream(h, source, true, false)
                    : h.procedure() == CONSOLE ? client.openStream(h, console, false, false)
                    : h.procedure() == ECHO ? client.openStream(h, echoes, true, false)
                    : h.procedure() == BROKEN ? client.openStream(h, broken, true, false) : null;
            if (h.procedure() == CONSOLE) {
                console.stream = s;
            }
            if (h.procedure() == ECHO) {
                echoes.stream = s;
            }
            client.sendReply(ReplyFrames.finishFrame(ReplyFrames.startFrame(h.reply(MessageHeader.STATUS_OK), 0)));
            if (s != null) {
                s.start();
            }
        }
    };

    private static byte[] packet(int procedure, int serial, int type, int status, int dataLength) {
        ByteBuffer b = ByteBuffer.allocate(28 + dataLength);
        b.putInt(b.capacity()).putInt(TestProgram.PROGRAM).putInt(1).putInt(procedure).putInt(type).putInt(serial)
                .putInt(status);
        return b.array();
    }

    private static void expectReply(WireSocket s, int procedure, int serial) throws IOException {
        ByteBuffer f = s.readFrame();
        assertEquals(procedure, f.getInt(8));
        assertEquals(MessageHeader.TYPE_REPLY, f.getInt(12));
        assertEquals(serial, f.getInt(16));
    }

    /** Waits for a condition the server reaches on its own threads (fails after 10 s). */
    private static void await(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.onSpinWait();
        }
    }

    @Test
    void aSlowWriterHoldsBackOnlyItsClientWithBoundedMemory() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket uploader = rs.connect();
             WireSocket other = rs.connect()) {
            ClientMemoryBudget budget = rs.server().memoryBudget();
            uploader.call(TestProgram.PROGRAM, UPLOAD, MessageHeader.TYPE_CALL, 1);
            expectReply(uploader, UPLOAD, 1);
            byte[] data = packet(UPLOAD, 1, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, CHUNK);
            int packets = 256; // 64 MiB: far beyond what the socket buffers take
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < packets; i++) {
                        uploader.send(data);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            await("the stream's queue fills", () -> budget.heldBytes() >= ServerStream.RX_LIMIT);

            other.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 7);
            expectReply(other, PLAIN, 7);
            writer.join(1000);
            assertTrue(writer.isAlive(), "the uploader is held back while its sink does not take data");
            long held = budget.heldBytes();
            assertTrue(held <= ServerStream.RX_LIMIT + 3L * (CHUNK + 32), "held " + held + " bytes");
            assertEquals(0, sink.written.get());

            sink.gate.countDown();
            writer.join(30_000);
            assertFalse(writer.isAlive());
            uploader.send(packet(UPLOAD, 1, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_OK, 0));
            ByteBuffer ok = uploader.readFrame();
            assertEquals(MessageHeader.TYPE_STREAM, ok.getInt(12));
            assertEquals(MessageHeader.STATUS_OK, ok.getInt(20));
            assertTrue(sink.finished.await(5, TimeUnit.SECONDS));
            assertEquals((long) packets * CHUNK, sink.written.get(), "every byte, in one piece");
            await("the budget is back to nothing", () -> budget.heldBytes() == 0);
        }
    }

    /**
     * An upload packet goes to its worker together with the next one when that one is already
     * being read (one wake-up per two packets), but never waits for anything else: a packet the
     * client sends alone is written without a finish or another packet after it, and one held
     * for its successor is written once the successor is complete, both in order.
     */
    @Test
    void anUploadPacketWaitsAtMostForTheRestOfTheNextOne() throws Exception {
        try (RunningServer rs = RunningServer.start(program); WireSocket uploader = rs.connect()) {
            sink.gate.countDown();
            uploader.call(TestProgram.PROGRAM, UPLOAD, MessageHeader.TYPE_CALL, 1);
            expectReply(uploader, UPLOAD, 1);
            byte[] data = packet(UPLOAD, 1, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, CHUNK);
            uploader.send(data);
            await("a lone packet is written without anything after it", () -> sink.written.get() == CHUNK);
            for (int round = 1; round <= 3; round++) {
                uploader.send(data);
                uploader.send(java.util.Arrays.copyOf(data, data.length / 2)); // the next one, half sent
                uploader.send(java.util.Arrays.copyOfRange(data, data.length / 2, data.length));
                long want = (1 + 2L * round) * CHUNK;
                await("both packets are written once the second is complete", () -> sink.written.get() == want);
            }
            uploader.send(packet(UPLOAD, 1, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_OK, 0));
            ByteBuffer ok = uploader.readFrame();
            assertEquals(MessageHeader.STATUS_OK, ok.getInt(20));
            assertEquals(7L * CHUNK, sink.written.get());
            await("the budget is back to nothing", () -> rs.server().memoryBudget().heldBytes() == 0);
        }
    }

    @Test
    void aClientThatDoesNotReadItsDownloadHoldsBackNothingElse() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket reader = rs.connect();
             WireSocket other = rs.connect()) {
            ClientMemoryBudget budget = rs.server().memoryBudget();
            reader.call(TestProgram.PROGRAM, DOWNLOAD, MessageHeader.TYPE_CALL, 3);
            expectReply(reader, DOWNLOAD, 3);
            await("the download starts", () -> source.produced.get() > 4L * CHUNK);

            other.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 8);
            expectReply(other, PLAIN, 8);
            assertTrue(budget.heldBytes() <= ServerStream.TX_WINDOW + 4L * CHUNK, "held " + budget.heldBytes());
            // the socket's buffers full, the chunks within the window wait in pooled direct buffers
            await("chunks wait unwritten", () -> rs.server().framePool().inUse() > 0);

            for (int i = 0; i < 40; i++) { // ten MiB read: the stream keeps going as the client reads
                ByteBuffer f = reader.readFrame();
                assertEquals(MessageHeader.TYPE_STREAM, f.getInt(12));
                assertEquals(MessageHeader.STATUS_CONTINUE, f.getInt(20));
            }
            reader.send(packet(DOWNLOAD, 3, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_ERROR, 0));
            ByteBuffer f;
            do {
                f = reader.readFrame();
            } while (f.getInt(20) == MessageHeader.STATUS_CONTINUE);
            assertEquals(MessageHeader.STATUS_OK, f.getInt(20), "the abort is confirmed");
            await("the source is aborted", source.aborted::get);
            reader.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 9);
            expectReply(reader, PLAIN, 9);
            await("every chunk's buffer is back in the pool", () -> rs.server().framePool().inUse() == 0);
        }
    }

    /** A client that goes away in the middle of a download: its chunks' pooled buffers all come back. */
    @Test
    void aDownloadersChunksGoBackToThePoolWhenItGoesAway() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket other = rs.connect()) {
            DirectFramePool pool = rs.server().framePool();
            long allocatedBefore = pool.allocated();
            try (WireSocket reader = rs.connect()) {
                reader.call(TestProgram.PROGRAM, DOWNLOAD, MessageHeader.TYPE_CALL, 3);
                expectReply(reader, DOWNLOAD, 3);
                for (int i = 0; i < 20; i++) {
                    reader.readFrame(); // chunks written and read: their buffers are reused
                }
                await("chunks wait for the reader", () -> pool.inUse() > 0);
            } // closed with chunks unwritten and the service still producing
            await("every buffer is back", () -> pool.inUse() == 0 && source.aborted.get());
            assertTrue(pool.allocated() - allocatedBefore <= 16, "buffers are reused: " + (pool.allocated() - allocatedBefore));
            other.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 8);
            expectReply(other, PLAIN, 8);
        }
    }

    /**
     * A bug in a stream's io ends that stream with libvirt's internal error and a log
     * reference, never Java's exception text; the client's connection goes on.
     */
    @Test
    void aBugInAStreamsIoEndsItWithAnInternalErrorThatShowsNoInternals() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket s = rs.connect()) {
            s.call(TestProgram.PROGRAM, BROKEN, MessageHeader.TYPE_CALL, 4);
            expectReply(s, BROKEN, 4);
            ByteBuffer f = s.readFrame();
            assertEquals(MessageHeader.TYPE_STREAM, f.getInt(12));
            assertEquals(MessageHeader.STATUS_ERROR, f.getInt(20));
            String body = new String(f.array(), f.arrayOffset(), f.limit(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("internal error: unexpected failure in the stream of procedure 6 (see the daemon log, error "),
                    body);
            assertTrue(!body.contains("IllegalStateException") && !body.contains("secret"), body);
            s.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 5);
            expectReply(s, PLAIN, 5);
        }
    }

    /**
     * A console whose pty the event loop reads wakes its stream on the loop: the echo is read,
     * framed and queued for the socket there, in that turn, by no worker.
     */
    @Test
    void anEchoTheLoopReadIsSentFromTheLoop() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket c = rs.connect()) {
            c.call(TestProgram.PROGRAM, ECHO, MessageHeader.TYPE_CALL, 6);
            expectReply(c, ECHO, 6);
            // the start's service job asked once, found nothing and ended: the stream waits for a wake
            await("the stream waits for data", () -> echoes.asked.get() > 0 && !echoes.stream.serviceRunning());
            for (int i = 0; i < 5; i++) {
                byte[] echo = ("echo-" + i).getBytes();
                rs.loop().execute(() -> {
                    echoes.next = echo;
                    echoes.stream.wake();
                });
                ByteBuffer f = c.readFrame();
                assertEquals(MessageHeader.TYPE_STREAM, f.getInt(12));
                assertEquals(MessageHeader.STATUS_CONTINUE, f.getInt(20));
                byte[] got = new byte[f.remaining() - 24];
                f.position(24).get(got);
                assertEquals(new String(echo), new String(got));
            }
            assertEquals(java.util.Collections.nCopies(5, "test-loop"), echoes.dataReadOn);
        }
    }

    private static byte[] numbered(int serial, int first, int length) {
        byte[] p = packet(CONSOLE, serial, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, length);
        for (int i = 0; i < length; i++) {
            p[28 + i] = (byte) (first + i);
        }
        return p;
    }

    @Test
    void aSinkThatStallsHoldsNoWorkerAndGetsEveryByteInOrderOnceItTakesAgain() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket typist = rs.connect();
             WireSocket other = rs.connect()) {
            ClientMemoryBudget budget = rs.server().memoryBudget();
            typist.call(TestProgram.PROGRAM, CONSOLE, MessageHeader.TYPE_CALL, 5);
            expectReply(typist, CONSOLE, 5);
            console.room.set(1000);
            int packets = 400; // 400 x 64 KiB: far beyond the stream's limit and the socket buffers
            int size = 64 * 1024;
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < packets; i++) {
                        typist.send(numbered(5, i * size, size));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            await("the stream's queue fills behind the stalled sink", () -> budget.heldBytes() >= ServerStream.RX_LIMIT);
            assertEquals(1000, console.takenBytes());
            long writes = console.writes.get();

            // no worker waits for the sink, and another client is served
            other.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 100);
            expectReply(other, PLAIN, 100);
            io.jvirtd.rpc.pool.WorkerPool pool = rs.server().pool();
            await("every worker is free", () -> pool.freeWorkers() == pool.nWorkers());
            assertTrue(writer.isAlive(), "the typist is held back");
            assertEquals(writes, console.writes.get(), "nothing is offered to the sink until it has room");
            assertTrue(budget.heldBytes() <= ServerStream.RX_LIMIT + 3L * (size + 32), "held " + budget.heldBytes());

            console.makeRoom(Long.MAX_VALUE / 2);
            writer.join(30_000);
            assertFalse(writer.isAlive());
            typist.send(packet(CONSOLE, 5, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_OK, 0));
            ByteBuffer ok = typist.readFrame();
            assertEquals(MessageHeader.STATUS_OK, ok.getInt(20));
            assertTrue(console.finished.await(5, TimeUnit.SECONDS));
            byte[] got = console.taken.toByteArray();
            assertEquals(packets * size, got.length);
            for (int i = 0; i < got.length; i++) {
                if (got[i] != (byte) i) {
                    throw new AssertionError("byte " + i + " out of order");
                }
            }
            await("the budget is back to nothing", () -> budget.heldBytes() == 0);
        }
    }

    @Test
    void anAbortDropsTheDataAStalledSinkHasNotTaken() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket typist = rs.connect()) {
            ClientMemoryBudget budget = rs.server().memoryBudget();
            typist.call(TestProgram.PROGRAM, CONSOLE, MessageHeader.TYPE_CALL, 6);
            expectReply(typist, CONSOLE, 6);
            typist.send(numbered(6, 0, 4096));
            typist.send(numbered(6, 4096, 4096));
            await("the sink was offered the data", () -> console.writes.get() > 0);
            typist.send(packet(CONSOLE, 6, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_ERROR, 0));
            ByteBuffer ok = typist.readFrame();
            assertEquals(MessageHeader.TYPE_STREAM, ok.getInt(12));
            assertEquals(MessageHeader.STATUS_OK, ok.getInt(20), "the abort is confirmed while the sink still stalls");
            await("the io is aborted", console.aborted::get);
            assertEquals(0, console.takenBytes());
            await("the budget is back to nothing", () -> budget.heldBytes() == 0);
            typist.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 7);
            expectReply(typist, PLAIN, 7);
        }
    }

    @Test
    void strayPacketsAreIgnoredAndAHoleOnADenseStreamClosesTheClient() throws Exception {
        try (RunningServer rs = RunningServer.start(program);
             WireSocket c = rs.connect()) {
            c.send(packet(UPLOAD, 99, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, 100));
            c.send(packet(UPLOAD, 99, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_OK, 0));
            c.call(TestProgram.PROGRAM, PLAIN, MessageHeader.TYPE_CALL, 1);
            expectReply(c, PLAIN, 1);

            c.call(TestProgram.PROGRAM, UPLOAD, MessageHeader.TYPE_CALL, 2);
            expectReply(c, UPLOAD, 2);
            ByteBuffer hole = ByteBuffer.wrap(packet(UPLOAD, 2, MessageHeader.TYPE_STREAM_HOLE,
                    MessageHeader.STATUS_CONTINUE, 12));
            hole.putLong(28, 4096);
            sink.gate.countDown();
            c.send(hole.array());
            assertTrue(c.awaitClosed(), "libvirtd closes a client that sends an unexpected hole");
            await("its stream is aborted", sink.aborted::get);
        }
    }
}
