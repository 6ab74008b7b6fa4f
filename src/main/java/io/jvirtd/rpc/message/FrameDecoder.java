package io.jvirtd.rpc.message;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into messages (incremental framing): partial reads, several messages in
 * one read and messages larger than any read buffer all work. The length word is checked
 * against the limit before anything is allocated for the message, so a peer cannot make us
 * allocate more than {@code 4 + maxMessage} bytes per connection.
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

    private final int maxMessage;
    private final byte[] lengthWord = new byte[MessageHeader.LENGTH_WORD];
    private int lengthHave;
    private byte[] pending;
    private int pendingHave;

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
                    startMessage(src.getInt());
                } else {
                    lengthWord[lengthHave++] = src.get();
                    if (lengthHave == MessageHeader.LENGTH_WORD) {
                        lengthHave = 0;
                        startMessage(MessageHeader.word(lengthWord, 0));
                    }
                    continue;
                }
            }
            int n = Math.min(src.remaining(), pending.length - pendingHave);
            src.get(pending, pendingHave, n);
            pendingHave += n;
            if (pendingHave == pending.length) {
                deliver(sink);
            }
        }
    }

    /**
     * When a message larger than {@code threshold} bytes is half read, a buffer over its missing
     * part, so the caller can read the socket straight into it instead of copying; else null.
     * After reading into it call {@link #filled(int, Sink)}.
     */
    public ByteBuffer directBuffer(int threshold) {
        if (pending == null || pending.length - pendingHave < threshold) {
            return null;
        }
        return ByteBuffer.wrap(pending, pendingHave, pending.length - pendingHave);
    }

    /** Records {@code n} bytes read into the {@link #directBuffer} and delivers when complete. */
    public void filled(int n, Sink sink) {
        pendingHave += n;
        if (pendingHave == pending.length) {
            deliver(sink);
        }
    }

    /** True when no message is half read: the stream is at a message boundary. */
    public boolean atBoundary() {
        return pending == null && lengthHave == 0;
    }

    private void startMessage(int length) throws FrameException {
        // Compare as unsigned: a length word >= 2^31 is just a huge length.
        long len = Integer.toUnsignedLong(length);
        if (len < MessageHeader.LENGTH_WORD + MessageHeader.SIZE) {
            throw new FrameException("packet " + len + " bytes received from client too small");
        }
        if (len - MessageHeader.LENGTH_WORD > maxMessage) {
            throw new FrameException("packet " + len + " bytes received from client too large, limit is "
                    + maxMessage);
        }
        pending = new byte[(int) len - MessageHeader.LENGTH_WORD];
        pendingHave = 0;
    }

    private void deliver(Sink sink) {
        byte[] frame = pending;
        pending = null;
        pendingHave = 0;
        sink.message(Message.of(frame));
    }
}
