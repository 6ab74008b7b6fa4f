package io.jvirtd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CNumbers.hex: what {@code String.format("%0Nx", v)} prints, for the widths and values addresses use. */
class CNumbersHexTest {

    @Test
    void sameAsFormatter() {
        Random random = new Random(14);
        long[] edges = {0, 1, 0xf, 0x10, 0xff, 0x100, 0xffff, 0x10000, 0xffffffffL, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (int width = 1; width <= 8; width++) {
            for (long v : edges) {
                assertEquals(String.format(Locale.ROOT, "%0" + width + "x", v), CNumbers.hex(v, width));
            }
            for (int i = 0; i < 1000; i++) {
                long v = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(0x1_0000);
                assertEquals(String.format(Locale.ROOT, "%0" + width + "x", v), CNumbers.hex(v, width));
            }
        }
    }
}
