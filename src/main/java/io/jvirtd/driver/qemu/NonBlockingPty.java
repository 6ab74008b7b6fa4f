package io.jvirtd.driver.qemu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A pty opened for writing with O_NONBLOCK: a write(2) that never waits, neither for room in
 * the pty nor for the tty's write lock (the kernel answers EAGAIN for both). The JDK opens a
 * tty only in blocking mode, so this is libc's open/write/close through JNA (direct mapping);
 * {@link #open} answers null when JNA's native part cannot be loaded, and the caller keeps its
 * blocking writer thread.
 *
 * <p>Not thread-safe: one writer at a time (the console's, under its own claim), and
 * {@link #close} only once no write runs.
 */
final class NonBlockingPty {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 01;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    /** Bytes one write takes at most (keystrokes and pastes; a larger rest goes the writer's way). */
    static final int MAX_WRITE = 4096;
    private static final boolean AVAILABLE = load();

    private final int fd;
    /** Native memory the bytes are written from (JNA passes no heap array without copying it). */
    private final ByteBuffer buf = ByteBuffer.allocateDirect(MAX_WRITE);
    private final Pointer bufAddress = Native.getDirectBufferPointer(buf);
    private boolean closed;

    private NonBlockingPty(int fd) {
        this.fd = fd;
    }

    private static boolean load() {
        try {
            Native.register(NonBlockingPty.class, "c");
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: JNA cannot run here
            LOG.log(Level.INFO, "no non-blocking console writes (JNA: {0}); consoles use their writer thread",
                    String.valueOf(e));
            return false;
        }
    }

    /** {@code path} opened write-only and non-blocking, or null (no JNA, or open failed). */
    static NonBlockingPty open(Path path) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            return new NonBlockingPty(open(path.toString(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
        } catch (LastErrorException e) {
            LOG.log(Level.DEBUG, "non-blocking open of {0}: errno {1}", path, e.getErrorCode());
            return null;
        }
    }

    /**
     * {@code path} opened read-only and non-blocking: the bare descriptor, for the caller to
     * wrap and own ({@link PtyOutputChannel}), or -1 (no JNA, or open failed).
     */
    static int openForReading(Path path) {
        if (!AVAILABLE) {
            return -1;
        }
        try {
            return open(path.toString(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            LOG.log(Level.DEBUG, "non-blocking open of {0} for reading: errno {1}", path, e.getErrorCode());
            return -1;
        }
    }

    /** Closes a descriptor of {@link #openForReading} that no channel took over. */
    static void closeDescriptor(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing left to release
        }
    }

    /** True when JNA's native part loaded (the non-blocking descriptors are possible). */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Writes what the pty takes now of {@code src} (at most {@value #MAX_WRITE} bytes), moving
     * its position past them; 0 when the pty is full. Never waits.
     *
     * @throws java.io.IOException the write failed (EIO: the guest's side of the pty is gone)
     */
    int write(ByteBuffer src) throws java.io.IOException {
        int n = Math.min(src.remaining(), MAX_WRITE);
        if (n == 0) {
            return 0;
        }
        buf.clear();
        buf.put(0, src, src.position(), n);
        while (true) {
            try {
                int done = (int) write(fd, bufAddress, n);
                src.position(src.position() + done);
                return done;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return 0;
                }
                if (e.getErrorCode() != EINTR) {
                    throw new java.io.IOException("write to the console's pty failed: errno " + e.getErrorCode());
                }
            }
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            try {
                close(fd);
            } catch (LastErrorException e) {
                // nothing left to release
            }
        }
    }

    private static native int open(String path, int flags) throws LastErrorException;

    private static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;
}
