package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-client bound on server-initiated event messages, on real loopback sockets. */
class ServerClientEventsTest {

    private static final int PROC_HELLO = 1;
    private static final int PROC_EVENT = 9;
    private static final int BOUND = 256 * 1024;

    private final FakeTicker ticker = new FakeTicker();
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("test-loop", ticker);
        pool = new WorkerPool("test", 2, 4, 1);
        server = new NetServer("test", loop, pool, new ServerLimits(10, 10, 20, 5, 5, 5), ticker);
        server.setMaxQueuedEventBytes(BOUND);
        server.addProgram(new HelloProgram());
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        loop.start();
        server.enable();
    }

    @AfterEach
    void stop() throws InterruptedException {
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
    void readingClientGetsEveryEventInOrderAndTheCountDrainsToZero() throws IOException {
        try (WireSocket c = new WireSocket(address)) {
            ServerClient sc = hello(c, 1);
            for (int i = 0; i < 1000; i++) {
                assertTrue(sc.sendEvent(event(i, 64)));
                ByteBuffer r = c.readFrame();
                assertEquals(MessageHeader.TYPE_MESSAGE, r.getInt(12));
                assertEquals(i, r.getInt(24));
            }
            // The loop subtracts after the write; a reply queued behind the events proves it ran.
            c.call(PROGRAM, PROC_HELLO, MessageHeader.TYPE_CALL, 2);
            assertEquals(2, c.readFrame().getInt(16));
            assertEquals(0, sc.queuedEventBytes());
        }
    }

    @Test
    void clientThatStopsReadingIsClosedAndOthersKeepTheirEvents() throws IOException {
        try (WireSocket slow = new WireSocket(address); WireSocket other = new WireSocket(address)) {
            ServerClient slowClient = hello(slow, 1);
            ServerClient otherClient = hello(other, 2);
            long sent = 0;
            int refused = 0;
            // Never read `slow`: once the kernel buffers are full the events pile up in the
            // daemon until the bound; then they are refused and the client is dropped.
            for (int i = 0; refused == 0; i++) {
                if (slowClient.sendEvent(event(i, 64 * 1024))) {
                    sent += 64 * 1024;
                } else {
                    refused++;
                }
                if (sent > 512L * 1024 * 1024) {
                    fail("a client that never reads accepted " + sent + " bytes of events");
                }
            }
            assertTrue(slow.awaitClosed(), "the slow client was not closed");
            assertFalse(slowClient.sendEvent(event(0, 64)), "a closed client takes no events");
            assertTrue(otherClient.sendEvent(event(7, 64)));
            assertEquals(7, other.readFrame().getInt(24));
        }
    }

    /** Says hello so the server has a client object, and returns it. */
    private ServerClient hello(WireSocket c, int serial) throws IOException {
        c.call(PROGRAM, PROC_HELLO, MessageHeader.TYPE_CALL, serial);
        assertEquals(serial, c.readFrame().getInt(16));
        for (ServerClient sc : server.clients()) {
            if (sc.programData() != null && (Integer) sc.programData() == serial) {
                return sc;
            }
        }
        throw new AssertionError("no client said hello with serial " + serial);
    }

    /** A MESSAGE frame whose body is the word {@code n} padded to {@code size} bytes. */
    private static ByteBuffer event(int n, int size) {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(PROGRAM, 1, PROC_EVENT,
                MessageHeader.TYPE_MESSAGE, 1, MessageHeader.STATUS_OK), size);
        w.writeInt(n);
        w.writeFixedOpaque(new byte[size - 4], size - 4);
        return ReplyFrames.finishFrame(w);
    }

    /** Remembers the serial of the hello call on the client, and answers with an empty reply. */
    private static final class HelloProgram extends TestProgram {

        @Override
        public void dispatch(ServerClient client, Message call) {
            client.setProgramData(call.header().serial());
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), 0);
            client.sendReply(ReplyFrames.finishFrame(w));
        }
    }
}
