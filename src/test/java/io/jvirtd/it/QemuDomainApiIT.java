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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The domain calls management stacks make on running QEMU guests, through stock virsh and
 * python3-libvirt over {@code qemu+tcp://127.0.0.1:PORT/system}: the tiny guest through
 * {@code src/test/resources/it/qemu/domain-api-sequence.py} (desc/metadata live and config, the
 * guest-agent calls on a guest without an agent channel, send-key, inject-nmi, domcontrol,
 * domblkerror, set-lifecycle-action, domrename, and the metadata-change and lifecycle events)
 * must print what libvirtd 9.0 printed for it, recorded by
 * {@code scripts/capture-libvirtd-qemu-domain-api.sh}; the Linux guest shows what it received
 * (send-key typed on its keyboard, a reboot stopping it after the reboot action was set to
 * destroy, a METADATA_CHANGE event reaching a python3-libvirt listener); and metadata, lifecycle
 * actions, autostart and snapshots set in the config survive a rename and a daemon restart.
 * Every file under one qemu_root temp folder; each test stops what it started and checks
 * nothing is left.
 */
class QemuDomainApiIT {

    private static final Duration T = Duration.ofSeconds(120);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createDirectories(qemu.root().resolve("scratch"));
    }

    private String virsh(String... args) throws IOException {
        return Virsh.ok(T, daemon, QemuTestRoot.tcpUri(daemon), args);
    }

    @Test
    void tinyGuestDomainApiSequencePrintsWhatLibvirtdPrints() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.python3();
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/domain-api-sequence.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/domain-api.txt")), r.stdout().strip());
        qemu.assertNothingLeft();
    }

    /**
     * The Linux guest: setMetadata's METADATA_CHANGE reaches a python3-libvirt callback; keys sent
     * with send-key (Linux and USB codes, a hold time) arrive on the guest's keyboard and its shell
     * reads them from /dev/tty1; with the reboot action set to destroy on the running guest (QMP
     * set-action), a reboot inside it stops it, "shut off (shutdown)" as with libvirtd; set in
     * the config, QEMU is told at the next start and the guest's reboot stops it again.
     */
    @Test
    void linuxGuestGetsTheKeysAndStopsOnRebootOnceTheRebootActionIsDestroy() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        daemon = qemu.startDaemon();
        Path log = qemu.root().resolve("apih-linux-serial.log");
        Path xml = qemu.root().resolve("linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>apih-linux</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline>"
                + "</os><features><acpi/></features><devices>"
                + "<serial type='pty'><log file='" + log + "' append='off'/><target port='0'/></serial>"
                + "<memballoon model='none'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "apih-linux");
        QemuDriverIT.awaitMarker(log, TestGuests.BOOT_MARKER, 180);
        Exec.Result r = Exec.run(T, null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/domain-api-linux.py").toString(),
                QemuTestRoot.tcpUri(daemon), "apih-linux");
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(List.of("ok metadata-change event and getMetadata",
                "ok send-key typed 'hi' and Enter on the guest's keyboard",
                "ok a reboot inside the guest stopped it"), r.stdout().strip().lines().toList());
        assertEquals("shut off (shutdown)", virsh("domstate", "--reason", "apih-linux"));
        // the live change was the running guest's only
        assertEquals("<on_reboot>restart</on_reboot>", virsh("dumpxml", "apih-linux", "--xpath", "/domain/on_reboot"));

        // in the config, it is QEMU's reboot action from the start (set-action before the CPUs run)
        virsh("set-lifecycle-action", "apih-linux", "reboot", "destroy", "--config");
        virsh("start", "apih-linux");
        QemuDriverIT.awaitMarker(log, TestGuests.BOOT_MARKER, 180);
        Exec.Result again = Exec.run(T, null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/domain-api-linux.py").toString(),
                QemuTestRoot.tcpUri(daemon), "apih-linux", "reboot");
        assertEquals(0, again.exitCode(), () -> again.describe() + "\n" + daemon.describe());
        assertEquals("ok a reboot inside the guest stopped it", again.stdout().strip());
        assertEquals("shut off (shutdown)", virsh("domstate", "--reason", "apih-linux"));
        virsh("undefine", "apih-linux");
        qemu.assertNothingLeft();
    }

    /**
     * What --config changes write is the persistent definition's: title, description, a
     * metadata element and a crash action set on a shut-off guest with an internal snapshot and
     * autostart, then a rename: the config file, the autostart link and the snapshot metadata
     * take the new name (the old ones are gone), and a daemon killed with -9 and started again
     * finds it all under the new name (and autostarts the guest).
     */
    @Test
    void configChangesAndARenameSurviveADaemonRestart() throws Exception {
        TestGuests.qemu();
        Path qemuImg = Tool.QEMU_IMG.require();
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        Path disk = scratch.resolve("disk.qcow2");
        Exec.Result img = Exec.run(T, null, qemuImg.toString(), "create", "-q", "-f", "qcow2", disk.toString(), "16M");
        assertEquals(0, img.exitCode(), img::describe);
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("guest.xml");
        Files.writeString(xml, "<domain type='qemu'><name>apih-old</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + scratch.resolve("vmlinuz")
                + "</kernel></os><features><acpi/></features><devices>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + disk
                + "'/><target dev='vda' bus='virtio'/></disk><memballoon model='none'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("desc", "apih-old", "--config", "--title", "--new-desc", "Old title");
        virsh("desc", "apih-old", "--config", "--new-desc", "kept across a restart");
        virsh("metadata", "apih-old", "http://example.org/jvirtd/1", "--config", "--key", "jv",
                "--set", "<flavor name='small'/>");
        virsh("set-lifecycle-action", "apih-old", "crash", "coredump-destroy", "--config");
        virsh("snapshot-create-as", "apih-old", "s1");
        virsh("autostart", "apih-old");
        virsh("domrename", "apih-old", "apih-new");

        Path etc = qemu.dir().resolve("etc");
        Path snaps = qemu.dir().resolve("lib/snapshot");
        assertFalse(Files.exists(etc.resolve("apih-old.xml")));
        assertFalse(Files.exists(etc.resolve("autostart/apih-old.xml"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(snaps.resolve("apih-old")));
        assertTrue(Files.readString(etc.resolve("apih-new.xml")).contains("<name>apih-new</name>"));
        assertEquals(etc.resolve("apih-new.xml"), Files.readSymbolicLink(etc.resolve("autostart/apih-new.xml")));
        assertTrue(Files.exists(snaps.resolve("apih-new/s1.xml")));

        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9: nothing written at exit
        daemon.awaitExit(Duration.ofSeconds(30));
        daemon = qemu.startDaemon();
        assertEquals("apih-new", virsh("list", "--all", "--name"));
        // the driver's start autostarts it (before the daemon is ready): the link was found under the new name
        assertEquals("apih-new", virsh("list", "--autostart", "--name"));
        assertEquals("Old title", virsh("desc", "apih-new", "--title"));
        assertEquals("kept across a restart", virsh("desc", "apih-new"));
        assertEquals("<flavor name=\"small\"/>", virsh("metadata", "apih-new", "http://example.org/jvirtd/1"));
        assertEquals("<on_crash>coredump-destroy</on_crash>",
                virsh("dumpxml", "apih-new", "--xpath", "/domain/on_crash"));
        assertEquals("s1", virsh("snapshot-list", "apih-new", "--name"));
        virsh("destroy", "apih-new");
        virsh("autostart", "apih-new", "--disable");
        virsh("undefine", "apih-new", "--snapshots-metadata");
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
