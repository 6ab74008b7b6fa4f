package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken clients on raw sockets (docs/protocol.md §1, §7). Each case affects only
 * its own connection: after every case a fresh client must complete the handshake and a call.
 */
class BadInputIT {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final int RPC = 39;
    private static final int FROM_RPC = 7;

    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        daemon = DaemonProcess.start();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** The daemon still serves a new client after every case. */
    @AfterEach
    void daemonStillServes() throws IOException {
        assertTrue(daemon.isAlive(), "daemon died\n" + daemon.describe());
        try (RawClient c = RawClient.tcp(daemon.tcpAddress())) {
            c.handshake("test:///default");
            assertEquals(9_000_000L, c.libVersion(), "CONNECT_GET_LIB_VERSION after the case");
        }
        try (RawClient c = RawClient.unix(daemon.rwSocket())) {
            c.handshake("test:///default");
            assertEquals(9_000_000L, c.libVersion(), "CONNECT_GET_LIB_VERSION (unix) after the case");
        }
    }

    private static RawClient connect() throws IOException {
        return RawClient.tcp(daemon.tcpAddress());
    }

    private static void assertClosedWithoutReply(RawClient c) throws IOException {
        List<RawClient.Frame> got = c.awaitClosed(CLOSE_TIMEOUT);
        assertTrue(got.isEmpty(), "expected a silent close, got " + got);
    }

    private static void assertRpcError(RawClient.Frame f, int serial, String message) {
        assertEquals(RawClient.REPLY, f.type(), "type");
        assertEquals(RawClient.ERROR, f.status(), "status");
        assertEquals(serial, f.serial(), "serial echoed");
        RawClient.RpcError e = f.error();
        assertEquals(RPC, e.code(), "code VIR_ERR_RPC: " + e);
        assertEquals(FROM_RPC, e.domain(), "domain VIR_FROM_RPC: " + e);
        assertEquals(2, e.level(), "level: " + e);
        assertEquals(message, e.message(), "message: " + e);
    }

    // ------------------------------------------------------------------ framing

