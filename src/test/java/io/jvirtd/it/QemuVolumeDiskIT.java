package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Domain disks of {@code type='volume'} through stock virsh over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: a qcow2 volume made with {@code vol-create-as} in a
 * dir pool is the tiny guest's disk. At start the volume resolves to its file, which QEMU opens;
 * the live XML shows the volume source with its node index, as libvirtd 9.0's
 * virDomainDiskSourceFormat prints a volume, also after the daemon was killed and restarted; the
 * inactive XML keeps the disk as defined (both checked against libvirtd 9.0 by hand, with
 * scripts/capture-libvirtd-qemu-devices.sh --serve and these virsh calls). A guest whose pool is inactive, or whose volume is not
 * in it, fails to start with libvirt's error and leaves nothing.
 */
class QemuVolumeDiskIT {

    private static final Duration T = Duration.ofSeconds(60);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path kernel;
    private Path poolDir;

    @BeforeEach
    void setUp() throws IOException {
        kernel = qemu.root().resolve("vmlinuz");
        poolDir = Files.createDirectories(qemu.root().resolve("pool"));
    }

    private void startDaemon() throws IOException {
        daemon = qemu.startDaemon();
    }

    private Exec.Result virshResult(String... args) throws IOException {
        return Virsh.run(T, QemuTestRoot.tcpUri(daemon), args);
    }

    private String virsh(String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r.stdout();
    }

    private Path guestXml(String name, String pool, String volume) throws IOException {
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel></os>"
                + "<features><acpi/></features><devices>"
                + "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source pool='" + pool + "' volume='" + volume + "'/><target dev='vda' bus='virtio'/></disk>"
                + "</devices></domain>");
        return xml;
    }

    /** A started daemon with the active dir pool {@code p} holding the 16 MiB qcow2 volume {@code d.qcow2}. */
    private void daemonWithPool() throws IOException {
        TestGuests.qemu();
        Files.copy(TestGuests.tinyKernel(), kernel);
        startDaemon();
        virsh("pool-define-as", "p", "dir", "--target", poolDir.toString());
        virsh("pool-start", "p");
        virsh("vol-create-as", "p", "d.qcow2", "16M", "--format", "qcow2");
    }

    @Test
    void aGuestStartsWithAVolumeDisk() throws Exception {
        daemonWithPool();
        Path xml = guestXml("vol-guest", "p", "d.qcow2");
        String file = poolDir.resolve("d.qcow2").toString();
        String storageNode = "{\"driver\":\"file\",\"filename\":\"" + file + "\",\"node-name\":\"libvirt-1-storage\"";
        // domxml-to-native translates the volume too (libvirtd printed the same -blockdev)
        String argv = virsh("domxml-to-native", "qemu-argv", xml.toString());
        assertTrue(argv.contains("-blockdev '" + storageNode), argv);
        virsh("define", xml.toString());
        virsh("start", "vol-guest");
        assertEquals("running (booted)", virsh("domstate", "--reason", "vol-guest").strip());

        String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + qemu.pid("vol-guest") + "/cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');
        assertTrue(cmdline.contains("-blockdev " + storageNode), cmdline);
        assertTrue(cmdline.contains("\"driver\":\"qcow2\",\"file\":\"libvirt-1-storage\",\"backing\":null}"), cmdline);

        String live = "    <disk type='volume' device='disk'>\n"
                + "      <driver name='qemu' type='qcow2'/>\n"
                + "      <source pool='p' volume='d.qcow2' index='1'/>\n"
                + "      <backingStore/>\n"
                + "      <target dev='vda' bus='virtio'/>\n"
                + "      <alias name='virtio-disk0'/>\n";
        assertTrue(virsh("dumpxml", "vol-guest").contains(live), virsh("dumpxml", "vol-guest"));
        String inactive = "    <disk type='volume' device='disk'>\n"
                + "      <driver name='qemu' type='qcow2'/>\n"
                + "      <source pool='p' volume='d.qcow2'/>\n"
                + "      <target dev='vda' bus='virtio'/>\n";
        assertTrue(virsh("dumpxml", "--inactive", "vol-guest").contains(inactive), virsh("dumpxml", "--inactive", "vol-guest"));

        // the status file keeps the volume disk: the same live XML after kill -9 and a restart
        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly();
        assertEquals(137, daemon.awaitExit(Duration.ofSeconds(20)));
        startDaemon();
        assertEquals("running (booted)", virsh("domstate", "--reason", "vol-guest").strip());
        assertTrue(virsh("dumpxml", "vol-guest").contains(live), virsh("dumpxml", "vol-guest"));

        virsh("destroy", "vol-guest");
        virsh("undefine", "vol-guest");
        virsh("pool-destroy", "p");
        virsh("pool-undefine", "p");
        qemu.assertNothingLeft();
    }

    @Test
    void anInactivePoolOrAMissingVolumeFailsTheStartAndLeavesNothing() throws Exception {
        daemonWithPool();
        virsh("define", guestXml("vol-nopool", "p", "d.qcow2").toString());
        virsh("pool-destroy", "p");
        Exec.Result r = virshResult("start", "vol-nopool");
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("error: unsupported configuration: storage pool 'p' containing volume "
                + "'d.qcow2' is not active"), r.describe());
        assertEquals("shut off (unknown)", virsh("domstate", "--reason", "vol-nopool").strip());
        // a transient guest is not kept either
        r = virshResult("create", guestXml("vol-transient", "p", "d.qcow2").toString());
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("storage pool 'p' containing volume 'd.qcow2' is not active"), r.describe());
        assertFalse(virsh("list", "--all", "--name").contains("vol-transient"));

        virsh("pool-start", "p");
        virsh("define", guestXml("vol-novol", "p", "nope.qcow2").toString());
        r = virshResult("start", "vol-novol");
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("error: Storage volume not found: no storage vol with matching name 'nope.qcow2'"),
                r.describe());
        assertEquals("shut off (unknown)", virsh("domstate", "--reason", "vol-novol").strip());
        r = virshResult("create", guestXml("vol-otherpool", "q", "d.qcow2").toString());
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("error: Storage pool not found: no storage pool with matching name 'q'"), r.describe());
        // mode='host' or 'direct' is an iscsi pool's: a dir pool refuses it at start
        Path mode = guestXml("vol-mode", "p", "d.qcow2");
        Files.writeString(mode, Files.readString(mode).replace("volume='d.qcow2'", "volume='d.qcow2' mode='host'"));
        r = virshResult("create", mode.toString());
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("error: XML error: disk source mode is only valid when storage pool is of iscsi type"),
                r.describe());
        assertFalse(virsh("list", "--all", "--name").contains("vol-otherpool"));
        assertFalse(virsh("list", "--all", "--name").contains("vol-mode"));

        virsh("undefine", "vol-nopool");
        virsh("undefine", "vol-novol");
        virsh("pool-destroy", "p");
        virsh("pool-undefine", "p");
        qemu.assertNothingLeft();
    }
}
