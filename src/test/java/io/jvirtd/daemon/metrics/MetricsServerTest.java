package io.jvirtd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.ClientMemoryBudget;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerLimits;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.server.Transport;
import io.jvirtd.rpc.server.WireSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint over real HTTP, counting real calls through a real server. */
class MetricsServerTest {

    private static final int PROGRAM = 0x20008086;

    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;
    private InetSocketAddress address;
    private MetricsServer metrics;

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("metrics-test");
        pool = new WorkerPool("jvirtd", 2, 4, 1);
        server = new NetServer("libvirtd", loop, pool, new ServerLimits(100, 10, 20, 5, 5, 5), Ticker.SYSTEM,
                new ClientMemoryBudget(loop, Ticker.SYSTEM, new ClientMemoryBudget.Settings(64 << 20, 1 << 20, 30_000)));
        server.addProgram(new EchoProgram());
        address = (InetSocketAddress) server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, 0)
                .channel().getLocalAddress();
        loop.start();
        server.enable();
        metrics = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(server), List.of(
                new MetricsText.ProgramNames(PROGRAM, "remote", n -> n == 59 ? "CONNECT_GET_HOSTNAME" : null)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        metrics.close();
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.quit();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        pool.shutdown();
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    private static long value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing in\n" + text);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void countsClientsDroppedForMemory() throws Exception {
        try (WireSocket c = new WireSocket(address)) {
            ByteBuffer b = ByteBuffer.allocate(28 + 65536); // announces 2 MiB before CONNECT_OPEN: over the 1 MiB share
            b.putInt(2 << 20).putInt(PROGRAM).putInt(1).putInt(59).putInt(MessageHeader.TYPE_CALL).putInt(0).putInt(0);
            c.send(b.array());
            assertTrue(c.awaitClosed(), "dropped");
        }
        String series = "jvirtd_client_memory_drops_total{server=\"libvirtd\",reason=\"restricted_share\"}";
        assertEquals(1, value(scrape(), series));
    }

    @Test
    void countsCallsPerProcedureBytesAndClients() throws Exception {
        try (WireSocket c = new WireSocket(address)) {
            for (int serial = 0; serial < 3; serial++) {
                c.call(PROGRAM, 59, MessageHeader.TYPE_CALL, serial, 1, 2);
                c.readFrame();
            }
            c.call(PROGRAM, 4000, MessageHeader.TYPE_CALL, 3);
            c.readFrame();
            String text = scrape();
            String labels = "server=\"libvirtd\",program=\"remote\",procedure=\"CONNECT_GET_HOSTNAME\"";
            // a reply may reach us before its worker counted it: wait for the count (bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (value(text, "jvirtd_rpc_calls_total{" + labels + "}") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                text = scrape();
            }
            assertEquals(3, value(text, "jvirtd_rpc_calls_total{" + labels + "}"));
            assertEquals(3, value(text, "jvirtd_rpc_call_duration_seconds_count{" + labels + "}"));
            assertEquals(3, value(text, "jvirtd_rpc_call_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}"));
            assertTrue(text.contains("jvirtd_rpc_call_duration_seconds_bucket{" + labels + ",le=\"0.0001\"}"), text);
            assertTrue(text.contains("procedure=\"other\"") || text.contains("procedure=\"4000\""), text);
            assertEquals(1, value(text, "jvirtd_clients{server=\"libvirtd\",transport=\"tcp\",state=\"readwrite\"}"));
            assertEquals(4 * 28 + 3 * 8, value(text, "jvirtd_bytes_received_total{server=\"libvirtd\"}"));
            assertEquals(2, value(text, "jvirtd_pool_workers{server=\"libvirtd\"}"));
            assertEquals(0, value(text, "jvirtd_pool_job_queue_depth{server=\"libvirtd\"}"));
            assertEquals(1, value(text, "jvirtd_clients_accepted_total{server=\"libvirtd\"}"));
            assertEquals(0, value(text, "jvirtd_event_queue_drops_total{server=\"libvirtd\"}"));
            assertEquals(0, value(text, "jvirtd_keepalive_closes_total{server=\"libvirtd\"}"));
            assertTrue(text.contains("# TYPE jvirtd_rpc_call_duration_seconds histogram\n"), text);
            assertEquals(64 << 20, value(text, "jvirtd_client_memory_limit_bytes{share=\"all\"}"));
            assertEquals(1 << 20, value(text, "jvirtd_client_memory_limit_bytes{share=\"restricted\"}"));
            assertEquals(0, value(text, "jvirtd_client_memory_bytes{share=\"all\"}"));
            assertEquals(0, value(text,
                    "jvirtd_client_memory_drops_total{server=\"libvirtd\",reason=\"restricted_share\"}"));
            assertEquals(0, value(text, "jvirtd_client_memory_waits_total{server=\"libvirtd\"}"));
        }
    }

    @Test
    void parsesListenAddresses() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9177), MetricsServer.parseAddress("127.0.0.1:9177"));
        assertEquals(new InetSocketAddress("::1", 9177), MetricsServer.parseAddress("[::1]:9177"));
        for (String bad : List.of("9177", "127.0.0.1:", "host:x", "host:70000")) {
            try {
                MetricsServer.parseAddress(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // refused
            }
        }
    }

    /** Echoes the call's body. */
    private static final class EchoProgram implements ServerProgram {
        @Override
        public int program() {
            return PROGRAM;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public boolean isHighPriority(int procedure) {
            return false;
        }

        @Override
        public void dispatch(ServerClient client, Message call) {
            client.sendReply(ReplyFrames.finishFrame(ReplyFrames.startFrame(
                    call.header().reply(MessageHeader.STATUS_OK), 0)));
        }
    }
}
