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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave slowly: they never read their replies, or trickle bytes. As in
 * libvirtd, a call's slot (max_client_requests) is released when its reply has been written
 * to the socket, not when it was queued, so a client that does not read stops being read and
 * costs at most max_client_requests replies; and neither the loop nor a worker ever waits for
 * such a client.
 */
class SlowClientTest {

    private static final int PROC_BIG = 1;
    private static final int PROC_SMALL = 2;
    private static final int BIG_REPLY = 1 << 20;
    private static final int MAX_REQUESTS = 3;

    private final AtomicInteger dispatched = new AtomicInteger();
    private final Semaphore bigDispatches = new Semaphore(0);
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("slow-test", new FakeTicker());
        pool = new WorkerPool("test", 2, 2, 0);
        server = new NetServer("test", loop, pool, new ServerLimits(10, 10, 20, MAX_REQUESTS, 5, 5), new FakeTicker());
        server.addProgram(new BigReplyProgram());
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        loop.start();
        server.enable();
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(500, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.awaitTermination(10, TimeUnit.SECONDS);
        pool.shutdown();
    }

    private static byte[] call(int proc, int serial) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putInt(28).putInt(PROGRAM).putInt(1).putInt(proc).putInt(MessageHeader.TYPE_CALL).putInt(serial).putInt(0);
        return b.array();
    }

    @Test
    void clientThatNeverReadsIsServedAtMostMaxClientRequestsBeyondWhatTheSocketHolds() throws Exception {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            ch.connect(address);
            ByteBuffer calls = ByteBuffer.allocate(28 * 1000);
            for (int i = 0; i < 1000; i++) {
                calls.put(call(PROC_BIG, i));
            }
            calls.flip();
            while (calls.hasRemaining()) {
                ch.write(calls); // 28 KB: the kernel takes it all
            }
            // The socket buffers take a few MiB of replies at most; then the server must stop.
            int socketHolds = 16;
            boolean more = bigDispatches.tryAcquire(socketHolds + MAX_REQUESTS + 1, 3, TimeUnit.SECONDS);
            assertFalse(more, "a client that does not read got " + dispatched.get() + " 1 MiB replies queued");
            assertTrue(dispatched.get() >= MAX_REQUESTS, "it was served at first");

            // The server still serves others promptly: the loop and the workers are free.
            try (WireSocket other = new WireSocket(address)) {
                other.call(PROGRAM, PROC_SMALL, MessageHeader.TYPE_CALL, 5);
                assertEquals(5, other.readFrame().getInt(16));
            }
        }
    }

    @Test
    void clientThatTricklesOneByteAtATimeHoldsNothing() throws Exception {
        try (SocketChannel slow = SocketChannel.open(address)) {
            byte[] c = call(PROC_SMALL, 1);
            for (int i = 0; i < c.length - 1; i++) {
                slow.write(ByteBuffer.wrap(c, i, 1));
                // Meanwhile another client is served at once, every time.
                try (WireSocket other = new WireSocket(address)) {
                    other.call(PROGRAM, PROC_SMALL, MessageHeader.TYPE_CALL, i);
                    assertEquals(i, other.readFrame().getInt(16));
                }
            }
            assertEquals(27, dispatched.get(), "only the other client's calls ran");
            slow.write(ByteBuffer.wrap(c, c.length - 1, 1));
            ByteBuffer reply = ByteBuffer.allocate(28);
            slow.configureBlocking(true);
            while (reply.hasRemaining()) {
                assertTrue(slow.read(reply) >= 0);
            }
            assertEquals(1, reply.getInt(20), "the trickled call is answered once complete");
        }
    }

    /** PROC_BIG answers 1 MiB, PROC_SMALL nothing. */
    private final class BigReplyProgram extends TestProgram {

        @Override
        public void dispatch(ServerClient client, Message call) {
            dispatched.incrementAndGet();
            int size = call.header().procedure() == PROC_BIG ? BIG_REPLY : 0;
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), size);
            if (size > 0) {
                w.writeFixedOpaque(new byte[size], size);
                bigDispatches.release();
            }
            client.sendReply(ReplyFrames.finishFrame(w));
        }
    }
}
