package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory and statistics of the Linux test guest (128 MiB, a 1 MiB raw disk and a user-mode
 * interface) through python3-libvirt over {@code qemu+tcp}:
 * {@code src/test/resources/it/qemu/python-memstats.py} sets the balloon to half and waits for
 * the balloon-change callback to report it, then checks memoryStats, info and the live XML; reads
 * the guest's statistics after setting the polling period; reads the bulk statistics (state,
 * cpu-total, balloon, vcpu, interface, block) and waits for cpu.time to grow; checks vcpus,
 * vcpusFlags, blockStats, blockInfo, interfaceStats and libvirt's errors (memory above the
 * maximum, setMaxMemory live, unknown flags, --enforce, no agent); and that --config changes only
 * the persistent definition. No guest, status file or socket is left.
 *
 * <p>With tiny guests through stock virsh: one {@code domstats} call answers for all of them,
 * also while one QEMU is stopped (SIGSTOP) and cannot answer: the call returns after the
 * driver's deadline with that guest's QMP figures left out; and the live statistics period
 * survives a {@code kill -9} of the daemon (the status file keeps it).
 */
class QemuMemoryStatsIT {

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    @Test
    void balloonAndStatisticsOfTheLinuxGuestAsLibvirt() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Path disk = qemu.root().resolve("vda.raw");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        DaemonProcess daemon = qemu.startDaemon();
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/python-memstats.py").toString(),
                QemuTestRoot.tcpUri(daemon), "jvq-memstats", guest.kernel().toString(), guest.initrd().toString(),
                guest.cmdline(), qemu.root().resolve("jvq-memstats-serial.log").toString(), disk.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals("ok", r.stdout().strip());
        System.out.println("Linux guest memory and statistics through python3-libvirt, seconds: " + r.stderr().strip());
        qemu.assertNothingLeft();
    }

    private static final Duration T = Duration.ofSeconds(60);

    private static Exec.Result virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.succeeded(Virsh.run(T, QemuTestRoot.tcpUri(d), args), d);
    }

    @Test
    void domstatsOfManyGuestsIsBoundedByAStoppedQemuAndThePeriodSurvivesARestart() throws Exception {
        TestGuests.qemu();
        int n = 4;
        StringBuilder start = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Path xml = qemu.root().resolve("t" + i + ".xml");
            Files.writeString(xml, "<domain type='qemu'><name>jvq-ms" + i + "</name><memory unit='MiB'>16</memory>"
                    + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                    + "</kernel></os><devices><memballoon model='virtio'/></devices></domain>");
            start.append("define ").append(xml).append("; start jvq-ms").append(i).append("; ");
        }
        DaemonProcess d1 = qemu.startDaemon();
        virsh(d1, start.toString());
        String all = virsh(d1, "domstats", "--state", "--balloon", "--cpu-total", "--vcpu", "--list-running").stdout();
        for (int i = 0; i < n; i++) {
            assertTrue(all.contains("Domain: 'jvq-ms" + i + "'"), all);
        }
        assertEquals(n, all.split("balloon.last-update=0", -1).length - 1, "every guest's QEMU answered: " + all);
        assertEquals(n, all.split("vcpu.0.time=", -1).length - 1, all);

        // one QEMU that does not answer: the call waits for it at most the driver's deadline
        long stopped = qemu.pid("jvq-ms0");
        ProcessHandle.of(stopped).orElseThrow();
        Exec.run(T, null, "kill", "-STOP", Long.toString(stopped));
        Exec.Result late;
        long t0 = System.nanoTime();
        try {
            late = virsh(d1, "domstats", "--balloon", "--state");
        } finally {
            Exec.run(T, null, "kill", "-CONT", Long.toString(stopped));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 25_000, "domstats took " + ms + " ms with one QEMU stopped");
        String[] records = late.stdout().split("Domain: ");
        assertEquals(n + 1, records.length, late.stdout());
        for (String rec : records) {
            if (rec.startsWith("'jvq-ms0'")) {
                assertFalse(rec.contains("balloon.last-update"), "the stopped QEMU's figures: " + rec);
                assertTrue(rec.contains("balloon.current=16384") && rec.contains("state.state=1"), rec);
            } else if (!rec.isEmpty()) {
                assertTrue(rec.contains("balloon.last-update=0"), "an answering QEMU's figures: " + rec);
            }
        }
        System.out.println("domstats of " + n + " tiny guests, one QEMU stopped: " + ms + " ms");

        // the live period is in the status file: a daemon killed and started again still shows it
        virsh(d1, "dommemstat", "jvq-ms1", "--period", "3", "--live");
        virsh(d1, "dommemstat", "jvq-ms1", "--period", "7", "--config");
        ProcessHandle.of(d1.pid()).orElseThrow().destroyForcibly();
        assertEquals(137, d1.awaitExit(Duration.ofSeconds(20)));
        DaemonProcess d2 = qemu.startDaemon();
        assertTrue(virsh(d2, "dumpxml", "jvq-ms1").stdout().contains("<stats period='3'/>"), "live period kept");
        assertTrue(virsh(d2, "dumpxml", "--inactive", "jvq-ms1").stdout().contains("<stats period='7'/>"));
        String mem = virsh(d2, "dommemstat", "jvq-ms1").stdout();
        assertTrue(mem.contains("actual 16384") && mem.contains("rss "), mem);
        StringBuilder stop = new StringBuilder();
        for (int i = 0; i < n; i++) {
            stop.append("destroy jvq-ms").append(i).append("; undefine jvq-ms").append(i).append("; ");
        }
        virsh(d2, stop.toString());
        qemu.assertNothingLeft();
    }
}
