package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The worker pool under load, watched from outside: virt-admin's pool counters while every
 * ordinary worker is held by slow calls (the test-only {@code test_slow_call} config key slows
 * CONNECT_GET_CAPABILITIES, a low-priority call), a high-priority call served meanwhile by a
 * priority worker, and the Prometheus endpoint counting calls per procedure during a load run.
 */
class AdminLoadIT {

    private static final int PROC_CONNECT_GET_CAPABILITIES = 7;
    // The assertions on the saturated pool must all happen before the first slow call ends; 15 s
    // leaves room for a machine starved by parallel builds (at 6 s it once saw depth 1, not 3).
    private static final long SLOW_MILLIS = 15_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void priorityCallCompletesWhileEveryWorkerIsBusyAndVirtAdminShowsIt() throws Exception {
        InteropEnvironment.virtAdmin();
        InteropEnvironment.virsh();
        int metricsPort = DaemonProcess.freePort();
        try (DaemonProcess d = DaemonProcess.builder().jvmOptions(TestHooksIT.TEST_HOOKS)
                .conf("min_workers", 2).conf("max_workers", 2).conf("prio_workers", 2)
                .conf("test_slow_call", "\"" + PROC_CONNECT_GET_CAPABILITIES + ":" + SLOW_MILLIS + "\"")
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\"")
                .start();
             RawClient slow = RawClient.tcp(d.tcpAddress())) {
            slow.handshake("test:///default");
            long started = System.nanoTime();
            List<Integer> serials = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // two workers: 2 run, 1 waits
                serials.add(slow.call(PROC_CONNECT_GET_CAPABILITIES, new byte[0]));
            }
            String busy = "minWorkers     : 2\nmaxWorkers     : 2\nnWorkers       : 2\nfreeWorkers    : 0\n"
                    + "prioWorkers    : 2\njobQueueDepth  : 1\n\n";
            awaitThreadpoolInfo(d, busy);

            Exec.Result hostname = Exec.run(TIMEOUT, null, InteropEnvironment.virsh().toString(), "-c",
                    "test+unix:///default?socket=" + d.rwSocket(), "hostname");
            assertEquals(0, hostname.exitCode(), hostname.describe() + "\n" + d.describe());
            assertEquals(InteropEnvironment.kernelHostName(), hostname.stdout().strip().split("\\.")[0]);
            assertTrue(elapsedMillis(started) < SLOW_MILLIS - 2000,
                    "the high-priority calls finished after " + elapsedMillis(started) + " ms");
            // still saturated after it: the priority workers served virsh, not the ordinary ones
            assertEquals(busy, AdminIT.virtAdmin(d, "srv-threadpool-info", "libvirtd").stdout());

            String text = scrape(metricsPort);
            assertEquals(0, value(text, "jvirtd_pool_free_workers{server=\"libvirtd\"}"), text);
            assertEquals(1, value(text, "jvirtd_pool_job_queue_depth{server=\"libvirtd\"}"), text);
            assertEquals(1, value(text, "jvirtd_rpc_calls_total{server=\"libvirtd\",program=\"remote\","
                    + "procedure=\"CONNECT_GET_HOSTNAME\"}"), text);

