package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.VirException;
import io.jvirtd.rpc.loop.EventLoop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's output read by the event loop, on a real pty pair (the test holds the master,
 * as QEMU does) and a real {@link EventLoop} that this test's thread drives turn by turn
 * ({@link EventLoop#runOnce}), so what the loop did after each turn is exact, with no sleeps.
 * Runs on the JDK of the build, with {@code java.base/sun.nio.ch} opened as the jar opens it.
 */
class PtyConsoleLoopTest {

    /** libc's pty calls, for the test's master side. */
    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int posix_openpt(int flags);

        int grantpt(int fd);

        int unlockpt(int fd);

        String ptsname(int fd);

        long read(int fd, byte[] buf, long count);

        long write(int fd, byte[] buf, long count);

        int fcntl(int fd, int cmd, int arg);

        int tcgetattr(int fd, byte[] termios);

        void cfmakeraw(byte[] termios);

        int tcsetattr(int fd, int when, byte[] termios);

        int close(int fd);
    }

    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int F_SETFL = 4;

    private int master = -1;
    private Path pts;
    private EventLoop loop;
    private PtyConsole console;
    private final AtomicInteger wakes = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();

    @BeforeEach
    void openPty() {
        master = LibC.C.posix_openpt(O_RDWR | O_NOCTTY);
        assertTrue(master >= 0, "posix_openpt");
        assertEquals(0, LibC.C.grantpt(master));
        assertEquals(0, LibC.C.unlockpt(master));
        byte[] termios = new byte[256];
        assertEquals(0, LibC.C.tcgetattr(master, termios));
        LibC.C.cfmakeraw(termios); // as QEMU makes its ptys: bytes pass unchanged, no echo
        assertEquals(0, LibC.C.tcsetattr(master, 0, termios));
        pts = Path.of(LibC.C.ptsname(master));
        loop = new EventLoop("console-test-loop");
        console = new PtyConsole(pts, "test", new LoopForDrivers(loop), c -> closes.incrementAndGet());
        console.onReadable(() -> {
            assertTrue(loop.inLoop(), "the stream is woken on the loop");
            wakes.incrementAndGet();
        });
        assertTrue(console.readByLoop(), "this JDK lets the event loop watch a pty (PtyOutputChannel)");
        loop.runOnce(0); // this thread is the loop from here on
        console.start();
    }

    @AfterEach
    void close() {
        console.abort();
        loop.runOnce(0); // the selector lets go of the channel: the JDK closes its descriptor
        LibC.C.close(master);
    }

    /** The guest writes. */
    private void guestWrites(byte[] b) {
        assertEquals(b.length, LibC.C.write(master, b, b.length));
    }

    /** Turns the loop until it woke the stream (each turn blocks until the pty is readable). */
    private void turnUntilWoken() {
        int before = wakes.get();
        for (int i = 0; i < 1000 && wakes.get() == before; i++) {
            loop.runOnce(10_000);
        }
        assertTrue(wakes.get() > before, "the loop woke the stream");
    }

    private byte[] take(int max) {
        ByteBuffer dst = ByteBuffer.allocate(max);
        int n = console.read(dst);
        assertTrue(n >= 0, "read " + n);
        return java.util.Arrays.copyOf(dst.array(), n);
    }

    @Test
    void theLoopReadsTheGuestsOutputAndWakesTheStreamOnItsOwnThread() {
        assertEquals(0, console.available());
        guestWrites("login: ".getBytes());
        turnUntilWoken();
        assertEquals(7, console.available(), "the loop read the pty in its turn");
        assertArrayEquals("login: ".getBytes(), take(100));
        assertEquals(0, console.read(ByteBuffer.allocate(10)), "nothing more yet: 0, not a wait");
        guestWrites("x".getBytes());
        turnUntilWoken();
        assertArrayEquals("x".getBytes(), take(100));
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("console-in-test")
                || t.getName().equals("console-out-test")), "an open console has no thread of its own");
    }

    /**
     * A client that does not read while the guest floods: the loop stops at {@value PtyConsole#BUFFER}
     * bytes and stops watching the pty, which fills, so the guest's writes wait (EAGAIN on its
     * non-blocking master) however often the loop turns; reading makes room, the loop reads again,
     * and every byte arrives in order.
     */
    @Test
    void aClientThatDoesNotReadHoldsBackTheGuestWithBoundedMemory() {
        assertEquals(0, LibC.C.fcntl(master, F_SETFL, O_RDWR | O_NONBLOCK));
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int counter = 0;
        boolean guestBlocked = false;
        for (int turn = 0; turn < 10_000 && !guestBlocked; turn++) {
            long n;
            do {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (counter + i);
                }
                n = LibC.C.write(master, chunk, chunk.length);
                if (n > 0) {
                    sent.write(chunk, 0, (int) n);
                    counter += (int) n;
                }
            } while (n > 0);
            int before = console.available();
            loop.runOnce(0);
            guestBlocked = console.available() == PtyConsole.BUFFER && before == PtyConsole.BUFFER;
        }
        assertTrue(guestBlocked, "the loop's buffer filled: " + console.available());
        for (int i = 0; i < 20; i++) {
            loop.runOnce(0);
            assertEquals(PtyConsole.BUFFER, console.available(), "the loop reads no more than its bound");
            assertTrue(LibC.C.write(master, chunk, 1) < 0, "the guest's output waits in the full pty");
        }
        assertTrue(sent.size() > PtyConsole.BUFFER, "the pty holds the rest: " + sent.size());
        long t0 = System.nanoTime();
        loop.runOnce(100);
        assertTrue(System.nanoTime() - t0 >= 90_000_000L,
                "the loop no longer watches the full pty: its turn waits for its timeout instead of dispatching");

        // the client reads: the loop watches the pty again and everything comes, in order
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int turn = 0; turn < 100_000 && got.size() < sent.size(); turn++) {
            got.writeBytes(take(8192));
            loop.runOnce(0);
        }
        assertArrayEquals(sent.toByteArray(), got.toByteArray());
    }

    @Test
    void theStreamEndsWhenTheGuestClosesThePty() {
        guestWrites("bye".getBytes());
        turnUntilWoken();
        LibC.C.close(master); // QEMU exits
        master = -1;
        turnUntilWoken();
        assertEquals(1, closes.get(), "the console ended once, releasing the device");
        assertArrayEquals("bye".getBytes(), take(100), "what came before the end is not lost");
        assertEquals(-1, console.read(ByteBuffer.allocate(10)), "then the end of the data");
        loop.runOnce(0);
        assertEquals(0, ptyDescriptors(), "every descriptor of the pty is closed");
    }

    @Test
    void aTakeoverEndsTheFirstClientsStreamAndClosesThePtyOnce() {
        console.takeOver();
        assertEquals(-1, console.available());
        VirException e = assertThrows(VirException.class, () -> console.read(ByteBuffer.allocate(10)));
        assertEquals("stream had I/O failure", e.getMessage());
        loop.runOnce(0);
        assertEquals(0, ptyDescriptors(), "every descriptor of the pty is closed");
        console.abort(); // again: nothing happens twice
        loop.runOnce(0);
        assertEquals(1, closes.get());
    }

    /** Descriptors of this process open on the pty's slave. */
    private long ptyDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(pts);
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
