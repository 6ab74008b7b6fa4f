package io.jvirtd.rpc.server;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An event MESSAGE frame as every listener of one event gets it, encoded once: its bytes and,
 * for libvirt's callback-style messages, where the listener's callback id goes. The listeners
 * share it; the event loop copies it out for each client with that client's id written in
 * ({@link #copyTo}) as it writes, so an event for 64 listeners is one frame in memory, not 64
 * copies (issue 18: the per-listener copies were most of the garbage per event).
 *
 * <p>Immutable once made; any thread.
 */
public final class EventFrame {

    /** No callback id in the frame (the legacy event messages carry none). */
    public static final int NO_ID = -1;

    private final byte[] bytes;
    private final int offset;
    private final int length;
    private final int idOffset;

    private EventFrame(byte[] bytes, int offset, int length, int idOffset) {
        if (idOffset != NO_ID && (idOffset < 0 || idOffset + 4 > length)) {
            throw new IllegalArgumentException("callback id at " + idOffset + " outside a frame of "
                    + length + " bytes");
        }
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.idOffset = idOffset;
    }

    /**
     * The frame made of {@code frame}'s remaining bytes (length word included), whose callback
     * id, a big-endian word, is at {@code idOffset} from its start ({@link #NO_ID}: none). A heap
     * buffer is taken as it is: neither it nor its array may be touched afterwards.
     */
    public static EventFrame of(ByteBuffer frame, int idOffset) {
        if (frame.hasArray()) {
            return new EventFrame(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining(), idOffset);
        }
        byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        return new EventFrame(copy, 0, copy.length, idOffset);
    }

    /** Bytes on the wire. */
    public int size() {
        return length;
    }

    /** Appends the frame for callback {@code callbackId} to {@code dst}, which must have room for it. */
    void copyTo(ByteBuffer dst, int callbackId) {
        int start = dst.position();
        dst.put(bytes, offset, length);
        if (idOffset != NO_ID) {
            dst.putInt(start + idOffset, callbackId); // a ByteBuffer is big-endian, as XDR
        }
    }

    /** The frame for callback {@code callbackId} in a buffer of its own. */
    public ByteBuffer toBuffer(int callbackId) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOfRange(bytes, offset, offset + length));
        if (idOffset != NO_ID) {
            b.putInt(idOffset, callbackId);
        }
        return b;
    }
}
