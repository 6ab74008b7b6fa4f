package io.jvirtd.rpc.message;

/**
 * The 24-byte header after every message's length word (libvirt's virNetMessageHeader):
 * program, version, procedure, type, serial, status. Immutable; any thread.
 */
public record MessageHeader(int program, int version, int procedure, int type, int serial, int status) {

    /** Bytes of the length word that precedes every message; the length counts itself. */
    public static final int LENGTH_WORD = 4;
    /** Bytes of the header. */
    public static final int SIZE = 24;
    /** VIR_NET_MESSAGE_MAX: the largest length word minus itself that a peer may send. */
    public static final int MAX_MESSAGE = 33554432;

    public static final int TYPE_CALL = 0;
    public static final int TYPE_REPLY = 1;
    public static final int TYPE_MESSAGE = 2;
    public static final int TYPE_STREAM = 3;
    public static final int TYPE_CALL_WITH_FDS = 4;
    public static final int TYPE_REPLY_WITH_FDS = 5;
    public static final int TYPE_STREAM_HOLE = 6;

    public static final int STATUS_OK = 0;
    public static final int STATUS_ERROR = 1;
    public static final int STATUS_CONTINUE = 2;

    /** Reads a header from {@code buf} at {@code offset} (big-endian words). */
    public static MessageHeader read(byte[] buf, int offset) {
        return new MessageHeader(word(buf, offset), word(buf, offset + 4), word(buf, offset + 8),
                word(buf, offset + 12), word(buf, offset + 16), word(buf, offset + 20));
    }

    /** The header of the reply to this call: same program, version, procedure and serial. */
    public MessageHeader reply(int replyStatus) {
        return new MessageHeader(program, version, procedure, TYPE_REPLY, serial, replyStatus);
    }

    static int word(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
