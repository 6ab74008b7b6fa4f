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
 * Save and restore of the Linux guest (128 MiB) through python3-libvirt over {@code qemu+tcp}:
 * {@code src/test/resources/it/qemu/python-save-restore.py} saves it to a file, checks the
 * image's libvirt header byte by byte, restores it and talks to its shell on the console,
 * managed-saves it and starts it again, restores paused images, rewrites an image's header
 * with saveImageDefineXML, and provokes libvirt's errors (restore while running, undefine with a
 * managed save, save while shut off, garbage and missing files). Its errors and lifecycle
 * callbacks must be the ones a private libvirtd 9.0 gave for the same script
 * ({@code python-save-restore-events.txt}). Then virsh's {@code save-image-dumpxml} and
 * {@code managedsave-dumpxml}, {@code dominfo}'s "Managed save", {@code managedsave-remove}
 * and {@code undefine --managed-save}; a save that cannot create its file leaves the guest
 * running (save canceled), as libvirtd. Nothing is left: no QEMU, no status file, no socket, no
 * managed save image, no temporary file beside a saved image.
 */
class QemuSaveRestoreIT {

    private static final Duration T = Duration.ofSeconds(90);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static Exec.Result virshResult(DaemonProcess d, String... args) throws IOException {
        return Virsh.run(T, QemuTestRoot.tcpUri(d), args);
    }

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.succeeded(virshResult(d, args), d).stdout().strip();
    }

    @Test
    void linuxGuestSavedAndRestoredAnswersOnItsConsoleWithLibvirtdsEventsAndErrors() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu");
        Path saves = Files.createDirectories(qemu.root().resolve("saves"));
        DaemonProcess d = qemu.startDaemon();
        String name = "jvq-save";
        Exec.Result r = Exec.run(Duration.ofMinutes(6), null, python.toString(),
                resources.resolve("python-save-restore.py").toString(), QemuTestRoot.tcpUri(d), name,
                guest.kernel().toString(), guest.initrd().toString(), guest.cmdline(),
                qemu.root().resolve(name + "-serial.log").toString(), saves.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        System.out.println("Linux guest save/restore through python3-libvirt, seconds: " + r.stderr().strip());
        assertEquals(String.join("\n", recorded(resources.resolve("python-save-restore-events.txt"))),
                r.stdout().strip());
        try (var s = Files.list(saves)) {
            assertEquals(List.of("garbage.save", name + "-paused.save", name + ".save"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "only the images, no partial file");
        }
        assertNothingLeft();
    }

    @Test
    void virshReadsImagesAndManagesTheManagedSaveOfTheTinyGuest() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String name = "jvq-msave";
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><devices><serial type='pty'><target port='0'/>"
                + "</serial></devices></domain>");
        virsh(d, "define", xml.toString());
        virsh(d, "start", name);
        Exec.Result failed = virshResult(d, "save", name, qemu.root().resolve("no-such-folder/tiny.save").toString());
        assertEquals(1, failed.exitCode(), failed::describe);
        assertTrue(failed.stderr().contains("error: Failed to create file '" + qemu.root().resolve("no-such-folder/tiny.save")
                + "': No such file or directory"), failed::describe);
        assertEquals("running (save canceled)", virsh(d, "domstate", "--reason", name), "a failed save resumes it");
        Path image = qemu.root().resolve("tiny.save");
        virsh(d, "save", name, image.toString(), "--bypass-cache");
        assertEquals("shut off (saved)", virsh(d, "domstate", "--reason", name));
        assertTrue(virsh(d, "save-image-dumpxml", image.toString()).contains("<name>" + name + "</name>"));
        virsh(d, "restore", image.toString(), "--paused");
        assertEquals("paused (migrating)", virsh(d, "domstate", "--reason", name));
        // the restore waited for QEMU's MIGRATION event (libvirt's events capability), not a poll
        assertTrue(virsh(d, "qemu-monitor-command", name, "--hmp", "info migrate_capabilities").contains("events: on"));
        virsh(d, "managedsave", name, "--running");
        assertTrue(virsh(d, "dominfo", name).contains("Managed save:   yes"), "dominfo shows the managed save");
        assertEquals(name, virsh(d, "list", "--all", "--with-managed-save", "--name"));
        assertTrue(virsh(d, "managedsave-dumpxml", name).contains("<name>" + name + "</name>"));
        Exec.Result refused = virshResult(d, "undefine", name);
        assertEquals(1, refused.exitCode(), refused::describe);
        assertTrue(refused.stderr().contains("Refusing to undefine while domain managed save image exists"),
                refused::describe);
        virsh(d, "managedsave-remove", name);
        assertTrue(virsh(d, "dominfo", name).contains("Managed save:   no"), "removed");
        virsh(d, "start", name);
        assertEquals("running (booted)", virsh(d, "domstate", "--reason", name), "no image left: a boot");
        virsh(d, "managedsave", name);
        virsh(d, "undefine", name, "--managed-save");
        assertEquals("", virsh(d, "list", "--all", "--name"));
        assertNothingLeft();
    }

    /** No managed save image either: lib/save is empty (then removed: the fixture wants lib/ empty). */
    private void assertNothingLeft() throws IOException {
        Path saveDir = qemu.root().resolve("qemu/lib/save");
        try (var s = Files.list(saveDir)) {
            assertEquals(List.of(), s.toList(), "managed save images left");
        }
        Files.delete(saveDir); // libvirt's /var/lib/libvirt/qemu/save stays too
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
