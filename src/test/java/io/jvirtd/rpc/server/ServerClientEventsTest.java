package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void clientThatStopsReadingLosesItsOldestEventsOnlyAndOthersKeepTheirs() throws IOException {
        try (WireSocket slow = new WireSocket(address); WireSocket other = new WireSocket(address)) {
            ServerClient slowClient = hello(slow, 1);
            ServerClient otherClient = hello(other, 2);
            int sent = 0;
            // Never read `slow`: once the kernel buffers are full its events pile up in the
            // daemon until the bound, then its oldest are dropped. `other` reads each at once.
            while (slowClient.eventsDropped() == 0) {
                assertTrue(slowClient.sendEvent(event(sent, 1024)), "a slow client stays open");
                assertTrue(otherClient.sendEvent(event(sent, 1024)));
                assertEquals(sent, other.readFrame().getInt(24), "the reading client gets every event in order");
                sent++;
                if (sent > 512 * 1024) {
                    fail("a client that never reads kept " + sent + " events without dropping any");
                }
            }
            for (int i = 0; i < 100; i++) { // more after the first drop: the newest are kept
                assertTrue(slowClient.sendEvent(event(sent++, 1024)));
            }
            assertTrue(slowClient.queuedEventBytes() <= BOUND, slowClient.queuedEventBytes() + " bytes queued");
            // The reader can have its last event before the loop marks it written (it publishes
            // after the write returns); a reply queued behind it proves the loop got that far.
            other.call(PROGRAM, PROC_HELLO, MessageHeader.TYPE_CALL, 4);
            assertEquals(4, other.readFrame().getInt(16));
            ticker.advanceMillis(1500);
            assertTrue(slowClient.eventLagNanos() >= 1_500_000_000L, "lag " + slowClient.eventLagNanos());
            assertTrue(slowClient.eventsWaiting() > 0);
            assertEquals(0, otherClient.eventLagNanos(), "the reading client is not behind");

            // Reading again: every event not dropped, in order, up to the last one sent.
            long dropped = slowClient.eventsDropped();
            int received = 0;
            int last = -1;
            while (last != sent - 1) {
                int n = slow.readFrame().getInt(24);
                assertTrue(n > last, "event " + n + " after " + last);
                last = n;
                received++;
            }
            assertEquals(sent, received + dropped, "received " + received + " + dropped " + dropped);
            assertEquals(dropped, server.stats().eventsDropped());
            // The loop publishes after its write; a reply queued behind the events proves it ran.
            slow.call(PROGRAM, PROC_HELLO, MessageHeader.TYPE_CALL, 3);
            assertEquals(3, slow.readFrame().getInt(16));
            assertEquals(0, slowClient.eventsWaiting());
            assertEquals(0, slowClient.eventLagNanos());
        }
    }

    /**
     * One frame shared by two listeners (as the daemon shares an event's frame): each gets it
     * with its own callback id written in, the shared bytes stay as they were, and an event
     * larger than the loop's event buffer arrives whole and in its place.
     */
    @Test
    void sharedFramesReachEachClientWithItsOwnCallbackIdInOrder() throws IOException, InterruptedException {
        try (WireSocket a = new WireSocket(address); WireSocket b = new WireSocket(address)) {
            ServerClient ca = hello(a, 1);
            ServerClient cb = hello(b, 2);
            int large = ServerClient.EVENT_PULL_BYTES + 4096; // past the loop's event buffer
            ByteBuffer[] frames = new ByteBuffer[300];
            CountDownLatch queued = new CountDownLatch(1);
            // Queued from a loop task, so that all of them wait when the loop turns to writing:
            // one write takes the 50 before the large one, which follows in a buffer of its own.
            loop.execute(() -> {
                for (int i = 0; i < frames.length; i++) { // ~90 KiB in all: within the bound
                    frames[i] = event(0, i, i == 50 ? large : 64);
                    EventFrame f = EventFrame.of(frames[i], 28); // the first word of the body
                    ca.sendEvent(f, 1000 + i);
                    cb.sendEvent(f, 2000 + i);
                }
                queued.countDown();
            });
            assertTrue(queued.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 300; i++) {
                ByteBuffer ra = a.readFrame();
                ByteBuffer rb = b.readFrame();
                int size = (i == 50 ? large : 64) + 28 - 4;
                assertEquals(size, ra.limit(), "event " + i + " whole");
                assertEquals(1000 + i, ra.getInt(24), "a's callback id in event " + i);
                assertEquals(i, ra.getInt(28));
                assertEquals(2000 + i, rb.getInt(24), "b's callback id in event " + i);
                assertEquals(i, rb.getInt(28));
            }
            assertEquals(0, ca.eventsDropped() + cb.eventsDropped());
            for (ByteBuffer f : frames) {
                assertEquals(0, f.getInt(28), "the shared frame is not written to");
            }
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

    /** A MESSAGE frame whose body is the words {@code id} and {@code n} padded to {@code size} bytes. */
    private static ByteBuffer event(int id, int n, int size) {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(PROGRAM, 1, PROC_EVENT,
                MessageHeader.TYPE_MESSAGE, 1, MessageHeader.STATUS_OK), size);
        w.writeInt(id);
        w.writeInt(n);
        w.writeFixedOpaque(new byte[size - 8], size - 8);
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
