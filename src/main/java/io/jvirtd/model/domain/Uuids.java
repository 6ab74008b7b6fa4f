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

    /** virUUIDParse: empty when {@code text} is not a UUID. */
    public static Optional<byte[]> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int i = 0;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        byte[] out = new byte[LENGTH];
        for (int b = 0; b < LENGTH; b++) {
            if (i < n && text.charAt(i) == '-') {
                i++;
            }
            if (i + 1 >= n) {
                return Optional.empty();
            }
            int hi = Character.digit(text.charAt(i), 16);
            int lo = Character.digit(text.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            out[b] = (byte) (hi << 4 | lo);
            i += 2;
        }
        while (i < n) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return Optional.empty();
            }
            i++;
        }
        return Optional.of(out);
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
