package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job calls (virDomainGetJobInfo, virDomainGetJobStats, virDomainAbortJob) around saves of
 * the 128 MiB Linux guest, with stock virsh over {@code qemu+tcp}, compared with what a private
 * libvirtd 9.0 answered for the same guest ({@code src/test/resources/it/qemu/libvirtd-save-job.txt}).
 *
 * <p>A save that stays under way is made with QEMU's own hold, not with time: the test turns on
 * the {@code pause-before-switchover} migration capability through {@code qemu-monitor-command},
 * so QEMU sends the whole RAM and then waits (status pre-switchover) for a {@code migrate-continue}
 * that never comes. Meanwhile {@code domjobinfo} shows the unbounded save job with QEMU's
 * figures, {@code save --verbose} prints its progress, and {@code domjobabort} cancels it: the
 * save fails with libvirtd's error, the guest runs again (save canceled) and no file is left.
 * Then full saves: {@code save --verbose} and {@code managedsave --verbose} end with libvirtd's
 * {@code [100 %]} lines, and {@code domjobinfo --completed} shows the completed save with the
 * fields libvirtd gives, in its order, kept with {@code --keep-completed}, dropped otherwise.
 * Last, {@code python-save-job-events.py} saves the guest through python3-libvirt and must print
 * what it printed against libvirtd ({@code python-save-job-events.txt}): jobInfo/jobStats and the
 * events of a save (suspended, migration-iteration, job-completed with its fields, stopped saved).
 * A destroy during a held save ({@code python-save-destroyed.py}) is not held up by it (libvirt
 * lets VIR_JOB_DESTROY run during an async job): the save fails with libvirtd's error and leaves
 * no file. Two tests on the tiny guest check, against libvirt 9.0's code, what a save that does
 * not finish leaves: an aborted {@code save --paused}, and a save cut by kill -9 of the daemon.
 */
class QemuJobInfoIT {

    private static final Duration T = Duration.ofSeconds(90);
    private static final String HOLD = "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"
            + "[{\"capability\":\"pause-before-switchover\",\"state\":%s}]}}";
    private static final String NO_JOB = "Job type:         None";

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;

    @Test
    void saveOfTheLinuxGuestShowsItsProgressAbortsAndLeavesItsCompletedStatistics() throws Exception {
        TestGuests.qemu();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Recorded libvirtd = Recorded.read(InteropEnvironment.baseDir()
                .resolve("src/test/resources/it/qemu/libvirtd-save-job.txt"));
        daemon = qemu.startDaemon();
        String name = "jvq-job";
        Path serial = qemu.root().resolve(name + "-serial.log");
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, linuxXml(name, guest, serial));
        virsh("define", xml.toString());
        virsh("start", name);
        QemuDriverIT.awaitMarker(serial, "TESTGUEST-BOOT-OK", 180);

        assertEquals(NO_JOB, virsh("domjobinfo", name));
        assertFails(libvirtd.stderr("domjobabort (no job)"), "domjobabort", name);
        assertFails(libvirtd.stderr("domjobabort --postcopy (no job)"), "domjobabort", name, "--postcopy");

        Path saves = Files.createDirectories(qemu.root().resolve("saves"));
        Path image = saves.resolve(name + ".save");
        virsh("qemu-monitor-command", name, String.format(HOLD, "true"));
        Process held = virshInBackground("save", name, image.toString(), "--verbose");
        try {
            awaitHeld(name);
            String raw = virsh("domjobinfo", name, "--rawstats");
            Map<String, Long> running = fields(raw);
            assertTrue(raw.startsWith("Job type: 2\n"), raw); // unbounded
            assertEquals(2, running.get("operation"), raw); // VIR_DOMAIN_JOB_OPERATION_SAVE
            assertTrue(running.get("memory_total") >= 128L << 20, raw);
            assertEquals(running.get("memory_total"), running.get("data_total"), raw);
            assertTrue(running.get("memory_processed") > 0, raw);
            assertEquals(running.get("memory_processed"), running.get("data_processed"), raw);
            assertInOrderWithin(libvirtd.rawstatsNames(), List.copyOf(running.keySet()));
            // libvirtd's held save showed the same fields but memory_bps (QEMU's speed, 0 there)
            List<String> names = new ArrayList<>(running.keySet());
            names.remove("memory_bps");
            assertEquals(libvirtd.runningNames(), names, raw);
            String info = virsh("domjobinfo", name);
            assertTrue(info.startsWith("Job type:         Unbounded\nOperation:        Save\nTime elapsed:"), info);
            assertEquals("paused (saving)", virsh("domstate", "--reason", name));
            // virsh's own polling (virDomainGetJobInfo every 500 ms) prints the progress
            awaitTrue(() -> Files.readString(qemu.root().resolve("save.out")), s -> s.contains("Save: ["),
                    "save --verbose prints its progress");
            virsh("domjobabort", name);
            assertTrue(held.waitFor(T.toSeconds(), TimeUnit.SECONDS), "the aborted save ends");
            String out = Files.readString(qemu.root().resolve("save.out"));
            assertEquals(1, held.exitValue(), out);
            assertTrue(out.contains(libvirtd.stderr("save (aborted by domjobabort)")), out);
        } finally {
            held.destroyForcibly();
        }
        assertEquals("running (save canceled)", virsh("domstate", "--reason", name));
        assertTrue(virsh("qemu-monitor-command", name, "{\"execute\":\"query-status\"}")
                .contains("\"status\":\"running\""), "QEMU runs the guest again");
        assertEquals(List.of(), listing(saves), "no image and no partial file");
        assertEquals(NO_JOB, virsh("domjobinfo", name, "--completed"), "a cancelled save completed nothing");
        assertEquals(NO_JOB, virsh("domjobinfo", name));

