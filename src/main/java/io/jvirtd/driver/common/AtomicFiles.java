package io.jvirtd.driver.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content: a
 * temporary file in the same folder, then renamed over the target. A durable write forces the
 * file to disk before the rename, so the content also survives a power loss; runtime state that
 * a host reboot makes moot anyway (a running guest's status file, like libvirt's in /run) is
 * written without it. The temporary file is made afresh with the caller's attributes (owner-only
 * for secrets), so it never has other permissions for a moment, and it is removed when the write
 * fails. Stateless; any thread except the event loop (it does file I/O). Shared by the QEMU,
 * storage and secret drivers.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** A durable atomic write (persistent definitions). */
    public static void write(Path target, String content) throws IOException {
        write(target, content, true);
    }

    /**
     * @param durable force to disk before the rename: a daemon crash never needs it (the page
     *                cache outlives the process), a power loss does
     */
    public static void write(Path target, String content, boolean durable) throws IOException {
        Files.createDirectories(target.getParent());
        write(target, content.getBytes(StandardCharsets.UTF_8), durable);
    }

    /**
     * Writes {@code content} to {@code target}, whose folder must exist.
     *
     * @param attributes what the temporary file, and so the target, is created with
     */
    public static void write(Path target, byte[] content, boolean durable, FileAttribute<?>... attributes)
            throws IOException {
        // one temporary name per writing thread: two threads writing the same target at once
        // (a worker and the QEMU event thread on a status file) never share, and so never tear,
        // a temporary file; a crashed writer's leftover is removed by the next write of its name
        Path tmp = target.resolveSibling("." + target.getFileName() + ".new-" + Thread.currentThread().getId());
        try {
            Files.deleteIfExists(tmp); // an earlier crash's leftover would keep its permissions
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    attributes)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
    }
}