    /** A length word below the 28-byte minimum closes that connection. */
    @ParameterizedTest
    @ValueSource(ints = {0, 8, 27})
    void frameShorterThanHeaderClosesConnection(int length) throws IOException {
        try (RawClient c = connect()) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(4, length));
            b.putInt(length);
            c.send(b.array());
            assertClosedWithoutReply(c);
        }
    }

    /**
     * A length word over 32 MiB + 4 closes the connection at once: the daemon must judge the
     * length word alone, not wait for (or allocate) the announced body.
     */
    @ParameterizedTest
    @ValueSource(ints = {32 * 1024 * 1024 + 5, 0x7fffffff, 0xffffffff})
    void oversizedLengthClosesConnection(int length) throws IOException {
        try (RawClient c = connect()) {
            ByteBuffer b = ByteBuffer.allocate(RawClient.HEADER_LEN);
            b.putInt(length).putInt(RawClient.REMOTE_PROGRAM).putInt(1).putInt(RawClient.PROC_AUTH_LIST)
                    .putInt(RawClient.CALL).putInt(0).putInt(RawClient.OK);
            c.send(b.array());
            assertClosedWithoutReply(c);
        }
    }

    /** Many oversized announcements do not make the daemon's memory grow by their size. */
    @Test
    void oversizedLengthsAreNotAllocated() throws IOException {
        long before = daemon.rssKiB();
        for (int i = 0; i < 32; i++) {
            try (RawClient c = connect()) {
                ByteBuffer b = ByteBuffer.allocate(8);
                b.putInt(32 * 1024 * 1024 + 5).putInt(RawClient.REMOTE_PROGRAM);
                c.send(b.array());
                assertClosedWithoutReply(c);
            }
        }
        long grownMiB = (daemon.rssKiB() - before) / 1024;
        // 32 allocations of 32 MiB would be 1 GiB
        assertTrue(grownMiB < 256, "daemon RSS grew by " + grownMiB + " MiB");
    }

    @Test
    void httpRequestClosesConnection() throws IOException {
        try (RawClient c = connect()) {
            // "GET " read as a length word is 0x47455420, far over the limit
            c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedWithoutReply(c);
        }
    }

    @Test
    void randomBytesCloseConnection() throws IOException {
        byte[] junk = new byte[4096];
        new Random(0x6a766972L).nextBytes(junk);
        junk[0] |= (byte) 0x80; // whatever follows, the first length word is impossible
        try (RawClient c = connect()) {
            c.send(junk);
            assertClosedWithoutReply(c);
        }
    }

    // ------------------------------------------------------------------ calls

    @Test
    void wrongProgramGetsErrorReplyWithSameSerial() throws IOException {
        try (RawClient c = connect()) {
            c.send(RawClient.frame(0x12345678, 1, 1, RawClient.CALL, 7, RawClient.OK, new byte[0]));
            RawClient.Frame f = c.read(REPLY_TIMEOUT);
            assertEquals(0x12345678, f.prog(), "program echoed");
            assertEquals(1, f.vers(), "version echoed");
            assertEquals(1, f.proc(), "procedure echoed");
            assertRpcError(f, 7, "Cannot find program 305419896 version 1");
            c.handshake("test:///default"); // the connection is still good
        }
    }

    @Test
    void wrongVersionGetsErrorReply() throws IOException {
        try (RawClient c = connect()) {
            c.send(RawClient.frame(RawClient.REMOTE_PROGRAM, 2, RawClient.PROC_AUTH_LIST, RawClient.CALL, 3,
                    RawClient.OK, new byte[0]));
            RawClient.Frame f = c.read(REPLY_TIMEOUT);
            assertEquals(2, f.vers(), "version echoed");
            assertRpcError(f, 3, "Cannot find program 536903814 version 2");
            c.handshake("test:///default");
        }
    }

    @Test
    void unknownProcedureGetsErrorReply() throws IOException {
        try (RawClient c = connect()) {
            c.handshake("test:///default");
            int serial = c.call(9999, new byte[0]);
            RawClient.Frame f = c.awaitReply(serial, REPLY_TIMEOUT, true);
            assertEquals(9999, f.proc(), "procedure echoed");
            assertRpcError(f, serial, "unknown procedure: 9999");
            assertEquals(9_000_000L, c.libVersion(), "connection still usable");
        }
    }

    @Test
    void truncatedBodyGetsDecodeErrorAndConnectionIsKept() throws IOException {
        try (RawClient c = connect()) {
            c.callOk(RawClient.PROC_AUTH_LIST, new byte[0]);
            // name present, 15 bytes announced, 4 sent, flags missing
            byte[] body = new RawClient.Xdr().i32(1).i32(15).raw("test".getBytes(StandardCharsets.US_ASCII)).bytes();
            int serial = c.call(RawClient.PROC_CONNECT_OPEN, body);
            assertRpcError(c.awaitReply(serial, REPLY_TIMEOUT, true), serial, "Unable to decode message payload");
            c.callOk(RawClient.PROC_CONNECT_OPEN, new RawClient.Xdr().optString("test:///default").i32(0).bytes());
            assertEquals(9_000_000L, c.libVersion());
        }
    }

    @Test
    void stringOverItsLimitGetsDecodeErrorAndConnectionIsKept() throws IOException {
        try (RawClient c = connect()) {
            c.callOk(RawClient.PROC_AUTH_LIST, new byte[0]);
            byte[] body = new RawClient.Xdr().i32(1).i32(0x7fffffff)
                    .raw("test:///default\0".getBytes(StandardCharsets.US_ASCII)).i32(0).bytes();
            int serial = c.call(RawClient.PROC_CONNECT_OPEN, body);
            assertRpcError(c.awaitReply(serial, REPLY_TIMEOUT, true), serial, "Unable to decode message payload");
            c.callOk(RawClient.PROC_CONNECT_OPEN, new RawClient.Xdr().optString("test:///default").i32(0).bytes());
            assertEquals(9_000_000L, c.libVersion());
        }
    }

    // ------------------------------------------------------------------ misbehaving peers

    @Test
    void clientDisconnectingMidCallAffectsNobodyElse() throws IOException {
        byte[] call = RawClient.remoteCall(RawClient.PROC_CONNECT_GET_LIB_VERSION, 3, new byte[0]);
        try (RawClient c = connect()) { // half a header
            c.send(java.util.Arrays.copyOf(call, 14));
        }
        try (RawClient c = connect()) { // length word only
            c.send(java.util.Arrays.copyOf(call, 4));
        }
        try (RawClient c = connect()) { // calls in flight, replies never read
            c.handshake("test:///default");
            for (int i = 0; i < 20; i++) {
                c.call(RawClient.PROC_CONNECT_GET_HOSTNAME, new byte[0]);
            }
        }
        try (RawClient c = RawClient.unix(daemon.rwSocket())) { // same over unix, mid-body
            c.callOk(RawClient.PROC_AUTH_LIST, new byte[0]);
            byte[] open = RawClient.remoteCall(RawClient.PROC_CONNECT_OPEN, c.takeSerial(),
                    new RawClient.Xdr().optString("test:///default").i32(0).bytes());
            c.send(java.util.Arrays.copyOf(open, open.length - 6));
        }
    }

    @Test
    void clientThatNeverReadsDoesNotStopOthers() throws IOException {
        try (RawClient hog = connect(); RawClient other = RawClient.unix(daemon.rwSocket())) {
            hog.handshake("test:///default");
            // 1,000,000 pipelined calls (28 MB, replies 36 MB): far more than the socket buffers
            // hold (a receive buffer only grows by autotuning while its owner reads), so they
            // only all go through if the daemon reads and buffers without bound
            int n = 1_000_000;
            ByteBuffer calls = ByteBuffer.allocate(n * RawClient.HEADER_LEN);
            for (int i = 0; i < n; i++) {
                calls.putInt(RawClient.HEADER_LEN).putInt(RawClient.REMOTE_PROGRAM).putInt(1)
                        .putInt(RawClient.PROC_CONNECT_GET_LIB_VERSION).putInt(RawClient.CALL).putInt(1000 + i)
                        .putInt(RawClient.OK);
            }
            calls.flip();
            // writes what the daemon and the kernel buffers take; stalls once backpressure kicks in
            long sent = hog.trySend(calls, Duration.ofSeconds(3));
            assertTrue(sent > 0, "nothing could be sent");
            assertTrue(calls.hasRemaining(), "the daemon kept reading from a client that never reads its replies");

            other.handshake("test:///default");
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                assertEquals(9_000_000L, other.libVersion());
            }
            double took = (System.nanoTime() - t0) / 1e9;
            assertTrue(took < 10, "200 calls took " + took + " s beside a client that never reads");
        }
    }

    @Test
    void thousandIdleConnectionsDoNotStopAWorkingClient() throws IOException {
        List<RawClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                idle.add(i % 2 == 0 ? connect() : RawClient.unix(daemon.rwSocket()));
            }
            try (RawClient worker = connect()) {
                worker.handshake("test:///default");
                long t0 = System.nanoTime();
                for (int i = 0; i < 500; i++) {
                    assertEquals(9_000_000L, worker.libVersion());
                }
                double took = (System.nanoTime() - t0) / 1e9;
                assertTrue(took < 10, "500 calls took " + took + " s beside 1000 idle connections");
            }
            // every idle connection is still open and served
            for (RawClient c : idle) {
                c.callOk(RawClient.PROC_AUTH_LIST, new byte[0]);
            }
        } finally {
            for (RawClient c : idle) {
                c.close();
            }
        }
    }
}
