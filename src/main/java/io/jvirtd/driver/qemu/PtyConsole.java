package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One open console: the pty QEMU made for a guest's serial port, as a stream both ways (libvirt's
 * virFDStreamOpenPTY). Guest output goes to the client through {@link #read}, client input to
 * the guest through {@link #write}.
 *
 * <p>Output, read by the event loop: the pty is opened a second time, non-blocking, as a
 * selectable channel ({@link PtyOutputChannel}), and the daemon's event loop watches it, as
 * libvirtd's loop watches its O_NONBLOCK pty (virFDStream). When the guest writes, the loop reads
 * what is there into {@link #pending} and {@linkplain #onReadable wakes} the stream, which on the
 * loop frames the bytes and queues them for the client's socket in the same turn: one thread, no
 * hand-off. At most {@value #BUFFER} bytes wait in {@link #pending}: when the client does not
 * keep up (the stream stops reading once its unwritten data reaches its window), the loop stops
 * watching the pty ({@link #paused}), the pty fills and the guest's serial port waits, as with
 * libvirtd; the {@link #read} that makes room watches it again. The loop owns the channel and
 * its registration: it reads and closes them ({@link #readable}, {@link #closeOutput}).
 *
 * <p>Output, read by a thread (when the JDK does not let the loop watch a pty, see
 * {@link PtyOutputChannel}, or there is no loop): a blocking read on a pool worker would hold that
 * worker for as long as the guest is silent, so the console has one reader thread of its own that
 * blocks in {@code read(2)} on the pty and nothing else, and copies what comes into
 * {@link #pending} under the same bound (the reader stops reading when it is full). {@link #read},
 * on any thread, never waits: with nothing there it answers 0 and the reader wakes the stream
 * when bytes come.
 *
 * <p>Input goes the same way back: a {@code write(2)} to a pty blocks once the pty is full, and
 * it fills whenever QEMU does not read it (a paused guest, a guest that does not drain its
 * serial port), for as long as that lasts. So the worker only copies the client's bytes into
 * {@link #input} (at most {@value #BUFFER}, the rest stays with the stream, whose flow control
 * then holds the client back) and a writer thread of the console's own does the blocking
 * writes; when it made room it {@linkplain #onWritable wakes} the stream. No worker ever waits
 * for the guest. Closing the channels ends a read or write blocked in them.
 *
 * <p>Input without the hand-off: the daemon calls {@link #write} where the client's packet
 * arrives, on the event loop ({@link #neverBlocks}). When nothing waits for the writer thread
 * (its buffer is empty and it is not writing), {@code write} hands the bytes to the pty itself
 * through a second, non-blocking descriptor ({@link NonBlockingPty}: write(2) with O_NONBLOCK,
 * which never waits, neither for room nor for the tty's lock); only what the pty does not take
 * at once goes to the writer thread. A keystroke so reaches the guest without waking a thread
 * (measured: the loop-to-writer wake-up was ~0.15 ms of jvirtd's extra round trip). This is a
 * narrow exception to "the loop does no driver I/O": one non-blocking write of at most
 * {@value NonBlockingPty#MAX_WRITE} bytes. Without JNA's native part the writer thread does all
 * writes, as before.
 *
 * <p>The writer thread and its buffer exist only once needed: the first time the pty does not
 * take all of a write (a guest that does not read its serial port), or at {@link #start} when
 * there is no non-blocking descriptor. A console that is typed into, the usual case, never has
 * one: opening it creates no thread (measured: the thread's start was ~0.1-0.5 ms of an
 * openConsole) and holds no input buffer. That first start may run on the event loop, once per
 * console (thread creation, no I/O).
 *
 * <p>Locks: {@code pending}, {@code paused}, {@code watch}, {@code end} and {@code takenOver}
 * are guarded by this object's monitor (the loop's non-blocking read(2) of the pty runs under it,
 * so a read after {@code end}, by a console another client took over, cannot happen);
 * {@code input}, {@code inputFull}, {@code writerBusy}, {@code directBusy} and {@code directOpen}
 * by {@link #inputLock}. Neither is held across a blocking call.
 *
 * <p>When the loop reads the end of the pty (EIO: QEMU closed its side), it closes the console
 * there: close(2) of the pty's descriptors, which does not wait for a pty (and a writer thread
 * blocked in write(2) on it has failed with EIO by then).
 */
final class PtyConsole implements DataStream {

    static final int BUFFER = 64 * 1024;

    /**
     * Two channels on the pty: a FileChannel's read and write share one lock, and the read blocks.
     * {@code in} is null when the loop reads the pty ({@link #loopIn}).
     */
    private final FileChannel in;
    /**
     * The writer thread's blocking channel, guarded by {@link #inputLock}: opened here when there
     * is no non-blocking descriptor (the writer does every write), else by the writer thread when
     * it first starts (a console that is only typed into never opens it: one tty open less per
     * openConsole, ~50 us of its time on a young daemon). Null until then.
     */
    private FileChannel out;
    private final Path path;
    /** The pty, non-blocking and selectable, read by {@link #loop}; null when {@link #reader} reads. */
    private final Pipe.SourceChannel loopIn;
    private final DriverEventLoop loop;
    /** The loop's watch of {@link #loopIn}: set by start, cleared by close. */
    private DriverEventLoop.Registration watch;
    /** {@link #pending} is full: the loop does not watch the pty until {@link #read} makes room. */
    private boolean paused;
    private final Consumer<PtyConsole> onClose;
    /** Null when the loop reads the pty. */
    private final Thread reader;
    /** Null until the first write the pty does not take at once (see the class comment); guarded by inputLock. */
    private Thread writer;
    private final String name;
    /** The guest's output the client has not taken yet (write mode). */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(BUFFER);
    private volatile Runnable wake = () -> { };
    private final Object inputLock = new Object();
    /**
     * Client input not yet written to the pty (filled by the caller, drained by the writer);
     * allocated with the writer thread, empty until then.
     */
    private ByteBuffer input = NO_INPUT;
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocate(0);
    /** A write found {@link #input} full: the writer wakes the stream when it made room. */
    private boolean inputFull;
    /** The non-blocking descriptor for writes from the caller's thread, or null (see the class comment). */
    private final NonBlockingPty direct;
    /** The writer thread took bytes out of {@link #input} and is writing them. */
    private boolean writerBusy;
    /** A caller writes through {@link #direct} now: the writer waits, and close leaves it open. */
    private boolean directBusy;
    /** {@link #direct} is open (closed by close, or after the write in progress). */
    private boolean directOpen;
    /** Bytes written through {@link #direct} (guarded by inputLock) and by the writer thread, for tests. */
    private long directBytes;
    private final LongAdder writerBytes = new LongAdder();
    /** The writer's write(2) failed (other than by our own close). */
    private volatile boolean writeFailed;
    private volatile Runnable writableWake = () -> { };
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The pty ended (the guest stopped) or the console was closed: no more bytes will come. */
    private boolean end;
    /** Another client took the console ({@code --force}). */
    private boolean takenOver;

    /**
     * Opens {@code path} (a /dev/pts/N QEMU made raw) for {@code name}, its output read by
     * {@code loop} when this JDK allows it (else, or with a null loop, by a thread of its own);
     * {@code onClose} gets it once when the console ends for any reason. Nothing is read before
     * {@link #start}. Worker thread.
     */
    PtyConsole(Path path, String name, DriverEventLoop loop, Consumer<PtyConsole> onClose) {
        Pipe.SourceChannel selectable = loop == null ? null : PtyOutputChannel.open(path);
        NonBlockingPty nonBlocking = NonBlockingPty.open(path);
        FileChannel opened = null;
        try {
            if (selectable == null) {
                opened = FileChannel.open(path, StandardOpenOption.READ); // no CREATE: QEMU made the pty
            }
            this.in = opened;
            if (nonBlocking == null) {
                this.out = FileChannel.open(path, StandardOpenOption.WRITE);
            }
        } catch (IOException e) {
            closeQuietly(opened);
            closeQuietly(selectable);
            if (nonBlocking != null) {
                nonBlocking.close();
            }
            throw VirException.systemError(VirErrorDomain.QEMU, 0, "Unable to open tty " + path,
                    String.valueOf(e.getMessage()));
        }
        this.path = path;
        this.loopIn = selectable;
        this.loop = selectable == null ? null : loop;
        this.direct = nonBlocking;
        this.directOpen = direct != null;
        this.onClose = onClose;
        if (selectable == null) {
            this.reader = new Thread(this::readLoop, "console-out-" + name);
            reader.setDaemon(true);
        } else {
            this.reader = null;
        }
        this.name = name;
    }

    /** A console whose output a thread of its own reads (tests of that way). */
    PtyConsole(Path path, String name, Consumer<PtyConsole> onClose) {
        this(path, name, null, onClose);
    }

    /** True when the event loop reads the guest's output (else a thread of the console's own). */
    boolean readByLoop() {
        return loopIn != null;
    }

    /** Starts reading the guest's output and writing the client's input. Any thread. */
    void start() {
        if (loopIn != null) {
            synchronized (this) {
                if (!end) { // a takeover before the start closed the channel: nothing to watch
                    watch = loop.watch(loopIn, SelectionKey.OP_READ, this::readable);
                }
            }
        } else {
            reader.start();
        }
        if (direct == null) {
            synchronized (inputLock) {
                startWriter(); // every write goes its way
            }
        }
    }

    /** The writer thread and its buffer, once (see the class comment). Holding inputLock. */
    private void startWriter() {
        assert Thread.holdsLock(inputLock);
        if (writer != null) {
            return;
        }
        input = ByteBuffer.allocate(BUFFER);
        writer = new Thread(this::writeLoop, "console-in-" + name);
        writer.setDaemon(true);
        writer.start(); // it waits for inputLock, which we hold, before it looks at input
    }

    /** True once the writer thread was started, for tests. */
    boolean writerStarted() {
        synchronized (inputLock) {
            return writer != null;
        }
    }

    // ---- the event loop (output read by the loop)

    /**
     * Loop: the pty is readable (or hung up). One non-blocking read into {@link #pending}; then
     * the stream, woken here, frames and queues the bytes on this same thread.
     */
    private void readable(int readyOps) {
        assert loop.inLoop();
        boolean eof = false;
        synchronized (this) {
            if (end) {
                return;
            }
            try {
                int n = loopIn.read(pending);
                if (n == 0) {
                    return; // EAGAIN: the next readiness comes
                }
                if (n < 0) {
                    eof = true;
                } else if (!pending.hasRemaining()) {
                    paused = true; // the client is behind: the guest's output waits in the pty
                    if (watch != null) {
                        watch.setInterest(0);
                    }
                }
            } catch (IOException e) {
                eof = true; // EIO once QEMU closed the pty's master (the guest stopped)
            }
        }
        if (eof) {
            close(); // releases the pty and the device for the next client at once
        }
        wake.run();
    }

    /** Stops watching the pty and closes its channel, on the loop, which owns both. Any thread. */
    private void closeOutput() {
        if (loop.inLoop()) {
            closeOutputOnLoop();
            return;
        }
        try {
            loop.execute(this::closeOutputOnLoop);
        } catch (RejectedExecutionException e) {
            closeOutputNow(); // the loop has ended: its selector is closed, nothing watches the channel
        }
    }

    private void closeOutputOnLoop() {
        assert loop.inLoop();
        closeOutputNow();
    }

    private void closeOutputNow() {
        DriverEventLoop.Registration w;
        synchronized (this) {
            w = watch;
            watch = null;
        }
        if (w != null) {
            w.cancel();
        }
        closeQuietly(loopIn); // the JDK closes the descriptor once the selector has let go of it
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

    // ---- the writer thread

    private void writeLoop() {
        ByteBuffer chunk = ByteBuffer.allocate(BUFFER);
        try {
            FileChannel out = openOut();
            if (out == null) {
                return; // the console ended meanwhile
            }
            while (true) {
                boolean wakeStream;
                synchronized (inputLock) {
                    writerBusy = false;
                    while ((input.position() == 0 || directBusy) && !isEnded()) {
                        inputLock.wait();
                    }
                    if (isEnded()) {
                        return;
                    }
                    writerBusy = true;
                    input.flip();
                    chunk.clear();
                    chunk.put(input);
                    input.clear();
                    wakeStream = inputFull;
                    inputFull = false;
                }
                if (wakeStream) {
                    writableWake.run(); // room again; the worker copies while we write
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    writerBytes.add(out.write(chunk)); // blocks while the guest does not read: only this thread waits
                }
            }
        } catch (ClosedChannelException e) {
            // our own close (the stream ended, or the reader saw the pty end)
        } catch (IOException e) {
            writeFailed = true; // EIO once QEMU closed the pty's master (the guest stopped)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        wake.run();
        writableWake.run(); // a write waiting for room fails now
    }

    /**
     * Writer thread: the blocking channel, opened now if the constructor did not (the pty may
     * not be opened on the loop, where the writer may have been started); null when the console
     * ended meanwhile (then close, which ran or will find no channel, is left nothing to close).
     */
    private FileChannel openOut() throws IOException {
        synchronized (inputLock) {
            if (out != null) {
                return out;
            }
        }
        FileChannel opened = FileChannel.open(path, StandardOpenOption.WRITE);
        synchronized (inputLock) {
            if (isEnded()) {
                closeQuietly(opened);
                return null;
            }
            out = opened;
            return opened;
        }
    }

    private synchronized boolean isEnded() {
        return end;
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
            int count = pending.position();
            pending.flip();
            int n = Math.min(dst.remaining(), count);
            pending.limit(n);
            dst.put(pending);
            pending.limit(count);
            pending.compact();
            if (paused) {
                paused = false;
                if (watch != null) {
                    watch.setInterest(SelectionKey.OP_READ); // room again: the loop reads the pty again
                }
            } else if (reader != null) {
                notifyAll(); // the reader may wait for room
            }
            return n;
        }
    }

    /** What the reader thread buffered; -1 once the next read reports the end or a takeover. */
    @Override
    public synchronized int available() {
        return end || takenOver ? -1 : pending.position();
    }

    /** read and write only copy to and from the reader's and writer's buffers. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public void onWritable(Runnable wake) {
        this.writableWake = wake;
    }

    /** Copies what fits of {@code src} for the writer thread; never waits for the pty. */
    @Override
    public void write(ByteBuffer src) {
        if (writeFailed) {
            throw VirException.systemError(VirErrorDomain.STREAMS, 5, "cannot write to stream",
                    "Input/output error");
        }
        if (isEnded()) {
            throw VirException.rpc(VirErrorDomain.STREAMS, "stream had I/O failure");
        }
        if (claimDirect()) {
            int written = 0;
            try {
                for (int n; src.hasRemaining() && (n = direct.write(src)) > 0; ) {
                    written += n; // a full pty leaves the rest to the writer thread
                }
            } catch (IOException e) {
                writeFailed = true; // EIO: the guest's side is gone; the stream's abort closes us
                throw VirException.systemError(VirErrorDomain.STREAMS, 5, "cannot write to stream",
                        "Input/output error");
            } finally {
                releaseDirect(written);
            }
            if (!src.hasRemaining()) {
                return;
            }
        }
        synchronized (inputLock) {
            if (isEnded()) { // closed while we wrote: no thread for bytes nobody will take
                throw VirException.rpc(VirErrorDomain.STREAMS, "stream had I/O failure");
            }
            startWriter();
            int n = Math.min(src.remaining(), input.remaining());
            input.put(input.position(), src, src.position(), n);
            input.position(input.position() + n);
            src.position(src.position() + n);
            if (src.hasRemaining()) {
                inputFull = true;
            }
            if (n > 0) {
                inputLock.notifyAll();
            }
        }
    }

    /** Bytes the caller's thread wrote to the pty itself (non-blocking), for tests. */
    long directBytes() {
        synchronized (inputLock) {
            return directBytes;
        }
    }

    /** Bytes the writer thread wrote, for tests. */
    long writerBytes() {
        return writerBytes.sum();
    }

    /** True when this caller may write through {@link #direct}: nothing is queued or being written. */
    private boolean claimDirect() {
        synchronized (inputLock) {
            if (directOpen && input.position() == 0 && !writerBusy && !directBusy) {
                directBusy = true;
                return true;
            }
            return false;
        }
    }

    /** After a write through {@link #direct} that wrote {@code written} bytes (counted here, under the lock it takes anyway). */
    private void releaseDirect(int written) {
        synchronized (inputLock) {
            directBytes += written;
            directBusy = false;
            if (!directOpen) {
                direct.close(); // close came while we wrote
            }
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
        writableWake.run();
    }

    /**
     * Ends the console: closes the pty (which also ends the reader's blocked read; the loop's
     * channel is closed on the loop). Idempotent; any thread.
     */
    private void close() {
        synchronized (this) {
            end = true;
            notifyAll();
        }
        synchronized (inputLock) {
            inputLock.notifyAll();
            if (directOpen) {
                directOpen = false;
                if (!directBusy) {
                    direct.close(); // else the writing caller closes it (its fd must not be reused under it)
                }
            }
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (loopIn != null) {
            closeOutput();
        } else {
            closeQuietly(in); // a FileChannel's close also ends the read blocked in it
        }
        FileChannel writerChannel;
        synchronized (inputLock) {
            writerChannel = out;
        }
        closeQuietly(writerChannel);
        onClose.accept(this);
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
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
