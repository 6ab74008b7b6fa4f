package io.jvirtd.rpc.loop;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channel watches on real selectors, over pipes and unix-domain and TCP sockets. */
class EventLoopIoTest {
    private Pipe pipe;

    @BeforeEach
    void openPipe() throws IOException {
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void closePipe() throws IOException {
        pipe.source().close();
        pipe.sink().close();
    }

    private void writeToPipe(String s) throws IOException {
        pipe.sink().write(ByteBuffer.wrap(s.getBytes(US_ASCII)));
    }

    private static String readAll(java.nio.channels.ReadableByteChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        try {
            ch.read(buf);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        buf.flip();
        return US_ASCII.decode(buf).toString();
    }

    @Test
    void readablePipeGetsReadCallbackOnLoopThread() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            CompletableFuture<String> got = new CompletableFuture<>();
            loop.watch(pipe.source(), OP_READ, (w, ready) -> {
                assertTrue(loop.inLoop());
                assertEquals(OP_READ, ready);
                w.cancel();
                got.complete(readAll(pipe.source()));
            });
            writeToPipe("ping");
            assertEquals("ping", got.get(10, TimeUnit.SECONDS));
        } finally {
            stop(loop);
        }
    }

    @Test
    void writablePipeGetsWriteCallbackUntilInterestDropped() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            CompletableFuture<Integer> got = new CompletableFuture<>();
            loop.watch(pipe.sink(), OP_WRITE, (w, ready) -> {
                w.setInterest(0); // applied directly: we are on the loop
                assertEquals(0, w.interest());
                got.complete(ready);
            });
            assertEquals(OP_WRITE, got.get(10, TimeUnit.SECONDS));
        } finally {
            stop(loop);
        }
    }

    @Test
    void interestEnabledFromAnotherThreadStartsCallbacks() throws Exception {
        EventLoop loop = new EventLoop("driven");
        AtomicInteger calls = new AtomicInteger();
        Watch w = loop.watch(pipe.source(), 0, (watch, ready) -> calls.incrementAndGet());
        writeToPipe("x");
        loop.runOnce(0);
        assertEquals(1, loop.watchCount());
        assertEquals(0, calls.get(), "no interest, no callback although data waits");

        Thread other = new Thread(() -> w.setInterest(OP_READ));
        other.start();
        other.join();
        assertEquals(OP_READ, w.interest());
        loop.runOnce(0); // applies the queued change, then selects
        assertEquals(1, calls.get());

        Thread again = new Thread(() -> w.setInterest(0));
        again.start();
        again.join();
        loop.runOnce(0);
        loop.runOnce(0);
        assertEquals(1, calls.get(), "interest dropped off-loop stops callbacks");
    }

    @Test
    void cancelFromAnotherThreadStopsCallbacksAndLeavesChannelOpen() throws Exception {
        EventLoop loop = new EventLoop("driven");
        AtomicInteger calls = new AtomicInteger();
        Watch w = loop.watch(pipe.source(), OP_READ, (watch, ready) -> calls.incrementAndGet());
        writeToPipe("x"); // never consumed: the channel stays readable
        loop.runOnce(0);
        assertEquals(1, calls.get());

        Thread other = new Thread(w::cancel);
        other.start();
        other.join();
        loop.runOnce(0);
        loop.runOnce(0);
        assertEquals(1, calls.get());
        assertEquals(0, loop.watchCount());
        assertTrue(pipe.source().isOpen());
        w.cancel(); // idempotent
    }

    @Test
    void cancelledChannelCanBeWatchedAgainInTheSameTurn() throws Exception {
        EventLoop loop = new EventLoop("driven");
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        loop.runOnce(0); // binds this thread as the loop thread
        Watch w = loop.watch(pipe.source(), OP_READ, (watch, ready) -> first.incrementAndGet());
        w.cancel();
        loop.watch(pipe.source(), OP_READ, (watch, ready) -> second.incrementAndGet());
        writeToPipe("x");
        loop.runOnce(0); // the selector forgets the old key; the new watch registers
        loop.runOnce(0);
        assertEquals(0, first.get());
        assertEquals(1, second.get());
        assertEquals(1, loop.watchCount());
    }

    @Test
    void watchingAWatchedChannelAgainIsRefusedOnTheLoop() {
        EventLoop loop = new EventLoop("driven");
        loop.runOnce(0);
        loop.watch(pipe.source(), OP_READ, (w, r) -> { });
        assertThrows(IllegalStateException.class, () -> loop.watch(pipe.source(), OP_READ, (w, r) -> { }));
        assertEquals(1, loop.watchCount());
    }

    @Test
    void invalidInterestAndBlockingChannelsAreRefused() throws IOException {
        EventLoop loop = new EventLoop("driven");
        Watch w = loop.watch(pipe.source(), OP_READ, (watch, r) -> { });
        assertThrows(IllegalArgumentException.class, () -> loop.watch(pipe.sink(), OP_READ, (watch, r) -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.setInterest(OP_WRITE));
        pipe.sink().configureBlocking(true);
        assertThrows(IllegalArgumentException.class, () -> loop.watch(pipe.sink(), OP_WRITE, (watch, r) -> { }));
    }

    @Test
    void unixDomainServerAcceptsAndReadsClientBytes(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            acceptAndRead(server, UnixDomainSocketAddress.of(sock), StandardProtocolFamily.UNIX);
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    @Test
    void tcpServerAcceptsAndReadsClientBytes() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptAndRead(server, server.getLocalAddress(), StandardProtocolFamily.INET);
        }
    }

    /** Accepts one client on the loop, watches it from the accept callback, reads its bytes. */
    private static void acceptAndRead(ServerSocketChannel server, java.net.SocketAddress addr,
                                      StandardProtocolFamily family) throws Exception {
        server.configureBlocking(false);
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        CompletableFuture<String> got = new CompletableFuture<>();
        try {
            loop.watch(server, OP_ACCEPT, (w, ready) -> {
                try {
                    SocketChannel accepted = server.accept();
                    if (accepted == null) {
                        return;
                    }
                    accepted.configureBlocking(false);
                    loop.watch(accepted, OP_READ, (cw, r) -> {
                        cw.cancel();
                        got.complete(readAll(accepted));
                        try {
                            accepted.close();
                        } catch (IOException e) {
                            got.completeExceptionally(e);
                        }
                    });
                } catch (IOException e) {
                    got.completeExceptionally(e);
                }
            });
            try (SocketChannel client = SocketChannel.open(family)) {
                client.connect(addr);
                client.write(ByteBuffer.wrap("hello".getBytes(US_ASCII)));
                assertEquals("hello", got.get(10, TimeUnit.SECONDS));
            }
        } finally {
            stop(loop);
        }
    }

    static void stop(EventLoop loop) throws InterruptedException {
        loop.quit();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }
}
