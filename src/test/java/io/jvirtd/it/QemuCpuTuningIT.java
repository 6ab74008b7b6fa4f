package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * vcpupin, emulatorpin and schedinfo of a real tiny guest through {@code virsh} over
 * {@code qemu+tcp://127.0.0.1:PORT/system}, checked against the kernel: the affinity of QEMU's
 * {@code CPU 0/TCG} thread and of its main thread, read from
 * {@code /proc/PID/task/TID/status} (Cpus_allowed_list). Pins given with {@code --config} hold
 * from the start, live pins move the threads, and the answers and errors are the ones a private
 * libvirtd 9.0 (no cgroup controllers) gave for the same commands.
 */
class QemuCpuTuningIT {

    private static final Duration T = Duration.ofSeconds(90);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static Exec.Result virshResult(DaemonProcess d, String... args) throws IOException {
        return Virsh.run(T, QemuTestRoot.tcpUri(d), args);
    }

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.succeeded(virshResult(d, args), d).stdout().strip();
    }

    private static String virshError(DaemonProcess d, String... args) throws IOException {
        Exec.Result r = virshResult(d, args);
        assertEquals(1, r.exitCode(), r::describe);
        return r.stderr().strip();
    }

    /** Cpus_allowed_list of the thread of {@code pid} named {@code comm}. */
    private static String allowed(long pid, String comm) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().equals(comm)) {
                    return Files.readAllLines(t.resolve("status")).stream()
                            .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                            .substring("Cpus_allowed_list:".length()).strip();
                }
            }
        }
        throw new AssertionError("no thread " + comm + " in QEMU " + pid);
    }

    @Test
    void pinsMoveTheQemuThreadsAndSchedinfoAnswersAsLibvirtdWithoutCgroups() throws Exception {
        TestGuests.qemu();
        String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
        assumeTrue(online.startsWith("0-"), "needs two online CPUs 0 and 1, has " + online);
        DaemonProcess d = qemu.startDaemon();
        String name = "jvq-pin";
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console></devices></domain>");
        virsh(d, "define", xml.toString());

        // shut off: posix and the nine tunables of the definition; pins go to the definition
        assertEquals("Scheduler      : posix\ncpu_shares     : 0\nvcpu_period    : 0\nvcpu_quota     : 0\n"
                + "emulator_period: 0\nemulator_quota : 0\nglobal_period  : 0\nglobal_quota   : 0\n"
                + "iothread_period: 0\niothread_quota : 0", virsh(d, "schedinfo", name));
        virsh(d, "vcpupin", name, "0", "1", "--config");
        virsh(d, "emulatorpin", name, "1", "--config");
        assertEquals("error: Requested operation is not valid: domain is not running",
                virshError(d, "vcpupin", name, "0", "1", "--live"));
        assertEquals("error: invalid argument: vcpu 2 is out of range of persistent cpu count 1",
                virshError(d, "vcpupin", name, "2", "1", "--config"));
        String dumped = virsh(d, "dumpxml", name);
        assertTrue(dumped.contains("  <cputune>\n    <vcpupin vcpu='0' cpuset='1'/>\n    <emulatorpin cpuset='1'/>\n"
                + "  </cputune>"), dumped);

        // started: the pins hold on the threads (the emulator pin on every thread but the vCPU's)
        virsh(d, "start", name);
        long pid = qemu.pid(name);
        assertEquals("1", allowed(pid, "CPU 0/TCG"));
        assertEquals("1", allowed(pid, "qemu-system-x86"));
        assertEquals("1", allowed(pid, "IO mon_iothread"));
        assertEquals("0 1", virsh(d, "vcpupin", name).lines().reduce((a, b) -> b).orElseThrow().strip().replaceAll("\\s+", " "));

        // live changes move the threads; the definition keeps its own pins
        virsh(d, "vcpupin", name, "0", "0");
        assertEquals("0", allowed(pid, "CPU 0/TCG"));
        virsh(d, "emulatorpin", name, "0-1");
        assertEquals("0-1", allowed(pid, "qemu-system-x86"));
        assertEquals("0 0", virsh(d, "vcpupin", name).lines().reduce((a, b) -> b).orElseThrow().strip().replaceAll("\\s+", " "));
        assertEquals("0 1", virsh(d, "vcpupin", name, "--config").lines().reduce((a, b) -> b).orElseThrow().strip().replaceAll("\\s+", " "));
        assertEquals("0-1", virsh(d, "emulatorpin", name).lines().reduce((a, b) -> b).orElseThrow().strip().replaceAll("\\s+", " "));
        assertEquals("error: invalid argument: vcpu 3 is out of range of live cpu count 1",
                virshError(d, "vcpupin", name, "3", "1"));
        assertEquals("Scheduler      : Unknown\nerror: Requested operation is not valid: cgroup CPU controller is not mounted",
                (virshResult(d, "schedinfo", name).stdout().strip() + "\n"
                        + virshResult(d, "schedinfo", name).stderr().strip()));

        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
        qemu.assertNothingLeft();
    }
}
