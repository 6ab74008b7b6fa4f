package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The keepalive program (docs/protocol.md §9) with virsh and with a client that stops answering. */
class KeepaliveIT {

    /** How long the virsh connection sits idle: the scenario, not a synchronisation delay. */
    private static final Duration IDLE = Duration.ofSeconds(30);

    /**
     * An interactive virsh holds one connection: a command, 30 s of silence, another command.
     * Both sides PING after 5 s of silence and must answer each other's PINGs with PONG. virsh
     * runs with -k 5 -K 2 and the daemon with count 2, so a side that fails to answer would
     * drop the connection within ~15 s, well inside the idle period.
     */
    @Test
    void idleVirshConnectionStaysOpen() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("keepalive_interval", 5).conf("keepalive_count", 2).start()) {
            ProcessBuilder pb = new ProcessBuilder(virsh.toString(), "-k", "5", "-K", "2",
                    "-c", "test+tcp://127.0.0.1:" + d.port() + "/default");
            Path home = Exec.clientEnvironment(pb);
            Process p = pb.start();
            try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture<String> err = Exec.slurp(p.getErrorStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("<read error " + e + ">");
                }
            }, "virsh-stdout");
            reader.setDaemon(true);
            reader.start();
            try (OutputStream stdin = p.getOutputStream()) {
                String host = InteropEnvironment.kernelHostName();

                List<String> first = command(stdin, lines, "MARK1", d);
                assertTrue(first.stream().anyMatch(l -> isHost(l, host)), "first hostname: " + first);

                // The idle period. Waiting on the process also notices virsh quitting early.
                assertFalse(p.waitFor(IDLE.toMillis(), TimeUnit.MILLISECONDS),
                        "virsh exited while idle\n" + err.getNow("") + "\n=== daemon\n" + d.describe());

                List<String> second = command(stdin, lines, "MARK2", d);
                assertTrue(second.stream().anyMatch(l -> isHost(l, host)), "second hostname: " + second);

                stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "virsh did not quit");
            String stderr = err.get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), "virsh exit code; stderr:\n" + stderr);
            // a dropped connection shows up as "Disconnected ..." / "Reconnected to the hypervisor"
            assertEquals("", stderr.strip(), "virsh reported errors\n=== daemon\n" + d.describe());
            } finally {
                p.destroyForcibly();
                Exec.deleteTree(home);
            }
        }
    }

    private static boolean isHost(String line, String host) {
        String l = line.replaceFirst("^virsh # ", "").strip();
        return l.equals(host) || l.startsWith(host + ".");
    }

    /** Sends {@code hostname} and an echo marker; returns virsh's lines up to the marker. */
    private static List<String> command(OutputStream stdin, BlockingQueue<String> lines, String marker,
            DaemonProcess d) throws IOException, InterruptedException {
        stdin.write(("hostname\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (l == null) {
                fail("virsh did not answer '" + marker + "' in 20 s; got " + got + "\n=== daemon\n" + d.describe());
            }
            got.add(l);
            if (l.replaceFirst("^virsh # ", "").strip().equals(marker)) {
                return got;
            }
        }
    }

    /**
     * A client that negotiated keepalive (feature 10) and then never answers PINGs is closed
     * after about interval x (count + 1) = 1 x (2 + 1) = 3 s of silence, having received PINGs.
     */
    @Test
    void silentClientIsClosedAfterIntervalTimesCountPlusOne() throws IOException {
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("keepalive_interval", 1).conf("keepalive_count", 2).start();
                RawClient c = RawClient.tcp(d.tcpAddress())) {
            // the handshake answers nothing but replies; PINGs during it are left unanswered too
            int s0 = c.call(RawClient.PROC_AUTH_LIST, new byte[0]);
            assertEquals(RawClient.OK, c.awaitReply(s0, Duration.ofSeconds(10), false).status());
            int s1 = c.call(RawClient.PROC_CONNECT_SUPPORTS_FEATURE,
                    new RawClient.Xdr().i32(RawClient.FEATURE_PROGRAM_KEEPALIVE).bytes());
            RawClient.Frame f = c.awaitReply(s1, Duration.ofSeconds(10), false);
            assertEquals(1, f.reader().i32(), "keepalive supported");
            // The daemon counts silence from the last message it received, which it cannot
            // receive before it is sent: the clock starts at the send, not at the reply (a late
            // reply on a loaded machine made the silence look shorter than it was).
            long silentFrom = System.nanoTime();
            int s2 = c.call(RawClient.PROC_CONNECT_OPEN, new RawClient.Xdr().optString("test:///default").i32(0).bytes());
            assertEquals(RawClient.OK, c.awaitReply(s2, Duration.ofSeconds(10), false).status(), d.describe());

            List<RawClient.Frame> before = c.awaitClosed(Duration.ofSeconds(15));
            double closedAfter = (System.nanoTime() - silentFrom) / 1e9;

            long pings = before.stream().filter(RawClient.Frame::isPing).count();
            assertTrue(pings >= 1, "no PING before the close: " + before);
            assertEquals(pings, before.size(), "only PINGs expected: " + before);
            assertTrue(closedAfter >= 2.5 && closedAfter <= 6.0,
                    String.format("closed after %.2f s, expected about 3 s\n%s", closedAfter, d.describe()));
            assertTrue(d.isAlive(), "daemon died\n" + d.describe());
        }
    }
}
