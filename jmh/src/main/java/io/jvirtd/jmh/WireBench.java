package io.jvirtd.jmh;

import io.jvirtd.protocol.remote.RemoteTypes.ConnectOpenArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetInfoRet;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-message work every call does outside the driver: split frames from a read, decode
 * arguments, encode a reply (or an error reply) into a complete frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireBench {

    private static final XdrCodec<ConnectOpenArgs> OPEN = XdrCodec.of(ConnectOpenArgs.class);
    private static final XdrCodec<NodeGetInfoRet> NODE_INFO = XdrCodec.of(NodeGetInfoRet.class);
    private static final MessageHeader CALL = new MessageHeader(0x20008086, 1, 157, 0, 7, 0);

    private byte[] openBody;
    private byte[] sixtyFourCalls;
    private NodeGetInfoRet nodeInfo;

    @Setup
    public void setUp() {
        XdrWriter w = new XdrWriter(64);
        OPEN.encode(w, new ConnectOpenArgs("test:///default", 0));
        openBody = w.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(64 * 28);
        for (int i = 0; i < 64; i++) {
            b.putInt(28).putInt(0x20008086).putInt(1).putInt(157).putInt(0).putInt(i).putInt(0);
        }
        sixtyFourCalls = b.array();
        nodeInfo = new NodeGetInfoRet("i686", 3145728, 16, 1400, 2, 2, 2, 2);
    }

    /** One read carrying 64 pipelined GET_LIB_VERSION calls, split into messages. */
    @Benchmark
    public void split64Frames(Blackhole bh) throws FrameException {
        new FrameDecoder().feed(ByteBuffer.wrap(sixtyFourCalls), bh::consume);
    }

    @Benchmark
    public ConnectOpenArgs decodeConnectOpenArgs() {
        return OPEN.decode(new XdrReader(openBody, 0, openBody.length));
    }

    /** A full NODE_GET_INFO reply frame (188 bytes, with the 128-byte char array). */
    @Benchmark
    public ByteBuffer encodeNodeInfoReply() {
        XdrWriter w = ReplyFrames.startFrame(CALL.reply(MessageHeader.STATUS_OK), 160);
        NODE_INFO.encode(w, nodeInfo);
        return ReplyFrames.finishFrame(w);
    }

    @Benchmark
    public ByteBuffer encodeErrorReply() {
        return ReplyFrames.errorReply(CALL, RpcError.rpc("unknown procedure: 9999"));
    }
}
