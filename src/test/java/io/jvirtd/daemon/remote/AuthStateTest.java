package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.RunningServer;
import io.jvirtd.rpc.server.WireSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Before a client authenticated (a SASL or polkit listener), libvirtd serves only the five
 * AUTH_* procedures and answers everything else with VIR_ERR_RPC "authentication required"
 * (virNetServerProgramDispatchCall, after the unknown-procedure check). jvirtd offers auth
 * "none" only, so this state is reached here through a listener declared SASL.
 */
class AuthStateTest {

    private static final int REMOTE = 0x20008086;
    private static final int CALL = MessageHeader.TYPE_CALL;
    private static final int AUTH_SASL = 1;

    private RunningServer running;
    private WireSocket c;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.withAuth(AUTH_SASL,
                new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))));
        c = running.connect();
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        running.close();
    }

    @Test
    void beforeAuthenticationOnlyAuthProceduresAreServed() throws IOException {
        c.call(REMOTE, 66, CALL, 0);                           // AUTH_LIST
        ByteBuffer r = c.readFrame();
        assertEquals(MessageHeader.STATUS_OK, r.getInt(20), "AUTH_LIST is served");
        assertEquals(1, r.getInt(24), "one auth type");
        assertEquals(AUTH_SASL, r.getInt(28), "the listener's");

        c.call(REMOTE, 60, CALL, 1, 10);                       // CONNECT_SUPPORTS_FEATURE
        assertError(c.readFrame(), 1, 39, 7, "authentication required");
        c.call(REMOTE, 1, CALL, 2, 0, 0);                      // CONNECT_OPEN(NULL, 0)
        assertError(c.readFrame(), 2, 39, 7, "authentication required");
        c.call(REMOTE, 157, CALL, 3);                          // CONNECT_GET_LIB_VERSION
        assertError(c.readFrame(), 3, 39, 7, "authentication required");
        c.call(REMOTE, 99999, CALL, 4);                        // unknown: that check comes first
        assertError(c.readFrame(), 4, 39, 7, "unknown procedure: 99999");
    }

    @Test
    void onceAuthenticatedEverythingIsServed() throws Exception {
        c.call(REMOTE, 66, CALL, 0);
        c.readFrame();
        ServerClient client = running.server().clients().iterator().next();
        client.setAuthenticated();
        c.call(REMOTE, 60, CALL, 1, 10);                       // CONNECT_SUPPORTS_FEATURE(keepalive)
        ByteBuffer r = c.readFrame();
        assertEquals(MessageHeader.STATUS_OK, r.getInt(20));
        assertEquals(0, running.server().unauthClientCount());
    }

    private static void assertError(ByteBuffer f, int serial, int code, int domain, String message) {
        assertEquals(serial, f.getInt(16), "serial");
        assertEquals(MessageHeader.TYPE_REPLY, f.getInt(12), "type");
        assertEquals(MessageHeader.STATUS_ERROR, f.getInt(20), "status");
        assertEquals(code, f.getInt(24), "code");
        assertEquals(domain, f.getInt(28), "domain");
        assertEquals(1, f.getInt(32), "message present");
        int len = f.getInt(36);
        assertEquals(message, new String(f.array(), 40, len, StandardCharsets.UTF_8));
    }
}
