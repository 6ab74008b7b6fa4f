package io.jvirtd.rpc.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    /** virsh's first call, AUTH_LIST (docs/protocol.md §8), as captured from libvirt 9.0. */
    private static final byte[] AUTH_LIST_CALL = bytes(
            0x0000001c,  // length 28: header only
            0x20008086,  // program REMOTE
            0x00000001,  // version 1
            0x00000042,  // procedure 66 AUTH_LIST
            0x00000000,  // type CALL
            0x00000000,  // serial 0
            0x00000000); // status OK

    /** SUPPORTS_FEATURE(10), serial 1: a header and a 4-byte body. */
    private static final byte[] FEATURE_CALL = bytes(
            0x00000020, 0x20008086, 0x00000001, 0x0000003c, 0x00000000, 0x00000001, 0x00000000,
            0x0000000a); // feature 10 PROGRAM_KEEPALIVE

    private final List<Message> got = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void decodesOneWholeMessage() throws FrameException {
        decoder.feed(ByteBuffer.wrap(AUTH_LIST_CALL), got::add);
        assertEquals(1, got.size());
        MessageHeader h = got.get(0).header();
        assertEquals(new MessageHeader(0x20008086, 1, 66, MessageHeader.TYPE_CALL, 0, MessageHeader.STATUS_OK), h);
        assertEquals(0, got.get(0).bodyLength());
        assertTrue(decoder.atBoundary());
    }

    @Test
    void severalMessagesInOneReadComeOutInOrder() throws FrameException {
        decoder.feed(ByteBuffer.wrap(concat(AUTH_LIST_CALL, FEATURE_CALL, AUTH_LIST_CALL)), got::add);
        assertEquals(3, got.size());
        assertEquals(66, got.get(0).header().procedure());
        assertEquals(60, got.get(1).header().procedure());
        assertEquals(4, got.get(1).bodyLength());
        assertEquals(10, MessageHeader.word(got.get(1).frame(), Message.BODY_OFFSET));
    }

    @Test
    void messageSplitAtEveryByteBoundaryIsReassembled() throws FrameException {
        byte[] stream = concat(FEATURE_CALL, AUTH_LIST_CALL);
        for (int cut = 1; cut < stream.length; cut++) {
            FrameDecoder d = new FrameDecoder();
            List<Message> out = new ArrayList<>();
            d.feed(ByteBuffer.wrap(stream, 0, cut), out::add);
            d.feed(ByteBuffer.wrap(stream, cut, stream.length - cut), out::add);
            assertEquals(2, out.size(), "cut at " + cut);
            assertArrayEquals(slice(FEATURE_CALL, 4), out.get(0).frame(), "cut at " + cut);
        }
    }

    @Test
    void oneByteAtATimeWorks() throws FrameException {
        for (byte b : FEATURE_CALL) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}), got::add);
        }
        assertEquals(1, got.size());
    }

    @Test
    void lengthShorterThanHeaderIsRejected() {
        FrameException e = assertThrows(FrameException.class,
                () -> decoder.feed(ByteBuffer.wrap(bytes(8, 0)), got::add));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }

    @Test
    void lengthOverLimitIsRejectedBeforeAllocating() {
        // 0xffffffff would be 4 GiB; the decoder must refuse it from the length word alone.
        FrameException e = assertThrows(FrameException.class,
                () -> decoder.feed(ByteBuffer.wrap(bytes(0xffffffff)), got::add));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertThrows(FrameException.class, () -> new FrameDecoder().feed(
                ByteBuffer.wrap(bytes(MessageHeader.MAX_MESSAGE + 5)), got::add));
    }

    @Test
    void largestLegalMessageIsAccepted() throws FrameException {
        FrameDecoder d = new FrameDecoder(1024);
        byte[] frame = new byte[4 + 1024];
        ByteBuffer.wrap(frame).putInt(frame.length).putInt(0x20008086);
        d.feed(ByteBuffer.wrap(frame), got::add);
        assertEquals(1, got.size());
        assertEquals(1024 - MessageHeader.SIZE, got.get(0).bodyLength());
    }

    @Test
    void bigMessageCanBeReadStraightIntoItsBuffer() throws FrameException {
        byte[] frame = new byte[4 + 100_000];
        new Random(1).nextBytes(frame);
        ByteBuffer.wrap(frame).putInt(frame.length);
        decoder.feed(ByteBuffer.wrap(frame, 0, 1000), got::add);
        int at = 1000;
        for (ByteBuffer direct; (direct = decoder.directBuffer(16 * 1024)) != null; ) {
            assertTrue(direct.remaining() >= 16 * 1024, "room for at least the threshold");
            int n = Math.min(direct.remaining(), frame.length - at);
            direct.put(frame, at, n);
            decoder.filled(n, got::add);
            at += n;
        }
        decoder.feed(ByteBuffer.wrap(frame, at, frame.length - at), got::add);
        assertEquals(1, got.size());
        assertArrayEquals(slice(frame, 4), got.get(0).frame());
        assertNull(decoder.directBuffer(1));
    }

    @Test
    void anAdmittedMessageGetsItsWholeBufferAtOnceUpToTheLimit() throws FrameException {
        byte[] frame = new byte[4 + 300_000];
        new Random(2).nextBytes(frame);
        ByteBuffer.wrap(frame).putInt(frame.length);
        decoder.feed(ByteBuffer.wrap(frame, 0, 1000), got::add);
        decoder.allocateWhole(200_000);
        assertEquals(FrameDecoder.INITIAL_BUFFER, decoder.bufferedCapacity(), "above the limit: still grows");
        decoder.allocateWhole(300_000);
        assertEquals(300_000, decoder.bufferedCapacity());
        ByteBuffer direct = decoder.directBuffer(16 * 1024);
        assertEquals(frame.length - 1000, direct.remaining(), "the rest in one read");
        direct.put(frame, 1000, frame.length - 1000);
        decoder.filled(frame.length - 1000, got::add);
        assertArrayEquals(slice(frame, 4), got.get(0).frame());
    }

    /** A stream data packet (type STREAM, status CONTINUE) with {@code body} random bytes, length word first. */
    private static byte[] dataPacket(int body, int seed) {
        byte[] frame = new byte[4 + MessageHeader.SIZE + body];
        new Random(seed).nextBytes(frame);
        ByteBuffer.wrap(frame).putInt(frame.length).putInt(0x20008086).putInt(1).putInt(208)
                .putInt(MessageHeader.TYPE_STREAM).putInt(7).putInt(MessageHeader.STATUS_CONTINUE);
        return frame;
    }

    @Test
    void anAdmittedStreamDataPacketIsReadIntoAPooledDirectBufferAndGoesBackOnRelease() throws FrameException {
        DirectFramePool pool = new DirectFramePool(2);
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, pool);
        byte[] packet = dataPacket(StreamFrames.CHUNK, 3);
        d.feed(ByteBuffer.wrap(packet, 0, 28), got::add); // the length word and the header
        assertEquals(MessageHeader.SIZE, d.bufferedCapacity(), "the header alone: no 8 KiB array per packet");
        d.allocateWhole(1024 * 1024);
        assertEquals(1, pool.inUse());
        assertEquals(DirectFramePool.capacityFor(packet.length - 4), d.bufferedCapacity(), "charged: the buffer");
        assertTrue(d.bufferedCapacity() - (packet.length - 4) <= MessageHeader.SIZE, "virsh's packet fits its buffer");
        ByteBuffer into = d.directBuffer(16 * 1024);
        assertTrue(into.isDirect(), "the socket is read straight into the pooled buffer");
        into.put(packet, 28, 100_000);
        d.filled(100_000, got::add);
        d.feed(ByteBuffer.wrap(packet, 100_028, packet.length - 100_028), got::add); // the rest copied in
        assertEquals(1, got.size());
        Message m = got.get(0);
        assertTrue(m.isDirect());
        assertNull(m.frame());
        assertEquals(new MessageHeader(0x20008086, 1, 208, MessageHeader.TYPE_STREAM, 7, MessageHeader.STATUS_CONTINUE),
                m.header());
        assertEquals(packet.length - 4, m.size());
        ByteBuffer body = m.body();
        byte[] read = new byte[body.remaining()];
        body.get(read);
        assertArrayEquals(java.util.Arrays.copyOfRange(packet, 28, packet.length), read);
        m.release();
        m.release(); // once only
        assertEquals(0, pool.inUse());
        assertEquals(1, pool.idle());
        d.feed(ByteBuffer.wrap(packet, 0, 28), got::add);
        d.allocateWhole(1024 * 1024);
        assertEquals(1, pool.allocated(), "the next packet reuses it");
    }

    /**
     * A pooled packet's last few bytes (fewer than the threshold) are read straight into its
     * buffer too, so the read stops at the packet's end: the next packet's header is read on its
     * own and its body goes into a pooled buffer of its own, with no heap array in between.
     */
    @Test
    void aPooledPacketsShortTailIsReadIntoItsBufferSoTheNextPacketStartsAlone() throws FrameException {
        DirectFramePool pool = new DirectFramePool(4);
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, pool);
        byte[] first = dataPacket(StreamFrames.CHUNK, 10);
        d.feed(ByteBuffer.wrap(first, 0, 28), got::add);
        d.allocateWhole(1024 * 1024);
        int tail = 6340; // what a unix socket's last read of the body often left
        d.directBuffer(16 * 1024).put(first, 28, first.length - 28 - tail);
        d.filled(first.length - 28 - tail, got::add);
        ByteBuffer rest = d.directBuffer(16 * 1024);
        assertNotNull(rest, "the short tail still goes into the pooled buffer");
        assertTrue(rest.isDirect());
        assertEquals(tail, rest.remaining(), "no more than the packet: the next header is not read with it");
        rest.put(first, first.length - tail, tail);
        d.filled(tail, got::add);
        assertTrue(d.atBoundary());
        assertEquals(1, got.size());
        assertTrue(got.get(0).isDirect());
        byte[] read = new byte[got.get(0).bodyLength()];
        got.get(0).body().get(read);
        assertArrayEquals(java.util.Arrays.copyOfRange(first, 28, first.length), read);
        byte[] second = dataPacket(StreamFrames.CHUNK, 11);
        d.feed(ByteBuffer.wrap(second, 0, 28), got::add);
        assertEquals(MessageHeader.SIZE, d.bufferedCapacity(), "the next packet starts in a header-sized array");
        assertNull(new FrameDecoder().directBuffer(1), "nothing pending: no buffer");
    }

    @Test
    void callsAndPacketsWhoseHeaderIsNotInYetStayInHeapArrays() throws FrameException {
        DirectFramePool pool = new DirectFramePool(2);
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, pool);
        byte[] call = dataPacket(100_000, 4);
        ByteBuffer.wrap(call).putInt(16, MessageHeader.TYPE_CALL);
        d.feed(ByteBuffer.wrap(call, 0, 1000), got::add);
        d.allocateWhole(1024 * 1024);
        d.feed(ByteBuffer.wrap(call, 1000, call.length - 1000), got::add);
        assertArrayEquals(slice(call, 4), got.get(0).frame());
        byte[] packet = dataPacket(100_000, 5);
        d.feed(ByteBuffer.wrap(packet, 0, 20), got::add); // header incomplete at admission
        d.allocateWhole(1024 * 1024);
        d.feed(ByteBuffer.wrap(packet, 20, packet.length - 20), got::add);
        assertArrayEquals(slice(packet, 4), got.get(1).frame());
        assertEquals(0, pool.allocated());
    }

    @Test
    void aDroppedConnectionGivesBackTheHalfReadPacketsBuffer() throws FrameException {
        DirectFramePool pool = new DirectFramePool(2);
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, pool);
        d.feed(ByteBuffer.wrap(dataPacket(StreamFrames.CHUNK, 6), 0, 5000), got::add);
        d.allocateWhole(1024 * 1024);
        assertEquals(1, pool.inUse());
        d.discard();
        assertEquals(0, pool.inUse());
        assertTrue(d.atBoundary());
    }

    @Test
    void powerOfTwoPacketsFitTheirBufferExactly() {
        assertEquals((64 << 10) + MessageHeader.SIZE, DirectFramePool.capacityFor((64 << 10) + MessageHeader.SIZE));
        assertEquals((256 << 10) + MessageHeader.SIZE, DirectFramePool.capacityFor(DirectFramePool.FRAME));
        assertEquals((16 << 10) + MessageHeader.SIZE, DirectFramePool.capacityFor(9000));
    }

    @Test
    void thePoolKeepsAtMostItsIdleBound() {
        DirectFramePool pool = new DirectFramePool(1);
        ByteBuffer a = pool.take(DirectFramePool.FRAME);
        ByteBuffer b = pool.take(DirectFramePool.FRAME - 100);
        assertEquals(DirectFramePool.capacityFor(DirectFramePool.FRAME), a.capacity());
        pool.give(a);
        pool.give(b);
        assertEquals(0, pool.inUse());
        assertEquals(1, pool.idle());
    }

    @Test
    void aPacketGetsTheNextBufferSizeUpAndIsChargedForAllOfIt() throws FrameException {
        DirectFramePool pool = new DirectFramePool(2);
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, pool);
        byte[] packet = dataPacket(300 * 1024, 8); // a client's own virStreamSend of 300 KiB: one packet
        d.feed(ByteBuffer.wrap(packet, 0, 28), got::add);
        assertEquals((512 << 10) + MessageHeader.SIZE, d.wholeMemory(), "what admission charges: the next size up");
        d.allocateWhole(1024 * 1024);
        assertEquals((512 << 10) + MessageHeader.SIZE, d.bufferedCapacity());
        d.feed(ByteBuffer.wrap(packet, 28, packet.length - 28), got::add);
        Message m = got.get(0);
        assertTrue(m.isDirect());
        assertEquals((512 << 10) + MessageHeader.SIZE, m.memory());
        assertEquals(300 * 1024, m.bodyLength());
        m.release();
        byte[] big = dataPacket((1 << 20) + 1, 9); // beyond the largest buffer: a heap array
        d.feed(ByteBuffer.wrap(big, 0, 28), got::add);
        assertEquals(big.length - 4, d.wholeMemory());
        d.allocateWhole(2 * 1024 * 1024);
        d.feed(ByteBuffer.wrap(big, 28, big.length - 28), got::add);
        assertArrayEquals(slice(big, 4), got.get(1).frame());
        assertEquals(0, pool.inUse());
    }

    @Test
    void aLargeCallWhoseHeaderCameAloneGrowsFromTheHeaderAndArrivesIntact() throws FrameException {
        FrameDecoder d = new FrameDecoder(MessageHeader.MAX_MESSAGE, new DirectFramePool(2));
        byte[] frame = new byte[4 + 100_000];
        new Random(9).nextBytes(frame);
        ByteBuffer.wrap(frame).putInt(frame.length).putInt(0x20008086).putInt(1).putInt(208)
                .putInt(MessageHeader.TYPE_CALL);
        d.feed(ByteBuffer.wrap(frame, 0, 28), got::add);
        assertEquals(MessageHeader.SIZE, d.bufferedCapacity());
        for (int at = 28; at < frame.length; at += 5000) {
            d.feed(ByteBuffer.wrap(frame, at, Math.min(5000, frame.length - at)), got::add);
            int fed = Math.min(at + 5000, frame.length);
            assertTrue(d.bufferedCapacity() <= Math.max(FrameDecoder.INITIAL_BUFFER, 2 * fed), "after " + fed);
        }
        assertEquals(1, got.size());
        assertFalse(got.get(0).isDirect(), "a call is not stream data");
        assertArrayEquals(slice(frame, 4), got.get(0).frame());
    }

    @Test
    void announcingAHugeMessageCostsOnlyWhatIsSent() throws FrameException {
        // 32 MiB announced, 100 bytes sent: the buffer is the initial one, not 32 MiB.
        ByteBuffer start = ByteBuffer.allocate(4 + 100);
        start.putInt(MessageHeader.MAX_MESSAGE + 4).putInt(0x20008086).flip();
        decoder.feed(start, got::add);
        assertEquals(FrameDecoder.INITIAL_BUFFER, decoder.bufferedCapacity());
        // After 1 MiB more it holds at most twice what arrived.
        byte[] chunk = new byte[64 * 1024];
        long sent = 100;
        for (int i = 0; i < 16; i++) {
            decoder.feed(ByteBuffer.wrap(chunk), got::add);
            sent += chunk.length;
            assertTrue(decoder.bufferedCapacity() <= 2 * sent, decoder.bufferedCapacity() + " for " + sent);
        }
        assertEquals(0, got.size());
    }

    @Test
    void grownMessageIsDeliveredWithExactlyItsLength() throws FrameException {
        for (int size : new int[] {28, FrameDecoder.INITIAL_BUFFER - 1, FrameDecoder.INITIAL_BUFFER + 4,
            3 * FrameDecoder.INITIAL_BUFFER + 5, 1_000_003}) {
            byte[] frame = new byte[size];
            new Random(size).nextBytes(frame);
            ByteBuffer.wrap(frame).putInt(size).putInt(0x20008086);
            FrameDecoder d = new FrameDecoder();
            List<Message> out = new ArrayList<>();
            for (int at = 0; at < size; at += 777) {
                d.feed(ByteBuffer.wrap(frame, at, Math.min(777, size - at)), out::add);
            }
            assertEquals(1, out.size(), "size " + size);
            assertArrayEquals(slice(frame, 4), out.get(0).frame(), "size " + size);
            assertEquals(0, d.bufferedCapacity());
        }
    }

    /**
     * The client memory budget's free allowance rests on this: feeding at most
     * {@link FrameDecoder#INITIAL_BUFFER} bytes to a decoder whose message in progress (if
     * any) is no longer than that never leaves a buffer larger than that, whatever the stream
     * holds, so a message longer than it can be admitted before more of it is read.
     */
    @Test
    void smallFeedsNeverGrowAMessageBeyondTheInitialBuffer() throws FrameException {
        Random r = new Random(20261207);
        int limit = FrameDecoder.INITIAL_BUFFER;
        for (int stream = 0; stream < 200; stream++) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            while (b.remaining() > 64 * 1024) { // small and large messages, mixed
                int len = r.nextInt(4) == 0 ? 28 + r.nextInt(60_000) : 28 + 4 * r.nextInt(64);
                b.putInt(len).putInt(0x20008086).putInt(1).putInt(1).putInt(0).putInt(0).putInt(0);
                b.position(b.position() + len - 28);
            }
            b.flip();
            FrameDecoder d = new FrameDecoder();
            while (b.hasRemaining()) {
                if (d.pendingLength() > limit) { // admitted: read the rest of it at any size
                    int n = Math.min(b.remaining(), d.pendingLength() - d.bufferedHave());
                    ByteBuffer chunk = b.slice().limit(n);
                    b.position(b.position() + n);
                    d.feed(chunk, m -> { });
                    continue;
                }
                int n = Math.min(b.remaining(), 1 + r.nextInt(limit));
                ByteBuffer chunk = b.slice().limit(n);
                b.position(b.position() + n);
                d.feed(chunk, m -> { });
                assertTrue(d.bufferedCapacity() <= limit, "a feed of " + n + " grew a message of "
                        + d.pendingLength() + " to " + d.bufferedCapacity());
            }
            assertEquals(0, d.pendingLength());
        }
    }

    static byte[] bytes(int... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] slice(byte[] a, int from) {
        return java.util.Arrays.copyOfRange(a, from, a.length);
    }
}
