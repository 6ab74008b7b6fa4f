package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The head of a libvirt QEMU save image (libvirt's {@code virQEMUSaveHeader} plus its data):
 * a 92-byte header (magic, version 2, data length, was-running, compression, cookie offset,
 * 14 unused words, all in the host's byte order), then the domain XML and the save cookie, each
 * NUL-terminated, then zeros up to the data length; QEMU's migration stream follows. A new
 * image gets 64 KiB of padding so that {@code save-image-define} can later store a longer XML in
 * place. While the stream is written the magic says "LibvirtQemudPart"; only a finished image
 * says "LibvirtQemudSave". Files written here and by libvirtd 9.0 are alike byte for byte up to
 * the stream. Immutable; any thread except the event loop (it reads files).
 *
 * @param wasRunning the guest ran when saved: a restore resumes it
 * @param compressed libvirt's save format: 0 raw (the only one written here)
 * @param dataLen    the bytes between the header and the stream (XML, cookie, padding)
 * @param cookie     libvirt's {@code <cookie>} XML, or null
 */
record SaveImage(boolean wasRunning, int compressed, int dataLen, String xml, String cookie) {

    static final String MAGIC = "LibvirtQemudSave";
    static final String PARTIAL = "LibvirtQemudPart";
    static final int VERSION = 2;
    static final int HEADER_SIZE = 16 + 5 * 4 + 14 * 4;
    private static final int PADDING = 64 * 1024;
    /** A data length beyond this is not a header libvirt wrote (it caps the XML at 10 MB). */
    private static final int MAX_DATA_LEN = 16 << 20;

    /** A new image's head: the data length leaves libvirt's 64 KiB of room. */
    static SaveImage create(String xml, String cookie, boolean wasRunning) {
        return new SaveImage(wasRunning, 0, length(xml, cookie) + PADDING, xml, cookie);
    }

    /** Where QEMU's migration stream begins. */
    long streamOffset() {
        return HEADER_SIZE + (long) dataLen;
    }

    /** This head with another XML and run state, in the same data length (save-image-define). */
    SaveImage withXml(String newXml, boolean running) {
        if (length(newXml, cookie) > dataLen) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "new xml too large to fit in file");
        }
        return new SaveImage(running, compressed, dataLen, newXml, cookie);
    }

    private static int length(String xml, String cookie) {
        return utf8(xml).length + 1 + (cookie != null ? utf8(cookie).length + 1 : 0);
    }

    /** The header and data as libvirt writes them; {@code complete} picks the final magic. */
    byte[] encode(boolean complete) {
        byte[] x = utf8(xml);
        byte[] c = cookie != null ? utf8(cookie) : null;
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + dataLen).order(ByteOrder.nativeOrder());
        b.put((complete ? MAGIC : PARTIAL).getBytes(StandardCharsets.US_ASCII));
        b.putInt(VERSION).putInt(dataLen).putInt(wasRunning ? 1 : 0).putInt(compressed)
                .putInt(c != null ? x.length + 1 : 0);
        b.position(HEADER_SIZE);
        b.put(x).put((byte) 0);
        if (c != null) {
            b.put(c).put((byte) 0);
        }
        return b.array(); // the rest is zeros
    }

    /** The final magic alone, written over the partial one once the stream is complete. */
    static byte[] completeMagic() {
        return MAGIC.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the head of the image at {@code path} with libvirt's checks and errors
     * (qemuSaveImageOpen): "failed to read qemu header", "save image is incomplete", "image
     * magic is incorrect", "image version is not supported", ... A header in the other byte
     * order is read too, as libvirt does.
     */
    static SaveImage read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch);
        } catch (NoSuchFileException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Failed to open file '" + path + "'",
                    "No such file or directory");
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to open file '" + path + "'",
                    String.valueOf(e.getMessage()));
        }
    }

    static SaveImage read(FileChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.nativeOrder());
        if (readFully(ch, h, 0) != HEADER_SIZE) {
            throw failed("failed to read qemu header");
        }
        byte[] magic = Arrays.copyOf(h.array(), 16);
        String m = new String(magic, StandardCharsets.ISO_8859_1);
        if (!m.equals(MAGIC)) {
            throw failed(m.equals(PARTIAL) ? "save image is incomplete" : "image magic is incorrect");
        }
        if (Integer.compareUnsigned(h.getInt(16), VERSION) > 0) {
            h.order(h.order() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        }
        int version = h.getInt(16);
        if (Integer.compareUnsigned(version, VERSION) > 0) {
            throw failed("image version is not supported (" + version + " > " + VERSION + ")");
        }
        int dataLen = h.getInt(20);
        int wasRunning = h.getInt(24);
        int compressed = h.getInt(28);
        int cookieOffset = h.getInt(32);
        if (dataLen <= 0 || dataLen > MAX_DATA_LEN) {
            throw failed("invalid header data length: " + dataLen);
        }
        int xmlLen = cookieOffset != 0 ? cookieOffset : dataLen;
        if (Integer.compareUnsigned(xmlLen, dataLen) > 0) {
            throw failed("failed to read domain XML");
        }
        ByteBuffer data = ByteBuffer.allocate(dataLen);
        int got = readFully(ch, data, HEADER_SIZE);
        if (got < xmlLen) {
            throw failed("failed to read domain XML");
        }
        if (got < dataLen) {
            throw failed("failed to read cookie");
        }
        String xml = cString(data.array(), 0, xmlLen);
        String cookie = dataLen > xmlLen ? cString(data.array(), xmlLen, dataLen - xmlLen) : null;
        if (cookie != null && cookie.isEmpty()) {
            cookie = null;
        }
        if (compressed != 0) {
            // libvirt pipes such images through gzip/xz/...; jvirtd writes raw ones only
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "compressed save images (format " + compressed + ") are not supported");
        }
        return new SaveImage(wasRunning != 0, compressed, dataLen, xml, cookie);
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The C string at {@code off}: up to its NUL (libvirt reads it as one). */
    private static String cString(byte[] a, int off, int len) {
        int end = off;
        while (end < off + len && a[end] != 0) {
            end++;
        }
        return new String(a, off, end - off, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static VirException failed(String msg) {
        return VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, msg);
    }
}
