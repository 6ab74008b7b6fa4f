package io.jvirtd.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.remote.ConnectionRouter;
import io.jvirtd.daemon.remote.RemoteProgram;
import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.Listener;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.server.WireSocket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Findings of the fuzz runs (docs/robustness.md), reproduced exactly, kept as regression tests. */
class FuzzFindingsTest {

    /**
     * NODE_GET_FREE_PAGES with cellCount 0x7fffffff makes the test driver compute 2^31 cells on
     * a worker (no reply within 10 s; the daemon's heap with it). libvirtd refuses it in
     * remoteDispatchNodeGetFreePages before calling the driver: pages * cellCount >
     * REMOTE_NODE_MAX_CELLS (1024) is VIR_ERR_INTERNAL_ERROR "the result won't fit into
     * REMOTE_NODE_MAX_CELLS". Fixed with that check in daemon.remote.RemoteCalls.
     */
    @Test
    void nodeGetFreePagesWithAHugeCellCountIsRefusedAtOnce() throws Exception {
        EventLoop loop = new EventLoop("finding-loop");
        WorkerPool pool = new WorkerPool("finding", 1, 2, 0);
        NetServer server = new NetServer("libvirtd", loop, pool, ServerLimits.DEFAULTS, Ticker.SYSTEM);
        server.addProgram(new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))));
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        loop.start();
        server.enable();
        try (WireSocket c = new WireSocket((InetSocketAddress) l.channel().getLocalAddress())) {
            byte[] uri = "test:///default".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer open = ByteBuffer.allocate(28);
            open.putInt(1).putInt(uri.length).put(uri).put((byte) 0).putInt(0);
            c.send(frame(1, 0, open.array()));
            assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
            // pages = [4], startCell 0, cellCount 0x7fffffff, flags 0
            ByteBuffer args = ByteBuffer.allocate(20).putInt(1).putInt(4).putInt(0).putInt(0x7fffffff).putInt(0);
            c.send(frame(340, 1, args.array()));
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                ByteBuffer r = c.readFrame();
                assertEquals(MessageHeader.STATUS_ERROR, r.getInt(20));
                assertEquals(1, r.getInt(24), "VIR_ERR_INTERNAL_ERROR");
            });
        } finally {
            CountDownLatch done = new CountDownLatch(1);
            server.shutdown(500, () -> {
                done.countDown();
                loop.quit();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            pool.shutdown();
        }
    }

    private static byte[] frame(int proc, int serial, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(28 + body.length);
        b.putInt(b.capacity()).putInt(0x20008086).putInt(1).putInt(proc).putInt(MessageHeader.TYPE_CALL)
                .putInt(serial).putInt(0).put(body);
        return b.array();
    }
}
