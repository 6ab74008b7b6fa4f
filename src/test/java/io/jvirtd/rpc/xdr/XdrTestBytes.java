package io.jvirtd.rpc.xdr;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;

/** Helpers for golden-byte tests: hex words in, hex words out. */
public final class XdrTestBytes {
    private XdrTestBytes() {
    }

    /** Joins hex words (spaces ignored) into bytes, one argument per commented line. */
    public static byte[] hex(String... words) {
        return HexFormat.of().parseHex(String.join("", words).replace(" ", ""));
    }

    /** Bytes as space-separated 4-byte words, so that a failed comparison is readable. */
    public static String words(byte[] b) {
        String h = HexFormat.of().formatHex(b);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < h.length(); i += 8) {
            s.append(i == 0 ? "" : " ").append(h, i, Math.min(h.length(), i + 8));
        }
        return s.toString();
    }

    /** Encodes one value with its codec. */
    public static <T> byte[] encode(Class<T> type, T value) {
        XdrWriter out = new XdrWriter(16);
        XdrCodec.of(type).encode(out, value);
        return out.toByteArray();
    }

    /** Decodes a whole buffer with the codec of type. */
    public static <T> T decode(Class<T> type, byte[] b) {
        return XdrCodec.of(type).decode(new XdrReader(b, 0, b.length));
    }

    /** Bytes this thread allocated so far, or 0 where the JVM cannot tell. */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }
}
