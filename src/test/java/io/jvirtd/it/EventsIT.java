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
 * Events across connections, as a user watches them: {@code virsh event --all --loop} (domains),
 * {@code net-event}, {@code pool-event} and {@code nodedev-event} on one connection to the shared
 * {@code test:///default} host print, in order, the events that another connection's changes
 * cause, in virsh's own words. (virsh 9.0's net-, pool- and nodedev-event have no {@code --all}:
 * they watch one event type, named with {@code --event}.)
 */
class EventsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void watcherSeesAnotherConnectionsLifecycleEventsInOrder() throws Exception {
        Path vm1 = fixture("dom-vm1.xml");
        watch("event --all --loop", "define " + vm1, "undefine vm1",
                "start vm1; suspend vm1; resume vm1; destroy vm1; undefine vm1",
                List.of("event 'lifecycle' for domain 'vm1': Started Booted",
                        "event 'lifecycle' for domain 'vm1': Suspended Paused",
                        "event 'lifecycle' for domain 'vm1': Resumed Unpaused",
                        "event 'lifecycle' for domain 'vm1': Stopped Destroyed",
                        "event 'lifecycle' for domain 'vm1': Undefined Removed"));
    }

    @Test
    void netEventPrintsAnotherConnectionsNetworkChanges() throws Exception {
        Path net1 = fixture("net-net1.xml");
        watch("net-event --event lifecycle --loop", "net-define " + net1, "net-undefine net1",
                "net-start net1; net-destroy net1; net-undefine net1",
                List.of("event 'lifecycle' for network net1: Started",
                        "event 'lifecycle' for network net1: Stopped",
                        "event 'lifecycle' for network net1: Undefined"));
    }

    @Test
    void poolEventPrintsAnotherConnectionsPoolChanges() throws Exception {
        Path pool1 = fixture("pool-pool1.xml");
        watch("pool-event --event lifecycle --loop", "pool-define " + pool1, "pool-undefine pool1",
                "pool-build pool1; pool-start pool1; pool-refresh pool1; pool-destroy pool1; "
                        + "pool-delete pool1; pool-undefine pool1",
                List.of("event 'lifecycle' for storage pool pool1: Created",
                        "event 'lifecycle' for storage pool pool1: Started",
                        "event 'lifecycle' for storage pool pool1: Stopped",
                        "event 'lifecycle' for storage pool pool1: Deleted",
                        "event 'lifecycle' for storage pool pool1: Undefined"));
    }

    @Test
    void poolEventPrintsAnotherConnectionsRefresh() throws Exception {
        watch("pool-event --event refresh --pool default-pool --loop", "pool-refresh default-pool", null,
                "pool-refresh default-pool", List.of("event 'refresh' for storage pool default-pool"));
    }

    @Test
    void nodedevEventPrintsAnotherConnectionsDeviceChanges() throws Exception {
        Path vhba = fixture("nodedev-vhba.xml");
        // The test driver always names the vHBA scsi_host12.
        watch("nodedev-event --event lifecycle --loop", "nodedev-create " + vhba, "nodedev-destroy scsi_host12",
                "nodedev-destroy scsi_host12",
                List.of("event 'lifecycle' for node device scsi_host12: Deleted"));
    }

    private static Path fixture(String name) {
        return InteropEnvironment.conformanceDir().resolve("virsh/fixtures/" + name);
    }

    /**
     * Starts {@code virsh WATCH} (a command and its options), waits until it reports the probe
     * change (the watcher registers some time after it starts and says nothing when it is done,
     * so the probe is made, and undone, until one shows), then runs {@code actions} on another
     * connection and expects exactly {@code expected}, in order. {@code probeUndo} (null: none)
     * undoes the probe when the watcher missed it; the actions start from the probe's state.
     */
    private static void watch(String watch, String probe, String probeUndo, String actions, List<String> expected)
            throws Exception {
        Path virsh = InteropEnvironment.virsh();
        try (DaemonProcess d = DaemonProcess.start(); Watcher w = new Watcher(virsh,
                "test+tcp://127.0.0.1:" + d.port() + "/default", watch)) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + "/default";
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                virsh(virsh, uri, probe);
                if (w.next(Duration.ofSeconds(2)) != null) {
                    break;
                }
                if (probeUndo != null) {
                    virsh(virsh, uri, probeUndo);
                }
                if (System.nanoTime() > giveUp) {
                    fail("the watcher printed no event in " + DEADLINE + "\n" + w.describe() + d.describe());
                }
            }
            w.drain(); // a late event from an earlier probe round, if any, is not part of the test
            virsh(virsh, uri, actions);
            List<String> got = new ArrayList<>();
            while (got.size() < expected.size()) {
                String line = w.next(DEADLINE);
                if (line == null) {
                    break;
                }
                if (got.isEmpty() && !expected.contains(line) && isProbeEcho(line)) {
                    continue; // the probe's own events, late
                }
                got.add(line);
            }
            assertEquals(expected, got, w.describe() + "\n=== daemon\n" + d.describe());
            assertTrue(w.isAlive(), "the watcher ended\n" + w.describe());
        }
    }

    private static boolean isProbeEcho(String line) {
        return line.endsWith(": Defined Added") || line.endsWith(": Undefined Removed")
                || line.endsWith(": Defined") || line.endsWith(": Undefined") || line.endsWith(": Created");
    }

    private static void virsh(Path virsh, String uri, String commands) throws IOException {
        Exec.Result r = Exec.run(DEADLINE, null, virsh.toString(), "-q", "-c", uri, commands);
        assertEquals(0, r.exitCode(), r.describe());
    }

    /** {@code virsh event --all --loop} (or net-event, pool-event ...) running in the background, its stdout read line by line. */
    private static final class Watcher implements AutoCloseable {
        private final Process process;
        private final Path home;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer seen = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();

        Watcher(Path virsh, String uri, String watch) throws IOException {
            List<String> command = new ArrayList<>(List.of(virsh.toString(), "-c", uri));
            command.addAll(List.of(watch.split(" ")));
            ProcessBuilder pb = new ProcessBuilder(command);
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