            // two workers: replies come in the order the calls finish, not the order they were sent
            java.util.Set<Integer> waiting = new java.util.HashSet<>(serials);
            long deadline = System.nanoTime() + Duration.ofMillis(3 * SLOW_MILLIS + 30_000).toNanos();
            while (!waiting.isEmpty()) {
                RawClient.Frame f = slow.read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (f.isKeepalive()) {
                    if (f.isPing()) {
                        slow.pong();
                    }
                    continue;
                }
                assertEquals(RawClient.OK, f.status(), f.toString());
                assertTrue(waiting.remove(f.serial()), "unexpected " + f);
            }
            awaitThreadpoolInfo(d, "minWorkers     : 2\nmaxWorkers     : 2\nnWorkers       : 2\nfreeWorkers    : 2\n"
                    + "prioWorkers    : 2\njobQueueDepth  : 0\n\n");
            String after = scrape(metricsPort);
            assertEquals(3, value(after, "jvirtd_rpc_calls_total{server=\"libvirtd\",program=\"remote\","
                    + "procedure=\"CONNECT_GET_CAPABILITIES\"}"), after);
            // 2 calls waited ~15 s, 1 ~30 s: none finished under 5 s
            assertEquals(0, value(after, "jvirtd_rpc_call_duration_seconds_bucket{server=\"libvirtd\","
                    + "program=\"remote\",procedure=\"CONNECT_GET_CAPABILITIES\",le=\"5\"}"), after);
        }
    }

    @Test
    void metricsScrapedDuringLoadCountCallsPerProcedure() throws Exception {
        int metricsPort = DaemonProcess.freePort();
        int clients = 4;
        int callsEach = 2000;
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\"").start()) {
            String hostnames = "jvirtd_rpc_calls_total{server=\"libvirtd\",program=\"remote\","
                    + "procedure=\"CONNECT_GET_HOSTNAME\"}";
            AtomicBoolean loadRunning = new AtomicBoolean(true);
            List<CompletableFuture<Void>> load = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                load.add(CompletableFuture.runAsync(() -> {
                    try (RawClient r = RawClient.tcp(d.tcpAddress())) {
                        r.handshake("test:///default");
                        for (int i = 0; i < callsEach; i++) {
                            r.callOk(RawClient.PROC_CONNECT_GET_HOSTNAME, new byte[0]);
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(load.toArray(new CompletableFuture[0]))
                    .whenComplete((v, e) -> loadRunning.set(false));
            long midRunCount = -1;
            int scrapes = 0;
            while (loadRunning.get()) {
                String text = scrape(metricsPort);
                scrapes++;
                boolean stillRunning = loadRunning.get();
                long n = text.contains(hostnames) ? value(text, hostnames) : 0;
                if (stillRunning && n > 0 && n < (long) clients * callsEach) {
                    midRunCount = n;
                }
                Thread.sleep(20); // pace the scraper; the load does not wait for it
            }
            all.get(120, TimeUnit.SECONDS);
            assertTrue(midRunCount > 0, "no scrape saw the count grow during the load (" + scrapes + " scrapes)");

            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            String text = scrape(metricsPort);
            while (value(text, hostnames) < (long) clients * callsEach && System.nanoTime() < deadline) {
                Thread.sleep(20); // the last replies may be read before their worker counted them
                text = scrape(metricsPort);
            }
            assertEquals((long) clients * callsEach, value(text, hostnames), text);
            assertEquals(clients, value(text, "jvirtd_rpc_calls_total{server=\"libvirtd\",program=\"remote\","
                    + "procedure=\"CONNECT_OPEN\"}"), text);
            assertEquals((long) clients * callsEach, value(text, "jvirtd_rpc_call_duration_seconds_bucket{"
                    + "server=\"libvirtd\",program=\"remote\",procedure=\"CONNECT_GET_HOSTNAME\",le=\"+Inf\"}"), text);
            assertTrue(value(text, "jvirtd_bytes_received_total{server=\"libvirtd\"}")
                    >= (long) clients * callsEach * 28, text);
            assertFalse(d.stderr().contains("metrics scrape failed"), d.describe());
        }
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void awaitThreadpoolInfo(DaemonProcess d, String expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Exec.Result r = AdminIT.virtAdmin(d, "srv-threadpool-info", "libvirtd");
            if (r.exitCode() == 0 && r.stdout().equals(expected)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "pool never showed\n" + expected + "last:\n" + r.describe()
                    + "\n" + d.describe());
            Thread.sleep(100); // the loop reads the pipelined calls at its pace; poll, bounded
        }
    }

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static long value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing in\n" + text);
        return (long) Double.parseDouble(m.group(1));
    }
}
