package io.jvirtd.rpc.message;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers for the stream data packets clients send (a vol-upload's 256 KiB packets), so
 * that their bytes go from the socket into one buffer and from there into the file without a
 * copy of ours or the JDK's (the JDK reads a socket into, and writes a file from, a heap buffer
 * through a temporary direct buffer of its own: two more copies of every byte, and a new zeroed
 * array per packet). A {@link FrameDecoder} takes a buffer for a packet whose memory its owner
 * has already charged (the buffer's whole capacity: {@link Message#memory}), and the packet's
 * last holder gives it back ({@link Message#release}). Buffers come in sizes of a power of two
 * from 16 KiB to 1 MiB plus a header, so a packet whose data is a power of two (a client's own
 * virStreamSend of 64 KiB, python3-libvirt's 256 KiB) or just below one (virStreamSendAll's
 * 262,120 bytes: virsh) fits one exactly, and no packet takes more than twice its size; larger
 * packets stay in heap arrays. Buffers that come back while {@link #maxIdle} of their size
 * wait already are left to the collector.
 *
 * <p>The other way, a sending stream's data frames (a vol-download's 256 KiB chunks) come from
 * here too ({@link StreamFrames#newData(MessageHeader, int, DirectFramePool)}): the file is read
 * into the frame and the socket written from it, with no copy through a temporary direct buffer
 * and no zeroed array per chunk; whoever drops the frame (written, or its client closed) gives
 * it back ({@link #give}).
 *
 * <p>Any thread: the decoder takes on the event loop, stream services on workers; buffers come
 * back on either.
 */
public final class DirectFramePool {

    /**
     * A frame of the largest data packet libvirt's client sends (header and
     * VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX bytes: 256 KiB).
     */
    public static final int FRAME = MessageHeader.SIZE + StreamFrames.CHUNK;
    /** The buffer sizes, smallest first; the largest is the longest frame that gets one. */
    private static final int[] SIZES = {
        (16 << 10) + MessageHeader.SIZE, (32 << 10) + MessageHeader.SIZE, (64 << 10) + MessageHeader.SIZE,
        (128 << 10) + MessageHeader.SIZE, (256 << 10) + MessageHeader.SIZE, (512 << 10) + MessageHeader.SIZE,
        (1024 << 10) + MessageHeader.SIZE};
    /** Frames up to this long are read into a pooled buffer. */
    public static final int MAX_FRAME = SIZES[SIZES.length - 1];

    private final int maxIdle;
    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<ByteBuffer>[] idle = new ConcurrentLinkedQueue[SIZES.length];
    private final AtomicInteger[] idleCount = new AtomicInteger[SIZES.length];
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicLong allocated = new AtomicLong();

    /** @param maxIdle buffers of each size kept for reuse at most (~2 MiB of native memory each) */
    public DirectFramePool(int maxIdle) {
        this.maxIdle = maxIdle;
        for (int i = 0; i < SIZES.length; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
            idleCount[i] = new AtomicInteger();
        }
    }

    /** The capacity of the buffer a frame of {@code length} bytes gets (at most {@link #MAX_FRAME}). */
    static int capacityFor(int length) {
        return SIZES[sizeClass(length)];
    }

    private static int sizeClass(int length) {
        for (int i = 0; i < SIZES.length; i++) {
            if (length <= SIZES[i]) {
                return i;
            }
        }
        throw new IllegalArgumentException("no pooled buffer for " + length + " bytes");
    }

    /** A cleared buffer of {@link #capacityFor capacityFor(length)} bytes, reused or new. */
    ByteBuffer take(int length) {
        int c = sizeClass(length);
        inUse.incrementAndGet();
        ByteBuffer b = idle[c].poll();
        if (b == null) {
            allocated.incrementAndGet();
            return ByteBuffer.allocateDirect(SIZES[c]);
        }
        idleCount[c].decrementAndGet();
        return b.clear();
    }

    /** Gives back a buffer from {@link #take} or a pooled frame; nobody may touch it after this. */
    public void give(ByteBuffer b) {
        int c = sizeClass(b.capacity());
        inUse.decrementAndGet();
        if (idleCount[c].incrementAndGet() <= maxIdle) {
            idle[c].add(b);
        } else {
            idleCount[c].decrementAndGet();
        }
    }

    /** Buffers taken and not given back: packets read or being read and not written yet. */
    public int inUse() {
        return inUse.get();
    }

    /** Buffers kept for reuse. */
    public int idle() {
        int n = 0;
        for (AtomicInteger c : idleCount) {
            n += c.get();
        }
        return n;
    }

    /** Buffers allocated since the start (a count that keeps rising means reuse does not work). */
    public long allocated() {
        return allocated.get();
    }
}
