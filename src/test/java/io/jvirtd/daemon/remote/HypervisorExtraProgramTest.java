package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.RunningServer;
import io.jvirtd.rpc.server.WireSocket;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The QEMU and LXC programs answer like libvirtd over a driver that lacks their APIs (the mock
 * host, as libvirt's test driver): arguments decoded first, then the connection, read-only and
 * NO_SUPPORT from no error domain.
 */
class HypervisorExtraProgramTest {

    private static final int QEMU = 0x20008087;
    private static final int LXC = 0x00068000;
    /** qemu_domain_monitor_command_args: an empty-named domain (name, uuid, id), cmd "", flags 0. */
    private static final int[] MONITOR_ARGS = {0, 0, 0, 0, 0, 0, 0, 0};
    /** qemu_domain_agent_command_args: domain, cmd "", timeout, flags. */
    private static final int[] AGENT_ARGS = {0, 0, 0, 0, 0, 0, 0, 0, 0};

    private RunningServer running;
    private WireSocket c;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.start(
                new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))),
                new QemuProgram(),
                HypervisorExtraProgram.lxc());
        c = running.connect();
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        running.close();
    }

    @Test
    void beforeOpenTheConnectionIsNotOpen() throws IOException {
        c.call(QEMU, 1, MessageHeader.TYPE_CALL, 1, MONITOR_ARGS);
        assertError(1, 1, 7, "internal error: hypervisor connection not open");
        c.call(QEMU, 1, MessageHeader.TYPE_CALL, 2);                     // no arguments at all
        assertError(2, 39, 7, "Unable to decode message payload");
    }

    @Test
    void afterOpenTheApisAreNotSupportedFromNoDomain() throws IOException {
        open(0);
        c.call(QEMU, 1, MessageHeader.TYPE_CALL, 2, MONITOR_ARGS);
        assertError(2, 3, 0, "this function is not supported by the connection driver: virDomainQemuMonitorCommand");
        c.call(LXC, 1, MessageHeader.TYPE_CALL, 3);
        assertError(3, 3, 0, "this function is not supported by the connection driver: virDomainLxcOpenNamespace");
        c.call(QEMU, 6, MessageHeader.TYPE_CALL, 4);                     // the monitor-event MESSAGE
        assertError(4, 39, 7, "unknown procedure: 6");
    }

    @Test
    void readOnlyConnectionsAreRefusedFirst() throws IOException {
        open(1);
        c.call(QEMU, 3, MessageHeader.TYPE_CALL, 2, AGENT_ARGS);
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
