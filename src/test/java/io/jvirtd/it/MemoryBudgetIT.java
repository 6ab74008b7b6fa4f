package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Issue 17's attack, scaled down, against the packaged daemon with a small budget (64 MiB,
 * 2 MiB of it for clients without CONNECT_OPEN, 2 s timeout): 40 clients that never handshake
 * announce 32 MiB messages and send their bodies in rounds; an opened client stalls in the
 * middle of an 8 MiB message. After every round a stock virsh is answered; meanwhile a
 * legitimate client defines a domain from the largest XML a stock client can send and reads
 * it back, and sends 10 MiB and 32 MiB calls on an opened connection. Every attacker is
 * dropped, the staller after the timeout, each logged once and counted in the metrics.
 * docs/robustness.md has the full-size runs (bench/attack).
 */
class MemoryBudgetIT {

    private static final int ATTACKERS = 40;
    private static final int MAX_LENGTH_WORD = 32 * 1024 * 1024 + 4;

    private static byte[] callHeader(int lengthWord, int serial) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putInt(lengthWord).putInt(RawClient.REMOTE_PROGRAM).putInt(1).putInt(RawClient.PROC_CONNECT_GET_LIB_VERSION)
                .putInt(RawClient.CALL).putInt(serial).putInt(0);
        return b.array();
    }

    /** A whole call of {@code lengthWord} bytes on an opened connection: answered OK. */
    private static long bigCall(RawClient c, int lengthWord) throws IOException {
        int serial = c.takeSerial();
        c.send(callHeader(lengthWord, serial));
        byte[] mib = new byte[1 << 20];
        for (long left = lengthWord - 28L; left > 0; left -= mib.length) {
            c.send(left >= mib.length ? mib : new byte[(int) left]);
        }
        RawClient.Frame f = c.awaitReply(serial, Duration.ofSeconds(60), true);
        assertEquals(RawClient.OK, f.status(), f.toString());
        return f.reader().i64();
    }

    /** virsh defines a domain from a 4,000,000-byte XML and gets it back, in one connection. */
    private static String defineAndDumpBigDomain(Path virsh, String uri, Path dir) throws IOException {
        String head = "<domain type='test'><name>legit-big</name><memory>1048576</memory><os><type>hvm</type></os>"
                + "<description>";
        String tail = "</description></domain>";
        String pad = "x".repeat(4_000_000 - head.length() - tail.length());
        Path xml = dir.resolve("big.xml");
        Files.writeString(xml, head + pad + tail);
        Exec.Result r = Exec.run(Duration.ofSeconds(120), null, virsh.toString(), "-c", uri,
                "define " + xml + "; dumpxml legit-big; undefine legit-big");
        assertEquals(0, r.exitCode(), r.describe().substring(0, Math.min(2000, r.describe().length())));
        assertTrue(r.stdout().contains(pad), "dumpxml returned the 4 MB description");
        return "ok";
    }

    private static long metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing in\n" + text);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void attackersAreDroppedAndCountedWhileProbesAndALegitimateClientAreServed() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        int metricsPort = DaemonProcess.freePort();
        List<RawClient> attackers = new ArrayList<>();
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("client_memory_budget", 64L << 20)
                .conf("client_memory_budget_restricted", 2L << 20)
                .conf("client_memory_timeout", 2)
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\"")
                .start();
                RawClient staller = RawClient.tcp(d.tcpAddress());
                RawClient legitRaw = RawClient.tcp(d.tcpAddress())) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + "/default";
            long rssBefore = d.rssKiB();

            staller.handshake("test:///default");
            staller.send(callHeader(8 * 1024 * 1024, staller.takeSerial()));
            staller.send(new byte[1 << 20]);

            for (int i = 0; i < ATTACKERS; i++) {
                RawClient a = RawClient.tcp(d.tcpAddress());
                attackers.add(a);
                a.send(callHeader(MAX_LENGTH_WORD, 0));
            }
            legitRaw.handshake("test:///default");
            CompletableFuture<String> legit = CompletableFuture.supplyAsync(() -> {
                try {
                    String xml = defineAndDumpBigDomain(virsh, uri, d.dir());
                    long v10 = bigCall(legitRaw, 10 * 1024 * 1024);
                    long v32 = bigCall(legitRaw, MAX_LENGTH_WORD);
                    return xml + " " + v10 + " " + v32;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            byte[] chunk = new byte[256 * 1024];
            for (int round = 1; round <= 6; round++) {
                for (RawClient a : attackers) {
                    try {
                        a.trySend(ByteBuffer.wrap(chunk), Duration.ofMillis(200));
                    } catch (IOException dropped) {
                        // reset by the daemon: expected
                    }
                }
                Exec.Result probe = Exec.run(Duration.ofSeconds(30), null, virsh.toString(), "-c", uri, "version");
                assertEquals(0, probe.exitCode(), "probe after round " + round + "\n" + probe.describe());
            }
            assertEquals("ok 9000000 9000000", legit.get(180, TimeUnit.SECONDS));

            for (RawClient a : attackers) {
                a.awaitClosed(Duration.ofSeconds(10));
            }
            staller.awaitClosed(Duration.ofSeconds(10));
            assertTrue(d.isAlive(), d.describe());

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            assertEquals(ATTACKERS, metric(text,
                    "jvirtd_client_memory_drops_total{server=\"libvirtd\",reason=\"restricted_share\"}"));
            assertEquals(1, metric(text, "jvirtd_client_memory_drops_total{server=\"libvirtd\",reason=\"message_timeout\"}"));
            assertEquals(64L << 20, metric(text, "jvirtd_client_memory_limit_bytes{share=\"all\"}"));
            long dropLines = d.stderr().lines().filter(l -> l.contains("; dropping it")).count();
            assertEquals(ATTACKERS + 1, dropLines, "each drop logged once\n" + d.stderr());
            long grown = d.rssKiB() - rssBefore;
            System.out.println("MemoryBudgetIT: RSS grew " + grown / 1024 + " MiB");
            assertTrue(grown < 512 * 1024, "RSS grew by " + grown + " KiB\n" + d.describe());
        } finally {
            for (RawClient a : attackers) {
                a.close();
            }
        }
    }
}