        virsh("qemu-monitor-command", name, String.format(HOLD, "false"));
        assertEquals(libvirtd.stderr("save --verbose"), stderrOfSuccess("save", name, image.toString(), "--verbose"));
        String raw = virsh("domjobinfo", name, "--completed", "--keep-completed", "--rawstats");
        Map<String, Long> done = fields(raw);
        assertTrue(raw.startsWith("Job type: 3\n"), raw); // completed
        assertEquals(libvirtd.rawstatsNames(), List.copyOf(done.keySet()), raw);
        assertEquals(2, done.get("operation"), raw);
        assertEquals(0, done.get("memory_remaining"), raw);
        assertEquals(done.get("memory_total"), done.get("data_total"), raw);
        assertTrue(done.get("memory_processed") > 0 && done.get("memory_processed") <= done.get("memory_total"), raw);
        String completed = virsh("domjobinfo", name, "--completed");
        assertTrue(completed.startsWith("Job type:         Completed\nOperation:        Save\n"), completed);
        assertEquals(NO_JOB, virsh("domjobinfo", name, "--completed"), "read without --keep-completed: dropped");

        virsh("restore", image.toString());
        Files.delete(image);
        assertEquals(libvirtd.stderr("managedsave --verbose"), stderrOfSuccess("managedsave", name, "--verbose"));
        assertFails(libvirtd.stderr("domjobinfo (shut off after managedsave)"), "domjobinfo", name);
        virsh("start", name); // restores the managed save
        assertTrue(virsh("domjobinfo", name, "--completed").startsWith("Job type:         Completed\nOperation:        Save\n"),
                "the managed save's statistics outlive the restore, as libvirtd's");

        // python3-libvirt: jobInfo/jobStats and the events of a save (migration-iteration, job-completed)
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu");
        Exec.Result py = Exec.run(T, null, InteropEnvironment.pythonWithLibvirt().toString(),
                resources.resolve("python-save-job-events.py").toString(), QemuTestRoot.tcpUri(daemon), name,
                image.toString());
        assertEquals(0, py.exitCode(), () -> py.describe() + "\n" + daemon.describe());
        assertEquals(recordedLines(resources.resolve("python-save-job-events.txt")), py.stdout().strip());
        virsh("restore", image.toString());
        Files.delete(image);

