package io.jvirtd.rpc.message;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a byte stream into messages (incremental framing): partial reads, several messages in
 * one read and messages larger than any read buffer all work. The length word is checked
 * against the limit before anything is allocated for the message, so a peer cannot make us
 * allocate more than {@code 4 + maxMessage} bytes per connection.
 *
 * <p>A message's buffer grows as its bytes arrive (doubling, from {@value #INITIAL_BUFFER}
 * bytes, never beyond the announced length) instead of being allocated at its announced
 * length: a peer that announces 32 MiB and sends little costs little (libvirtd gets the same
 * from malloc's lazily backed pages; a Java array is zeroed, hence committed, at once). Memory
 * per connection is at most twice what the peer has actually sent of the current message.
 *
 * <p>With a {@link DirectFramePool}, an admitted stream data packet (type STREAM, status
 * CONTINUE, header already received, small enough for a pooled buffer) moves into a pooled
 * direct buffer at {@link #allocateWhole}; the rest of it is read there and it is handed out as
 * a {@linkplain Message#isDirect direct} message. Its memory is the same as the array it
 * replaces (charged by the owner at admission). A message whose first feed brought no more than
 * its header (the owner reads only that at an upload's packet boundary) starts in a
 * header-sized array rather than an {@value #INITIAL_BUFFER}-byte one.
 *
 * <p>Owned by one connection and used only by the thread that reads it (the event loop).
 * Between reads it holds at most one incomplete message; {@link #discard} gives back its pooled
 * buffer when the connection is dropped.
 */
public final class FrameDecoder {

    /** Receives each complete message, in stream order. */
    @FunctionalInterface
    public interface Sink {
        void message(Message message);
    }

    /** First buffer of a message larger than this; smaller ones get their exact size at once. */
    public static final int INITIAL_BUFFER = 8 * 1024;

    private final int maxMessage;
    /** Where stream data packets get their buffer, or null (every message in a heap array). */
    private final DirectFramePool pool;
    /** The current message's pooled buffer once it moved there (then {@link #pending} holds its start only). */
    private ByteBuffer direct;
    private final byte[] lengthWord = new byte[MessageHeader.LENGTH_WORD];
    private int lengthHave;
    /** The current message's bytes so far; may be shorter than {@link #pendingLength}. */
    private byte[] pending;
    private int pendingHave;
    /** The current message's length (without the length word). */
    private int pendingLength;

    public FrameDecoder() {
        this(MessageHeader.MAX_MESSAGE);
    }

    /** @param maxMessage the largest accepted length word minus the word itself */
    public FrameDecoder(int maxMessage) {
        this(maxMessage, null);
    }

    /** @param pool where admitted stream data packets are read into, or null */
    public FrameDecoder(int maxMessage, DirectFramePool pool) {
        this.maxMessage = maxMessage;
        this.pool = pool;
    }

    /** Consumes every byte of {@code src} (position to limit), handing out complete messages. */
    public void feed(ByteBuffer src, Sink sink) throws FrameException {
        while (src.hasRemaining()) {
            if (pending == null) {
                if (lengthHave == 0 && src.remaining() >= MessageHeader.LENGTH_WORD) {
                    startMessage(src.getInt(), src.remaining()); // remaining() after getInt()
                } else {
                    lengthWord[lengthHave++] = src.get();
                    if (lengthHave == MessageHeader.LENGTH_WORD) {
                        lengthHave = 0;
                        startMessage(MessageHeader.word(lengthWord, 0), src.remaining());
                    }
                    continue;
                }
            }
            int n = Math.min(src.remaining(), pendingLength - pendingHave);
            if (direct != null) {
                direct.put(pendingHave, src, src.position(), n);
                src.position(src.position() + n);
            } else {
                ensureRoom(n);
                src.get(pending, pendingHave, n);
            }
            pendingHave += n;
            if (pendingHave == pendingLength) {
                deliver(sink);
            }
        }
    }

    /**
     * When at least {@code threshold} bytes of a message are still missing, a buffer over the
     * next part of them (at least {@code threshold} bytes; the message buffer grows for it), so
     * the caller can read the socket straight into it instead of copying; else null. A message
     * in a pooled buffer gets its rest there whatever its size: read through the caller's
     * buffer, a short tail would bring the next packet's header and most of its body along,
     * which then start in a heap array (zeroed, garbage at once) and are copied twice before
     * they reach a pooled buffer of their own (on a unix socket, ~150 of a GiB's 4,096 upload
     * packets did). After reading into it call {@link #filled(int, Sink)}.
     */
    public ByteBuffer directBuffer(int threshold) {
        if (pending == null) {
            return null;
        }
        if (direct != null) {
            return direct.duplicate().limit(pendingLength).position(pendingHave);
        }
        if (pendingLength - pendingHave < threshold) {
            return null;
        }
        ensureRoom(threshold);
        return ByteBuffer.wrap(pending, pendingHave, pending.length - pendingHave);
    }

    /** Records {@code n} bytes read into the {@link #directBuffer} and delivers when complete. */
    public void filled(int n, Sink sink) {
        pendingHave += n;
        if (pendingHave == pendingLength) {
            deliver(sink);
        }
    }

    /**
     * The owner has accounted for the whole message in progress (its memory budget admitted
     * it): if it is at most {@code limit} bytes its buffer takes its full length now, so the
     * rest arrives without the doubling's copies (a 256 KiB stream packet: five copies and
     * ~250 KiB of garbage less). Larger messages keep growing as their bytes come.
     */
    public void allocateWhole(int limit) {
        if (pending == null || direct != null) {
            return;
        }
        if (pool != null && pendingLength <= DirectFramePool.MAX_FRAME && isStreamData()) {
            direct = pool.take(pendingLength);
            direct.put(0, pending, 0, pendingHave);
            if (pending.length != MessageHeader.SIZE) {
                pending = Arrays.copyOf(pending, MessageHeader.SIZE); // the header, for delivery
            }
            return;
        }
        if (pendingLength <= limit && pending.length < pendingLength) {
            pending = Arrays.copyOf(pending, pendingLength);
        }
    }

    /**
     * Bytes the message in progress takes once {@link #allocateWhole} gave it its whole buffer:
     * its length, or the capacity of the pooled buffer it gets (0 at a boundary).
     */
    public int wholeMemory() {
        if (pending == null) {
            return 0;
        }
        if (direct != null) {
            return direct.capacity();
        }
        if (pool != null && pendingLength <= DirectFramePool.MAX_FRAME && isStreamData()) {
            return DirectFramePool.capacityFor(pendingLength);
        }
        return pendingLength;
    }

    /** The message in progress is a data packet of a stream (its header is in). */
    private boolean isStreamData() {
        return pendingHave >= MessageHeader.SIZE && MessageHeader.word(pending, 12) == MessageHeader.TYPE_STREAM
                && MessageHeader.word(pending, 20) == MessageHeader.STATUS_CONTINUE;
    }

    /** A stream data packet is half read into a pooled buffer (its client is sending it). */
    public boolean readingPooledPacket() {
        return direct != null;
    }

    /** The connection is dropped: a half-read message's pooled buffer goes back. */
    public void discard() {
        if (direct != null) {
            pool.give(direct);
            direct = null;
        }
        pending = null;
        pendingHave = 0;
        lengthHave = 0;
    }

    /** Bytes allocated for the message in progress (0 at a boundary); for tests and accounting. */
    public int bufferedCapacity() {
        return pending == null ? 0 : direct != null ? direct.capacity() : pending.length;
    }

    /**
     * The announced length (without the length word) of the message in progress, once its
     * length word is complete; 0 otherwise. Lets the owner charge a message before reading it.
     */
    public int pendingLength() {
        return pending == null ? 0 : pendingLength;
    }

    /** Bytes of the message in progress received so far (0 at a boundary). */
    public int bufferedHave() {
        return pending == null ? 0 : pendingHave;
    }

    /** Grows the buffer so that {@code n} more bytes fit, doubling, never past the message length. */
    private void ensureRoom(int n) {
        int need = pendingHave + n;
        if (need <= pending.length) {
            return;
        }
        int cap = (int) Math.min(pendingLength, Math.max((long) pending.length * 2, need));
        pending = Arrays.copyOf(pending, cap);
    }

    /** True when no message is half read: the stream is at a message boundary. */
    public boolean atBoundary() {
        return pending == null && lengthHave == 0;
    }

    /** @param received bytes of the message already at hand: its first buffer takes them at once */
    private void startMessage(int length, int received) throws FrameException {
        // Compare as unsigned: a length word >= 2^31 is just a huge length.
        long len = Integer.toUnsignedLong(length);
        if (len < MessageHeader.LENGTH_WORD + MessageHeader.SIZE) {
            throw new FrameException("packet " + len + " bytes received from client too small");
        }
        if (len - MessageHeader.LENGTH_WORD > maxMessage) {
            throw new FrameException("packet " + len + " bytes received from client too large, limit is "
                    + maxMessage);
        }
        pendingLength = (int) len - MessageHeader.LENGTH_WORD;
        if (pool != null && received <= MessageHeader.SIZE && pendingLength > INITIAL_BUFFER) {
            // an upload's next packet, of which the owner read only the header (so that its
            // body goes straight into a pooled buffer): an 8 KiB zeroed array per packet would
            // be garbage at once (memset and collections on the loop: 32 MiB per GiB uploaded)
            pending = new byte[MessageHeader.SIZE];
        } else {
            // what was received, not what was announced: a 256 KiB packet read in one piece is
            // copied once, not doubled into place from 8 KiB
            pending = new byte[Math.min(pendingLength, Math.max(INITIAL_BUFFER, received))];
        }
        pendingHave = 0;
    }

    private void deliver(Sink sink) {
        byte[] frame = pending; // grown to exactly pendingLength by now, or the header of a direct one
        pending = null;
        pendingHave = 0;
        if (direct != null) {
            ByteBuffer b = direct.limit(pendingLength).position(0);
            direct = null;
            sink.message(Message.direct(MessageHeader.read(frame, 0), b, pool));
            return;
        }
        sink.message(Message.of(frame));
    }
}
