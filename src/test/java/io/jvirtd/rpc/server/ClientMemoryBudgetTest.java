package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client memory budget on a real server over loopback: what clients hold is charged and
 * released, a large message before CONNECT_OPEN that does not fit the restricted share drops its
 * client, an opened client waits (not read) until its message fits and then completes, an
 * admitted message that does not complete and output that is not read are dropped after the
 * timeout, and every drop and wait is counted. After each test every byte is released.
 */
class ClientMemoryBudgetTest {

    private static final int PROC_OPEN = 1;
    private static final int PROC_ECHO = 2;
    private static final int PROC_GATE = 3;
    private static final int PROC_BIG_REPLY = 4;
    private static final long MIB = 1024 * 1024;
    private static final int MAX = MessageHeader.MAX_MESSAGE;

    private final Semaphore gate = new Semaphore(0);
    private final AtomicInteger gated = new AtomicInteger();
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private ClientMemoryBudget budget;
    private InetSocketAddress address;
    private Path roSocket;

    private void start(long limit, long restricted, long timeoutMillis) throws IOException {
        start(limit, restricted, timeoutMillis, ServerLimits.DEFAULTS);
    }

    private void start(long limit, long restricted, long timeoutMillis, ServerLimits limits) throws IOException {
        loop = new EventLoop("budget-test");
        pool = new WorkerPool("test", 4, 4, 0);
        budget = new ClientMemoryBudget(loop, Ticker.SYSTEM, new ClientMemoryBudget.Settings(limit, restricted,
                timeoutMillis));
        server = new NetServer("test", loop, pool, limits, Ticker.SYSTEM, budget);
        server.addProgram(new Program());
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        roSocket = tmp.resolve("ro-sock"); // JUnit removes the folder: nothing left in /tmp
        server.addUnixListener(roSocket, PosixFilePermissions.fromString("rwxrwxrwx"), null,
                true, 0);
        loop.start();
        server.enable();
    }

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws Exception {
        if (loop == null) {
            return;
        }
        gate.release(100);
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(500, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.awaitTermination(10, TimeUnit.SECONDS);
        pool.shutdown();
    }

    /** A CALL header announcing a message of {@code length} bytes (length word included). */
    private static byte[] callHeader(int proc, int serial, int length) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putInt(length).putInt(PROGRAM).putInt(1).putInt(proc).putInt(MessageHeader.TYPE_CALL).putInt(serial).putInt(0);
        return b.array();
    }

    /** Sends a whole call of {@code length} bytes: the header, then zeros. */
    private static void sendCall(Socket s, int proc, int serial, int length) throws IOException {
        s.getOutputStream().write(callHeader(proc, serial, length));
        sendZeros(s, length - 28);
    }

    private static void sendZeros(Socket s, long n) throws IOException {
        byte[] zeros = new byte[(int) Math.min(n, MIB)];
        for (long left = n; left > 0; left -= zeros.length) {
            s.getOutputStream().write(zeros, 0, (int) Math.min(zeros.length, left));
        }
        s.getOutputStream().flush();
    }

