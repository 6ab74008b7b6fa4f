package io.jvirtd.bench;

import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsRet;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs each JMH benchmark body once and checks what it produced: a benchmark that measured
 * the wrong thing (an empty decode, a truncated body) would otherwise report a fine figure.
 */
class BenchmarksTest {

    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void framingBenchmarksProduceWholeMessages() throws Exception {
        FramingBenchmark b = new FramingBenchmark();
        b.setUp();
        assertEquals(FramingBenchmark.CALLS_PER_READ, b.splitEightCalls(BLACKHOLE));
        assertEquals(FramingBenchmark.CALLS_PER_READ, b.splitEightCalls(BLACKHOLE), "second round");
        Message big = b.assembleOneMiBIn64KiBReads();
        assertEquals((1 << 20) - MessageHeader.LENGTH_WORD, big.frame().length);
        assertEquals(11, big.header().procedure());
        ByteBuffer reply = b.versionReplyFrame();
        assertEquals(4 + MessageHeader.SIZE + 8, reply.remaining());
        assertEquals(reply.remaining(), reply.getInt(0));
        assertEquals(MessageHeader.TYPE_REPLY, reply.getInt(4 + 12));
    }

    @Test
    void codecBenchmarksRoundTrip() {
        CodecBenchmark b = new CodecBenchmark();
        b.setUp();
        assertEquals("test", b.decodeLookupByNameArgs().name());
        assertEquals(4 + 4 + 16 + 4, b.encodeLookupByNameRet()); // name "test", uuid, id
        assertEquals(4 + ((b.xmlRet.xml().length() + 3) & ~3), b.encodeXmlDescRet());
        assertEquals(b.listBytes.length, b.encodeListOf1000Domains());
        ConnectListAllDomainsRet list = b.decodeListOf1000Domains();
        assertEquals(1000, list.domains().size());
        assertEquals("lvbench-12345-d999", list.domains().get(999).name());
        assertArrayEquals(b.listRet.domains().get(500).uuid(), list.domains().get(500).uuid());
    }
}
