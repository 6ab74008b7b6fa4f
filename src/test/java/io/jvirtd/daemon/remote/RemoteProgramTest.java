package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.model.spi.ConnectionDriver;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.RunningServer;
import io.jvirtd.rpc.server.WireSocket;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.testsupport.DaemonLog;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote program behind a real server on loopback, checked byte for byte against what
 * libvirtd 9.0 answered on the wire (docs/protocol.md).
 */
class RemoteProgramTest {

    private static final int REMOTE = 0x20008086;
    private static final int CALL = MessageHeader.TYPE_CALL;

    private RunningServer running;
    private WireSocket c;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.start(
                new RemoteProgram(new ConnectionRouter(Map.of("test", new MockHostDriver()))));
        c = running.connect();
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        running.close();
    }

    @Test
    void virshHandshakeGetsLibvirtdsBytes() throws IOException {
        c.call(REMOTE, 66, CALL, 0);                                     // AUTH_LIST
        assertArrayEquals(words(
                0x20008086, 1, 0x42, 1, 0, 0,                            // REPLY serial 0 OK
                1, 0),                                                   // types = [REMOTE_AUTH_NONE]
                frame(c.readFrame()));
        c.call(REMOTE, 60, CALL, 1, 10);                                 // SUPPORTS_FEATURE(PROGRAM_KEEPALIVE)
        assertArrayEquals(words(0x20008086, 1, 0x3c, 1, 1, 0, 1), frame(c.readFrame()));
        c.send(openCall(2, "test:///default"));
        assertArrayEquals(words(0x20008086, 1, 1, 1, 2, 0), frame(c.readFrame()));   // void reply
        c.call(REMOTE, 60, CALL, 3, 14);                                 // REMOTE_EVENT_CALLBACK
        assertArrayEquals(words(0x20008086, 1, 0x3c, 1, 3, 0, 1), frame(c.readFrame()));
        c.call(REMOTE, 360, CALL, 5);                                    // REGISTER_CLOSE_CALLBACK
        assertArrayEquals(words(0x20008086, 1, 0x168, 1, 5, 0), frame(c.readFrame()));
    }

    /**
     * jvirtd serves no SASL or polkit socket: libvirtd 9.0's answers on a socket with auth none
     * (SASL: its authentication-failed error; polkit: the generic error a clean worker gives,
     * as nothing reports one before virNetMessageSaveError).
     */
    @Test
    void saslAndPolkitOnASocketWithoutThemGetLibvirtdsAnswers() throws IOException {
        c.call(REMOTE, 67, CALL, 1);                                     // AUTH_SASL_INIT
        assertAuthFailed(c.readFrame(), 1);
        c.call(REMOTE, 68, CALL, 2, 5, 0x504c4149, 0x4e000000, 1, 0);    // AUTH_SASL_START("PLAIN", nil, [])
        assertAuthFailed(c.readFrame(), 2);
        c.call(REMOTE, 69, CALL, 3, 1, 0);                               // AUTH_SASL_STEP(nil, [])
        assertAuthFailed(c.readFrame(), 3);
        c.call(REMOTE, 70, CALL, 4);                                     // AUTH_POLKIT
        RpcError e = assertError(c.readFrame(), 4, 1, 7, "Library function returned error but did not set virError");
        assertEquals(null, e.str1());
        assertEquals(0, e.int1());
        c.send(openCall(5, "test:///default"));                          // the client is not harmed
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    private static void assertAuthFailed(ByteBuffer frame, int serial) {
        RpcError e = assertError(frame, serial, 45, 7, "authentication failed: authentication failed");
        assertEquals("authentication failed: %s", e.str1());
        assertEquals("authentication failed", e.str2());
        assertEquals(-1, e.int1());
    }

    @Test
    void callBeforeOpenSaysTheConnectionIsNotOpen() throws IOException {
        c.call(REMOTE, 59, CALL, 4);                                     // CONNECT_GET_HOSTNAME
        assertError(c.readFrame(), 4, 1, 7, "internal error: hypervisor connection not open");
    }

    @Test
    void unknownAndEventOnlyProceduresAreUnknown() throws IOException {
        c.call(REMOTE, 9999, CALL, 1);
        RpcError e = assertError(c.readFrame(), 1, 39, 7, "unknown procedure: 9999");
        assertEquals("%s", e.str1());
        c.call(REMOTE, 318, CALL, 2);                                    // DOMAIN_EVENT_CALLBACK_LIFECYCLE
        assertError(c.readFrame(), 2, 39, 7, "unknown procedure: 318");
    }

    @Test
    void callWithErrorStatusIsRefused() throws IOException {
        c.send(bytes(words(28, REMOTE, 1, 66, CALL, 8, 1)));
        assertError(c.readFrame(), 8, 39, 7, "Unexpected message status 1");
    }

    @Test
    void undecodableArgumentsGetAnErrorAndTheConnectionStays() throws IOException {
        // CONNECT_OPEN whose name claims 0x7fffffff bytes.
        c.send(bytes(words(40, REMOTE, 1, 1, CALL, 3, 0, 1, 0x7fffffff, 0)));
        assertError(c.readFrame(), 3, 39, 7, "Unable to decode message payload");
        c.send(openCall(4, "test:///default"));
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    @Test
    void unknownUriHasNoDriver() throws IOException {
        c.send(openCall(2, "bogus:///x"));
        assertError(c.readFrame(), 2, 5, 0, "no connection driver available for bogus:///x");
    }

    @Test
    void secondOpenIsRefusedAndTheFirstStaysUsable() throws IOException {
        c.send(openCall(1, "test:///default"));
        c.readFrame();
        c.send(openCall(2, "test:///default"));
        assertError(c.readFrame(), 2, 1, 7, "internal error: connection already open");
        c.call(REMOTE, 3, CALL, 3);                                      // CONNECT_GET_TYPE
        ByteBuffer r = c.readFrame();
        assertEquals(MessageHeader.STATUS_OK, r.getInt(20));
        assertEquals("TEST", string(r, 24));
    }

    @Test
    void unimplementedProcedureNamesTheApi() throws IOException {
        c.send(openCall(1, "test:///default"));
        c.readFrame();
        c.call(REMOTE, 228, CALL, 2, 0, -1, 0);                          // NODE_GET_MEMORY_STATS
        assertError(c.readFrame(), 2, 3, 20,
                "this function is not supported by the connection driver: virNodeGetMemoryStats");
        c.call(REMOTE, 242, CALL, 3, 4, 0x74657374,                      // DOMAIN_MIGRATE_GET_MAX_SPEED("test" ...
                0x6695eb01, 0xf6a48304, 0x79aa97f2, 0x502e193f, 1, 0);   // ... uuid, id 1, flags 0)
        assertError(c.readFrame(), 3, 3, 20,
                "this function is not supported by the connection driver: virDomainMigrateGetMaxSpeed");
    }

    @Test
    void readOnlyConnectionCannotChangeAnything() throws IOException {
        c.send(openCall(1, "test:///default", 1));                        // VIR_CONNECT_RO
        c.readFrame();
        c.call(REMOTE, 34, CALL, 2, 4, 0x74657374,                       // DOMAIN_SUSPEND("test" ...
                0x6695eb01, 0xf6a48304, 0x79aa97f2, 0x502e193f, 1);      // ... uuid, id 1)
        assertError(c.readFrame(), 2, 29, 20, "operation forbidden: read only access prevents virDomainSuspend");
        c.call(REMOTE, 59, CALL, 3);                                     // reads still work
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    @Test
    void invalidArgumentsAreCheckedAsThePublicApiDoes() throws IOException {
        c.send(openCall(1, "test:///default"));
        c.readFrame();
        c.call(REMOTE, 101, CALL, 2, 0, 0);                              // CELLS_FREE_MEMORY(0, maxcells 0)
        RpcError e = assertError(c.readFrame(), 2, 8, 20,
                "maxCells in virNodeGetCellsFreeMemory must be greater than zero");
        assertEquals("virNodeGetCellsFreeMemory", e.str1());
        assertEquals("maxCells", e.str2());
    }

    @Test
    void closeIsAnsweredThenTheSocketCloses() throws IOException {
        c.send(openCall(1, "test:///default"));
        c.readFrame();
        c.call(REMOTE, 2, CALL, 2);                                      // CONNECT_CLOSE
        assertArrayEquals(words(0x20008086, 1, 2, 1, 2, 0), frame(c.readFrame()));
        assertTrue(c.awaitClosed());
    }

    /**
     * A driver that fails with an exception nobody turned into a libvirt error: the client gets
     * libvirt's internal error naming the API and a log reference, never Java's exception text,
     * and the log line with that reference has the exception and its stack.
     */
    @Test
    void anUnexpectedDriverFailureShowsTheClientNoInternals(@TempDir Path dir) throws Exception {
        ConnectionDriver broken = new ConnectionDriver() {
            @Override
            public String name() {
                return "Test";
            }

            @Override
            public Optional<HypervisorConnection> open(URI uri, String requestedName, boolean readOnly) {
                HypervisorConnection real = new MockHostDriver().open(uri, requestedName, readOnly).orElseThrow();
                return Optional.of((HypervisorConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {HypervisorConnection.class}, (proxy, m, args) -> {
                            if (m.getName().equals("getHostname")) {
                                throw new IllegalStateException("secret internals at io.jvirtd.Somewhere");
                            }
                            try {
                                return m.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }));
            }
        };
        try (DaemonLog log = new DaemonLog(dir);
             RunningServer s = RunningServer.start(new RemoteProgram(new ConnectionRouter(Map.of("test", broken))));
             WireSocket w = s.connect()) {
            w.send(openCall(1, "test:///default"));
            assertEquals(MessageHeader.STATUS_OK, w.readFrame().getInt(20));
            w.call(REMOTE, 59, CALL, 2);                                 // CONNECT_GET_HOSTNAME
            ByteBuffer r = w.readFrame();
            RpcError e = XdrCodec.of(RpcError.class).decode(new XdrReader(r.array(), 24, r.capacity() - 24));
            Matcher m = Pattern.compile("internal error: unexpected failure in virConnectGetHostname"
                    + " \\(see the daemon log, error ([0-9a-f]{8})\\)").matcher(e.message());
            assertTrue(m.matches(), e.message());
            assertError(r, 2, 1, 7, e.message());
            assertEquals("internal error: %s", e.str1());
            List<String> entries = log.entries("error " + m.group(1));
            assertEquals(1, entries.size(), entries.toString());
            assertTrue(entries.get(0).contains("virConnectGetHostname failed\n"
                    + "java.lang.IllegalStateException: secret internals at io.jvirtd.Somewhere\n\tat "), entries.get(0));
            w.call(REMOTE, 3, CALL, 3);                                  // CONNECT_GET_TYPE: the client goes on
            assertEquals(MessageHeader.STATUS_OK, w.readFrame().getInt(20));
        }
    }

    private static RpcError assertError(ByteBuffer r, int serial, int code, int domain, String message) {
        assertEquals(serial, r.getInt(16), "serial");
        assertEquals(MessageHeader.TYPE_REPLY, r.getInt(12), "type");
        assertEquals(MessageHeader.STATUS_ERROR, r.getInt(20), "status");
        RpcError e = XdrCodec.of(RpcError.class).decode(new XdrReader(r.array(), 24, r.capacity() - 24));
        assertEquals(message, e.message());
        assertEquals(code, e.code(), "code");
        assertEquals(domain, e.domain(), "domain");
        assertEquals(2, e.level());
        return e;
    }

    private static byte[] openCall(int serial, String uri) {
        return openCall(serial, uri, 0);
    }

    private static byte[] openCall(int serial, String uri, int flags) {
        byte[] name = uri.getBytes(StandardCharsets.UTF_8);
        int padded = (name.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(28 + 8 + padded + 4);
        b.putInt(b.capacity()).putInt(REMOTE).putInt(1).putInt(1).putInt(CALL).putInt(serial).putInt(0);
        b.putInt(1).putInt(name.length).put(name).position(36 + padded).putInt(flags);
        return b.array();
    }

    private static String string(ByteBuffer r, int at) {
        int len = r.getInt(at);
        return new String(r.array(), at + 4, len, StandardCharsets.UTF_8);
    }

    private static int[] frame(ByteBuffer b) {
        int[] w = new int[b.capacity() / 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = b.getInt(i * 4);
        }
        return w;
    }

    private static int[] words(int... w) {
        return w;
    }

    private static byte[] bytes(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4);
        Arrays.stream(words).forEach(b::putInt);
        return b.array();
    }
}
