package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Linux test guest (a Debian kernel and a busybox initramfs, 128 MiB, built once per build
 * into target/guests) through python3-libvirt over {@code qemu+tcp}, with a lifecycle callback
 * on the client's default event loop: {@code src/test/resources/it/qemu/python-lifecycle.py}
 * defines, starts (running, boot marker), suspends, resumes, shuts down (shut off, reason
 * shutdown, within 5 s), starts, destroys and undefines it, checking each state and reason,
 * and prints the callbacks it got. They must be the ones libvirtd 9.0 delivers for the same
 * script, recorded by {@code bench/qemu/record-libvirtd-events.py} into
 * {@code python-lifecycle-events.txt}. No guest, status file or socket is left.
 */
class QemuLinuxGuestIT {

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;

    @Test
    void pythonLifecycleOfTheLinuxGuestGetsLibvirtdsCallbacks() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu");
        daemon = qemu.startDaemon();
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("python-lifecycle.py").toString(),
                QemuTestRoot.tcpUri(daemon), "jvq-linux",
                guest.kernel().toString(), guest.initrd().toString(), guest.cmdline(),
                qemu.root().resolve("jvq-linux-serial.log").toString(), "5");
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        System.out.println("Linux guest lifecycle through python3-libvirt, seconds: " + r.stderr().strip());
        assertEquals(String.join("\n", recorded(resources.resolve("python-lifecycle-events.txt"))),
                r.stdout().strip());
        qemu.assertNothingLeft();
    }

    private static List<String> recorded(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        assertTrue(out.size() >= 10, "recorded lines in " + f);
        return out;
    }
}