        // a destroy is not held up by a save under way (libvirt's VIR_JOB_DESTROY during an async job)
        Exec.Result destroyed = Exec.run(T, null, InteropEnvironment.pythonWithLibvirt().toString(),
                resources.resolve("python-save-destroyed.py").toString(), QemuTestRoot.tcpUri(daemon), name,
                image.toString());
        assertEquals(0, destroyed.exitCode(), () -> destroyed.describe() + "\n" + daemon.describe());
        assertEquals("save failed: 9: " + libvirtd.stderr("save (destroyed meanwhile)").replace("error: ", ""),
                destroyed.stdout().strip(), () -> destroyed.describe() + "\n" + daemon.describe());
        assertEquals("shut off (destroyed)", virsh("domstate", "--reason", name));
        assertEquals(List.of(), listing(saves), "no image and no partial file");
        virsh("undefine", name);
        Path saveDir = qemu.root().resolve("qemu/lib/save");
        assertEquals(List.of(), listing(saveDir), "managed save images left");
        Files.delete(saveDir); // the fixture wants lib/ as the driver found it
        qemu.assertNothingLeft();
    }

    /**
     * An aborted save leaves the tiny guest as libvirt 9.0's qemuDomainSaveInternal and
     * qemuDomainGetJobStats do: {@code save --paused} aborted leaves the guest paused (libvirt's
     * was_running follows the flags, and it decides the resume), and {@code domjobinfo
     * --completed} during the save answers none but keeps the last completed save's record.
     * On the code before, the guest resumed and the record was dropped.
     */
    @Test
    void anAbortedSavePausedLeavesTheGuestPausedAndTheLastCompletedSaveOnRecord() throws Exception {
        String name = "jvq-jobpaused";
        startTinyGuest(name);
        Path image = Files.createDirectories(qemu.root().resolve("saves")).resolve(name + ".save");
        virsh("save", name, image.toString()); // a completed save on record
        virsh("restore", image.toString());
        Files.delete(image);

        virsh("qemu-monitor-command", name, String.format(HOLD, "true"));
        Process paused = virshInBackground("save", name, image.toString(), "--paused");
        try {
            awaitHeld(name);
            assertEquals(NO_JOB, virsh("domjobinfo", name, "--completed"), "none while a job runs");
            virsh("domjobabort", name);
            assertTrue(paused.waitFor(T.toSeconds(), TimeUnit.SECONDS), "the aborted save ends");
            assertEquals(1, paused.exitValue(), Files.readString(qemu.root().resolve("save.out")));
        } finally {
            paused.destroyForcibly();
        }
        String state = virsh("domstate", "--reason", name);
        String completed = virsh("domjobinfo", name, "--completed", "--keep-completed");
        assertAll(() -> assertEquals("paused (saving)", state, "libvirt resumes only a guest the image runs"),
                () -> assertTrue(completed.startsWith("Job type:         Completed\nOperation:        Save\n"),
                        "the first save's record outlives a read during the second: " + completed));
        assertFalse(Files.exists(image), "no image");
        virsh("destroy", name);
        virsh("undefine", name);
        qemu.assertNothingLeft();
    }

    /**
     * After a kill -9 of the daemon during a save of the tiny guest, the next daemon does
     * libvirt's job recovery (qemuProcessRecoverJob): the save, on record in the status file, is
     * cancelled and the guest it paused runs again (save canceled). On the code before, the
     * guest stayed paused (saving) for good.
     */
    @Test
    void aSaveCutByKillMinus9OfTheDaemonIsCancelledAtRestartAndTheGuestRunsAgain() throws Exception {
        String name = "jvq-jobcut";
        startTinyGuest(name);
        Path image = Files.createDirectories(qemu.root().resolve("saves")).resolve(name + ".save");
        Path status = qemu.dir().resolve("run/" + name + ".xml");
        virsh("qemu-monitor-command", name, String.format(HOLD, "true"));
        Process cut = virshInBackground("save", name, image.toString());
        try {
            awaitHeld(name);
            awaitTrue(() -> Files.readString(status), s -> s.contains("reason='save'") && s.contains("async='save'"),
                    "the status file records the paused guest and its save");
            long pid = qemu.pid(name);
            ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9
            assertEquals(137, daemon.awaitExit(Duration.ofSeconds(30)));
            assertTrue(cut.waitFor(T.toSeconds(), TimeUnit.SECONDS), "virsh ends once its daemon is gone");
            assertTrue(QemuTestRoot.isAlive(pid), "the guest survives kill -9 of the daemon");
        } finally {
            cut.destroyForcibly();
        }
        daemon = qemu.startDaemon();
        assertEquals("running (save canceled)", virsh("domstate", "--reason", name));
        assertTrue(virsh("qemu-monitor-command", name, "{\"execute\":\"query-status\"}")
                .contains("\"status\":\"running\""), "QEMU runs the guest again");
        assertFalse(Files.readString(status).contains("async='save'"), "the ended save is off the record");
        assertEquals(NO_JOB, virsh("domjobinfo", name));
        assertFalse(Files.exists(image), "no image");
        virsh("destroy", name);
        virsh("undefine", name);
        qemu.assertNothingLeft();
    }

    private void startTinyGuest(String name) throws IOException {
        TestGuests.qemu();
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, tinyXml(name));
        virsh("define", xml.toString());
        virsh("start", name);
    }

    private static String tinyXml(String name) throws IOException {
        return "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel() + "</kernel></os>"
                + "<features><acpi/></features><devices><memballoon model='none'/></devices></domain>";
    }

    private static String linuxXml(String name, TestGuests.LinuxGuest g, Path serial) {
        return "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + g.kernel() + "</kernel><initrd>"
                + g.initrd() + "</initrd><cmdline>" + g.cmdline() + "</cmdline></os><features><acpi/></features>"
                + "<on_poweroff>destroy</on_poweroff><devices><serial type='pty'><log file='" + serial
                + "' append='off'/><target port='0'/></serial><console type='pty'><target type='serial' port='0'/>"
                + "</console><memballoon model='virtio'/></devices></domain>";
    }

    // ------------------------------------------------------------------ virsh

    private Exec.Result virshResult(String... args) throws IOException {
        return Virsh.run(T, QemuTestRoot.tcpUri(daemon), args);
    }

    /** What virsh printed, each line without the padding virsh puts after its values. */
    private String virsh(String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r.stdout().strip().lines().map(String::stripTrailing).collect(Collectors.joining("\n"));
    }

    /**
     * Runs a command that must succeed: the last progress line it printed on stderr (virsh
     * rewrites one line with carriage returns, the final [100 %] last).
     */
    private String stderrOfSuccess(String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        String err = r.stderr().strip();
        return err.substring(err.lastIndexOf('\r') + 1).strip();
    }

    private void assertFails(String expectedStderr, String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(1, r.exitCode(), r::describe);
        assertEquals(expectedStderr, r.stderr().strip(), r::describe);
    }

    /** virsh {@code command} on its own, its output in {@code command.out}. */
    private Process virshInBackground(String command, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-q", "-c",
                QemuTestRoot.tcpUri(daemon), command));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemu.root().resolve(command + ".out").toFile())
                .start();
    }

    /** Until QEMU holds the save before switchover (the test's {@link #HOLD}): QEMU sent all RAM. */
    private void awaitHeld(String name) throws Exception {
        awaitTrue(() -> virsh("qemu-monitor-command", name, "{\"execute\":\"query-migrate\"}"),
                s -> s.contains("\"status\":\"pre-switchover\""), "QEMU holds the save before switchover");
    }

    private interface Probe {
        String get() throws IOException;
    }

    /** Asks {@code probe} until its answer passes (at most 90 s): QEMU's and virsh's states have no event here. */
    private static void awaitTrue(Probe probe, Predicate<String> ok, String what) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (ok.test(last)) {
                return;
            }
            Thread.sleep(50); // a poll of the state's owner, not a wait for time to pass
        }
        throw new AssertionError(what + ": never; last answer " + last);
    }

    // ------------------------------------------------------------------ answers

    /** {@code --rawstats} lines after the "Job type" one: field name to its value (all numbers here). */
    private static Map<String, Long> fields(String raw) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String l : raw.split("\n")) {
            int colon = l.indexOf(": ");
            if (!l.isBlank() && !l.startsWith("Job type:") && colon > 0) {
                out.put(l.substring(0, colon), Long.parseLong(l.substring(colon + 2).strip()));
            }
        }
        return out;
    }

    /** {@code got}'s names all among {@code all}, in {@code all}'s order (QEMU sends some only when it has them). */
    private static void assertInOrderWithin(List<String> all, List<String> got) {
        int at = 0;
        for (String g : got) {
            int i = all.subList(at, all.size()).indexOf(g);
            assertTrue(i >= 0, g + " is not in libvirtd's fields " + all + " in that order: " + got);
            at += i + 1;
        }
    }

    /** A recorded answer file without its comment lines. */
    private static String recordedLines(Path f) throws IOException {
        List<String> out = Files.readAllLines(f).stream().filter(l -> !l.startsWith("#")).toList();
        assertTrue(out.size() >= 8, "recorded lines in " + f);
        return String.join("\n", out).strip();
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The recorded libvirtd answers. */
    private record Recorded(List<String> rawstats, List<String> running, Map<String, String> stderr) {

        static Recorded read(Path f) throws IOException {
            List<String> raw = new ArrayList<>();
            List<String> running = new ArrayList<>();
            Map<String, String> err = new LinkedHashMap<>();
            for (String l : Files.readAllLines(f)) {
                if (l.startsWith("rawstats ")) {
                    raw.add(l.substring("rawstats ".length()));
                } else if (l.startsWith("running ")) {
                    running.add(l.substring("running ".length()));
                } else if (l.startsWith("stderr ")) {
                    int colon = l.indexOf(": ");
                    err.put(l.substring("stderr ".length(), colon), l.substring(colon + 2));
                }
            }
            assertTrue(raw.size() > 10 && running.size() > 10 && err.size() >= 5, "recorded lines in " + f);
            return new Recorded(raw, running, err);
        }

        List<String> rawstatsNames() {
            return List.copyOf(fields(String.join("\n", rawstats)).keySet());
        }

        List<String> runningNames() {
            return List.copyOf(fields(String.join("\n", running)).keySet());
        }

        String stderr(String what) {
            String s = stderr.get(what);
            assertTrue(s != null, "recorded: " + what);
            return s;
        }
    }
}
