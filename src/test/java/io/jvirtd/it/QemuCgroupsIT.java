package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real tiny guest in libvirt's cgroups, through stock {@code virsh} over TCP: the group
 * {@code qemu-ID-NAME.libvirt-qemu} in each v1 controller with QEMU's process in it and its
 * vCPU thread in {@code vcpu0}; {@code schedinfo --set} written to {@code cpu.shares} and the
 * vCPU quota file and read back; {@code cpu-stats} moving; {@code memtune} writing
 * {@code memory.limit_in_bytes}; the group still managed after a {@code kill -9} of the daemon
 * and a restart, and gone after {@code destroy}. cgroups are host-global and other test daemons
 * run beside this one, so the daemon gets a partition of its own
 * ({@code qemu_cgroup_partition = "/jvirtd-it-RANDOM"}), removed after the test whatever
 * happened. On a host without writable v1 controllers (cgroup v2 only) the same commands must
 * give libvirtd's answers without cgroups instead: nothing skips. The expected schedinfo,
 * memtune and error texts are the ones a private libvirtd 9.0 with cgroups on gave for the same
 * commands (src/test/resources/qemu/libvirtd-9.0/cgroups-tiny.txt).
 */
class QemuCgroupsIT {

    private static final Duration T = Duration.ofSeconds(90);
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");
    private static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "cpuset", "memory", "blkio");
    /** A hybrid host's cgroup2 mount: libvirt takes cpuacct from there (cpu.stat), not from v1. */
    private static final boolean HYBRID = Files.exists(CGROUP.resolve("unified/cgroup.controllers"));

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private final String partition = "jvirtd-it-" + UUID.randomUUID().toString().substring(0, 8);

    /** Daemons and QEMUs first (a group with tasks cannot go), then every folder of the partition. */
    @AfterEach
    void cleanUp() throws IOException {
        qemu.close(); // here, not only in the extension (it runs after this): a group with tasks cannot go
        for (String c : List.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "freezer", "unified")) {
            Path p = CGROUP.resolve(c).resolve(partition + ".partition");
            if (!Files.isDirectory(p)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(p)) {
                dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            }
            for (Path d : dirs) {
                rmdirWhenEmpty(d);
            }
        }
    }

    /** rmdir, waiting up to 10 s for a killed QEMU's last task to leave the group. */
    private static void rmdirWhenEmpty(Path d) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                Files.deleteIfExists(d);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20); // a bounded poll for the kernel to free the group
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean v1Writable() {
        return Files.isWritable(CGROUP.resolve("cpu/cpu.shares")) && Files.isWritable(CGROUP.resolve("memory"))
                && Files.isDirectory(CGROUP.resolve("cpuacct"));
    }

    private DaemonProcess daemon() throws IOException {
        return qemu.start(DaemonProcess.builder().listen(true)
                .conf("qemu_cgroup_controllers", "[ \"cpu\", \"cpuacct\", \"cpuset\", \"memory\", \"blkio\" ]")
                .conf("qemu_cgroup_partition", "\"/" + partition + "\""));
    }

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

    private Path group(String controller, String name, int id) {
        return CGROUP.resolve(HYBRID && controller.equals("cpuacct") ? "unified" : controller).resolve(partition + ".partition")
                .resolve("qemu-" + id + "-" + name + ".libvirt-qemu");
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f).strip();
    }

    /** The thread of {@code pid} named {@code comm}. */
    private static String tid(long pid, String comm) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().equals(comm)) {
                    return t.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no thread " + comm + " in QEMU " + pid);
    }

    /** cpu-stats --total's cpu_time in seconds. */
    private static double totalCpuSeconds(DaemonProcess d, String name) throws IOException {
        String out = virsh(d, "cpu-stats", name, "--total");
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("cpu_time")) {
                return Double.parseDouble(f[1]);
            }
        }
        throw new AssertionError("no cpu_time in " + out);
    }

    private String defineTiny(DaemonProcess d, String name) throws IOException {
        return defineTiny(d, name, "");
    }

    /** @param tuning XML after {@code <memory>} ({@code <cputune>}, {@code <memtune>}) */
    private String defineTiny(DaemonProcess d, String name, String tuning) throws IOException {
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>" + tuning
                + "<vcpu current='1'>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console></devices></domain>");
        virsh(d, "define", xml.toString());
        return name;
    }

    @Test
    void guestRunsInLibvirtsCgroupsAndSchedinfoCpuStatsMemtuneUseThem() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = daemon();
        String name = defineTiny(d, "jvq-cg");
        virsh(d, "start", name);
        long pid = qemu.pid(name);
        int id = Integer.parseInt(virsh(d, "domid", name));
        if (!v1Writable()) { // a cgroup v2-only host: libvirtd's answers without cgroups
            assertEquals("error: Requested operation is not valid: cgroup CPU controller is not mounted",
                    virshError(d, "schedinfo", name).lines().reduce((a, b) -> b).orElseThrow());
            assertEquals("error: Requested operation is not valid: cgroup CPUACCT controller is not mounted",
                    virshError(d, "cpu-stats", name, "--total"));
            virsh(d, "destroy", name);
            return;
        }
        for (String c : CONTROLLERS) {
            assertTrue(Files.isDirectory(group(c, name, id)), "group in " + c);
        }
        assertEquals(List.of(), Files.readAllLines(group("cpu", name, id).resolve("cgroup.procs")),
                "cpu: every thread in a sub-group");
        assertTrue(Files.readAllLines(group("memory", name, id).resolve("cgroup.procs")).contains(Long.toString(pid)));
        assertTrue(Files.readAllLines(group("cpu", name, id).resolve("vcpu0/tasks")).contains(tid(pid, "CPU 0/TCG")));
        assertTrue(Files.readAllLines(group("cpu", name, id).resolve("emulator/tasks")).contains(Long.toString(pid)));
        if (HYBRID) {
            assertTrue(Files.readAllLines(group("cpuacct", name, id).resolve("cgroup.procs"))
                    .contains(Long.toString(pid)), "QEMU in the cgroup2 group");
        }
        assertEquals(read(CGROUP.resolve("cpuset/cpuset.cpus")), read(group("cpuset", name, id).resolve("vcpu0/cpuset.cpus")));

        // schedinfo: live values are the files', writes land there
        virsh(d, "schedinfo", name, "--set", "cpu_shares=512", "--live");
        assertEquals("512", read(group("cpu", name, id).resolve("cpu.shares")));
        virsh(d, "schedinfo", name, "--set", "vcpu_quota=50000");
        assertEquals("50000", read(group("cpu", name, id).resolve("vcpu0/cpu.cfs_quota_us")));
        assertEquals("Scheduler      : posix\ncpu_shares     : 512\nvcpu_period    : 100000\nvcpu_quota     : 50000\n"
                + "emulator_period: 100000\nemulator_quota : -1\nglobal_period  : 100000\nglobal_quota   : -1\n"
                + "iothread_period: 100000\niothread_quota : -1", virsh(d, "schedinfo", name));
        assertTrue(virshError(d, "schedinfo", name, "--set", "vcpu_period=10").endsWith(
                "error: invalid argument: value of 'vcpu_period' is out of range [1000, 1000000]"));
        assertEquals("Scheduler      : posix\ncpu_shares     : 0\nvcpu_period    : 0\nvcpu_quota     : 0\n"
                + "emulator_period: 0\nemulator_quota : 0\nglobal_period  : 0\nglobal_quota   : 0\n"
                + "iothread_period: 0\niothread_quota : 0", virsh(d, "schedinfo", name, "--config"));

        // cpu-stats: the group's cpuacct, moving while the guest runs
        double first = totalCpuSeconds(d, name);
        long deadline = System.nanoTime() + 30_000_000_000L;
        double later = first;
        while (later <= first && System.nanoTime() < deadline) {
            later = totalCpuSeconds(d, name);
        }
        assertTrue(later > first, "cpu_time moves: " + first + " then " + later);
        if (HYBRID) { // as libvirtd on this host: cgroup2 has no per-CPU usage
            assertEquals("error: Failed to retrieve CPU statistics for domain 'jvq-cg'\n"
                    + "error: Operation not supported: operation 'getCpuacctPercpuUsage' not supported for "
                    + "backend 'cgroup V2'", virshError(d, "cpu-stats", name, "--start", "0", "--count", "1"));
        } else {
            String perCpu = virsh(d, "cpu-stats", name, "--start", "0", "--count", "1");
            assertTrue(perCpu.contains("CPU0:") && perCpu.contains("cpu_time") && perCpu.contains("vcpu_time"),
                    perCpu);
        }
        String stats = virsh(d, "domstats", name, "--cpu-total");
        assertTrue(stats.contains("cpu.time=") && stats.contains("cpu.user=") && stats.contains("cpu.system="), stats);

        // memtune: KiB in, bytes in the file; unlimited
        virsh(d, "memtune", name, "--hard-limit", "262144", "--live");
        assertEquals(Long.toString(262144L * 1024), read(group("memory", name, id).resolve("memory.limit_in_bytes")));
        String memtune = virsh(d, "memtune", name);
        assertTrue(memtune.contains("hard_limit     : 262144"), memtune);
        assertTrue(memtune.contains("soft_limit     : unlimited"), memtune);

        // pins also become the sub-groups' cpuset.cpus; numatune's nodeset their cpuset.mems
        virsh(d, "vcpupin", name, "0", "0");
        assertEquals("0", read(group("cpuset", name, id).resolve("vcpu0/cpuset.cpus")));
        virsh(d, "emulatorpin", name, "0");
        assertEquals("0", read(group("cpuset", name, id).resolve("emulator/cpuset.cpus")));
        assertEquals("numa_mode      : strict\nnuma_nodeset   :", virsh(d, "numatune", name));
        assertEquals("error: Unable to change numa parameters\nerror: unsupported configuration: NUMA node 5 is "
                + "unavailable", virshError(d, "numatune", name, "--nodeset", "5", "--live"));
        virsh(d, "numatune", name, "--nodeset", "0", "--live");
        assertEquals("0", read(group("cpuset", name, id).resolve("vcpu0/cpuset.mems")));
        assertEquals("numa_mode      : strict\nnuma_nodeset   : 0", virsh(d, "numatune", name));

        // a hot-plugged vCPU gets its group, with the vCPU quota set before
        virsh(d, "setvcpus", name, "2", "--live");
        assertTrue(Files.readAllLines(group("cpu", name, id).resolve("vcpu1/tasks")).contains(tid(pid, "CPU 1/TCG")));
        assertEquals("50000", read(group("cpu", name, id).resolve("vcpu1/cpu.cfs_quota_us")));

        // blkiotune: this kernel's blkio has no weight file (no bfq/cfq), as libvirtd says
        if (!Files.exists(group("blkio", name, id).resolve("blkio.weight"))
                && !Files.exists(group("blkio", name, id).resolve("blkio.bfq.weight"))) {
            assertEquals("error: Unable to get blkio parameters\nerror: Requested operation is not valid: blkio device "
                    + "weight is valid only for bfq or cfq scheduler", virshError(d, "blkiotune", name));
            assertEquals("error: Unable to change blkio parameters\nerror: Requested operation is not valid: blkio "
                    + "device weight is valid only for bfq or cfq scheduler",
                    virshError(d, "blkiotune", name, "--weight", "500"));
        }
        assertTrue(virsh(d, "blkiotune", name, "--config").startsWith("weight         : 0"));

        // the live definition names the partition (qemuInitCgroup), the persistent one does not
        assertTrue(virsh(d, "dumpxml", name).contains("  <resource>\n    <partition>/" + partition
                + "</partition>\n  </resource>\n"));
        assertFalse(virsh(d, "dumpxml", name, "--inactive").contains("<resource>"));

        // kill -9 of the daemon: the guest and its group stay, the next daemon finds them
        ProcessHandle.of(d.pid()).orElseThrow().destroyForcibly();
        assertEquals(137, d.awaitExit(Duration.ofSeconds(20)));
        assertTrue(QemuTestRoot.isAlive(pid));
        DaemonProcess d2 = daemon();
        assertTrue(virsh(d2, "schedinfo", name).contains("cpu_shares     : 512"));
        virsh(d2, "schedinfo", name, "--set", "cpu_shares=1024");
        assertEquals("1024", read(group("cpu", name, id).resolve("cpu.shares")));

        virsh(d2, "destroy", name);
        for (String c : CONTROLLERS) {
            assertFalse(Files.exists(group(c, name, id)), "group gone from " + c);
        }
        virsh(d2, "undefine", name);

        // a definition's tunables are on the group from the start; a guest that died while the
        // daemon was away has its group removed by the next daemon
        String tuned = defineTiny(d2, "jvq-cg2", "<memtune><hard_limit unit='KiB'>524288</hard_limit></memtune>"
                + "<cputune><shares>2048</shares><quota>30000</quota></cputune>");
        virsh(d2, "start", tuned);
        int id2 = Integer.parseInt(virsh(d2, "domid", tuned));
        long pid2 = qemu.pid(tuned);
        assertEquals("2048", read(group("cpu", tuned, id2).resolve("cpu.shares")));
        assertEquals("30000", read(group("cpu", tuned, id2).resolve("vcpu0/cpu.cfs_quota_us")));
        assertEquals(Long.toString(524288L * 1024), read(group("memory", tuned, id2).resolve("memory.limit_in_bytes")));
        ProcessHandle.of(d2.pid()).orElseThrow().destroyForcibly();
        assertEquals(137, d2.awaitExit(Duration.ofSeconds(20)));
        ProcessHandle qemuProcess = ProcessHandle.of(pid2).orElseThrow();
        qemuProcess.destroyForcibly();
        qemuProcess.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        DaemonProcess d3 = daemon();
        assertEquals("shut off", virsh(d3, "domstate", tuned));
        // the driver's event thread shuts it off, then removes the group: wait for that, bounded
        long until = System.nanoTime() + 10_000_000_000L;
        while (CONTROLLERS.stream().anyMatch(c -> Files.exists(group(c, tuned, id2))) && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // a poll of the folders, bounded
        }
        for (String c : CONTROLLERS) {
            assertFalse(Files.exists(group(c, tuned, id2)), "dead guest's group gone from " + c);
        }
        virsh(d3, "undefine", tuned);
        qemu.assertNothingLeft();
    }
}
