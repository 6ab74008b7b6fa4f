package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Domain events across connections: {@code virsh event --all --loop} on one connection to the
 * shared {@code test:///default} host prints, in order, the lifecycle events that another
 * connection's define/start/suspend/resume/destroy/undefine cause.
 */
class EventsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void watcherSeesAnotherConnectionsLifecycleEventsInOrder() throws Exception {
        Path virsh = InteropEnvironment.virsh();
        Path vm1 = InteropEnvironment.conformanceDir().resolve("virsh/fixtures/dom-vm1.xml");
        try (DaemonProcess d = DaemonProcess.start(); Watcher w = new Watcher(virsh,
                "test+tcp://127.0.0.1:" + d.port() + "/default")) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + "/default";
            // The watcher registers its callbacks some time after it starts, and prints
            // nothing when it is done; define (and undefine again) until it reports a define.
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                virsh(virsh, uri, "define " + vm1);
                if (w.next(Duration.ofSeconds(2)) != null) {
                    break;
                }
                virsh(virsh, uri, "undefine vm1");
                if (System.nanoTime() > giveUp) {
                    fail("the watcher printed no event in " + DEADLINE + "\n" + w.describe() + d.describe());
                }
            }
            w.drain(); // a late "Undefined" from an earlier round, if any, is not part of the test
            virsh(virsh, uri, "start vm1; suspend vm1; resume vm1; destroy vm1; undefine vm1");
            List<String> expected = List.of(
                    "event 'lifecycle' for domain 'vm1': Started Booted",
                    "event 'lifecycle' for domain 'vm1': Suspended Paused",
                    "event 'lifecycle' for domain 'vm1': Resumed Unpaused",
                    "event 'lifecycle' for domain 'vm1': Stopped Destroyed",
                    "event 'lifecycle' for domain 'vm1': Undefined Removed");
            List<String> got = new ArrayList<>();
            while (got.size() < expected.size()) {
                String line = w.next(DEADLINE);
                if (line == null) {
                    break;
                }
                if (got.isEmpty() && (line.endsWith(": Defined Added") || line.endsWith(": Undefined Removed"))) {
                    continue; // the probe's own events, late
                }
                got.add(line);
            }
            assertEquals(expected, got, w.describe() + "\n=== daemon\n" + d.describe());
            assertTrue(w.isAlive(), "the watcher ended\n" + w.describe());
        }
    }

    private static void virsh(Path virsh, String uri, String commands) throws IOException {
        Exec.Result r = Exec.run(DEADLINE, null, virsh.toString(), "-q", "-c", uri, commands);
        assertEquals(0, r.exitCode(), r.describe());
    }

    /** {@code virsh event --all --loop} running in the background, its stdout read line by line. */
    private static final class Watcher implements AutoCloseable {
        private final Process process;
        private final Path home;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer seen = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();

        Watcher(Path virsh, String uri) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(virsh.toString(), "-c", uri, "event", "--all", "--loop");
            home = Exec.clientEnvironment(pb);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            process = pb.start();
            Thread out = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        seen.append(l).append('\n');
                        if (!l.isBlank()) {
                            lines.add(l);
                        }
                    }
                } catch (IOException e) {
                    // the watcher went away; describe() shows what it printed
                }
            }, "virsh-event-stdout");
            out.setDaemon(true);
            out.start();
            Exec.slurp(process.getErrorStream()).thenAccept(stderr::append);
        }

        /** The next event line, or null after {@code timeout}. */
        String next(Duration timeout) throws InterruptedException {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        void drain() {
            lines.clear();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        String describe() {
            return "=== virsh event stdout\n" + seen + "=== virsh event stderr\n" + stderr + "\n";
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Exec.deleteTree(home);
        }
    }
}
