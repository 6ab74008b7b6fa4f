package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The backing chain of a qcow2 image as libvirt reads it at start (virStorageFileGetMetadata):
 * each image's header names its backing file (backing_file_offset/size) and, in the header
 * extension {@code 0xE2792ACA}, that file's format; a backing file without a recorded format is
 * probed (qcow2 magic or raw). External snapshots make such chains ({@code overlay -> base}).
 * Stateless; worker threads (file I/O).
 */
final class QcowBacking {

    /** One image below the top of a chain. */
    record Layer(String path, String format) {
    }

    private static final int QCOW_MAGIC = 0x514649fb; // "QFI\xfb"
    private static final int EXT_BACKING_FORMAT = 0xE2792ACA;
    private static final int MAX_DEPTH = 200; // libvirt's VIR_STORAGE_MAX_CHAIN... guard against loops

    private QcowBacking() {
    }

    /** The images below {@code top} (a qcow2 file), nearest first; empty when it has no backing file. */
    static List<Layer> chain(Path top) throws IOException {
        List<Layer> out = new ArrayList<>();
        Path image = top;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            Layer next;
            try (InputStream in = Files.newInputStream(image)) {
                next = backing(in.readNBytes(65536), image);
            }
            if (next == null) {
                return out;
            }
            out.add(next);
            if (!"qcow2".equals(next.format())) {
                return out;
            }
            image = Path.of(next.path());
        }
        throw new IOException("backing chain of '" + top + "' is too deep");
    }

    /** The backing file a qcow2 header names, or null (no backing file, or not a qcow2 header). */
    static Layer backing(byte[] head, Path image) throws IOException {
        if (head.length < 72) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        if (b.getInt(0) != QCOW_MAGIC) {
            return null;
        }
        long offset = b.getLong(8);
        int size = b.getInt(16);
        if (offset == 0 || size <= 0 || offset + size > head.length) {
            return null;
        }
        String name = new String(head, (int) offset, size, StandardCharsets.UTF_8);
        int version = b.getInt(4);
        int headerLength = version >= 3 && head.length >= 104 ? b.getInt(100) : 72;
        String format = null;
        for (int pos = headerLength; pos + 8 <= head.length && pos + 8 <= offset;) {
            int type = b.getInt(pos);
            int len = b.getInt(pos + 4);
            if (type == 0 || len < 0 || pos + 8 + len > head.length) {
                break;
            }
            if (type == EXT_BACKING_FORMAT) {
                format = new String(head, pos + 8, len, StandardCharsets.UTF_8);
            }
            pos += 8 + ((len + 7) & ~7);
        }
        Path p = Path.of(name);
        if (!p.isAbsolute() && image.getParent() != null) {
            p = image.getParent().resolve(p);
        }
        if (format == null) {
            format = probe(p);
        }
        return new Layer(p.toString(), format);
    }

    private static String probe(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && ByteBuffer.wrap(magic).getInt() == QCOW_MAGIC ? "qcow2" : "raw";
        }
    }
}
