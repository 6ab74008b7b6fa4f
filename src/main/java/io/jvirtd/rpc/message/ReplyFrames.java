package io.jvirtd.rpc.message;

import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;

/**
 * Builds complete reply frames (length word included) for calls: success replies from an
 * encoded body, and error replies from an {@link RpcError}. Stateless; any thread.
 */
public final class ReplyFrames {

    private static final XdrCodec<RpcError> CODEC = XdrCodec.of(RpcError.class);

    private ReplyFrames() {
    }

    /** REPLY/ERROR for a call to a program or version this server does not serve. */
    public static ByteBuffer unknownProgram(MessageHeader call) {
        return errorReply(call, RpcError.rpc("Cannot find program " + Integer.toUnsignedString(call.program())
                + " version " + Integer.toUnsignedString(call.version())));
    }

    /** REPLY/ERROR for a call that arrived while the workers are stopping. */
    public static ByteBuffer shuttingDown(MessageHeader call) {
        return errorReply(call, RpcError.rpc("daemon is shutting down"));
    }

    /** A REPLY/ERROR frame answering {@code call}. */
    public static ByteBuffer errorReply(MessageHeader call, RpcError error) {
        XdrWriter w = startFrame(call.reply(MessageHeader.STATUS_ERROR), 128);
        CODEC.encode(w, error);
        return finishFrame(w);
    }

    /**
     * Starts a frame: reserves the length word and writes the header. Encode the body into the
     * returned writer, then call {@link #finishFrame}.
     */
    public static XdrWriter startFrame(MessageHeader h, int bodySizeHint) {
        XdrWriter w = new XdrWriter(MessageHeader.LENGTH_WORD + MessageHeader.SIZE + bodySizeHint);
        w.writeInt(0);
        w.writeInt(h.program());
        w.writeInt(h.version());
        w.writeInt(h.procedure());
        w.writeInt(h.type());
        w.writeInt(h.serial());
        w.writeInt(h.status());
        return w;
    }

    /** Patches the length word and wraps the frame for writing. */
    public static ByteBuffer finishFrame(XdrWriter w) {
        int length = w.position();
        w.putInt(0, length);
        return ByteBuffer.wrap(w.array(), 0, length);
    }
}
