package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.test.TestDriver;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.Listener;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.server.WireSocket;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The QEMU and LXC programs answer like libvirtd over a driver that lacks their APIs. */
class HypervisorExtraProgramTest {

    private static final int QEMU = 0x20008087;
    private static final int LXC = 0x00068000;

    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private WireSocket c;

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("test-loop");
        pool = new WorkerPool("test", 1, 2, 1);
        server = new NetServer("libvirtd", loop, pool, ServerLimits.DEFAULTS, Ticker.SYSTEM);
        server.addProgram(new RemoteProgram(new ConnectionRouter(List.of(new TestDriver()))));
        server.addProgram(HypervisorExtraProgram.qemu());
        server.addProgram(HypervisorExtraProgram.lxc());
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0);
        loop.start();
        server.enable();
        c = new WireSocket((InetSocketAddress) l.channel().getLocalAddress());
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        pool.shutdown();
    }

    @Test
    void beforeOpenTheConnectionIsNotOpen() throws IOException {
        c.call(QEMU, 1, MessageHeader.TYPE_CALL, 1);
        assertError(1, 1, 7, "internal error: hypervisor connection not open");
    }

    @Test
    void afterOpenTheApisAreNotSupportedFromNoDomain() throws IOException {
        open(0);
        c.call(QEMU, 1, MessageHeader.TYPE_CALL, 2);
        assertError(2, 3, 0, "this function is not supported by the connection driver: virDomainQemuMonitorCommand");
        c.call(LXC, 1, MessageHeader.TYPE_CALL, 3);
        assertError(3, 3, 0, "this function is not supported by the connection driver: virDomainLxcOpenNamespace");
        c.call(QEMU, 6, MessageHeader.TYPE_CALL, 4);                     // the monitor-event MESSAGE
        assertError(4, 39, 7, "unknown procedure: 6");
    }

    @Test
    void readOnlyConnectionsAreRefusedFirst() throws IOException {
        open(1);
        c.call(QEMU, 3, MessageHeader.TYPE_CALL, 2);
        assertError(2, 29, 0, "operation forbidden: read only access prevents virDomainQemuAgentCommand");
    }

    private void open(int flags) throws IOException {
        byte[] name = "test:///default".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(28 + 8 + 16 + 4);
        b.putInt(b.capacity()).putInt(0x20008086).putInt(1).putInt(1).putInt(0).putInt(0).putInt(0);
        b.putInt(1).putInt(name.length).put(name).put((byte) 0).putInt(flags);
        c.send(b.array());
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    private void assertError(int serial, int code, int domain, String message) throws IOException {
        ByteBuffer r = c.readFrame();
        assertEquals(serial, r.getInt(16));
        assertEquals(MessageHeader.STATUS_ERROR, r.getInt(20));
        RpcError e = XdrCodec.of(RpcError.class).decode(new XdrReader(r.array(), 24, r.capacity() - 24));
        assertEquals(message, e.message());
        assertEquals(code, e.code());
        assertEquals(domain, e.domain());
    }
}