    private static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket();
        s.connect(a, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** The serial of the next reply, which must be OK. */
    private static int readReply(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int len = in.readInt();
        byte[] frame = new byte[len - 4];
        in.readFully(frame);
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertEquals(MessageHeader.STATUS_OK, b.getInt(20), "status");
        return b.getInt(16);
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            while (s.getInputStream().read() >= 0) {
                // replies we do not care about
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private Socket openedClient() throws IOException {
        Socket s = connect(address);
        s.getOutputStream().write(callHeader(PROC_OPEN, 0, 28));
        assertEquals(0, readReply(s));
        return s;
    }

    /** Runs {@code q} on the loop (the budget's counters are loop-confined). */
    private long onLoop(LongSupplier q) throws Exception {
        CompletableFuture<Long> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(q.getAsLong()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private void awaitCondition(String what, BooleanSupplier cond) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(1_000_000); // polls a condition, with a deadline
        }
    }

    private void awaitAllReleased() throws Exception {
        awaitCondition("every byte is released", () -> {
            try {
                return server.clientCount() == 0 && onLoop(budget::heldOnLoop) == 0
                        && onLoop(budget::restrictedHeldOnLoop) == 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, budget.heldBytes(), "the metrics gauge agrees");
    }

    @Test
    void aLargeMessageBeforeConnectOpenThatDoesNotFitTheRestrictedShareDropsItsClient() throws Exception {
        start(64 * MIB, MIB, 60_000);
        try (Socket attacker = connect(address); Socket fits = connect(address); Socket small = connect(address)) {
            try {
                attacker.getOutputStream().write(callHeader(PROC_ECHO, 1, 2 * (int) MIB));
                sendZeros(attacker, 64 * 1024);
            } catch (IOException reset) {
                // dropped before we finished writing
            }
            assertTrue(closedByServer(attacker), "dropped");
            assertEquals(1, server.stats().memoryDrops(ServerStats.MemoryDrop.RESTRICTED_SHARE));

            sendCall(fits, PROC_ECHO, 2, 512 * 1024); // within the 1 MiB share: served
            assertEquals(2, readReply(fits));
            small.getOutputStream().write(callHeader(PROC_ECHO, 3, 28));
            assertEquals(3, readReply(small));
        }
        awaitAllReleased();
        assertEquals(1, server.stats().memoryDrops(ServerStats.MemoryDrop.RESTRICTED_SHARE), "counted once");
    }

    @Test
    void anOpenedClientWaitsUnreadUntilItsMessageFitsThenCompletes() throws Exception {
        start(64 * MIB, MIB, 60_000);
        try (Socket a = openedClient(); Socket b = openedClient(); Socket c = openedClient()) {
            // Two maximum calls held on their workers fill the 64 MiB.
            sendCall(a, PROC_GATE, 1, MAX);
            sendCall(b, PROC_GATE, 2, MAX);
            awaitCondition("both calls are on a worker", () -> gated.get() == 2);
            assertEquals(2L * (MAX - 4), onLoop(budget::heldOnLoop), "both calls stay charged on their workers");

            // A third client's maximum call must wait; it is not read meanwhile.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    sendCall(c, PROC_ECHO, 3, MAX);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            awaitCondition("the third client waits", () -> server.stats().memoryWaits() == 1);
            assertFalse(sent.isDone(), "TCP pushes back: 32 MiB cannot all be sent to a client not read");
            assertEquals(0, onLoop(budget::restrictedHeldOnLoop), "opened clients do not count in the restricted share");

            gate.release(); // one call finishes on its worker and returns its 32 MiB
            assertEquals(3, readReply(c), "the waiting call completes once it fits");
            sent.get(10, TimeUnit.SECONDS);
            gate.release();
            int first = readReply(a);
            int second = readReply(b);
            assertEquals(3, first + second);
        }
        awaitAllReleased();
        assertEquals(0, server.stats().memoryDrops(ServerStats.MemoryDrop.RESTRICTED_SHARE));
    }

    @Test
    void theSmallestWaitingMessageIsAdmittedFirst() throws Exception {
        start(64 * MIB, MIB, 60_000);
        try (Socket a = openedClient(); Socket b = openedClient(); Socket big = openedClient();
                Socket small = openedClient()) {
            sendCall(a, PROC_GATE, 1, MAX);
            sendCall(b, PROC_GATE, 2, MAX);
            awaitCondition("the budget is full", () -> gated.get() == 2);
            // First a maximum message that will stall once admitted, then a 2 MiB one.
            big.getOutputStream().write(callHeader(PROC_ECHO, 3, MAX));
            sendZeros(big, 100_000);
            awaitCondition("the large one waits", () -> server.stats().memoryWaits() == 1);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    sendCall(small, PROC_ECHO, 4, 2 * (int) MIB);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            awaitCondition("the small one waits too", () -> server.stats().memoryWaits() == 2);
            gate.release(); // 32 MiB free: first come would admit the staller and starve the small one
            assertEquals(4, readReply(small), "the smaller message went first");
            sent.get(10, TimeUnit.SECONDS);
            gate.release(); // the first release let a or b go, whichever took the gate first
            assertEquals(1, readReply(a));
            assertEquals(2, readReply(b));
        }
        awaitAllReleased();
    }

    @Test
    void anAdmittedMessageThatDoesNotCompleteIsDroppedAfterTheTimeout() throws Exception {
        start(64 * MIB, MIB, 300);
        try (Socket slow = openedClient(); Socket unopened = connect(address); Socket other = openedClient()) {
            slow.getOutputStream().write(callHeader(PROC_ECHO, 1, 8 * (int) MIB));
            sendZeros(slow, 100_000);
            unopened.getOutputStream().write(callHeader(PROC_ECHO, 2, 512 * 1024));
            sendZeros(unopened, 100_000);
            assertTrue(closedByServer(slow), "the opened slowloris is dropped");
            assertTrue(closedByServer(unopened), "so is one before CONNECT_OPEN that fitted the share");
            assertEquals(2, server.stats().memoryDrops(ServerStats.MemoryDrop.MESSAGE_TIMEOUT));
            other.getOutputStream().write(callHeader(PROC_ECHO, 3, 28));
            assertEquals(3, readReply(other), "others are served");
        }
        awaitAllReleased();
    }

    @Test
    void theTimeoutDoesNotRunWhileTheDaemonItselfStopsReading() throws Exception {
        start(64 * MIB, MIB, 300, new ServerLimits(10, 10, 20, 1, 5, 5)); // one call in flight per client
        try (Socket s = openedClient()) {
            // A call that holds the only slot, then the start of a large message, in one write:
            // the message is admitted, then not read while the call runs.
            ByteBuffer b = ByteBuffer.allocate(28 + 28 + 100_000);
            b.put(callHeader(PROC_GATE, 1, 28)).put(callHeader(PROC_ECHO, 2, 2 * (int) MIB));
            s.getOutputStream().write(b.array());
            awaitCondition("the call holds the slot", () -> gated.get() == 1);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // three timeouts
            while (System.nanoTime() < until) {
                assertEquals(0, server.stats().memoryDrops(ServerStats.MemoryDrop.MESSAGE_TIMEOUT), "not its fault");
                LockSupport.parkNanos(10_000_000);
            }
            gate.release();
            sendZeros(s, 2 * MIB - 28 - 100_000);
            assertEquals(1, readReply(s));
            assertEquals(2, readReply(s));
        }
        awaitAllReleased();
    }

    @Test
    void outputThatIsNotReadIsDroppedAfterTheTimeout() throws Exception {
        start(64 * MIB, MIB, 300);
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(address, 5000);
        s.setSoTimeout(10_000);
        try (s; Socket other = openedClient()) {
            s.getOutputStream().write(callHeader(PROC_BIG_REPLY, 1, 28)); // 16 MiB: more than the sockets hold
            awaitCondition("the client is dropped",
                    () -> server.stats().memoryDrops(ServerStats.MemoryDrop.OUTPUT_TIMEOUT) == 1);
            other.getOutputStream().write(callHeader(PROC_ECHO, 2, 28));
            assertEquals(2, readReply(other));
        }
        awaitAllReleased();
    }

    @Test
    void smallCallsAreNotSlowedByAFullBudget() throws Exception {
        start(64 * MIB, MIB, 60_000);
        try (Socket a = openedClient(); Socket b = openedClient(); Socket small = connect(address)) {
            sendCall(a, PROC_GATE, 1, MAX);
            sendCall(b, PROC_GATE, 2, MAX);
            awaitCondition("the budget is full", () -> gated.get() == 2);
            // A pipeline of calls through 8 KiB reads, before CONNECT_OPEN: all answered.
            ByteBuffer calls = ByteBuffer.allocate(28 * 200);
            for (int i = 0; i < 200; i++) {
                calls.put(callHeader(PROC_ECHO, 100 + i, 28));
            }
            small.getOutputStream().write(calls.array());
            int sum = 0;
            for (int i = 0; i < 200; i++) {
                sum += readReply(small);
            }
            assertEquals(200 * 100 + 199 * 200 / 2, sum);
            gate.release(2);
            readReply(a);
            readReply(b);
        }
        awaitAllReleased();
    }

    @Test
    void aReadOnlyClientStaysRestrictedAfterConnectOpen() throws Exception {
        start(64 * MIB, MIB, 60_000);
        try (SocketChannel ro = SocketChannel.open(UnixDomainSocketAddress.of(roSocket)); Socket rw = openedClient()) {
            ro.write(ByteBuffer.wrap(callHeader(PROC_OPEN, 0, 28)));
            ByteBuffer reply = ByteBuffer.allocate(28);
            while (reply.hasRemaining()) {
                assertTrue(ro.read(reply) >= 0);
            }
            try {
                ro.write(ByteBuffer.wrap(callHeader(PROC_ECHO, 1, 2 * (int) MIB))); // over the 1 MiB share
                ro.write(ByteBuffer.allocate(64 * 1024));
                assertEquals(-1, ro.read(ByteBuffer.allocate(1)), "dropped");
            } catch (IOException reset) {
                // dropped with our bytes unread: the peer resets instead of closing
            }
            assertEquals(1, server.stats().memoryDrops(ServerStats.MemoryDrop.RESTRICTED_SHARE));
            sendCall(rw, PROC_ECHO, 2, 2 * (int) MIB); // the same from an opened read-write client
            assertEquals(2, readReply(rw));
        }
        awaitAllReleased();
    }

    @Test
    void automaticSizesFollowTheHeapWithinBounds() {
        assertEquals(ClientMemoryBudget.MIN_LIMIT, ClientMemoryBudget.automaticLimit(256 * MIB));
        assertEquals(384 * MIB, ClientMemoryBudget.automaticLimit(6144 * MIB));
        assertEquals(1024 * MIB, ClientMemoryBudget.automaticLimit(64L * 1024 * MIB));
        assertEquals(24 * MIB, ClientMemoryBudget.automaticRestricted(384 * MIB));
        assertThrows(IllegalArgumentException.class, () -> new ClientMemoryBudget.Settings(32 * MIB, 0, 1000),
                "a maximum message must always fit");
        assertThrows(IllegalArgumentException.class, () -> new ClientMemoryBudget.Settings(64 * MIB, 65 * MIB, 1000));
    }

    /**
     * OPEN marks the client opened; ECHO answers its serial; GATE waits for the test's
     * permission first; BIG_REPLY answers 16 MiB.
     */
    private final class Program extends TestProgram {
        @Override
        public void dispatch(ServerClient client, Message call) {
            int size = 0;
            switch (call.header().procedure()) {
                case PROC_OPEN -> client.setOpened();
                case PROC_GATE -> {
                    gated.incrementAndGet();
                    gate.acquireUninterruptibly();
                }
                case PROC_BIG_REPLY -> size = 16 * (int) MIB;
                default -> { }
            }
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), size);
            if (size > 0) {
                w.writeFixedOpaque(new byte[size], size);
            }
            client.sendReply(ReplyFrames.finishFrame(w));
        }
    }
}
