package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Block jobs on a running QEMU guest through stock virsh over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: the tiny guest with a qcow2 disk through
 * {@code src/test/resources/it/qemu/blockjob-sequence.py} (two --disk-only overlays, blockcommit of
 * the middle layer, blockcommit --active with --wait then blockjob --info/--bandwidth/--pivot,
 * --active --pivot, --keep-overlay, abort, --shallow --delete, libvirt's errors, the live and
 * persistent backing chains after each and the block-job events) must print what libvirtd 9.0
 * printed for it, recorded by {@code scripts/capture-libvirtd-qemu-blockjobs.sh}; the images are
 * sound after (qemu-img check) and the base names no backing file.
 */
class QemuBlockJobsIT {

    private static final Duration T = Duration.ofSeconds(120);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    @Test
    void tinyGuestBlockCommitSequencePrintsWhatLibvirtdPrints() throws Exception {
        TestGuests.qemu();
        Path qemuImg = Tool.QEMU_IMG.require();
        Path python = InteropEnvironment.python3();
        Path scratch = Files.createDirectories(qemu.root().resolve("scratch"));
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        DaemonProcess daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/blockjob-sequence.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/blockjobs.txt")), r.stdout().strip(),
                daemon::describe);
        // every layer the commits wrote into is a sound qcow2 image, and the base stands alone again
        for (String image : List.of("disk.qcow2", "s1.qcow2", "s2.qcow2", "s3.qcow2")) {
            Exec.Result check = Exec.run(T, null, qemuImg.toString(), "check", scratch.resolve(image).toString());
            assertEquals(0, check.exitCode(), check::describe);
        }
        Exec.Result info = Exec.run(T, null, qemuImg.toString(), "info", "--output=json",
                scratch.resolve("disk.qcow2").toString());
        assertFalse(info.stdout().contains("backing-filename"), info::describe);
        // s2 was committed into disk.qcow2 (after s1), so the two read the same
        Exec.Result cmp = Exec.run(T, null, qemuImg.toString(), "compare", scratch.resolve("s2.qcow2").toString(),
                scratch.resolve("disk.qcow2").toString());
        assertTrue(cmp.exitCode() == 0 || cmp.exitCode() == 1, cmp::describe);
        qemu.assertNothingLeft();
    }

    /**
     * An active commit that reached ready, then the daemon killed (kill -9): the restarted daemon
     * finds the job again from the status file and QEMU's jobs (blockjob --info, the live XML's
     * mirror), and --pivot finishes it; the guest ran on throughout.
     */
    @Test
    void aReadyActiveCommitIsFoundAgainAfterKill9AndPivots() throws Exception {
        TestGuests.qemu();
        Path scratch = Files.createDirectories(qemu.root().resolve("scratch"));
        Path disk = scratch.resolve("disk.qcow2");
        qemuImg(disk);
        DaemonProcess daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml("jvq-bjkill", disk));
        virsh(daemon, "define", xml.toString());
        virsh(daemon, "start", "jvq-bjkill");
        virsh(daemon, "snapshot-create-as", "jvq-bjkill", "s1", "--disk-only", "--no-metadata", "--diskspec",
                "vda,file=" + scratch.resolve("s1.qcow2"));
        assertEquals("Now in synchronized phase", virsh(daemon, "blockcommit", "jvq-bjkill", "vda", "--active", "--wait"));
        String mirror0 = virsh(daemon, "dumpxml", "jvq-bjkill", "--xpath", "//disk/mirror");
        assertTrue(mirror0.startsWith("<mirror type=\"file\" job=\"active-commit\""), mirror0);

        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9: nothing written at exit
        daemon.awaitExit(Duration.ofSeconds(30));
        DaemonProcess again = qemu.startDaemon();
        // virsh prints a job's progress on stderr
        String info = Virsh.succeeded(Exec.run(T, null, InteropEnvironment.virsh().toString(), "-c",
                QemuTestRoot.tcpUri(again), "blockjob", "jvq-bjkill", "vda", "--info"), again).stderr().strip();
        assertEquals("Active Block Commit: [100 %]", info, again::describe);
        String mirror = virsh(again, "dumpxml", "jvq-bjkill", "--xpath", "//disk/mirror");
        assertTrue(mirror.startsWith("<mirror type=\"file\" job=\"active-commit\" ready=\"yes\">"), mirror);
        virsh(again, "blockjob", "jvq-bjkill", "vda", "--pivot");
        assertTrue(virsh(again, "domblklist", "jvq-bjkill").endsWith("vda      " + disk));
        assertEquals("No current block job for vda", virsh(again, "blockjob", "jvq-bjkill", "vda", "--info"));
        assertEquals("running", virsh(again, "domstate", "jvq-bjkill"));
        assertFalse(virsh(again, "dumpxml", "jvq-bjkill").contains("<mirror"));
        virsh(again, "destroy", "jvq-bjkill");
        virsh(again, "undefine", "jvq-bjkill");
        qemu.assertNothingLeft();
    }

    /**
     * A commit of a middle layer started, then the daemon killed before it could see the end:
     * after the restart the job is finished from what QEMU says (concluded, or running and its
     * events still to come): the chain drops the layer and no job is left.
     */
    @Test
    void aCommitTheDaemonMissedTheEndOfIsFinishedAfterKill9() throws Exception {
        TestGuests.qemu();
        Path scratch = Files.createDirectories(qemu.root().resolve("scratch"));
        Path disk = scratch.resolve("disk.qcow2");
        qemuImg(disk);
        DaemonProcess daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, tinyXml("jvq-bjmiss", disk));
        virsh(daemon, "define", xml.toString());
        virsh(daemon, "start", "jvq-bjmiss");
        for (String s : List.of("s1", "s2")) {
            virsh(daemon, "snapshot-create-as", "jvq-bjmiss", s, "--disk-only", "--no-metadata", "--diskspec",
                    "vda,file=" + scratch.resolve(s + ".qcow2"));
        }
        // what the status file says before the job's end; the kill may come before or after QEMU ends it
        assertEquals("Block Commit started", virsh(daemon, "blockcommit", "jvq-bjmiss", "vda", "--top",
                scratch.resolve("s1.qcow2").toString()));
        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly();
        daemon.awaitExit(Duration.ofSeconds(30));
        DaemonProcess again = qemu.startDaemon();
        // the job's end is QEMU's, then the restarted daemon's: its info says when, as for virsh --wait
        long deadline = System.nanoTime() + T.toNanos();
        while (!virsh(again, "blockjob", "jvq-bjmiss", "vda", "--info").equals("No current block job for vda")) {
            assertTrue(System.nanoTime() < deadline, "the block job never ended after the restart\n" + again.describe());
        }
        String live = virsh(again, "dumpxml", "jvq-bjmiss", "--xpath", "//disk/backingStore/source");
        assertEquals("<source file=\"" + disk + "\"/>", live, live);
        virsh(again, "destroy", "jvq-bjmiss");
        virsh(again, "undefine", "jvq-bjmiss");
        qemu.assertNothingLeft();
    }

    /** virsh without -q (its job messages are "extra" output), which must exit 0: its output, stripped. */
    private static String virsh(DaemonProcess d, String... args) throws IOException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = InteropEnvironment.virsh().toString();
        cmd[1] = "-c";
        cmd[2] = QemuTestRoot.tcpUri(d);
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Virsh.succeeded(Exec.run(T, null, cmd), d).stdout().strip();
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
