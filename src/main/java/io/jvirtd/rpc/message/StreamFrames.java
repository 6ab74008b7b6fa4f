package io.jvirtd.rpc.message;

import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;

/**
 * Builds and reads the packets of a data stream (docs/protocol.md, streams): every one carries
 * the program, version, procedure and serial of the call that opened the stream.
 * <ul>
 * <li>STREAM/CONTINUE: raw data, not XDR; empty from the server = end of data.
 * <li>STREAM/OK: empty; from the client "finish", from the server the confirmation.
 * <li>STREAM/ERROR: from the client (empty) "abort"; from the server the error struct.
 * <li>STREAM_HOLE/CONTINUE: {@code virNetStreamHole {hyper length; unsigned flags}}, sparse
 *     streams only.
 * </ul>
 * Stateless; any thread.
 */
public final class StreamFrames {

    /** VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX: the data chunk both sides use. */
    public static final int CHUNK = 262120;
    /** Length word and header in front of a packet's body. */
    public static final int OVERHEAD = MessageHeader.LENGTH_WORD + MessageHeader.SIZE;

    private static final XdrCodec<RpcError> ERROR_CODEC = XdrCodec.of(RpcError.class);

    private StreamFrames() {
    }

    /**
     * A STREAM/CONTINUE frame with room for {@code capacity} data bytes after the header: fill
     * them from position {@link #OVERHEAD}, then call {@link #sealData}.
     */
    public static ByteBuffer newData(MessageHeader call, int capacity) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + capacity);
        header(b, call, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, OVERHEAD + capacity);
        return b;
    }

    /**
     * The length word and header of the STREAM/CONTINUE frames of the stream {@code call} opened,
     * for {@link #newData(byte[], int)}: a stream that sends makes it once.
     */
    public static byte[] dataHeader(MessageHeader call) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD);
        header(b, call, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, OVERHEAD);
        return b.array();
    }

    /**
     * {@link #newData(MessageHeader, int)} from a {@link #dataHeader}: one array copy instead of
     * seven word writes, each of which a young daemon's interpreter runs as a chain of buffer
     * calls (~4 us less per frame; a console sends a frame per echoed burst).
     */
    public static ByteBuffer newData(byte[] dataHeader, int capacity) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + capacity);
        b.put(dataHeader);
        b.putInt(0, OVERHEAD + capacity);
        return b;
    }

    /**
     * As {@link #newData(MessageHeader, int)}, in a direct buffer of {@code pool} (at most
     * {@link DirectFramePool#MAX_FRAME} bytes with the header): the caller gives it back to the
     * pool ({@link DirectFramePool#give}) once it is written or dropped.
     */
    public static ByteBuffer newData(MessageHeader call, int capacity, DirectFramePool pool) {
        ByteBuffer b = pool.take(OVERHEAD + capacity);
        b.limit(OVERHEAD + capacity);
        header(b, call, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_CONTINUE, OVERHEAD + capacity);
        return b;
    }

    /** Finishes a frame of {@link #newData} that holds {@code length} data bytes; ready to write. */
    public static ByteBuffer sealData(ByteBuffer frame, int length) {
        frame.putInt(0, OVERHEAD + length);
        frame.limit(OVERHEAD + length).position(0);
        return frame;
    }

    /** A STREAM/CONTINUE frame with {@code len} bytes of {@code data} (0: end of data). */
    public static ByteBuffer data(MessageHeader call, byte[] data, int off, int len) {
        ByteBuffer b = newData(call, len);
        b.position(OVERHEAD);
        b.put(data, off, len);
        return sealData(b, len);
    }

    /** The empty STREAM/OK: the server's confirmation of a finish or an abort. */
    public static ByteBuffer ok(MessageHeader call) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD);
        header(b, call, MessageHeader.TYPE_STREAM, MessageHeader.STATUS_OK, OVERHEAD);
        return b.flip();
    }

    /** STREAM/ERROR with the error struct: the stream failed on the server. */
    public static ByteBuffer error(MessageHeader call, RpcError error) {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(call.program(), call.version(), call.procedure(),
                MessageHeader.TYPE_STREAM, call.serial(), MessageHeader.STATUS_ERROR), 128);
        ERROR_CODEC.encode(w, error);
        return ReplyFrames.finishFrame(w);
    }

    /** STREAM_HOLE/CONTINUE: the next {@code length} bytes are a hole. */
    public static ByteBuffer hole(MessageHeader call, long length) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + 12);
        header(b, call, MessageHeader.TYPE_STREAM_HOLE, MessageHeader.STATUS_CONTINUE, OVERHEAD + 12);
        b.putLong(length).putInt(0);
        return b.flip();
    }

    /** The length of a client's STREAM_HOLE packet (its flags must be 0, as libvirt requires). */
    public static long holeLength(Message m) throws XdrException {
        XdrReader r = new XdrReader(m.frame(), Message.BODY_OFFSET, m.bodyLength());
        long length = r.readHyper();
        int flags = r.readInt();
        if (flags != 0) {
            throw new XdrException("unsupported hole flags " + flags);
        }
        return length;
    }

    private static void header(ByteBuffer b, MessageHeader call, int type, int status, int length) {
        b.putInt(length).putInt(call.program()).putInt(call.version()).putInt(call.procedure())
                .putInt(type).putInt(call.serial()).putInt(status);
    }
}
