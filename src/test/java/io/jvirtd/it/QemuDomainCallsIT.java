package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Domain calls management stacks make on running guests, through stock virsh on a real tiny
 * guest, printing exactly what a private libvirtd 9.0 printed for the same sequence
 * ({@code src/test/resources/it/qemu/domain-calls.py}, recorded in
 * {@code qemu/libvirtd-9.0/domain-calls-PART.txt}): IOThreads added, pinned, tuned and removed
 * live and in the definition, with the kernel's affinity of QEMU's iothread threads; domiftune on
 * a user interface; domblkthreshold on a qcow2 disk with domstats' threshold and the
 * BLOCK_THRESHOLD events once QEMU writes past it; perf, domlaunchsecinfo, domdirtyrate-calc
 * with domstats' dirtyrate group, the guest-agent calls without an agent, and the checkpoint
 * and backup calls of a guest without disks.
 */
class QemuDomainCallsIT {

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    @Test
    void iothreadsAnswerAsLibvirtd() throws Exception {
        runPart("iothreads");
    }

    @Test
    void interfaceTuneAndBlockThresholdAnswerAsLibvirtd() throws Exception {
        Tool.QEMU_IMG.require();
        runPart("tuning");
    }

    @Test
    void perfDirtyRateAgentCheckpointAndBackupCallsAnswerAsLibvirtd() throws Exception {
        runPart("misc");
    }

    private void runPart(String part) throws Exception {
        TestGuests.qemu();
        String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
        assumeTrue(online.equals("0-1"), "the recording pins to CPUs 0 and 1 of a 2-CPU host, this has " + online);
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path scratch = Files.createDirectories(qemu.root().resolve("scratch"));
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        DaemonProcess daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/domain-calls.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString(), part);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/domain-calls-" + part + ".txt")),
                r.stdout().strip());
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
