package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.FakeTicker;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.tls.TestPki;
import io.jvirtd.rpc.tls.TlsContext;
import io.jvirtd.rpc.xdr.XdrWriter;
import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TLS listener on loopback: the handshake on the event loop, delegated tasks on a small
 * executor, libvirt's confirmation byte, then RPC frames inside TLS records. Clients are the
 * JDK's blocking SSLSocket.
 */
@RequiresTools({Tool.CERTTOOL, Tool.OPENSSL})
class NetServerTlsTest {


    private final ExecutorService tlsTasks = Executors.newFixedThreadPool(2);
    private TestPki pki;
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.get();
        loop = new EventLoop("tls-test-loop", new FakeTicker());
        pool = new WorkerPool("test", 2, 8, 1);
        server = new NetServer("test", loop, pool, new ServerLimits(50, 10, 20, 5, 5, 2), new FakeTicker());
        server.addProgram(new EchoProgram());
        TlsContext tls = TlsContext.forServer(pki.serverConfig(List.of(TestPki.ALLOWED_DN)), tlsTasks, w -> { });
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TLS, 0, tls);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        loop.start();
        server.enable();
    }

    @AfterEach
    void stop() throws InterruptedException {
        tlsTasks.shutdownNow();
        if (server == null) {
            return; // the set-up failed before there was a server: its error is the one to report
        }
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        pool.shutdown();
    }

    private SSLSocket connect(String client, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) pki.clientContext(client).getSocketFactory().createSocket(
                address.getAddress(), address.getPort());
        s.setSoTimeout(10_000);
        if (protocols.length > 0) {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(protocols);
            s.setSSLParameters(p);
        }
        s.startHandshake();
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void acceptedClientGetsTheConfirmationByteThenReplies(String protocol) throws Exception {
        try (SSLSocket s = connect("good", protocol)) {
            assertEquals(protocol, s.getSession().getProtocol());
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(1, in.read(), "libvirt's confirmation byte");
            byte[] body = new byte[100_000];
            new Random(7).nextBytes(body);
            call(s.getOutputStream(), 5, body);
            assertArrayEquals(body, readReply(in, 5));
            assertEquals(TestPki.GOOD_DN, onlyClient().tlsX509Dname());
            assertEquals(Transport.TLS, onlyClient().transport());
        }
    }

    @Test
    void manyCallsInFlightAreAllAnswered() throws Exception {
        try (SSLSocket s = connect("good")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(1, in.read());
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 200; i++) {
                call(out, i, new byte[] {(byte) i, 1, 2, 3});
            }
            boolean[] seen = new boolean[200];
            for (int i = 0; i < 200; i++) { // workers answer in any order
                int len = in.readInt();
                byte[] rest = new byte[len - 4];
                in.readFully(rest);
                int serial = ByteBuffer.wrap(rest).getInt(16);
                assertArrayEquals(new byte[] {(byte) serial, 1, 2, 3}, Arrays.copyOfRange(rest, 24, rest.length));
                seen[serial] = true;
            }
            for (int i = 0; i < 200; i++) {
                assertTrue(seen[i], "reply " + i);
            }
        }
    }

    @Test
    void refusedClientsAreClosedWithoutAConfirmation() throws Exception {
        CountDownLatch allGone = new CountDownLatch(5);
        server.onClientCountChange(n -> {
            if (n == 0) {
                allGone.countDown();
            }
        });
        for (String client : Arrays.asList(null, "otherca", "expired", "outsider", "revoked")) {
            try (SSLSocket s = connect(client)) {
                assertClosedWithoutConfirmation(s, client);
            }
        }
        assertTrue(allGone.await(10, TimeUnit.SECONDS), "refused clients are gone from the server");
    }

    private static void assertClosedWithoutConfirmation(SSLSocket s, String client) throws IOException {
        try {
            int b = s.getInputStream().read();
            assertEquals(-1, b, "client " + client + " must get no confirmation");
        } catch (SocketException | SSLException | EOFException e) {
            // closed without close_notify: the JDK reports it as an error, gnutls as EIO
        }
    }

    @Test
    void plainTextOnTheTlsPortIsDropped() throws Exception {
        try (WireSocket c = new WireSocket(address)) {
            c.call(PROGRAM, 1, MessageHeader.TYPE_CALL, 1, 0);
            try {
                c.readFrame();
                fail("a plain client got an answer from the TLS port");
            } catch (IOException expected) {
                // closed
            }
        }
    }

    @Test
    void fortyConcurrentHandshakesAllComplete() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(clients.submit(() -> {
                    try (SSLSocket s = connect("good")) {
                        return s.getInputStream().read();
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(1, f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private ServerClient onlyClient() {
        assertEquals(1, server.clientCount());
        return server.clients().iterator().next();
    }

    private static void call(OutputStream out, int serial, byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + body.length);
        b.putInt(b.capacity()).putInt(PROGRAM).putInt(1).putInt(1).putInt(MessageHeader.TYPE_CALL)
                .putInt(serial).putInt(0).put(body);
        out.write(b.array());
        out.flush();
    }

    private static byte[] readReply(DataInputStream in, int serial) throws IOException {
        int len = in.readInt();
        byte[] rest = new byte[len - 4];
        in.readFully(rest);
        ByteBuffer b = ByteBuffer.wrap(rest);
        assertEquals(PROGRAM, b.getInt());
        b.getInt();
        b.getInt();
        assertEquals(MessageHeader.TYPE_REPLY, b.getInt());
        assertEquals(serial, b.getInt());
        assertEquals(MessageHeader.STATUS_OK, b.getInt());
        return Arrays.copyOfRange(rest, 24, rest.length);
    }

    /** Echoes a call's body. */
    private static final class EchoProgram extends TestProgram {

        @Override
        public void dispatch(ServerClient client, Message call) {
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), call.bodyLength());
            w.writeFixedOpaque(Arrays.copyOfRange(call.frame(), Message.BODY_OFFSET, call.frame().length),
                    call.bodyLength());
            client.sendReply(ReplyFrames.finishFrame(w));
        }
    }
}
