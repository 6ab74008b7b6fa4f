package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 */
class QemuMemoryStatsIT {

    @TempDir
    Path root;
    private QemuTestRoot qemu;

    @BeforeEach
    void setUp() {
        qemu = new QemuTestRoot(root);
    }

    @AfterEach
    void stopLeftovers() {
        qemu.close();
    }

    @Test
    void balloonAndStatisticsOfTheLinuxGuestAsLibvirt() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Path disk = root.resolve("vda.raw");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        DaemonProcess daemon = qemu.startDaemon();
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/python-memstats.py").toString(),
                QemuTestRoot.tcpUri(daemon), "jvq-memstats", guest.kernel().toString(), guest.initrd().toString(),
                guest.cmdline(), root.resolve("jvq-memstats-serial.log").toString(), disk.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals("ok", r.stdout().strip());
        System.out.println("Linux guest memory and statistics through python3-libvirt, seconds: " + r.stderr().strip());
        qemu.assertNothingLeft();
    }
}
