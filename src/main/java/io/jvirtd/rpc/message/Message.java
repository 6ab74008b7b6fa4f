package io.jvirtd.rpc.message;

/**
 * One complete message as read from a peer: its header and its XDR body, a slice of
 * {@code frame} (the bytes after the length word). The array is owned by whoever holds the
 * message; nobody writes to it after the decoder handed it out, so it may cross threads.
 */
public record Message(MessageHeader header, byte[] frame) {

    /** Offset of the body in {@link #frame()}. */
    public static final int BODY_OFFSET = MessageHeader.SIZE;

    public int bodyLength() {
        return frame.length - BODY_OFFSET;
    }

    /** Builds a message from the bytes that followed a length word. */
    public static Message of(byte[] frame) {
        return new Message(MessageHeader.read(frame, 0), frame);
    }
}
