package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault plans of the mock host (docs/fault-injection.md) as a management stack meets them: stock
 * python3-libvirt and virsh against a started daemon, through node files that carry a plan and
 * through the daemon-wide plan file of {@code test:///default}.
 */
class FaultPlanIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String NS = "https://jvirtd.io/xmlns/fault-plan/1";

    @TempDir
    Path tmp;

    /**
     * The shipped example: virDomainLookupByName fails 10 % of the time with seed 42. Over 1,000
     * calls a python3-libvirt client sees 100 ± 30 failures, each libvirt's "Domain not found"
     * (VIR_ERR_NO_DOMAIN, VIR_FROM_TEST), and a second connection sees exactly as many; the
     * metrics endpoint counts both runs under the rule's name.
     */
    @Test
    void seededLookupFailuresRepeat() throws Exception {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path example = InteropEnvironment.baseDir().resolve("docs/examples/fault-plan.xml");
        int metricsPort = DaemonProcess.freePort();
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\"").start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + example;
            String first = calls(python, d, uri, "lookup", 1000);
            String second = calls(python, d, uri, "lookup", 1000);
            int failures = intField(first, "failures");
            assertTrue(failures >= 70 && failures <= 130, "failures out of 100 ± 30: " + first);
            assertEquals(failures, intField(second, "failures"), "same seed, other count:\n" + first + "\n" + second);
            assertTrue(first.contains("\"errors\": [[42, 12, \"Domain not found\"]]"),
                    "not libvirt's lookup error: " + first);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("jvirtd_test_faults_total{plan=\"" + example
                    + "\",rule=\"flaky-lookup\",fault=\"error\"} " + 2 * failures), metrics);
        }
    }

    /**
     * A 50 ms exponential delay on virDomainGetXMLDesc: the mean over 1,000 calls is within 20 %
     * of 50 ms, while another client of the same daemon and the same plan, calling other
     * procedures meanwhile, is as fast as when it runs alone (figures in docs/fault-injection.md).
     */
    @Test
    void exponentialDelayLeavesOthersFast() throws Exception {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path node = nodeFile("""
                <f:rule name="slow-xml" procedure="virDomainGetXMLDesc">
                  <f:delay distribution="exponential" mean="50ms"/>
                </f:rule>""", "seed=\"42\"");
        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + node;
            String alone = calls(python, d, uri, "lookup-info", 3000);
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return calls(python, d, uri, "xml", 1000);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String beside = calls(python, d, uri, "lookup-info", 3000);
            assertFalse(slow.isDone(), "the delayed client ended before the other one did: not side by side");
            String delayed = slow.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            System.out.println("fault-plan delay figures:\n  alone:   " + alone + "\n  beside:  " + beside
                    + "\n  delayed: " + delayed);

            double mean = doubleField(delayed, "mean_ms");
            assertTrue(mean >= 40 && mean <= 60, "mean delay not within 20 % of 50 ms: " + delayed);
            double aloneMedian = doubleField(alone, "median_ms");
            double besideMedian = doubleField(beside, "median_ms");
            // "as fast": the same to within scheduling noise on a shared machine, far from 50 ms
            assertTrue(besideMedian <= 2 * aloneMedian + 0.5,
                    "other calls slowed down beside the delayed ones:\n" + alone + "\n" + beside);
        }
    }

    /**
     * A dropped connection is virsh's "End of file while reading data" and the next client is
     * served; a hang is ended by virsh's keepalive and the daemon frees the client's slot.
     */
    @Test
    void dropAndHang() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        Path node = nodeFile("""
                <f:rule procedure="virConnectGetHostname"><f:drop/></f:rule>
                <f:rule procedure="DOMAIN_GET_INFO" object="test"><f:hang/></f:rule>""", "seed=\"1\"");
        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + node;
            Exec.Result drop = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "hostname");
            assertEquals(1, drop.exitCode(), drop.describe());
            assertTrue(drop.stderr().contains("End of file while reading data"), drop.describe());

            Exec.Result next = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "list", "--all");
            assertEquals(0, next.exitCode(), next.describe() + "\n=== daemon\n" + d.describe());
            assertTrue(next.stdout().contains(" test "), next.describe());

            long t0 = System.nanoTime();
            Exec.Result hang = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-k", "1", "-K", "2", "-c", uri,
                    "dominfo", "test");
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertFalse(hang.timedOut(), "the hang outlived virsh's keepalive\n" + hang.describe());
            assertNotEquals(0, hang.exitCode(), hang.describe());
            assertTrue(hang.stderr().contains("keepalive timeout"), hang.describe());
            assertTrue(seconds >= 2, "ended before the keepalive could have acted: " + seconds + " s");
            awaitClients(d, 0);
        }
    }

    /**
     * A partial effect: the change is made and the reply is libvirt's timeout error. On the
     * read-only socket the same rule never fires (the call is served).
     */
    @Test
    void partialEffectNotOnReadOnlySocket() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        Path node = nodeFile("""
                <f:rule procedure="virDomainSuspend"><f:partial/></f:rule>
                <f:rule procedure="virConnectGetHostname"><f:partial/></f:rule>""", "seed=\"1\"");
        try (DaemonProcess d = DaemonProcess.start()) {
            String rw = "test+unix://" + node + "?socket=" + d.rwSocket();
            String ro = "test+unix://" + node + "?socket=" + d.roSocket();
            Exec.Result r = virshSession(virsh, rw, "suspend test\ndomstate test\n");
            assertTrue(r.stderr().contains("error: Timed out during operation: cannot acquire state change lock"),
                    r.describe());
            assertTrue(r.stdout().contains("paused"), "the change was not made\n" + r.describe());

            Exec.Result host = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-r", "-c", ro, "hostname");
            assertEquals(0, host.exitCode(), "a read-only client got a partial effect\n" + host.describe());
            Exec.Result hostRw = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", rw, "hostname");
            assertEquals(1, hostRw.exitCode(), hostRw.describe());
        }
    }

    /**
     * Weather: with a crash rate on test:///default (the daemon-wide plan file), {@code virsh
     * event --all --loop} shows the crash events of a running domain, which then lists as shut
     * off (crashed).
     */
    @Test
    void weatherCrashesShowAsEvents() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        Path plan = tmp.resolve("plan.xml");
        Files.writeString(plan, "<plan xmlns=\"" + NS + "\" seed=\"3\">\n"
                + "  <weather><crash rate=\"1/s\" domain=\"victim*\"/></weather>\n</plan>\n");
        Path victim = tmp.resolve("victim.xml");
        Files.writeString(victim, "<domain type='test'><name>victim1</name><memory>1024</memory>"
                + "<os><type>hvm</type></os></domain>");
        try (DaemonProcess d = DaemonProcess.builder().conf("test_fault_plan", "\"" + plan + "\"").start()) {
            String uri = "test+unix:///default?socket=" + d.rwSocket();
            ProcessBuilder pb = new ProcessBuilder(virsh.toString(), "-c", uri, "event", "--all", "--loop");
            Path home = Exec.clientEnvironment(pb);
            Process events = pb.start();
            try {
                StringBuffer seen = new StringBuffer();
                Thread reader = lines(events, seen);
                Exec.Result def = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "define", victim.toString());
                assertEquals(0, def.exitCode(), def.describe());
                // Start it until the event client has seen it start: only then is its callback
                // surely registered, so the crash that follows cannot be missed.
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (!seen.toString().contains("for domain 'victim1': Started Booted")) {
                    assertTrue(System.nanoTime() < deadline, "never saw victim1 start:\n" + seen);
                    Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "destroy", "victim1");
                    Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "start", "victim1");
                    awaitText(seen, "for domain 'victim1': Started Booted", Duration.ofMillis(500));
                }
                String started = "event 'lifecycle' for domain 'victim1': Started Booted";
                assertTrue(awaitText(seen, "for domain 'victim1': Stopped Crashed", TIMEOUT), seen.toString());
                String after = seen.substring(seen.lastIndexOf(started));
                assertTrue(after.contains("event 'lifecycle' for domain 'victim1': Crashed Panicked\n"
                        + "event 'lifecycle' for domain 'victim1': Stopped Crashed\n"), seen.toString());

                Exec.Result state = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "domstate",
                        "victim1", "--reason");
                assertEquals("shut off (crashed)", state.stdout().strip(), state.describe());
                Exec.Result list = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "list", "--all");
                assertTrue(list.stdout().matches("(?s).*-\\s+victim1\\s+shut off.*"), list.describe());
                reader.interrupt();
            } finally {
                events.destroy();
                events.waitFor(10, TimeUnit.SECONDS);
                Exec.deleteTree(home);
            }
        }
    }

    /**
     * SIGHUP re-reads the daemon-wide plan: a plan that does not parse is refused with file, line
     * and reason and the old one stays in force; a good one replaces it.
     */
    @Test
    void sighupReloadsAndKeepsOldPlanWhenBad() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        Path plan = tmp.resolve("plan.xml");
        Files.writeString(plan, "<plan xmlns=\"" + NS + "\" seed=\"1\">\n"
                + "  <rule name=\"no-hostname\" procedure=\"virConnectGetHostname\"><error code=\"VIR_ERR_OPERATION_TIMEOUT\"/></rule>\n"
                + "</plan>\n");
        try (DaemonProcess d = DaemonProcess.builder().conf("test_fault_plan", "\"" + plan + "\"").start()) {
            String uri = "test+unix:///default?socket=" + d.rwSocket();
            Exec.Result before = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "hostname");
            assertTrue(before.stderr().contains("error: Timed out during operation"), before.describe());

            Files.writeString(plan, "<plan xmlns=\"" + NS + "\" seed=\"1\">\n"
                    + "  <rule procedure=\"*\">\n    <explode/>\n  </rule>\n</plan>\n");
            hup(d);
            assertTrue(awaitText(d::stderr, "fault plan refused, the old one stays in force: " + plan
                    + ":3: unknown action <explode>", TIMEOUT), d.describe());
            Exec.Result kept = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "hostname");
            assertTrue(kept.stderr().contains("error: Timed out during operation"), "old plan not kept\n"
                    + kept.describe());

            Files.writeString(plan, "<plan xmlns=\"" + NS + "\" seed=\"1\"/>\n");
            hup(d);
            assertTrue(awaitText(d::stderr, "fault plan reloaded", TIMEOUT), d.describe());
            Exec.Result after = Exec.run(TIMEOUT, Map.of(), virsh.toString(), "-c", uri, "hostname");
            assertEquals(0, after.exitCode(), after.describe());
        }
    }

    /** A daemon whose plan file does not parse does not start, and says where and why. */
    @Test
    void badPlanFileStopsStartUp() throws Exception {
        Path plan = tmp.resolve("plan.xml");
        Files.writeString(plan, "<plan xmlns=\"" + NS + "\">\n  <rule probability=\"2\"><drop/></rule>\n</plan>\n");
        try (DaemonProcess d = DaemonProcess.builder().conf("test_fault_plan", "\"" + plan + "\"").launch()) {
            assertEquals(1, d.awaitExit(TIMEOUT), d.describe());
            assertTrue(d.stderr().contains(plan + ":2: probability 2 is not between 0 and 1"), d.describe());
        }
    }

    // ---- helpers

    /** A node file with the domain "test" (running) and a plan of {@code rules}. */
    private Path nodeFile(String rules, String planAttributes) throws IOException {
        Path f = tmp.resolve("node-" + Integer.toHexString(rules.hashCode()) + ".xml");
        Files.writeString(f, "<node xmlns:f=\"" + NS + "\">\n"
                + "  <domain type=\"test\"><name>test</name><memory>8388608</memory><vcpu>2</vcpu>"
                + "<os><type>hvm</type></os></domain>\n"
                + "  <f:plan " + planAttributes + ">\n" + rules + "\n  </f:plan>\n</node>\n");
        return f;
    }

    private static String calls(Path python, DaemonProcess d, String uri, String kind, int n) throws IOException {
        Path script = InteropEnvironment.baseDir().resolve("src/test/resources/it/faults/calls.py");
        Exec.Result r = Exec.run(TIMEOUT, Map.of(), python.toString(), script.toString(), uri, kind,
                Integer.toString(n));
        assertEquals(0, r.exitCode(), r.describe() + "\n=== daemon\n" + d.describe());
        return r.stdout().strip();
    }

    private static Exec.Result virshSession(Path virsh, String uri, String commands) throws IOException {
        Path script = Files.createTempFile("virsh", ".txt");
        try {
            Files.writeString(script, commands);
            return Exec.run(TIMEOUT, Map.of(), "/bin/sh", "-c",
                    "'" + virsh + "' -c '" + uri + "' < '" + script + "'");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static int intField(String json, String name) {
        return (int) doubleField(json, name);
    }

    private static double doubleField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": ([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static void hup(DaemonProcess d) throws IOException {
        Exec.Result r = Exec.run(TIMEOUT, Map.of(), "kill", "-HUP", Long.toString(d.pid()));
        assertEquals(0, r.exitCode(), r.describe());
    }

    /** Waits until the daemon's own count of clients (virt-admin) is {@code n}. */
    private static void awaitClients(DaemonProcess d, int n) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Exec.Result r = AdminIT.virtAdmin(d, "srv-clients-info", "libvirtd");
            if (Pattern.compile("(?m)^nclients\\s+: " + n + "$").matcher(r.stdout()).find()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never " + n + " clients\n" + r.describe());
            Thread.sleep(100); // polling the daemon's own view, bounded
        }
    }

    /** Waits until {@code text} contains {@code want}; false if it does not within the timeout. */
    private static boolean awaitText(StringBuffer text, String want, Duration timeout) throws InterruptedException {
        return awaitText(text::toString, want, timeout);
    }

    private static boolean awaitText(Supplier<String> text, String want, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!text.get().contains(want)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20); // polling output that another thread appends, bounded
        }
        return true;
    }

    /** Copies the process's stdout lines into {@code into} on a daemon thread. */
    private static Thread lines(Process p, StringBuffer into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    into.append(l).append('\n');
                }
            } catch (IOException e) {
                into.append("<read error ").append(e).append(">\n");
            }
        }, "virsh-event-stdout");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
