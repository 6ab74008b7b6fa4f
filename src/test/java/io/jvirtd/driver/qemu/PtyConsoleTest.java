package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's input on a real pty pair (the test holds the master, as QEMU does): a keystroke
 * goes to the pty from the caller's thread without the writer thread, which is not even started,
 * and when the pty is full the rest goes through the writer thread, started then, in order, with
 * the stream woken when there is room.
 */
class PtyConsoleTest {

    /** libc's pty calls, for the test's master side. */
    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int posix_openpt(int flags);

        int grantpt(int fd);

        int unlockpt(int fd);

        String ptsname(int fd);

        long read(int fd, byte[] buf, long count);

        int close(int fd);
    }

    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;

    private int master = -1;
    private PtyConsole console;

    @BeforeEach
    void openPty() {
        master = LibC.C.posix_openpt(O_RDWR | O_NOCTTY);
        assertTrue(master >= 0, "posix_openpt");
        assertEquals(0, LibC.C.grantpt(master));
        assertEquals(0, LibC.C.unlockpt(master));
        console = new PtyConsole(Path.of(LibC.C.ptsname(master)), "test", c -> { });
        console.start();
    }

    @AfterEach
    void close() {
        console.abort();
        LibC.C.close(master);
    }

    /** Reads {@code n} bytes from the master (the guest's side). */
    private byte[] readMaster(int n) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (got.size() < n) {
            long k = LibC.C.read(master, buf, Math.min(buf.length, n - got.size()));
            assertTrue(k > 0, "read from the master: " + k);
            got.write(buf, 0, (int) k);
        }
        return got.toByteArray();
    }

    @Test
    void aKeystrokeGoesToThePtyFromTheCallersThread() {
        ByteBuffer key = ByteBuffer.wrap("ls -l".getBytes());
        console.write(key);
        assertEquals(0, key.remaining());
        assertArrayEquals("ls -l".getBytes(), readMaster(5));
        assertEquals(5, console.directBytes(), "written by the caller (the event loop in the daemon)");
        assertEquals(0, console.writerBytes(), "the writer thread was not needed");
        assertFalse(console.writerStarted(), "nor started: opening and typing into a console makes no thread");
    }

    @Test
    void whatAFullPtyDoesNotTakeGoesThroughTheWriterThreadInOrder() throws Exception {
        // letters only: the pty's output processing maps newlines, nothing else
        byte[] data = new byte[1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i * 7 % 26);
        }
        Semaphore room = new Semaphore(0);
        CountDownLatch full = new CountDownLatch(1);
        console.onWritable(room::release);
        Thread typist = new Thread(() -> {
            ByteBuffer src = ByteBuffer.wrap(data);
            while (src.hasRemaining()) {
                ByteBuffer piece = src.slice(src.position(), Math.min(src.remaining(), 3000));
                int before = piece.remaining();
                console.write(piece);
                src.position(src.position() + before - piece.remaining());
                if (piece.hasRemaining()) {
                    full.countDown(); // the pty and the writer's buffer are full
                    room.acquireUninterruptibly(); // the stream waits for the writer's wake-up
                }
            }
        });
        assertFalse(console.writerStarted());
        typist.start();
        assertTrue(full.await(30, TimeUnit.SECONDS), "the unread pty filled up");
        assertTrue(console.writerStarted(), "the first write the pty did not take started it");
        byte[] got = readMaster(data.length);
        typist.join(TimeUnit.SECONDS.toMillis(30));
        assertArrayEquals(data, got, "every byte, in order");
        assertTrue(console.writerBytes() > 0, "the full pty sent bytes the writer thread's way");
        assertTrue(console.directBytes() > 0, "the first bytes went the direct way");
        // The writer thread counts a chunk when its write(2) returns, which can be after this
        // thread has read the chunk from the master: wait for that count, not for the bytes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (console.writerBytes() + console.directBytes() < data.length && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(data.length, console.writerBytes() + console.directBytes());
    }
}
