package io.jvirtd.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Byte-level mutations in the manner of AFL's havoc stage, tuned for XDR: most edits replace a
 * 4-byte-aligned word (a count, a length, a discriminant, a flag) with a value chosen to hit
 * bounds; others flip bits, cut, splice or duplicate. Not thread-safe.
 */
final class Mutator {

    /** Counts and lengths that sit on or just past the protocol's bounds. */
    private static final int[] WORDS = {0, 1, 2, 3, 4, 7, 8, 16, 28, 255, 256, 1024, 65535, 65536, 1_000_000,
        4194303, 4194304, 4194305, 33554432, 33554436, 33554437, 0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffe, -1};

    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    /** A mutated copy of {@code in} (1 to 4 edits), at most {@code maxLength} bytes long. */
    byte[] mutate(byte[] in, int maxLength) {
        byte[] b = in.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            b = edit(b);
        }
        return b.length > maxLength ? Arrays.copyOf(b, maxLength) : b;
    }

    private byte[] edit(byte[] b) {
        int op = random.nextInt(10);
        if (b.length == 0) {
            op = 7;
        }
        switch (op) {
            case 0:
            case 1:
            case 2: { // an aligned word gets a boundary value
                int words = b.length / 4;
                if (words == 0) {
                    return b;
                }
                int at = 4 * random.nextInt(words);
                putInt(b, at, WORDS[random.nextInt(WORDS.length)]);
                return b;
            }
            case 3: { // small arithmetic on a word
                int words = b.length / 4;
                if (words == 0) {
                    return b;
                }
                int at = 4 * random.nextInt(words);
                putInt(b, at, getInt(b, at) + random.nextInt(9) - 4);
                return b;
            }
            case 4: // flip a bit
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                return b;
            case 5: // random byte
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            case 6: // truncate
                return Arrays.copyOf(b, random.nextInt(b.length));
            case 7: { // append random words
                int n = 1 + random.nextInt(8);
                byte[] r = Arrays.copyOf(b, b.length + 4 * n);
                for (int i = 0; i < n; i++) {
                    putInt(r, b.length + 4 * i, random.nextBoolean() ? WORDS[random.nextInt(WORDS.length)]
                            : random.nextInt());
                }
                return r;
            }
            case 8: { // delete a chunk
                int from = random.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + random.nextInt(16));
                byte[] r = new byte[b.length - len];
                System.arraycopy(b, 0, r, 0, from);
                System.arraycopy(b, from + len, r, from, b.length - from - len);
                return r;
            }
            default: { // duplicate a chunk
                int from = random.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + random.nextInt(32));
                byte[] r = new byte[b.length + len];
                System.arraycopy(b, 0, r, 0, from + len);
                System.arraycopy(b, from, r, from + len, b.length - from);
                return r;
            }
        }
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
