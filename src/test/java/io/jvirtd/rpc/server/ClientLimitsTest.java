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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * max_clients and max_anonymous_clients as libvirt's virNetServerCheckLimits applies them: at
 * a limit the server stops accepting (connections wait in the listen backlog) and resumes when
 * a client leaves or authenticates.
 */
class ClientLimitsTest {

    private static final int AUTH_SASL = 1;

    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;
    /** Every client-count change the server reports, in order. */
    private final BlockingQueue<Integer> counts = new LinkedBlockingQueue<>();
    private final List<WireSocket> sockets = new ArrayList<>();

    private void start(ServerLimits limits, int authType) throws IOException {
        loop = new EventLoop("limits-test", new FakeTicker());
        pool = new WorkerPool("test", 1, 4, 0);
        server = new NetServer("test", loop, pool, limits, new FakeTicker());
        server.addProgram(new EchoProgram());
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, authType);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        server.onClientCountChange(counts::add);
        loop.start();
        server.enable();
    }

    @AfterEach
    void stop() throws Exception {
        for (WireSocket s : sockets) {
            s.close();
        }
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.awaitTermination(10, TimeUnit.SECONDS);
        pool.shutdown();
    }

    private WireSocket connect() throws IOException {
        WireSocket s = new WireSocket(address); // completes at once: the kernel queues it
        sockets.add(s);
        return s;
    }

    /** Waits until the server reports {@code n} clients. */
    private void awaitCount(int n) throws InterruptedException {
        for (Integer c; (c = counts.poll(10, TimeUnit.SECONDS)) != null; ) {
            if (c == n) {
                return;
            }
        }
        throw new AssertionError("server never reported " + n + " clients; has " + server.clientCount());
    }

    /** A round trip through the loop: what it had to do for earlier events is done. */
    private void loopTurn() throws InterruptedException {
        CountDownLatch turn = new CountDownLatch(1);
        loop.execute(turn::countDown);
        assertTrue(turn.await(10, TimeUnit.SECONDS));
    }

    @Test
    void atMaxClientsNewConnectionsWaitUntilOneLeaves() throws Exception {
        start(new ServerLimits(3, 10, 20, 5, 5, 5), 0);
        for (int i = 0; i < 3; i++) {
            connect();
            awaitCount(i + 1);
        }
        WireSocket fourth = connect();
        fourth.call(PROGRAM, 1, MessageHeader.TYPE_CALL, 7);
        loopTurn();
        assertEquals(3, server.clientCount(), "the fourth waits in the backlog");
        sockets.get(0).close();
        awaitCount(2);
        awaitCount(3);
        assertEquals(7, fourth.readFrame().getInt(16), "served once a slot freed: its call was answered");
    }

    @Test
    void withAuthNoneNoClientCountsAsAnonymous() throws Exception {
        start(new ServerLimits(10, 10, 1, 5, 5, 5), 0);
        for (int i = 0; i < 4; i++) {
            connect();
            awaitCount(i + 1);
        }
        assertEquals(0, server.unauthClientCount());
        for (ServerClient c : server.clients()) {
            assertFalse(c.isAuthPending());
        }
    }

    @Test
    void anonymousClientsBeyondTheLimitWaitUntilOneAuthenticates() throws Exception {
        start(new ServerLimits(10, 10, 2, 5, 5, 5), AUTH_SASL);
        connect();
        awaitCount(1);
        connect();
        awaitCount(2);
        assertEquals(2, server.unauthClientCount());
        WireSocket third = connect();
        third.call(PROGRAM, 1, MessageHeader.TYPE_CALL, 9);
        loopTurn();
        assertEquals(2, server.clientCount(), "max_anonymous_clients reached: the third waits");

        ServerClient first = server.clients().iterator().next();
        assertTrue(first.isAuthPending());
        first.setAuthenticated();
        awaitCount(3);
        assertFalse(first.isAuthPending());
        assertEquals(2, server.unauthClientCount(), "the third is anonymous now");
        assertEquals(9, third.readFrame().getInt(16));
    }

    @Test
    void anonymousClientLeavingFreesItsSlot() throws Exception {
        start(new ServerLimits(10, 10, 1, 5, 5, 5), AUTH_SASL);
        WireSocket first = connect();
        awaitCount(1);
        connect();
        loopTurn();
        assertEquals(1, server.clientCount());
        first.close();
        awaitCount(0);
        awaitCount(1);
        assertEquals(1, server.unauthClientCount());
    }

    @Test
    void raisingTheLimitAtRunTimeResumesAccepting() throws Exception {
        start(new ServerLimits(1, 10, 20, 5, 5, 5), 0);
        connect();
        awaitCount(1);
        connect();
        loopTurn();
        assertEquals(1, server.clientCount());
        server.setLimits(new ServerLimits(2, 10, 20, 5, 5, 5));
        awaitCount(2);
    }

    /** Echoes the call's serial back in an empty reply. */
    private static final class EchoProgram extends TestProgram {

        @Override
        public void dispatch(ServerClient client, Message call) {
            client.sendReply(ReplyFrames.finishFrame(ReplyFrames.startFrame(
                    call.header().reply(MessageHeader.STATUS_OK), 0)));
        }
    }
}
