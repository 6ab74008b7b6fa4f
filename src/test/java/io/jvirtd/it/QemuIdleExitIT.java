package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The idle exit ({@code --timeout}, what socket activation relies on) waits while QEMU guests
 * run, as libvirtd's QEMU driver inhibits its daemon's shutdown: with a guest running and no
 * client connected the daemon stays; once the last guest is gone and the last client has left,
 * it exits 0 after the timeout, and the guest was never touched meanwhile.
 */
class QemuIdleExitIT {

    private static final Duration T = Duration.ofSeconds(90);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.ok(T, d, QemuTestRoot.tcpUri(d), args);
    }

    @Test
    void aRunningGuestHoldsTheIdleExitBack() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.start(DaemonProcess.builder().listen(true).args("--timeout", "1"));
        String name = "jvq-idle";
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><target port='0'/></serial></devices></domain>");
        virsh(d, "create", xml.toString());
        long guest = qemu.pid(name);

        // No client now, a guest running: a timeout of 1 s must not fire. Observing that something
        // does not happen needs a window; five timeouts long.
        CompletableFuture<ProcessHandle> exit = ProcessHandle.of(d.pid()).orElseThrow().onExit();
        assertThrows(TimeoutException.class, () -> exit.get(5, TimeUnit.SECONDS), d::describe);
        assertTrue(QemuTestRoot.isAlive(guest));
        assertTrue(virsh(d, "domstate", name).startsWith("running"));

        virsh(d, "destroy", name);
        assertEquals(0, d.awaitExit(T), d::describe);
        assertTrue(d.stderr().contains("shutting down: idle timeout"), d::describe);
        qemu.assertNothingLeft();
    }
}
