package io.jvirtd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The daemon's pid file, held with an exclusive lock for the daemon's whole life (like
 * libvirt's virPidFileAcquirePath): a second daemon on the same file fails to lock it and
 * refuses to start, while a file left by a dead daemon is simply taken over. Owned by the
 * process leader.
 *
 * <p><b>Crash safety.</b> The file is never written in place: the pid goes into a temporary
 * file in the same folder, which is locked, fsync'ed and renamed over the pid file (then the
 * folder is fsync'ed). A kill -9 at any moment leaves either no pid file, the previous one, or
 * ours, whole; never an empty or half-written one. The lock travels with the file (it is on
 * the inode), so the pid file is locked from the instant it has our pid.
 *
 * <p>Taking over safely: a live daemon's pid file is locked, so we first lock the existing file
 * (refusing if we cannot) and keep that lock until our file has replaced it. A lock taken on a
 * file that was replaced meanwhile is worthless, so after locking we check that the path still
 * names the file we locked (libvirt compares stat and fstat; Java has no fstat, so we compare
 * the file's identity before opening, after opening and after locking) and start over if not.
 */
public final class Pidfile implements AutoCloseable {

    private static final int ATTEMPTS = 10;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object fileKey;

    private Pidfile(Path path, FileChannel channel, FileLock lock, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /** Locks and writes the pid file; a clear message when another daemon holds it. */
    public static Pidfile acquire(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        removeStaleTemporaries(path, dir);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Pidfile p = tryAcquire(path, dir);
            if (p != null) {
                return p;
            }
        }
        throw new IOException("Failed to acquire pid file '" + path + "': it keeps being replaced");
    }

    /** One attempt; null when the existing file changed under us (try again). */
    private static Pidfile tryAcquire(Path path, Path dir) throws IOException {
        // Lock whatever pid file exists now, so that nobody takes it over while we replace it.
        FileChannel old = null;
        FileLock oldLock = null;
        Object before = fileKey(path);
        if (before != null) {
            try {
                old = FileChannel.open(path, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                return null; // removed meanwhile: start over
            }
            try {
                try {
                    oldLock = old.tryLock();
                } catch (OverlappingFileLockException e) {
                    oldLock = null; // this very process holds it
                }
                if (oldLock == null) {
                    old.close();
                    throw new IOException("Failed to acquire pid file '" + path
                            + "': another daemon holds it (is jvirtd already running?)");
                }
                if (!before.equals(fileKey(path))) {
                    old.close(); // we locked a file that is no longer the pid file
                    return null;
                }
            } catch (IOException | RuntimeException e) {
                old.close();
                throw e;
            }
        }
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        FileChannel ch = null;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock(); // a brand-new file: nobody else can hold it
            if (lock == null) {
                throw new IOException("cannot lock " + tmp);
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.wrap(pid);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
            Object mine = fileKey(tmp);
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("Failed to acquire pid file '" + path + "': cannot rename into " + dir, e);
            }
            syncDirectory(dir);
            return new Pidfile(path, ch, lock, mine);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            if (old != null) {
                old.close(); // releases the old file's lock: it is gone from the folder now
            }
        }
    }

    /**
     * Deletes temporary pid files that a daemon killed while starting left behind: those
     * nobody holds locked (a starting daemon locks its temporary file as soon as it exists).
     */
    private static void removeStaleTemporaries(Path path, Path dir) {
        String prefix = "." + path.getFileName() + ".";
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, prefix + "*.tmp")) {
            for (Path t : tmps) {
                try (FileChannel c = FileChannel.open(t, StandardOpenOption.WRITE)) {
                    FileLock l = c.tryLock();
                    if (l != null) {
                        Files.deleteIfExists(t);
                        l.release();
                    }
                } catch (IOException | OverlappingFileLockException e) {
                    // in use, or gone already
                }
            }
        } catch (IOException e) {
            // nothing to clean, or the folder cannot be listed: the rename below still works
        }
    }

    /** The identity (device and inode) of the file at {@code p}, or null when there is none. */
    private static Object fileKey(Path p) throws IOException {
        try {
            return Objects.requireNonNull(Files.readAttributes(p, BasicFileAttributes.class).fileKey(),
                    "file system without file keys");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Makes a rename in {@code dir} durable. */
    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    /** The pid file's path. */
    public Path path() {
        return path;
    }

    /** Removes the file if it is still ours, then drops the lock (removing first means no other daemon sees our pid). */
    @Override
    public void close() {
        try {
            if (fileKey.equals(fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // the lock is what matters; a leftover file is taken over by the next daemon
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process exits right after this
        }
    }
}
