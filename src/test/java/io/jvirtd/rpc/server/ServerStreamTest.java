package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private final TestProgram program = new TestProgram() {
        @Override
        public void dispatch(ServerClient client, Message call) {
            MessageHeader h = call.header();
            ServerStream s = h.procedure() == UPLOAD ? client.openStream(h, sink, false, false)
                    : h.procedure() == DOWNLOAD ? client.openStream(h, source, true, false) : null;
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
