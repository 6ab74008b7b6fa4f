package io.jvirtd.rpc.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class StreamFramesTest {

    /** A console stream's call (DOMAIN_OPEN_CONSOLE 201, serial 7) as the stream keeps it. */
    private static final MessageHeader CALL = new MessageHeader(0x20008086, 1, 201, MessageHeader.TYPE_STREAM, 7,
            MessageHeader.STATUS_CONTINUE);

    @Test
    void dataFrameFromTheStreamsHeaderIsTheSameFrame() {
        byte[] echo = "#r12\r".getBytes();
        ByteBuffer fromCall = StreamFrames.newData(CALL, 64);
        ByteBuffer fromHeader = StreamFrames.newData(StreamFrames.dataHeader(CALL), 64);
        assertEquals(fromCall.position(), fromHeader.position(), "both ready for the data at OVERHEAD");
        fromCall.put(echo);
        fromHeader.put(echo);
        assertArrayEquals(bytes(StreamFrames.sealData(fromCall, echo.length)),
                bytes(StreamFrames.sealData(fromHeader, echo.length)));
    }

    @Test
    void dataFrameFromTheStreamsHeaderDecodes() throws FrameException {
        byte[] echo = "42\r\n".getBytes();
        ByteBuffer frame = StreamFrames.newData(StreamFrames.dataHeader(CALL), echo.length);
        frame.put(echo);
        List<Message> got = new ArrayList<>();
        new FrameDecoder().feed(StreamFrames.sealData(frame, echo.length), got::add);
        assertEquals(1, got.size());
        assertEquals(CALL, got.get(0).header());
        assertArrayEquals(echo, bytes(got.get(0).body()));
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
