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
