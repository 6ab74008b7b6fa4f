package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backing chain read from qcow2 headers as qemu-img writes them (version 3, format extension). */
class QcowBackingTest {

    /** A qcow2 v3 header naming {@code backing} (null: none) and, when not null, its format in the extension. */
    static byte[] header(String backing, String format) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.putInt(0, 0x514649fb).putInt(4, 3).putInt(100, 112); // magic, version, header_length
        int pos = 112;
        if (format != null) {
            byte[] f = format.getBytes(StandardCharsets.UTF_8);
            b.putInt(pos, 0xE2792ACA).putInt(pos + 4, f.length);
            b.put(pos + 8, f);
            pos += 8 + ((f.length + 7) & ~7);
        }
        b.putInt(pos, 0).putInt(pos + 4, 0); // end of extensions
        pos += 8;
        if (backing != null) {
            byte[] n = backing.getBytes(StandardCharsets.UTF_8);
            b.putLong(8, pos).putInt(16, n.length);
            b.put(pos, n);
        }
        return b.array();
    }

    @Test
    void aChainOfTwoOverlaysEndsAtTheRawImage(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("base.raw"), new byte[4096]);
        Files.write(dir.resolve("mid.qcow2"), header(dir.resolve("base.raw").toString(), "raw"));
        Files.write(dir.resolve("top.qcow2"), header("mid.qcow2", "qcow2")); // relative: beside the image
        assertEquals(List.of(new QcowBacking.Layer(dir.resolve("mid.qcow2").toString(), "qcow2"),
                        new QcowBacking.Layer(dir.resolve("base.raw").toString(), "raw")),
                QcowBacking.chain(dir.resolve("top.qcow2")));
    }

    @Test
    void aBackingFileWithoutRecordedFormatIsProbed(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("base.qcow2"), header(null, null));
        Files.write(dir.resolve("top.qcow2"), header(dir.resolve("base.qcow2").toString(), null));
        assertEquals(List.of(new QcowBacking.Layer(dir.resolve("base.qcow2").toString(), "qcow2")),
                QcowBacking.chain(dir.resolve("top.qcow2")));
    }

    @Test
    void noBackingFileOrNoQcow2HeaderIsNoChain(@TempDir Path dir) throws IOException {
        assertNull(QcowBacking.backing(header(null, "qcow2"), dir.resolve("x")));
        assertNull(QcowBacking.backing(new byte[512], dir.resolve("x")));
        assertNull(QcowBacking.backing(new byte[10], dir.resolve("x")));
    }
}
