package io.jvirtd.daemon.logging;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where one log output writes: stderr, a file, journald. {@link #write} is called by whatever
 * thread logs, with a fully formatted line; a sink serialises its own writes. Writes never
 * throw: a log line that cannot be written is dropped (libvirt ignores write errors too).
 */
interface LogSink {

    /** Writes one formatted line (ending in a newline) of libvirt priority {@code priority}. */
    void write(int priority, String line);

    /** Reopens what can be reopened (SIGHUP: a rotated log file). */
    default void reopen() {
    }

    /** Releases the sink once it is no longer an output. */
    default void close() {
    }

    /** libvirt's "stderr" output. */
    final class Stderr implements LogSink {
        private final PrintStream err;

        Stderr(PrintStream err) {
            this.err = err;
        }

        @Override
        public void write(int priority, String line) {
            synchronized (err) {
                err.print(line);
                err.flush();
            }
        }
    }

    /**
     * libvirt's "file" output: opened O_APPEND with mode 0600, one write per line, so lines of
     * concurrent writers (and of a logrotate copytruncate) never interleave. SIGHUP reopens
     * the path, which picks up a file that logrotate moved away.
     */
    final class File implements LogSink {
        private final Path path;
        private FileChannel channel;

        /** Opens the file now so that a bad path is reported when the output is set. */
        File(Path path) throws IOException {
            this.path = path;
            this.channel = open(path);
        }

        private static FileChannel open(Path path) throws IOException {
            return FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }

        @Override
        public synchronized void write(int priority, String line) {
            if (channel == null) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                // dropped, as libvirt ignores a failed log write
            }
        }

        @Override
        public synchronized void reopen() {
            close();
            try {
                channel = open(path);
            } catch (IOException e) {
                channel = null; // retried at the next SIGHUP
            }
        }

        @Override
        public synchronized void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing was buffered
                }
                channel = null;
            }
        }
    }
}
