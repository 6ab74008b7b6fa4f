package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One open console: the pty QEMU made for a guest's serial port, as a stream both ways (libvirt's
 * virFDStreamOpenPTY). Guest output goes to the client through {@link #read}, client input to
 * the guest through {@link #write}.
 *
 * <p>Threads: the JDK has no selectable channel for a tty, so the event loop cannot watch the
 * pty without native code; a blocking read on a pool worker would hold that worker for as long as
 * the guest is silent. So each open console has one reader thread of its own that blocks in
 * {@code read(2)} on the pty and nothing else, and copies what comes into {@link #pending} (at
 * most {@value #BUFFER} bytes: when the client does not keep up the reader stops reading, the
 * pty fills and the guest's serial port waits, as with libvirtd). The daemon's worker takes the
 * bytes in {@link #read}, which never waits: with nothing there it answers 0 and the reader
 * {@linkplain #onReadable wakes} the stream when bytes come. Writes run on the daemon's worker
 * (a pty takes 4 KiB at once, the guest drains it). {@code pending}, {@code end} and
 * {@code takenOver} are guarded by this object's monitor, never held across I/O.
 */
final class PtyConsole implements DataStream {

    static final int BUFFER = 64 * 1024;

    /** Two channels on the pty: a FileChannel's read and write share one lock, and the read blocks. */
    private final FileChannel in;
    private final FileChannel out;
    private final Consumer<PtyConsole> onClose;
    private final Thread reader;
    private final ByteBuffer pending = ByteBuffer.allocate(BUFFER);
    private volatile Runnable wake = () -> { };
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The pty ended (the guest stopped) or the console was closed: no more bytes will come. */
    private boolean end;
    /** Another client took the console ({@code --force}). */
    private boolean takenOver;

    /**
     * Opens {@code path} (a /dev/pts/N QEMU made raw) for {@code name}; {@code onClose} gets it
     * once when the console ends for any reason. Nothing is read before {@link #start}. Worker thread.
     */
    PtyConsole(Path path, String name, Consumer<PtyConsole> onClose) {
        FileChannel opened = null;
        try {
            opened = FileChannel.open(path, StandardOpenOption.READ); // no CREATE: QEMU made the pty
            this.in = opened;
            this.out = FileChannel.open(path, StandardOpenOption.WRITE);
        } catch (IOException e) {
            closeQuietly(opened);
            throw VirException.systemError(VirErrorDomain.QEMU, 0, "Unable to open tty " + path,
                    String.valueOf(e.getMessage()));
        }
        this.onClose = onClose;
        this.reader = new Thread(this::readLoop, "console-" + name);
        reader.setDaemon(true);
    }

    /** Starts reading the guest's output. */
    void start() {
        reader.start();
    }

    // ---- the reader thread

    private void readLoop() {
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        try {
            while (true) {
                chunk.clear();
                if (in.read(chunk) < 0) {
                    break;
                }
                chunk.flip();
                synchronized (this) {
                    while (chunk.hasRemaining() && !end) {
                        if (!pending.hasRemaining()) {
                            wait(); // the client is behind: stop reading, let the pty fill
                            continue;
                        }
                        int n = Math.min(chunk.remaining(), pending.remaining());
                        pending.put(chunk.array(), chunk.position(), n);
                        chunk.position(chunk.position() + n);
                    }
                    if (end) {
                        return;
                    }
                }
                wake.run();
            }
        } catch (IOException e) {
            // EIO once QEMU closed the pty's master (the guest stopped), or our own close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(); // releases the pty and the device for the next client at once
        wake.run();
    }

    // ---- the daemon's worker

    @Override
    public void onReadable(Runnable wake) {
        this.wake = wake;
    }

    @Override
    public int read(ByteBuffer dst) {
        synchronized (this) {
            if (takenOver) {
                // what libvirtd's stream reports when virChrdevOpen aborts it for another client
                throw VirException.rpc(VirErrorDomain.STREAMS, "stream had I/O failure");
            }
            if (pending.position() == 0) {
                return end ? -1 : 0;
            }
            pending.flip();
            int n = Math.min(dst.remaining(), pending.remaining());
            dst.put(pending.array(), 0, n);
            pending.position(n);
            pending.compact();
            notifyAll();
            return n;
        }
    }

    @Override
    public void write(ByteBuffer src) {
        try {
            while (src.hasRemaining()) {
                out.write(src);
            }
        } catch (ClosedChannelException e) {
            throw VirException.rpc(VirErrorDomain.STREAMS, "stream had I/O failure");
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STREAMS, 5, "cannot write to stream",
                    "Input/output error");
        }
    }

    @Override
    public void finish() {
        close();
    }

    @Override
    public void abort() {
        close();
    }

    /** {@code --force} from another client: this one's stream ends with libvirtd's error. Any thread. */
    void takeOver() {
        synchronized (this) {
            takenOver = true;
        }
        close();
        wake.run();
    }

    /** Ends the console: closes the pty (which also ends the reader's blocked read). Idempotent. */
    private void close() {
        synchronized (this) {
            end = true;
            notifyAll();
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(in); // a FileChannel's close also ends the read blocked in it
        closeQuietly(out);
        onClose.accept(this);
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
