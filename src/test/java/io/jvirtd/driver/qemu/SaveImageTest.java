package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirt's save-image head, byte by byte: the layout libvirtd 9.0 wrote for the tiny guest
 * (magic, version 2, data length = XML + NUL + cookie + NUL + 65536, was_running, compressed 0,
 * cookie offset = XML length + 1, 56 zero bytes), reading it back, libvirt's errors for short,
 * foreign, unfinished and too new images, a byte-swapped header, and save-image-define's
 * in-place rule.
 */
class SaveImageTest {

    private static final String XML = "<domain type='qemu'>\n  <name>t</name>\n</domain>\n";
    private static final String COOKIE = "<cookie>\n  <slirpHelper/>\n</cookie>\n";

    @TempDir
    Path dir;

    @Test
    void headerHasLibvirtsLayout() {
        byte[] b = SaveImage.create(XML, COOKIE, true).encode(true);
        int xmlLen = XML.length() + 1;
        int dataLen = xmlLen + COOKIE.length() + 1 + 65536;
        assertEquals(92 + dataLen, b.length);
        assertEquals("LibvirtQemudSave", new String(b, 0, 16, StandardCharsets.US_ASCII));
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); // x86, as libvirtd's files here
        assertEquals(2, h.getInt(16));
        assertEquals(dataLen, h.getInt(20));
        assertEquals(1, h.getInt(24));
        assertEquals(0, h.getInt(28));
        assertEquals(xmlLen, h.getInt(32));
        assertArrayEquals(new byte[56], Arrays.copyOfRange(b, 36, 92));
        assertEquals(XML + "\0" + COOKIE + "\0", new String(b, 92, xmlLen + COOKIE.length() + 1, StandardCharsets.UTF_8));
        assertArrayEquals(new byte[65536], Arrays.copyOfRange(b, b.length - 65536, b.length));
        assertEquals("LibvirtQemudPart", new String(SaveImage.create(XML, null, false).encode(false), 0, 16,
                StandardCharsets.US_ASCII));
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        Path f = dir.resolve("a.save");
        SaveImage img = SaveImage.create(XML, COOKIE, false);
        Files.write(f, concat(img.encode(true), "QEVM stream".getBytes(StandardCharsets.US_ASCII)));
        SaveImage back = SaveImage.read(f);
        assertEquals(XML, back.xml());
        assertEquals(COOKIE, back.cookie());
        assertFalse(back.wasRunning());
        assertEquals(92 + img.dataLen(), back.streamOffset());
        Files.write(f, SaveImage.create(XML, null, true).encode(true));
        SaveImage noCookie = SaveImage.read(f);
        assertNull(noCookie.cookie());
        assertTrue(noCookie.wasRunning());
        assertEquals(XML, noCookie.xml());
    }

    @Test
    void refusesWhatLibvirtRefuses() throws Exception {
        Path f = dir.resolve("bad.save");
        Files.writeString(f, "short");
        assertFailed(f, "operation failed: failed to read qemu header");
        Files.write(f, new byte[4096]);
        assertFailed(f, "operation failed: image magic is incorrect");
        Files.write(f, SaveImage.create(XML, COOKIE, true).encode(false));
        assertFailed(f, "operation failed: save image is incomplete");
        byte[] newer = SaveImage.create(XML, COOKIE, true).encode(true);
        newer[16] = 3; // version 3 in both byte orders is still too new
        newer[19] = 3;
        Files.write(f, newer);
        assertFailed(f, "operation failed: image version is not supported (50331651 > 2)");
        byte[] truncated = Arrays.copyOf(SaveImage.create(XML, COOKIE, true).encode(true), 100);
        Files.write(f, truncated);
        assertFailed(f, "operation failed: failed to read domain XML");
        VirException missing = assertThrows(VirException.class, () -> SaveImage.read(dir.resolve("none.save")));
        assertEquals("Failed to open file '" + dir.resolve("none.save") + "': No such file or directory",
                missing.getMessage());
    }

    @Test
    void readsAHeaderInTheOtherByteOrder() throws Exception {
        byte[] b = SaveImage.create(XML, COOKIE, true).encode(true);
        for (int off = 16; off < 36; off += 4) { // swap the five words, as a big-endian host wrote them
            for (int i = 0; i < 2; i++) {
                byte t = b[off + i];
                b[off + i] = b[off + 3 - i];
                b[off + 3 - i] = t;
            }
        }
        Path f = dir.resolve("swapped.save");
        Files.write(f, b);
        SaveImage img = SaveImage.read(f);
        assertEquals(XML, img.xml());
        assertTrue(img.wasRunning());
    }

    @Test
    void defineKeepsTheDataLengthAndRefusesALongerXml() {
        SaveImage img = SaveImage.create(XML, COOKIE, true);
        SaveImage shorter = img.withXml("<domain/>\n", false);
        assertEquals(img.dataLen(), shorter.dataLen());
        assertEquals(img.encode(true).length, shorter.encode(true).length);
        VirException e = assertThrows(VirException.class, () -> img.withXml("x".repeat(70_000), true));
        assertEquals(VirErrorNumber.OPERATION_FAILED.number(), e.code());
        assertEquals("operation failed: new xml too large to fit in file", e.getMessage());
    }

    private static void assertFailed(Path f, String message) {
        VirException e = assertThrows(VirException.class, () -> SaveImage.read(f));
        assertEquals(message, e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
