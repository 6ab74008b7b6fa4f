package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.FakeTicker;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server and its clients on real loopback sockets, with a test program at the seam. */
class NetServerTest {

    private static final int PROC_BLOCK = 1;
    private static final int PROC_ECHO = 2;
    private static final int PROC_KEEPALIVE = 3;

    private final FakeTicker ticker = new FakeTicker();
    private final GateProgram program = new GateProgram();
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        startServer(new ServerLimits(3, 10, 20, 2, 5, 2));
    }

    private void startServer(ServerLimits limits) throws IOException {
        loop = new EventLoop("test-loop", ticker);
        pool = new WorkerPool("test", 2, 8, 1);
        server = new NetServer("test", loop, pool, limits, ticker);
        server.addProgram(program);
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        loop.start();
        server.enable();
    }

    @AfterEach
    void stop() throws InterruptedException {
        program.gate.release(1000);
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        pool.shutdown();
    }

    @Test
    void callIsAnsweredWithItsSerialAndBody() throws IOException {
        try (WireSocket c = new WireSocket(address)) {
            c.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 77, 0xcafe, 0xbabe);
            ByteBuffer r = c.readFrame();
            assertEquals(new MessageHeader(PROGRAM, 1, PROC_ECHO, MessageHeader.TYPE_REPLY, 77,
                    MessageHeader.STATUS_OK), MessageHeader.read(r.array(), 0));
            assertEquals(0xcafe, r.getInt(24));
            assertEquals(0xbabe, r.getInt(28));
        }
    }

    @Test
    void unknownProgramGetsLibvirtsErrorReplyWithTheSameSerial() throws IOException {
        try (WireSocket c = new WireSocket(address)) {
            c.call(0x12345678, 1, MessageHeader.TYPE_CALL, 5);
            ByteBuffer r = c.readFrame();
            // REPLY/ERROR echoing program, version, procedure and serial (docs/protocol.md §7).
            assertEquals(new MessageHeader(0x12345678, 1, 1, MessageHeader.TYPE_REPLY, 5,
                    MessageHeader.STATUS_ERROR), MessageHeader.read(r.array(), 0));
            r.position(24);
            assertEquals(39, r.getInt());            // code VIR_ERR_RPC
            assertEquals(7, r.getInt());             // domain VIR_FROM_RPC
            assertEquals(1, r.getInt());             // message present
            String text = "Cannot find program 305419896 version 1";
            assertEquals(text.length(), r.getInt());
            byte[] msg = new byte[text.length()];
            r.get(msg);
            assertEquals(text, new String(msg, java.nio.charset.StandardCharsets.US_ASCII));
            // and the connection still works
            c.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 6, 1);
            assertEquals(6, c.readFrame().getInt(16));
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws IOException {
        try (WireSocket c = new WireSocket(address)) {
            c.call(KeepAlive.PROGRAM, KeepAlive.PROC_PING, MessageHeader.TYPE_MESSAGE, 0);
            ByteBuffer r = c.readFrame();
            assertEquals(new MessageHeader(KeepAlive.PROGRAM, 1, KeepAlive.PROC_PONG, MessageHeader.TYPE_MESSAGE,
                    0, MessageHeader.STATUS_OK), MessageHeader.read(r.array(), 0));
        }
    }

    @Test
    void clientOverMaxRequestsStopsBeingReadUntilACallCompletes() throws Exception {
        int calls = 8;
        try (WireSocket c = new WireSocket(address); WireSocket other = new WireSocket(address)) {
            for (int i = 0; i < calls; i++) {
                c.call(PROGRAM, PROC_BLOCK, MessageHeader.TYPE_CALL, i);
            }
            program.started.acquire(2);              // two calls are on workers
            other.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 99, 1);
            assertEquals(99, other.readFrame().getInt(16)); // the loop has served other events meanwhile
            for (int i = 0; i < calls; i++) {
                program.gate.release();              // let exactly one finish ...
                c.readFrame();
                if (i + 2 < calls) {
                    program.started.acquire();       // ... and the next one may start
                }
            }
        }
        // max_client_requests = 2: never more than two of this client's calls on workers at once.
        assertEquals(2, program.maxRunning.get());
    }

    @Test
    void frameOverTheLimitClosesOnlyThatClient() throws IOException {
        try (WireSocket bad = new WireSocket(address); WireSocket good = new WireSocket(address)) {
            bad.send(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
            assertTrue(bad.awaitClosed());
            good.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 9, 3);
            assertEquals(9, good.readFrame().getInt(16));
        }
    }

    @Test
    void keepaliveClosesAClientThatStopsAnsweringPings() throws IOException {
        try (WireSocket c = new WireSocket(address)) {
            c.call(PROGRAM, PROC_KEEPALIVE, MessageHeader.TYPE_CALL, 1);
            c.readFrame();
            for (int ping = 0; ping < 2; ping++) {        // keepalive_count = 2 PINGs ...
                advanceSeconds(5);
                ByteBuffer r = c.readFrame();
                assertEquals(KeepAlive.PROGRAM, r.getInt(0));
                assertEquals(KeepAlive.PROC_PING, r.getInt(8));
            }
            advanceSeconds(5);                              // ... then one more silent interval
            assertTrue(c.awaitClosed());
        }
    }

    @Test
    void atMaxClientsTheNextConnectionWaitsUntilOneLeaves() throws Exception {
        WireSocket[] first = new WireSocket[3];
        for (int i = 0; i < 3; i++) {
            first[i] = new WireSocket(address);
            first[i].call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, i, i);
            first[i].readFrame();
        }
        assertEquals(3, server.clientCount());
        try (WireSocket fourth = new WireSocket(address)) {
            fourth.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 40, 1);
            first[0].close();
            assertEquals(40, fourth.readFrame().getInt(16)); // accepted only after a slot freed
        } finally {
            first[1].close();
            first[2].close();
        }
    }

    @Test
    void shutdownAnswersCallsInFlightThenCloses() throws Exception {
        try (WireSocket c = new WireSocket(address)) {
            c.call(PROGRAM, PROC_BLOCK, MessageHeader.TYPE_CALL, 3);
            program.started.acquire();
            CompletableFuture<Void> drained = new CompletableFuture<>();
            server.shutdown(30_000, () -> drained.complete(null));
            assertFalse(drained.isDone());
            program.gate.release();
            assertEquals(3, c.readFrame().getInt(16));     // the in-flight call got its reply
            assertTrue(c.awaitClosed());
            drained.get(10, TimeUnit.SECONDS);
        }
    }

    private void advanceSeconds(int s) {
        ticker.advanceMillis(s * 1000L);
        loop.execute(() -> { });                           // wake the loop so it sees the new time
    }

    /** Blocks PROC_BLOCK calls on a gate, echoes PROC_ECHO bodies, starts keepalive on PROC_KEEPALIVE. */
    private static final class GateProgram extends TestProgram {
        final Semaphore gate = new Semaphore(0);
        final Semaphore started = new Semaphore(0);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();

        @Override
        public void dispatch(ServerClient client, Message call) {
            int proc = call.header().procedure();
            if (proc == PROC_BLOCK) {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                started.release();
                gate.acquireUninterruptibly();
                running.decrementAndGet();
            } else if (proc == PROC_KEEPALIVE) {
                client.startKeepAlive();
            }
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), call.bodyLength());
            w.writeFixedOpaque(java.util.Arrays.copyOfRange(call.frame(), Message.BODY_OFFSET, call.frame().length),
                    call.bodyLength());
            client.sendReply(ReplyFrames.finishFrame(w));
        }
    }
}
