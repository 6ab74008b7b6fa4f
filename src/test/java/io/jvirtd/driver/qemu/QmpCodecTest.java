package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class QmpCodecTest {

    private static final String STREAM = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}},"
            + " \"capabilities\": [\"oob\"]}}\r\n"
            + "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 5}, \"event\": \"RESUME\"}\r\n"
            + "{\"return\": {}, \"id\": \"libvirt-2\"}\r\n"
            + "{\"return\": [{\"thread-id\": 4173, \"props\": {\"core-id\": 0}, \"big\": 18446744073709551615,"
            + " \"f\": 1.5, \"n\": null, \"t\": true, \"s\": \"a\\\"\\u00e9\"}], \"id\": \"libvirt-3\"}\r\n";

    @Test
    void decodesTheSameMessagesWhereverTheReadsSplitTheStream() throws Exception {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        List<Map<String, Object>> whole = decode(all, all.length);
        assertEquals(4, whole.size());
        assertEquals("RESUME", whole.get(1).get("event"));
        assertEquals(Map.of(), whole.get(2).get("return"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cpu = ((List<Map<String, Object>>) whole.get(3).get("return")).get(0);
        assertEquals(4173L, cpu.get("thread-id"));
        assertEquals(Map.of("core-id", 0L), cpu.get("props"));
        assertEquals(new java.math.BigInteger("18446744073709551615"), cpu.get("big"));
        assertEquals(1.5, cpu.get("f"));
        assertEquals(true, cpu.containsKey("n"));
        assertEquals(Boolean.TRUE, cpu.get("t"));
        assertEquals("a\"é", cpu.get("s"));
        for (int chunk = 1; chunk < 40; chunk++) {
            assertEquals(whole, decode(all, chunk), "chunks of " + chunk + " bytes");
        }
    }

    @Test
    void aMessageOverTheLimitIsAProtocolError() {
        List<Map<String, Object>> got = new ArrayList<>();
        QmpCodec.Decoder d = new QmpCodec.Decoder(1000, got::add);
        byte[] start = "{\"return\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] filler = "x".repeat(600).getBytes(StandardCharsets.UTF_8);
        assertThrows(QmpCodec.ProtocolException.class, () -> {
            d.feed(start, 0, start.length);
            d.feed(filler, 0, filler.length);
            d.feed(filler, 0, filler.length);
        });
        assertEquals(List.of(), got);
    }

    @Test
    void malformedJsonIsAProtocolError() {
        QmpCodec.Decoder d = new QmpCodec.Decoder(1000, m -> { });
        byte[] bad = "{\"return\": }".getBytes(StandardCharsets.UTF_8);
        assertThrows(QmpCodec.ProtocolException.class, () -> d.feed(bad, 0, bad.length));
        byte[] array = "[1]".getBytes(StandardCharsets.UTF_8);
        QmpCodec.Decoder d2 = new QmpCodec.Decoder(1000, m -> { });
        assertThrows(QmpCodec.ProtocolException.class, () -> d2.feed(array, 0, array.length));
    }

    @Test
    void commandsCarryArgumentsAndIdAndEndWithCrLf() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("value", 16777216L);
        args.put("path", "/machine/peripheral");
        args.put("list", List.of(Map.of("capability", "events", "state", true)));
        String s = new String(QmpCodec.command("balloon", args, "libvirt-7"), StandardCharsets.UTF_8);
        assertEquals("{\"execute\":\"balloon\",\"arguments\":{\"value\":16777216,\"path\":\"/machine/peripheral\","
                + "\"list\":[{\"capability\":\"events\",\"state\":true}]},\"id\":\"libvirt-7\"}\r\n",
                s.replace("{\"state\":true,\"capability\":\"events\"}", "{\"capability\":\"events\",\"state\":true}"));
        assertEquals("{\"execute\":\"cont\",\"id\":\"libvirt-1\"}\r\n",
                new String(QmpCodec.command("cont", null, "libvirt-1"), StandardCharsets.UTF_8));
    }

    private static List<Map<String, Object>> decode(byte[] all, int chunk) throws Exception {
        List<Map<String, Object>> got = new ArrayList<>();
        QmpCodec.Decoder d = new QmpCodec.Decoder(1 << 20, got::add);
        for (int off = 0; off < all.length; off += chunk) {
            d.feed(all, off, Math.min(chunk, all.length - off));
        }
        return got;
    }
}
