package io.jvirtd.model.domain;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * libvirt's UUID text forms (src/util/viruuid.c): format as 8-4-4-4-12 lower-case hex, parse
 * 32 hex digits with optional '-' between byte pairs and surrounding blanks. Stateless.
 */
public final class Uuids {

    /** {@code VIR_UUID_BUFLEN}. */
    public static final int LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Uuids() {
    }

    public static String format(byte[] uuid) {
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < uuid.length; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(HEX[(uuid[i] >> 4) & 0xf]).append(HEX[uuid[i] & 0xf]);
        }
        return sb.toString();
    }

    /**
     * virUUIDParse: empty when {@code text} is not a UUID. As libvirt: ASCII white space around it,
     * any number of '-' or ' ' between the pairs of hex digits, exactly 32 ASCII hex digits.
     */
    public static Optional<byte[]> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int i = 0;
        int n = text.length();
        while (i < n && isAsciiSpace(text.charAt(i))) {
            i++;
        }
        byte[] out = new byte[LENGTH];
        for (int b = 0; b < LENGTH; ) {
            if (i >= n) {
                return Optional.empty();
            }
            char c = text.charAt(i);
            if (c == '-' || c == ' ') {
                i++;
                continue;
            }
            int hi = hexValue(c);
            int lo = i + 1 < n ? hexValue(text.charAt(i + 1)) : -1;
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            out[b++] = (byte) (hi << 4 | lo);
            i += 2;
        }
        while (i < n) {
            if (!isAsciiSpace(text.charAt(i))) {
                return Optional.empty();
            }
            i++;
        }
        return Optional.of(out);
    }

    /** g_ascii_xdigit_value. */
    private static int hexValue(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    /** g_ascii_isspace. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    /** A random (version 4) UUID, as virUUIDGenerate makes. */
    public static byte[] random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        return b;
    }
}
