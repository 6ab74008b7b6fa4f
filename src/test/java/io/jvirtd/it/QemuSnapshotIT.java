package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots of qcow2-backed QEMU guests through stock virsh over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: the tiny guest through
 * {@code src/test/resources/it/qemu/snapshot-sequence.py} (internal snapshots shut off and
 * running, the lists, current, info, reverts, delete, an external --disk-only overlay, libvirt's
 * errors, and the lifecycle events meanwhile) must print what libvirtd 9.0 printed for it,
 * recorded by {@code scripts/capture-libvirtd-qemu-snapshots.sh}; snapshot metadata survives a
 * daemon restart (and an unfinished create's temporary metadata does not); a create that QEMU or
 * the metadata write fails leaves no snapshot and a running guest; the Linux guest reverted to a running snapshot goes on from the moment it was
 * taken (its console ticks go back, no new boot). Every file under one qemu_root temp folder; each
 * test stops what it started and checks nothing is left.
 */
class QemuSnapshotIT {

    private static final Duration T = Duration.ofSeconds(120);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createDirectories(qemu.root().resolve("scratch"));
    }

    private String virsh(String... args) throws IOException {
        return Virsh.ok(T, daemon, QemuTestRoot.tcpUri(daemon), args);
    }

    @Test
    void tinyGuestSnapshotSequencePrintsWhatLibvirtdPrints() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        Path python = InteropEnvironment.python3();
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/snapshot-sequence.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/snapshots.txt")), r.stdout().strip());
        // the overlay the --disk-only snapshot made reads the old image
        Exec.Result info = Exec.run(T, null, Tool.QEMU_IMG.require().toString(), "info", "--output=json",
                scratch.resolve("overlay-d1.qcow2").toString());
        assertTrue(info.stdout().contains("\"backing-filename\": \"" + scratch.resolve("disk.qcow2") + "\""),
                info::describe);
        qemu.assertNothingLeft();
    }

    /**
     * External --disk-only snapshots deleted as libvirtd 9.0 deletes them (block-commit): the
     * intermediate and the active-layer commit of a running guest, the shut-off guest's commit
     * in a paused QEMU, the errors, the block-job events; the same output as libvirtd's.
     */
    @Test
    void tinyGuestExternalSnapshotDeletePrintsWhatLibvirtdPrints() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        Path python = InteropEnvironment.python3();
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/snapshot-sequence.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString(), "external-delete");
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/snapshots-external-delete.txt")), r.stdout().strip());
        // the base image took the overlays' clusters back and names no backing file
        Exec.Result info = Exec.run(T, null, Tool.QEMU_IMG.require().toString(), "info", "--output=json",
                scratch.resolve("disk.qcow2").toString());
        assertEquals(0, info.exitCode(), info::describe);
        assertFalse(info.stdout().contains("backing-filename"), info::describe);
        qemu.assertNothingLeft();
    }

    /**
     * What the Linux guest writes over an external snapshot's overlay is in the base image
     * after snapshot-delete (the active-layer commit), the guest goes on on the base image, the
     * overlay file is gone, and the base holds the data once the guest is off.
     */
    @Test
    void linuxGuestDataWrittenOnAnOverlayIsInTheBaseAfterTheSnapshotIsDeleted() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Path base = scratch.resolve("linux.qcow2");
        Path overlay = scratch.resolve("linux-e1.qcow2");
        qemuImg(base);
        daemon = qemu.startDaemon();
        Path log = qemu.root().resolve("jvq-extlinux-serial.log");
        Path xml = qemu.root().resolve("linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>jvq-extlinux</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline>"
                + "</os><features><acpi/></features><devices>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + base + "'/><target dev='vda' bus='virtio'/></disk>"
                + "<serial type='pty'><log file='" + log + "' append='off'/><target port='0'/></serial>"
                + "<memballoon model='none'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "jvq-extlinux");
        QemuDriverIT.awaitMarker(log, TestGuests.BOOT_MARKER, 180);
        virsh("snapshot-create-as", "jvq-extlinux", "e1", "--disk-only", "--diskspec", "vda,file=" + overlay);
        assertTrue(virsh("domblklist", "jvq-extlinux").contains(overlay.toString()));
        // the arithmetic keeps the console's echo of the command from matching the answer
        guestSays(python, "jvq-extlinux", "echo JVIRTD-DATA-$((40+2)) | dd of=/dev/vda bs=512 seek=2048 conv=fsync"
                + " 2>/dev/null && echo WROTE-$((1+1))", "WROTE-2");
        virsh("snapshot-delete", "jvq-extlinux", "e1");
        String blk = virsh("domblklist", "jvq-extlinux");
        assertTrue(blk.contains(base.toString()) && !blk.contains(overlay.toString()), blk);
        assertFalse(Files.exists(overlay));
        assertEquals("", virsh("snapshot-list", "jvq-extlinux", "--name"));
        guestSays(python, "jvq-extlinux", "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip=2048 count=1"
                + " 2>/dev/null | head -c 14; echo", "JVIRTD-DATA-42");
        virsh("destroy", "jvq-extlinux");
        Path out = scratch.resolve("linux.raw");
        Exec.Result conv = Exec.run(T, null, Tool.QEMU_IMG.require().toString(), "convert", "-f", "qcow2", "-O", "raw",
                base.toString(), out.toString());
        assertEquals(0, conv.exitCode(), conv::describe);
        byte[] sector = new byte[14];
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(out.toFile(), "r")) {
            f.seek(2048 * 512);
            f.readFully(sector);
        }
        assertEquals("JVIRTD-DATA-42", new String(sector, StandardCharsets.ISO_8859_1));
        virsh("undefine", "jvq-extlinux");
        qemu.assertNothingLeft();
    }

    /** Types {@code cmd} on the guest's console (hotplug.py ask) until {@code expected} comes back. */
    private void guestSays(Path python, String name, String cmd, String expected) throws IOException {
        Exec.Result r = Exec.run(T, null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/hotplug.py").toString(),
                "ask", QemuTestRoot.tcpUri(daemon), name, cmd, expected);
        assertEquals(0, r.exitCode(), r::describe);
    }

    /**
     * An external snapshot's delete survives a kill -9 of the daemon in the middle: the commit
     * is recorded in the status file before QEMU gets the job, the daemon is killed as soon as
     * the record is there, and the restarted daemon finishes it from what QEMU's jobs and block
     * graph show. The end is that of a delete nobody interrupted: the snapshot gone from the list
     * and its metadata file, the overlay file removed, the guest on its base image (domblklist,
     * dumpxml), and the overlay's data (4 MiB written into it before the snapshot took it over
     * with --reuse-external) in the base once the guest is off.
     *
     * <p>Waiting: on the status file (inotify through a WatchService), never a sleep. Where the
     * kill lands is up to the machine — mostly before block-commit went out, else while the job
     * runs or waits in "ready" for job-complete, or after it — and every one of them must end
     * the same way (the daemon logs which one it found). A job speed limit could hold the job
     * in "running" for sure, but libvirt's snapshot delete sets none, and the test must not make
     * the daemon do what it does not do for users; QemuSnapshotResumeTest covers the concluded,
     * ready and done cases deterministically against a scripted QEMU.
     */
    @Test
    void anExternalSnapshotDeleteKilledInTheMiddleIsFinishedAfterTheRestart() throws Exception {
        deleteKilledAndRestarted("jvq-extrs", false, (status, metadataGone) -> status.contains("<blockjob name='commit-vda-"));
    }

    /**
     * The kill once the status file says the commit concluded ({@code state='concluded'}: QEMU
     * finished the job, the chains dropped the overlay; the file, the snapshot's metadata and
     * the record may be left) — or, should the daemon have got through the rest before the
     * status file was read, once the delete is over (the snapshot's metadata file gone before
     * the last status write). Either way the restart ends it as an uninterrupted delete.
     */
    @Test
    void anExternalSnapshotDeleteKilledAfterTheCommitConcludedIsFinishedAfterTheRestart() throws Exception {
        deleteKilledAndRestarted("jvq-extcc", false,
                (status, metadataGone) -> status.contains("state='concluded'") || metadataGone);
    }

    /**
     * A shut-off guest's external snapshot delete starts QEMU paused only for the commit; the
     * daemon is killed as soon as that QEMU's status file exists (it says so from its first
     * write). Before the delete's record the restart stops that QEMU and the snapshot is still
     * there to delete again; after it the restart finishes the delete and stops QEMU. Either
     * way the guest ends shut off, never running paused, and a second delete (when needed)
     * leaves what an uninterrupted one leaves.
     */
    @Test
    void aShutOffGuestsSnapshotDeleteKilledAfterQemuStartedEndsShutOff() throws Exception {
        deleteKilledAndRestarted("jvq-extso", true,
                (status, metadataGone) -> status.contains("<snapshotDelete stopQemu='yes'/>") || metadataGone);
    }

    /**
     * The delete of external snapshot e1 of guest {@code name} (shut off first when {@code
     * shutOff}), the daemon killed -9 once {@code killWhen} holds for the status file's text
     * and whether e1's metadata file is gone, restarted, then the same end as a delete nobody
     * interrupted (a delete the kill came before is run again).
     */
    private void deleteKilledAndRestarted(String name, boolean shutOff, BiPredicate<String, Boolean> killWhen)
            throws Exception {
        TestGuests.qemu();
        Path qemuImg = Tool.QEMU_IMG.require();
        Path qemuIo = qemuImg.resolveSibling("qemu-io"); // same package (qemu-utils)
        Path base = scratch.resolve("disk.qcow2");
        Path overlay = scratch.resolve("disk-e1.qcow2");
        qemuImg(base);
        run(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(), overlay.toString());
        run(qemuIo.toString(), "-f", "qcow2", "-c", "write -P 0x5a 1M 4M", overlay.toString());
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml(name, base));
        virsh("define", xml.toString());
        virsh("start", name);
        virsh("snapshot-create-as", name, "e1", "--disk-only", "--reuse-external",
                "--diskspec", "vda,file=" + overlay);
        assertTrue(virsh("domblklist", name).contains(overlay.toString()));
        Path status = qemu.dir().resolve("run/" + name + ".xml");
        Path metadata = qemu.dir().resolve("lib/snapshot/" + name + "/e1.xml");
        if (shutOff) {
            virsh("destroy", name);
            assertEquals("shut off", virsh("domstate", name));
        }

        Process delete = new ProcessBuilder(InteropEnvironment.virsh().toString(), "-q", "-c",
                QemuTestRoot.tcpUri(daemon), "snapshot-delete", name, "e1")
                .redirectErrorStream(true).redirectOutput(qemu.root().resolve("delete.out").toFile()).start();
        try {
            awaitStatus(status, text -> killWhen.test(text, !Files.exists(metadata)));
            ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9
            daemon.awaitExit(Duration.ofSeconds(30));
            assertTrue(delete.waitFor(60, TimeUnit.SECONDS), "virsh ends once its daemon is gone");
        } finally {
            delete.destroyForcibly();
        }
        // where the kill landed, as the status file it left says (for whoever reads the report)
        String left = Files.exists(status) ? Files.readString(status) : "";
        Matcher job = Pattern.compile("<blockjob name='[^']*' type='[^']*' state='([a-z]+)'").matcher(left);
        System.out.println(name + " killed with " + (left.isEmpty() ? "no status file"
                : job.find() ? "its commit recorded " + job.group(1) : "no delete record in the status file"));

        daemon = qemu.startDaemon();
        if (shutOff) { // the QEMU started for the delete is stopped, its status file removed
            awaitStatus(status, String::isEmpty);
        } else {
            awaitStatus(status, text -> text.contains("<domstatus") && !text.contains("<blockjobs"));
        }
        // which moment the kill hit, for whoever reads the report (stderr is read by another thread: may lag)
        daemon.stderr().lines().filter(l -> l.contains("block job commit-vda") || l.contains("snapshot delete"))
                .forEach(System.out::println);
        if (!virsh("snapshot-list", name, "--name").isEmpty()) { // killed before the delete had begun
            assertTrue(shutOff, "only a kill before the record leaves the snapshot");
            assertTrue(Files.exists(overlay));
            virsh("snapshot-delete", name, "e1");
        }
        assertEquals("", virsh("snapshot-list", name, "--name"));
        assertFalse(Files.exists(metadata));
        assertFalse(Files.exists(overlay), "the overlay file is removed");
        assertEquals(shutOff ? "shut off" : "running", virsh("domstate", name));
        if (!shutOff) {
            String blk = virsh("domblklist", name);
            assertTrue(blk.contains(base.toString()) && !blk.contains(overlay.toString()), blk);
            String dump = virsh("dumpxml", name);
            assertFalse(dump.contains(overlay.toString()), dump);
            assertTrue(dump.contains("<source file='" + base + "'"), dump);
        }
        String inactive = virsh("dumpxml", "--inactive", name);
        assertFalse(inactive.contains(overlay.toString()), inactive);
        assertTrue(inactive.contains("<source file='" + base + "'"), inactive);
        if (!shutOff) {
            virsh("destroy", name);
        }
        Exec.Result read = Exec.run(T, null, qemuIo.toString(), "-f", "qcow2", "-c", "read -P 0x5a 1M 4M",
                base.toString());
        assertEquals(0, read.exitCode(), read::describe);
        assertTrue(read.stdout().contains("read 4194304/4194304 bytes") && !read.stdout().contains("failed"),
                read::describe);
        Exec.Result info = Exec.run(T, null, qemuImg.toString(), "info", base.toString());
        assertFalse(info.stdout().contains("backing file"), info::describe);
        virsh("undefine", name);
        qemu.assertNothingLeft();
    }

    private static void run(String... cmd) throws IOException {
        Exec.Result r = Exec.run(T, null, cmd);
        assertEquals(0, r.exitCode(), r::describe);
    }

    /** Waits until the status file's text satisfies {@code ok}, woken by inotify on its folder. */
    private static void awaitStatus(Path file, Predicate<String> ok) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        try (WatchService w = file.getFileSystem().newWatchService()) {
            file.getParent().register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            while (true) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (NoSuchFileException e) {
                    text = "";
                }
                if (ok.test(text)) {
                    return;
                }
                long left = deadline - System.nanoTime();
                WatchKey k = left > 0 ? w.poll(left, TimeUnit.NANOSECONDS) : null;
                if (k == null) {
                    throw new AssertionError("status file " + file + " never got there; it reads:\n" + text);
                }
                k.pollEvents();
                k.reset();
            }
        }
    }

    @Test
    void snapshotMetadataSurvivesADaemonRestart() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        qemuImg(scratch.resolve("disk.qcow2"));
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml("jvq-snaprs", scratch.resolve("disk.qcow2")));
        virsh("define", xml.toString());
        virsh("start", "jvq-snaprs");
        virsh("snapshot-create-as", "jvq-snaprs", "a");
        virsh("snapshot-create-as", "jvq-snaprs", "b");
        virsh("snapshot-revert", "jvq-snaprs", "a");
        String tree = virsh("snapshot-list", "jvq-snaprs", "--tree");
        Path meta = qemu.root().resolve("qemu/lib/snapshot/jvq-snaprs");
        assertTrue(Files.readString(meta.resolve("a.xml")).contains("<active>1</active>"));
        assertTrue(Files.readString(meta.resolve("b.xml")).contains("<active>0</active>"));

        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9: nothing written at exit
        daemon.awaitExit(Duration.ofSeconds(30));
        // what a daemon killed while QEMU saved snapshot c leaves: c's metadata only in a
        // temporary file (QEMU may lack c), which the next start removes and never reads
        Path leftover = meta.resolve(".c.xml.new-42");
        Files.writeString(leftover, Files.readString(meta.resolve("b.xml")).replace("<name>b</name>", "<name>c</name>"));
        daemon = qemu.startDaemon();
        assertFalse(Files.exists(leftover));
        assertEquals(tree, virsh("snapshot-list", "jvq-snaprs", "--tree"));
        assertEquals("a", virsh("snapshot-current", "jvq-snaprs", "--name"));
        assertEquals("jvq-snaprs", virsh("list", "--with-snapshot", "--name"));
        assertEquals("", virsh("list", "--without-snapshot", "--name"));
        virsh("snapshot-revert", "jvq-snaprs", "b"); // the reattached guest's monitor takes it
        assertEquals("running (from snapshot)", virsh("domstate", "--reason", "jvq-snaprs"));
        virsh("snapshot-delete", "jvq-snaprs", "a", "--children");
        assertFalse(Files.exists(meta.resolve("a.xml")) || Files.exists(meta.resolve("b.xml")));
        virsh("destroy", "jvq-snaprs");
        virsh("undefine", "jvq-snaprs");
        qemu.assertNothingLeft();
    }

    /**
     * A running guest whose only disk is read-only: the checks pass, QEMU's savevm refuses (no
     * device can hold the state). The error is QEMU's, the guest runs again, and nothing of the
     * snapshot is left: not in the list, no metadata file, no temporary one (its metadata was
     * written while QEMU saved).
     */
    @Test
    void aFailedSavevmLeavesNoSnapshotNoMetadataFileAndTheGuestRunning() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        qemuImg(scratch.resolve("disk.qcow2"));
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml("jvq-snapfail", scratch.resolve("disk.qcow2")).replace("</disk>", "<readonly/></disk>"));
        virsh("define", xml.toString());
        virsh("start", "jvq-snapfail");
        Exec.Result r = virshFails("snapshot-create-as", "jvq-snapfail", "x");
        assertEquals("error: operation failed: Failed to take snapshot: Error: no block device can store vmstate for"
                + " snapshot", r.stderr().strip(), r::describe);
        assertEquals("running (unpaused)", virsh("domstate", "--reason", "jvq-snapfail"));
        assertEquals("", virsh("snapshot-list", "jvq-snapfail", "--name"));
        Path meta = qemu.root().resolve("qemu/lib/snapshot/jvq-snapfail");
        assertEquals(List.of(), filesIn(meta));
        virsh("destroy", "jvq-snapfail");
        virsh("undefine", "jvq-snapfail");
        qemu.assertNothingLeft();
    }

    /**
     * The metadata cannot be written (the snapshot folder's place is taken by a file): QEMU has
     * saved, the call fails with libvirt's message, the guest runs again and the snapshot is not
     * listed; once the folder can be made, the next snapshot is recorded as usual.
     */
    @Test
    void metadataThatCannotBeWrittenFailsTheCreateAndTheGuestRunsOn() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        qemuImg(scratch.resolve("disk.qcow2"));
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml("jvq-snapmeta", scratch.resolve("disk.qcow2")));
        virsh("define", xml.toString());
        virsh("start", "jvq-snapmeta");
        Path meta = qemu.root().resolve("qemu/lib/snapshot/jvq-snapmeta");
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, "in the way");
        Exec.Result r = virshFails("snapshot-create-as", "jvq-snapmeta", "x");
        assertEquals("error: internal error: unable to save metadata for snapshot x", r.stderr().strip(), r::describe);
        assertEquals("running (unpaused)", virsh("domstate", "--reason", "jvq-snapmeta"));
        assertEquals("", virsh("snapshot-list", "jvq-snapmeta", "--name"));
        assertEquals(List.of("jvq-snapmeta"), filesIn(meta.getParent())); // the file in the way, nothing beside it
        Files.delete(meta);
        virsh("snapshot-create-as", "jvq-snapmeta", "y");
        assertEquals("y", virsh("snapshot-current", "jvq-snapmeta", "--name"));
        assertEquals(List.of("y.xml"), filesIn(meta));
        virsh("destroy", "jvq-snapmeta");
        virsh("undefine", "jvq-snapmeta", "--snapshots-metadata");
        qemu.assertNothingLeft();
    }

    /**
     * libvirt 9.0's snapshot delete holds an async job (VIR_ASYNC_JOB_SNAPSHOT, default mask):
     * queries answer meanwhile, and a query job such as screenshot runs during an external
     * delete's block commit; around an internal delete's delvm (which blocks the monitor) libvirt
     * forbids other jobs (VIR_JOB_NONE), so the screenshot waits until delvm is over. QEMU is
     * stopped (SIGSTOP) so the delete's first command waits for it as long as the test likes;
     * what reached QEMU shows in the bytes waiting on its end of the monitor socket.
     */
    @Test
    void queriesAndAScreenshotDuringSnapshotDeletesAreLibvirts() throws Exception {
        TestGuests.qemu();
        qemuImg(scratch.resolve("disk.qcow2"));
        daemon = qemu.startDaemon();
        String name = "jvq-snapasync";
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml(name, scratch.resolve("disk.qcow2"))
                .replace("<memballoon", "<video><model type='vga'/></video><memballoon"));
        virsh("define", xml.toString());
        virsh("start", name);
        virsh("snapshot-create-as", name, "e1", "--disk-only", "--diskspec",
                "vda,file=" + scratch.resolve("e1.qcow2"));
        deleteWithQemuStopped(name, "e1", true);
        virsh("snapshot-create-as", name, "i1");
        deleteWithQemuStopped(name, "i1", false);
        virsh("destroy", name);
        virsh("undefine", name);
        qemu.assertNothingLeft();
    }

    private void deleteWithQemuStopped(String name, String snapshot, boolean screenshotRunsAlongside)
            throws Exception {
        long pid = qemu.pid(name);
        Path png = qemu.root().resolve(snapshot + ".png");
        Process delete = null;
        Process shot = null;
        run("kill", "-STOP", Long.toString(pid));
        try {
            // QEMU's monitor reads a byte at a time and may have been stopped before it read the
            // last one of the previous command (its newline): the delete's bytes are what comes
            // on top of what waits once QEMU has really stopped.
            awaitStopped(pid);
            long leftOver = monitorBacklog(pid);
            delete = background("snapshot-delete", name, snapshot);
            long deleteSent = awaitMonitorBacklog(pid, leftOver);
            shot = background("screenshot", name, png.toString());
            if (screenshotRunsAlongside) {
                awaitMonitorBacklog(pid, deleteSent); // the screendump went out while the delete holds its job
            }
            assertTrue(delete.isAlive() && shot.isAlive());
            assertEquals("running", virsh("domstate", name));
            assertTrue(virsh("dominfo", name).contains("running"));
            assertTrue(virsh("dumpxml", name).contains("<name>" + name + "</name>"));
            assertTrue(virsh("domstats", "--state", name).contains("state.state=1"));
            assertEquals(snapshot, virsh("snapshot-list", name, "--name"));
            if (!screenshotRunsAlongside) {
                // both calls are on the daemon's workers (delete in delvm, screenshot at the job),
                // and the queries took their time: a screendump let through would be out by now
                awaitBusyWorkers(2);
                assertEquals(deleteSent, monitorBacklog(pid), "only delvm reached QEMU");
            }
        } finally {
            run("kill", "-CONT", Long.toString(pid));
        }
        Process deleted = delete;
        Process shown = shot;
        assertEquals(0, deleted.waitFor(), () -> output(deleted) + daemon.describe());
        assertEquals(0, shown.waitFor(), () -> output(shown) + daemon.describe());
        assertTrue(Files.size(png) > 0);
        assertEquals("", virsh("snapshot-list", name, "--name"));
    }

    private Process background(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-q", "-c",
                QemuTestRoot.tcpUri(daemon)));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Waits (at most 30 s) until more than {@code than} bytes wait unread on QEMU {@code pid}'s
     * connected unix sockets (the monitor: QEMU is stopped, nothing else writes to it) and
     * returns the count. ss(8) reads the kernel's queues; there is nothing to block on.
     */
    private static long awaitMonitorBacklog(long pid, long than) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long got = -1;
        while (System.nanoTime() < deadline) {
            got = monitorBacklog(pid);
            if (got > than) {
                return got;
            }
            Thread.sleep(20); // polling the kernel's queue length, not a synchronisation
        }
        throw new AssertionError("QEMU " + pid + "'s monitor never had more than " + than + " bytes waiting: " + got);
    }

    /**
     * Waits (at most 30 s) until every thread of {@code pid} is stopped: kill(1) returns once
     * SIGSTOP is sent, a thread running on the other core stops a moment later.
     */
    private static void awaitStopped(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        while (System.nanoTime() < deadline) {
            boolean all = true;
            try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) list::iterator) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    all &= state == 'T' || state == 't';
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(5); // polling the kernel's task states, bounded
        }
        throw new AssertionError("QEMU " + pid + " did not stop");
    }

    /** The bytes waiting unread now on QEMU {@code pid}'s connected unix sockets (ss(8)'s Recv-Q). */
    private static long monitorBacklog(long pid) throws IOException {
        Exec.Result r = Exec.run(T, null, "ss", "-xpnH", "state", "established");
        long got = 0;
        for (String line : r.stdout().split("\n")) {
            if (line.contains("pid=" + pid + ",")) {
                got += Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        return got;
    }

    /**
     * Waits (at most 30 s) until exactly {@code n} of the daemon's libvirtd workers are busy, as
     * virt-admin's srv-threadpool-info shows the daemon's own view; the worker of a call that
     * just ended may be on its way back for a moment, hence a poll.
     */
    private void awaitBusyWorkers(int n) throws Exception {
        Tool.VIRT_ADMIN.require();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            Exec.Result r = AdminIT.virtAdmin(daemon, "srv-threadpool-info", "libvirtd");
            last = r.describe();
            Matcher total = Pattern.compile("(?m)^nWorkers\\s*: (\\d+)").matcher(r.stdout());
            Matcher free = Pattern.compile("freeWorkers\\s*: (\\d+)").matcher(r.stdout());
            if (r.exitCode() == 0 && total.find() && free.find()
                    && Integer.parseInt(total.group(1)) - Integer.parseInt(free.group(1)) == n) {
                return;
            }
            Thread.sleep(50); // polling the daemon's pool through virt-admin, bounded
        }
        throw new AssertionError("never " + n + " busy workers: " + last + "\n" + daemon.describe());
    }

    private Exec.Result virshFails(String... args) throws IOException {
        Exec.Result r = Virsh.run(T, QemuTestRoot.tcpUri(daemon), args);
        assertEquals(1, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r;
    }

    /** The names in a folder, sorted, hidden ones included; none when it does not exist. */
    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void linuxGuestRevertedToARunningSnapshotGoesOnFromThere() throws Exception {
        TestGuests.qemu();
        Tool.QEMU_IMG.require();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        qemuImg(scratch.resolve("linux.qcow2"));
        daemon = qemu.startDaemon();
        Path log = qemu.root().resolve("jvq-snaplinux-serial.log");
        Path xml = qemu.root().resolve("linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>jvq-snaplinux</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + " testguest.tick=1</cmdline>"
                + "</os><features><acpi/></features><devices>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + scratch.resolve("linux.qcow2") + "'/><target dev='vda' bus='virtio'/></disk>"
                + "<serial type='pty'><log file='" + log + "' append='off'/><target port='0'/></serial>"
                + "<memballoon model='virtio'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "jvq-snaplinux");
        QemuDriverIT.awaitMarker(log, "TESTGUEST-TICK 2", 120);
        long t0 = System.nanoTime();
        virsh("snapshot-create-as", "jvq-snaplinux", "warm");
        long created = System.nanoTime() - t0;
        int atSnapshot = lastTick(log);
        QemuDriverIT.awaitMarker(log, "TESTGUEST-TICK " + (atSnapshot + 4), 60);
        t0 = System.nanoTime();
        virsh("snapshot-revert", "jvq-snaplinux", "warm");
        long reverted = System.nanoTime() - t0;
        assertEquals("running (from snapshot)", virsh("domstate", "--reason", "jvq-snaplinux"));
        // the new QEMU truncated the log (append='off'): the guest's next tick follows the snapshot's
        int first = firstTick(log);
        String serial = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertFalse(serial.contains(TestGuests.BOOT_MARKER), serial);
        assertTrue(first >= atSnapshot - 1 && first <= atSnapshot + 2, "first tick " + first + " after a snapshot at "
                + atSnapshot + ":\n" + serial);
        System.out.printf("Linux guest (128 MiB) snapshot create %.0f ms, revert %.0f ms (virsh, wall)%n",
                created / 1e6, reverted / 1e6);
        virsh("destroy", "jvq-snaplinux");
        virsh("undefine", "jvq-snaplinux", "--snapshots-metadata");
        qemu.assertNothingLeft();
    }

    private static final Pattern TICK = Pattern.compile("TESTGUEST-TICK (\\d+)");

    private static int lastTick(Path log) throws IOException {
        Matcher m = TICK.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        assertTrue(last >= 0, "no tick in " + log);
        return last;
    }

    /** The first tick the log shows, waiting up to 60 s for one. */
    private static int firstTick(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = TICK.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(20); // QEMU writes the file; nothing to wait on
        }
        throw new AssertionError(log + " never showed a tick after the revert");
    }

    private static void qemuImg(Path file) throws IOException {
        Exec.Result r = Exec.run(T, null, Tool.QEMU_IMG.require().toString(), "create", "-q", "-f", "qcow2",
                file.toString(), "16M");
        assertEquals(0, r.exitCode(), r::describe);
    }

    private static String tinyXml(String name, Path disk) throws IOException {
        return "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel() + "</kernel></os>"
                + "<features><acpi/></features><devices><disk type='file' device='disk'>"
                + "<driver name='qemu' type='qcow2'/><source file='" + disk + "'/><target dev='vda' bus='virtio'/>"
                + "</disk><memballoon model='none'/></devices></domain>";
    }

    private static String recorded(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.startsWith("#")) {
                out.add(l);
            }
        }
        return String.join("\n", out).strip();
    }
}
