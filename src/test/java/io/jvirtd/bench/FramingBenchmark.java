package io.jvirtd.bench;

import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.xdr.XdrWriter;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The loop's share of a call: splitting what one read returned into messages, and building a
 * reply frame around an encoded body (the worker's last step before the hand-off back).
 *
 * <p>State: one instance per benchmark thread (JMH's {@code Scope.Thread}), as a connection's
 * decoder is owned by the loop alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {

    /** REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION and REMOTE_PROC_CONNECT_GET_LIB_VERSION. */
    static final int REMOTE = 0x20008086;
    static final int VERSION = 1;
    static final int GET_LIB_VERSION = 157;
    /** What lvload's 8-deep pipelines make one read return: eight calls back to back. */
    static final int CALLS_PER_READ = 8;

    ByteBuffer eightCalls;
    ByteBuffer bigMessage;
    FrameDecoder decoder;
    MessageHeader call;

    @Setup
    public void setUp() {
        eightCalls = ByteBuffer.allocate(CALLS_PER_READ * 28);
        for (int i = 0; i < CALLS_PER_READ; i++) {
            eightCalls.putInt(28).putInt(REMOTE).putInt(VERSION).putInt(GET_LIB_VERSION)
                    .putInt(MessageHeader.TYPE_CALL).putInt(i + 1).putInt(MessageHeader.STATUS_OK);
        }
        eightCalls.flip();
        int big = 1 << 20; // a 1 MiB message, e.g. a large domain XML being defined
        bigMessage = ByteBuffer.allocate(big);
        bigMessage.putInt(big).putInt(REMOTE).putInt(VERSION).putInt(11).putInt(MessageHeader.TYPE_CALL)
                .putInt(1).putInt(MessageHeader.STATUS_OK);
        bigMessage.position(0);
        decoder = new FrameDecoder();
        call = new MessageHeader(REMOTE, VERSION, GET_LIB_VERSION, MessageHeader.TYPE_CALL, 1, MessageHeader.STATUS_OK);
    }

    /** One read holding eight small calls: eight messages out. */
    @Benchmark
    public int splitEightCalls(Blackhole bh) throws FrameException {
        eightCalls.rewind();
        int[] n = new int[1];
        decoder.feed(eightCalls, m -> {
            bh.consume(m);
            n[0]++;
        });
        return n[0];
    }

    /** A 1 MiB message arriving in 64 KiB reads (the buffer grows as bytes arrive). */
    @Benchmark
    public Message assembleOneMiBIn64KiBReads() throws FrameException {
        Message[] out = new Message[1];
        ByteBuffer src = bigMessage.duplicate();
        for (int at = 0; at < src.capacity(); at += 65536) {
            src.limit(Math.min(src.capacity(), at + 65536)).position(at);
            decoder.feed(src, m -> out[0] = m);
        }
        return out[0];
    }

    /** The reply to GET_LIB_VERSION: header, an 8-byte body, length word patched. */
    @Benchmark
    public ByteBuffer versionReplyFrame() {
        XdrWriter w = ReplyFrames.startFrame(call.reply(MessageHeader.STATUS_OK), 8);
        w.writeHyper(9000000L);
        return ReplyFrames.finishFrame(w);
    }
}
