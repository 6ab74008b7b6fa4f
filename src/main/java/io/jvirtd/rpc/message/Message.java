package io.jvirtd.rpc.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One complete message as read from a peer: its header and its XDR body. Most messages live in
 * a heap array ({@link #frame}: the bytes after the length word). A client's stream data packet
 * may instead live in a direct buffer of a {@link DirectFramePool} ({@link #isDirect}: no
 * {@link #frame}, the body through {@link #body}), which its last holder gives back with
 * {@link #release}; every place that drops a message calls it (a no-op for heap messages).
 *
 * <p>The bytes are owned by whoever holds the message; nobody writes to them after the decoder
 * handed it out, so it may cross threads.
 */
public final class Message {

    /** Offset of the body in {@link #frame()}. */
    public static final int BODY_OFFSET = MessageHeader.SIZE;
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Message.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageHeader header;
    private final byte[] frame;
    private final ByteBuffer direct;
    private final DirectFramePool pool;
    private final int size;
    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    private Message(MessageHeader header, byte[] frame, ByteBuffer direct, DirectFramePool pool, int size) {
        this.header = header;
        this.frame = frame;
        this.direct = direct;
        this.pool = pool;
        this.size = size;
    }

    /** Builds a message from the bytes that followed a length word. */
    public static Message of(byte[] frame) {
        return new Message(MessageHeader.read(frame, 0), frame, null, null, frame.length);
    }

    /** A message whose frame fills {@code buf} from 0 to its limit; {@code buf} goes back to {@code pool}. */
    static Message direct(MessageHeader header, ByteBuffer buf, DirectFramePool pool) {
        return new Message(header, null, buf, pool, buf.limit());
    }

    public MessageHeader header() {
        return header;
    }

    /** The frame after the length word, header first; null for a {@linkplain #isDirect direct} message. */
    public byte[] frame() {
        return frame;
    }

    /** True when the message lives in a pooled direct buffer (see the class comment). */
    public boolean isDirect() {
        return direct != null;
    }

    /** Bytes of the frame (header and body). */
    public int size() {
        return size;
    }

    /** Bytes the message holds in memory: its frame, or its pooled buffer's capacity. */
    public int memory() {
        return direct != null ? direct.capacity() : size;
    }

    public int bodyLength() {
        return size - BODY_OFFSET;
    }

    /** A new buffer whose remaining bytes are the body. */
    public ByteBuffer body() {
        if (direct == null) {
            return ByteBuffer.wrap(frame, BODY_OFFSET, bodyLength());
        }
        return direct.duplicate().position(BODY_OFFSET).limit(size);
    }

    /**
     * The holder is done with the bytes: a direct message's buffer goes back to its pool (once,
     * however often this is called). Nothing may read the message's body after this.
     */
    public void release() {
        if (pool != null && RELEASED.compareAndSet(this, false, true)) {
            pool.give(direct);
        }
    }

    @Override
    public String toString() {
        return "Message[" + header + ", " + size + " bytes" + (direct != null ? ", direct" : "") + "]";
    }
}
