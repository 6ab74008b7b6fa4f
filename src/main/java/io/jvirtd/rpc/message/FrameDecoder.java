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
 * <p>Owned by one connection and used only by the thread that reads it (the event loop).
 * Between reads it holds at most one incomplete message.
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
        this.maxMessage = maxMessage;
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
            ensureRoom(n);
            src.get(pending, pendingHave, n);
            pendingHave += n;
            if (pendingHave == pendingLength) {
                deliver(sink);
            }
        }
    }

    /**
     * When at least {@code threshold} bytes of a message are still missing, a buffer over the
     * next part of them (at least {@code threshold} bytes; the message buffer grows for it), so
     * the caller can read the socket straight into it instead of copying; else null. After
     * reading into it call {@link #filled(int, Sink)}.
     */
    public ByteBuffer directBuffer(int threshold) {
        if (pending == null || pendingLength - pendingHave < threshold) {
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
        if (pending != null && pendingLength <= limit && pending.length < pendingLength) {
            pending = Arrays.copyOf(pending, pendingLength);
        }
    }

    /** Bytes allocated for the message in progress (0 at a boundary); for tests and accounting. */
    public int bufferedCapacity() {
        return pending == null ? 0 : pending.length;
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
        // what was received, not what was announced: a 256 KiB packet read in one piece is
        // copied once, not doubled into place from 8 KiB
        pending = new byte[Math.min(pendingLength, Math.max(INITIAL_BUFFER, received))];
        pendingHave = 0;
    }

    private void deliver(Sink sink) {
        byte[] frame = pending; // grown to exactly pendingLength by now
        pending = null;
        pendingHave = 0;
        sink.message(Message.of(frame));
    }
}
