package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The QEMU driver through stock virsh over {@code qemu+tcp://127.0.0.1:PORT/system}: real
 * qemu-system-x86_64 under TCG running the tiny guest, every file under one qemu_root temp
 * folder. The event lines are compared with what libvirtd 9.0 prints for the same sequence,
 * recorded by {@code bench/qemu/record-libvirtd-events.py} into
 * {@code src/test/resources/it/qemu/virsh-lifecycle-events.txt}. Each test stops what it
 * started by pid and checks that no guest, status file or socket is left.
 */
class QemuDriverIT {

    private static final Duration T = Duration.ofSeconds(60);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.ok(T, d, QemuTestRoot.tcpUri(d), args);
    }

    private String tinyXml(String name) throws IOException {
        return "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel() + "</kernel></os>"
                + "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices><serial type='pty'>"
                + "<log file='" + serialLog(name) + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console><memballoon model='virtio'/>"
                + "</devices></domain>";
    }

    private Path serialLog(String name) {
        return qemu.root().resolve(name + "-serial.log");
    }

    /** Waits until {@code name} is in state {@code want}, at most {@code millis} after {@code t0} (nanoTime). */
    private static void awaitState(DaemonProcess d, String name, String want, long t0, long millis) throws Exception {
        long deadline = t0 + millis * 1_000_000L;
        String got;
        while (true) {
            long asked = System.nanoTime();
            got = virsh(d, "domstate", "--reason", name);
            if (got.equals(want)) {
                return;
            }
            if (asked > deadline) {
                break;
            }
            Thread.sleep(50); // a guest powering off has no event virsh could wait for here
        }
        throw new AssertionError(name + " is '" + got + "', not '" + want + "' " + millis + " ms after the call");
    }

    /** Waits (up to 30 s) until QEMU's serial log {@code log} shows {@code marker}; QemuRunAsIT uses it too. */
    static void awaitMarker(Path log, String marker) throws Exception {
        awaitMarker(log, marker, 30);
    }

    /** Waits at most {@code seconds} (a Linux guest boots slower) until {@code log} shows {@code marker}. */
    static void awaitMarker(Path log, String marker, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker)) {
                return;
            }
            Thread.sleep(20); // QEMU writes the file; nothing to wait on
        }
        throw new AssertionError(log + " never showed " + marker);
    }

    @Test
    void virshLifecycleOfTheTinyGuestPrintsLibvirtdsEvents() throws Exception {
        TestGuests.qemu();
        List<String> expected = libvirtdEventLines("jvq-life");
        DaemonProcess d = qemu.startDaemon();
        Path xml = qemu.root().resolve("tiny.xml");
        Files.writeString(xml, tinyXml("jvq-life"));
        Process events = new ProcessBuilder(InteropEnvironment.virsh().toString(), "-c", QemuTestRoot.tcpUri(d),
                "event", "--all", "--loop").redirectErrorStream(true).start();
        java.util.concurrent.BlockingQueue<String> eventLines = lines(events);
        try {
            awaitEventRegistration(d, eventLines);
            virsh(d, "define", xml.toString());
            virsh(d, "start", "jvq-life");
            assertEquals("running (booted)", virsh(d, "domstate", "--reason", "jvq-life"));
            awaitMarker(serialLog("jvq-life"), TestGuests.BOOT_MARKER);
            virsh(d, "suspend", "jvq-life");
            assertEquals("paused (user)", virsh(d, "domstate", "--reason", "jvq-life"));
            virsh(d, "resume", "jvq-life");
            assertEquals("running (unpaused)", virsh(d, "domstate", "--reason", "jvq-life"));
            assertTrue(virsh(d, "dumpxml", "jvq-life").contains("<source path='/dev/pts/"), "live XML has the pty");
            long t0 = System.nanoTime();
            virsh(d, "shutdown", "jvq-life");
            awaitState(d, "jvq-life", "shut off (shutdown)", t0, 5000);
            awaitMarker(serialLog("jvq-life"), TestGuests.POWERDOWN_MARKER);
            virsh(d, "start", "jvq-life");
            long pid = qemu.pid("jvq-life");
            assertTrue(QemuTestRoot.isAlive(pid));
            assertEquals("jvq-life", virsh(d, "domname", virsh(d, "domid", "jvq-life")), "lookup by running id");
            virsh(d, "destroy", "jvq-life");
            assertEquals("shut off (destroyed)", virsh(d, "domstate", "--reason", "jvq-life"));
            assertFalse(QemuTestRoot.isAlive(pid), "destroy stopped QEMU " + pid);
            virsh(d, "undefine", "jvq-life");
            assertEquals("", virsh(d, "list", "--all", "--name"));
            qemu.assertNothingLeft();
            assertEquals(String.join("\n", expected), take(eventLines, expected.size()));
            String extra = eventLines.poll(500, TimeUnit.MILLISECONDS);
            assertTrue(extra == null || extra.contains("jvq-sync"), "no further event, got " + extra);
        } finally {
            events.destroyForcibly();
        }
    }

    /** libvirtd's lines for the sequence above, recorded by bench/qemu/record-libvirtd-events.py. */
    private static List<String> libvirtdEventLines(String name) throws IOException {
        Path f = InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/virsh-lifecycle-events.txt");
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                out.add(l.replace("'NAME'", "'" + name + "'"));
            }
        }
        assertTrue(out.size() >= 10, "recorded lines in " + f);
        return out;
    }

    /** Lines virsh printed, collected by a reader thread. */
    private static java.util.concurrent.BlockingQueue<String> lines(Process p) {
        java.util.concurrent.BlockingQueue<String> q = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (!l.isBlank()) {
                        q.add(l);
                    }
                }
            } catch (IOException e) {
                q.add("<" + e + ">");
            }
        }, "virsh-event-reader");
        t.setDaemon(true);
        t.start();
        return q;
    }

    /**
     * virsh event prints nothing when its callback is registered, so define and undefine a
     * throwaway domain until its event shows: from then on no event can be missed.
     */
    private void awaitEventRegistration(DaemonProcess d, java.util.concurrent.BlockingQueue<String> q)
            throws Exception {
        Path xml = qemu.root().resolve("sync.xml");
        Files.writeString(xml, tinyXml("jvq-sync"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            virsh(d, "define", xml.toString());
            virsh(d, "undefine", "jvq-sync");
            String l = q.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && l.contains("jvq-sync")) {
                while ((l = q.poll(500, TimeUnit.MILLISECONDS)) != null && l.contains("jvq-sync")) {
                    // drain this round's events (its undefine may still be on its way)
                }
                assertTrue(l == null, "unexpected event " + l);
                return;
            }
        }
        throw new AssertionError("virsh event never delivered an event");
    }

    private static String take(java.util.concurrent.BlockingQueue<String> q, int count) throws Exception {
        List<String> got = new ArrayList<>();
        while (got.size() < count) {
            String l = q.poll(10, TimeUnit.SECONDS);
            if (l == null) {
                break;
            }
            if (!l.contains("jvq-sync")) {
                got.add(l);
            }
        }
        return String.join("\n", got);
    }

    /**
     * {@code kill -9} of jvirtd with 20 tiny guests running, then a new jvirtd on the same
     * qemu_root: all 20 listed running with the same ids and QEMU pids, each answers suspend and
     * resume. virsh runs each phase as one batch of commands ({@code virsh 'a; b; ...'}), so
     * the test pays for 20 guests, not for 200 virsh processes.
     */
    @Test
    void killMinus9OfTheDaemonWith20GuestsNeverKillsOneAndTheNextDaemonReattachesAll() throws Exception {
        TestGuests.qemu();
        int n = 20;
        List<String> names = new ArrayList<>();
        StringBuilder start = new StringBuilder();
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String name = "jvq-r" + i;
            names.add(name);
            Path xml = qemu.root().resolve(name + ".xml");
            Files.writeString(xml, tinyXml(name));
            start.append("define ").append(xml).append("; start ").append(name).append("; ");
            ids.append("domid ").append(name).append("; ");
        }
        DaemonProcess d1 = qemu.startDaemon();
        virshBatch(d1, start.toString());
        List<String> idsBefore = virshBatch(d1, ids.toString());
        Map<String, Long> pids = new HashMap<>();
        for (String name : names) {
            pids.put(name, qemu.pid(name));
        }
        assertEquals(n, new java.util.HashSet<>(idsBefore).size(), "distinct ids " + idsBefore);
        ProcessHandle.of(d1.pid()).orElseThrow().destroyForcibly(); // kill -9
        assertEquals(137, d1.awaitExit(Duration.ofSeconds(20)));
        for (long pid : pids.values()) {
            assertTrue(QemuTestRoot.isAlive(pid), "guest " + pid + " survives kill -9 of the daemon");
        }
        long t0 = System.nanoTime();
        DaemonProcess d2 = qemu.startDaemon();
        List<String> list = virshBatch(d2, "list --name --state-running");
        long reattachMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(names.stream().sorted().toList(), list.stream().sorted().toList(), "all listed running");
        assertEquals(idsBefore, virshBatch(d2, ids.toString()), "same ids after the restart");
        StringBuilder pauseResume = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String name : names) {
            pauseResume.append("domstate --reason ").append(name).append("; suspend ").append(name)
                    .append("; domstate --reason ").append(name).append("; resume ").append(name)
                    .append("; domstate --reason ").append(name).append("; ");
            expected.addAll(List.of("running (booted)", "paused (user)", "running (unpaused)"));
        }
        assertEquals(expected, virshBatch(d2, pauseResume.toString()));
        for (String name : names) {
            assertEquals(pids.get(name), qemu.pid(name), "same QEMU pid for " + name);
            assertTrue(QemuTestRoot.isAlive(pids.get(name)), name + " runs");
        }
        System.out.println("reattach of " + n + " tiny guests after kill -9: daemon start to first list "
                + reattachMs + " ms");
        StringBuilder stop = new StringBuilder();
        for (String name : names) {
            stop.append("destroy ").append(name).append("; undefine ").append(name).append("; ");
        }
        virshBatch(d2, stop.toString());
        for (long pid : pids.values()) {
            assertFalse(QemuTestRoot.isAlive(pid), "guest " + pid + " stopped");
        }
        qemu.assertNothingLeft();
    }

    /**
     * Runs {@code commands} ({@code ;}-separated) in one virsh process; virsh goes on after a
     * failed command and still exits 0, so any error line fails the test. Non-blank output lines.
     */
    private static List<String> virshBatch(DaemonProcess d, String commands) throws IOException {
        Exec.Result r = Exec.run(Duration.ofSeconds(180), null, InteropEnvironment.virsh().toString(), "-q", "-c",
                QemuTestRoot.tcpUri(d), commands);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        assertEquals("", r.stderr().strip(), () -> r.describe() + "\n" + d.describe());
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
