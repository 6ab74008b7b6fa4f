package io.jvirtd.driver.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
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

    /** What a temporary file's name has between the target's name and the writing thread's id. */
    private static final String TEMPORARY = ".new-";

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
        ensureFolder(target.getParent());
        write(target, content.getBytes(StandardCharsets.UTF_8), durable);
    }

    /**
     * Makes {@code dir} and its parents unless it is a folder already. Files.createDirectories
     * alone learns that from a mkdir refused with EEXIST, turned into a FileAlreadyExistsException
     * with its stack trace: on every status file and snapshot metadata write, four times per
     * snapshot create (docs/performance.md, issue 14, helper snapcpu).
     */
    public static void ensureFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
    }

    /**
     * Writes {@code content} to {@code target}, whose folder must exist.
     *
     * @param attributes what the temporary file, and so the target, is created with
     */
    public static void write(Path target, byte[] content, boolean durable, FileAttribute<?>... attributes)
            throws IOException {
        prepare(target, content, durable, attributes).commit();
    }

    /**
     * The first half of a write: {@code content} in the temporary file (forced to disk when
     * {@code durable}), the target untouched until {@link Pending#commit}. Lets a caller write
     * while it waits for the outcome that decides whether the file should change at all (a
     * snapshot's metadata while QEMU saves it) and leave only the rename for after. The
     * target's folder must exist.
     */
    public static Pending prepare(Path target, byte[] content, boolean durable, FileAttribute<?>... attributes)
            throws IOException {
        // one temporary name per writing thread: two threads writing the same target at once
        // (a worker and the QEMU event thread on a status file) never share, and so never tear,
        // a temporary file; a crashed writer's leftover is removed by the next write of its name,
        // or by removeLeftovers
        Path tmp = target.resolveSibling("." + target.getFileName() + TEMPORARY + Thread.currentThread().getId());
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
        } catch (IOException e) {
            deleteAfterFailure(tmp, e);
            throw e;
        }
        return new Pending(target, tmp);
    }

    /**
     * A prepared write: its temporary file complete, the target as it was. Exactly one of
     * {@link #commit} and {@link #discard} should follow; a process killed before either leaves
     * the temporary file, which {@link #removeLeftovers} (or the next write of the same target
     * by a thread of the same id) removes. Owned by the thread that prepared it.
     */
    public static final class Pending {
        private final Path target;
        private final Path tmp;

        private Pending(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        public Path target() {
            return target;
        }

        /** Renames the temporary file over the target: now the target has the new content. */
        public void commit() throws IOException {
            try {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                deleteAfterFailure(tmp, e);
                throw e;
            }
        }

        /** Removes the temporary file; the target keeps its content. Never throws. */
        public void discard() {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover; removeLeftovers or the next write of this name takes it
            }
        }
    }

    /**
     * Removes the temporary files of writes that a killed process never finished from
     * {@code dir} (a daemon start, before it reads the folder). Returns how many.
     */
    public static int removeLeftovers(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + TEMPORARY + "*")) {
            for (Path f : files) {
                if (isLeftover(f.getFileName().toString()) && Files.deleteIfExists(f)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Whether {@code name} is one of our temporary names: ".TARGET.new-THREADID". */
    static boolean isLeftover(String name) {
        int at = name.lastIndexOf(TEMPORARY);
        if (!name.startsWith(".") || at <= 1) {
            return false;
        }
        String id = name.substring(at + TEMPORARY.length());
        return !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static void deleteAfterFailure(Path tmp, IOException e) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            e.addSuppressed(ignored);
        }
    }
}
