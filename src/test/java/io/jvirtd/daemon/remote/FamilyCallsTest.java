package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The network calls' wire limits as libvirtd's generated dispatchers answer them
 * (src/rpc/gendispatch.pl): "maxnames > REMOTE_..._LIST_MAX" is VIR_ERR_RPC from VIR_FROM_RPC.
 */
class FamilyCallsTest {

    private static final int REMOTE = 0x20008086;
    private static final int CALL = MessageHeader.TYPE_CALL;
    private static final int CONNECT_LIST_NETWORKS = 38;

    private RunningServer running;
    private WireSocket c;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.start(new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))));
        c = running.connect();
        byte[] name = "test:///default".getBytes(StandardCharsets.UTF_8);
        int padded = (name.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(28 + 8 + padded + 4);
        b.putInt(b.capacity()).putInt(REMOTE).putInt(1).putInt(1).putInt(CALL).putInt(1).putInt(0);
        b.putInt(1).putInt(name.length).put(name).position(36 + padded).putInt(0);
        c.send(b.array());
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        running.close();
    }

    @Test
    void tooManyNetworkNamesIsAnRpcError() throws IOException {
        c.call(REMOTE, CONNECT_LIST_NETWORKS, CALL, 2, 16385);
        ByteBuffer r = c.readFrame();
        assertEquals(MessageHeader.STATUS_ERROR, r.getInt(20));
        RpcError e = XdrCodec.of(RpcError.class).decode(new XdrReader(r.array(), 24, r.capacity() - 24));
        assertEquals(39, e.code());                                       // VIR_ERR_RPC
        assertEquals(7, e.domain());                                      // VIR_FROM_RPC
        assertEquals("maxnames > REMOTE_NETWORK_LIST_MAX", e.message());
    }
}
