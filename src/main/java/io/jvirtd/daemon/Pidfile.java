package io.jvirtd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The daemon's pid file, held with an exclusive lock for the daemon's whole life (like
 * libvirt's virPidFileAcquirePath): a second daemon on the same file fails to lock it and
 * refuses to start, while a file left by a dead daemon is simply taken over. Owned by the
 * process leader.
 */
public final class Pidfile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private Pidfile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks and writes the pid file; a clear message when another daemon holds it. */
    public static Pidfile acquire(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("Failed to acquire pid file '" + path
                    + "': another daemon holds it (is jvirtd already running?)");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(pid), 0);
        ch.force(true);
        return new Pidfile(path, ch, lock);
    }

    /** Removes the file, then drops the lock (removing first means no other daemon sees our pid). */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
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
