package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.XmlNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A disk's image file as libvirt looks at it when QEMU cannot tell (a shut-off domain): its
 * local path, its size on the host and the capacity the guest sees (a qcow2 header's virtual
 * size, else the file's size). Stateless; worker threads (small reads).
 */
final class DiskFiles {

    /** Sizes in bytes; -1 where unknown. */
    record Sizes(long capacity, long physical) {
    }

    private DiskFiles() {
    }

    /** The host path of a file or block disk's source (libvirt's local storage), or null. */
    static String localPath(DeviceDef disk) {
        XmlNode src = disk.node().child("source");
        if (src == null) {
            return null;
        }
        return src.attr("file") != null ? src.attr("file") : src.attr("dev");
    }

    /** The file's size, -1 when it cannot be read. */
    static long fileSize(String path) {
        if (path == null) {
            return -1;
        }
        try {
            return Files.size(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What a shut-off domain's disk holds, or null without a readable local file. */
    static Sizes sizes(DeviceDef disk) {
        String path = localPath(disk);
        long physical = fileSize(path);
        if (physical < 0) {
            return null;
        }
        long capacity = physical;
        if ("qcow2".equals(disk.node().childAttr("driver", "type"))) {
            capacity = qcow2VirtualSize(Path.of(path));
        }
        return new Sizes(capacity, physical);
    }

    /** The virtual size in a qcow2 header (big-endian at byte 24), -1 when it is not one. */
    static long qcow2VirtualSize(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(32);
            if (h.length < 32 || h[0] != 'Q' || h[1] != 'F' || h[2] != 'I' || h[3] != (byte) 0xfb) {
                return -1;
            }
            return ByteBuffer.wrap(h, 24, 8).getLong();
        } catch (IOException e) {
            return -1;
        }
    }
}
