package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device hot-plug on the QEMU driver with stock virsh over {@code qemu+tcp}, as issue 14 asks.
 *
 * <p>On the Linux test guest (it loads virtio_blk and answers on its serial console): a qcow2
 * volume made with {@code vol-create-as} is {@code attach-disk}ed live, shows in
 * {@code domblklist} and as a block device in the guest ({@code /sys/block/vda}, read through
 * python3-libvirt's console stream, {@code console.py}); {@code detach-disk} removes it once the
 * guest lets go (QEMU's DEVICE_DELETED), {@code virsh event} sees libvirt's device-removed event,
 * and the guest no longer has it; the persistent XML never changed. A user NIC is attached and
 * detached the same way. A device unplugged while the daemon was down (QMP {@code device_del}
 * sent by the test on the guest's monitor) is gone from the live XML after the restart, as
 * libvirt finds with {@code qom-list}.
 *
 * <p>On the tiny guest (no OS that answers an unplug request): {@code detach-disk} returns
 * success after libvirt's 5 s with the removal pending, the disk still listed; the flag rules
 * ({@code --config} only changes the persistent XML, {@code --live} only the running one,
 * {@code --persistent} both, transient and shut-off domains refused as libvirt does); cdrom
 * media change and eject with {@code change-media} (update-device); libvirt's errors for
 * duplicate targets, missing devices and buses that cannot be hot-plugged.
 */
class QemuHotplugIT {

    private static final Duration T = Duration.ofSeconds(60);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path poolDir;

    @BeforeEach
    void setUp() throws IOException {
        poolDir = Files.createDirectories(qemu.root().resolve("pool"));
    }

    @Test
    void aVolumeAndANicComeAndGoOnTheLinuxGuest() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        daemonWithPool();
        Path serial = qemu.root().resolve("hp-linux-serial.log");
        Path xml = qemu.root().resolve("hp-linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>hp-linux</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline></os>"
                + "<features><acpi/></features><devices>"
                + "<serial type='pty'><log file='" + serial + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console>"
                + "</devices></domain>");
        virsh("define", xml.toString());
        String configBefore = virsh("dumpxml", "--inactive", "hp-linux");
        virsh("start", "hp-linux");
        awaitMarker(serial, "TESTGUEST-BOOT-OK");
        assertEquals("NO-2-vda", guestSays(python, "vda"));

        String volume = poolDir.resolve("d.qcow2").toString();
        long t0 = System.nanoTime();
        assertTrue(virsh("attach-disk", "hp-linux", "--source", volume, "--target", "vdb", "--subdriver", "qcow2",
                "--live").contains("Disk attached successfully"));
        long attachMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(listed(virsh("domblklist", "hp-linux"), "vdb", volume), virsh("domblklist", "hp-linux"));
        String live = virsh("dumpxml", "hp-linux");
        assertTrue(live.contains("<source file='" + volume + "' index='1'/>"), live);
        assertTrue(live.contains("<alias name='virtio-disk1'/>"), live);
        assertTrue(live.contains("<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>"), live);
        awaitGuest(python, "HAS-2-vda"); // the guest finds it when its ACPI and virtio drivers have run
        // the status file has it: what a restarted daemon reattaches with
        assertTrue(Files.readString(qemu.dir().resolve("run/hp-linux.xml")).contains("virtio-disk1"));

        Process events = removedEvents(python, "hp-linux");
        t0 = System.nanoTime();
        assertTrue(virsh("detach-disk", "hp-linux", "vdb", "--live").contains("Disk detached successfully"));
        long detachMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(detachMs < 5_000, "the guest let go, no timeout: " + detachMs + " ms");
        assertFalse(virsh("domblklist", "hp-linux").contains("vdb"));
        assertEquals("removed virtio-disk1", eventLine(events));
        awaitGuest(python, "NO-2-vda");
        assertEquals(configBefore, virsh("dumpxml", "--inactive", "hp-linux"));
        System.out.println("Linux guest: attach-disk " + attachMs + " ms, detach-disk (DEVICE_DELETED) "
                + detachMs + " ms");

        // a user NIC, live: it gets the next slot and net0; detach by MAC
        Path nic = qemu.root().resolve("nic.xml");
        Files.writeString(nic, "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>");
        virsh("attach-device", "hp-linux", nic.toString(), "--live");
        live = virsh("dumpxml", "hp-linux");
        assertTrue(live.contains("<mac address='52:54:00:12:34:56'/>\n      <model type='virtio'/>\n"
                + "      <alias name='net0'/>\n"
                + "      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>"), live);
        assertTrue(virsh("domiflist", "hp-linux").contains("52:54:00:12:34:56"));
        virsh("detach-interface", "hp-linux", "user", "--mac", "52:54:00:12:34:56", "--live");
        assertFalse(virsh("domiflist", "hp-linux").contains("52:54:00:12:34:56"));

        // unplugged while the daemon is down: the restarted daemon finds it gone (qom-list)
        virsh("attach-device", "hp-linux", nic.toString(), "--live");
        daemon.sigterm();
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)), daemon::describe);
        Path monitor;
        try (var s = Files.find(qemu.dir(), 4, (p, a) -> p.getFileName().toString().equals("monitor.sock"))) {
            monitor = s.findFirst().orElseThrow();
        }
        qmpDeviceDel(monitor, "net0");
        daemon = qemu.startDaemon();
        assertFalse(virsh("dumpxml", "hp-linux").contains("52:54:00:12:34:56"), () -> daemon.describe());
        assertFalse(Files.readString(qemu.dir().resolve("run/hp-linux.xml")).contains("net0"));
        assertEquals("NO-2-vda", guestSays(python, "vda"));
        virsh("destroy", "hp-linux");
        virsh("undefine", "hp-linux");
    }

    /**
     * libvirt's node name counter is in the status file: a disk attached after a daemon restart
     * gets a number past every node this QEMU has had, a detached one's too (libvirt keeps
     * {@code <nodename index='N'/>} in its status XML), and both disks work and leave.
     */
    @Test
    void aDiskAttachedAfterARestartNeverReusesANodeName() throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        daemonWithPool();
        virsh("vol-create-as", "p", "e.qcow2", "16M", "--format", "qcow2");
        virsh("vol-create-as", "p", "f.qcow2", "16M", "--format", "qcow2");
        Path serial = qemu.root().resolve("hp-linux-serial.log");
        Path xml = qemu.root().resolve("hp-linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>hp-linux</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline></os>"
                + "<features><acpi/></features><devices>"
                + "<serial type='pty'><log file='" + serial + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console>"
                + "</devices></domain>");
        virsh("create", xml.toString());
        awaitMarker(serial, "TESTGUEST-BOOT-OK");
        String d = poolDir.resolve("d.qcow2").toString();
        String e = poolDir.resolve("e.qcow2").toString();
        String f = poolDir.resolve("f.qcow2").toString();
        virsh("attach-disk", "hp-linux", "--source", d, "--target", "vdb", "--subdriver", "qcow2", "--live");
        virsh("attach-disk", "hp-linux", "--source", e, "--target", "vdc", "--subdriver", "qcow2", "--live");
        assertTrue(virsh("dumpxml", "hp-linux").contains("<source file='" + e + "' index='2'/>"));
        virsh("detach-disk", "hp-linux", "vdc", "--live"); // node 2 is gone but was used
        assertFalse(virsh("domblklist", "hp-linux").contains("vdc"));
        assertTrue(Files.readString(qemu.dir().resolve("run/hp-linux.xml")).contains("\n  <nodename index='2'/>\n"));

        ProcessHandle.of(daemon.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        daemon.awaitExit(Duration.ofSeconds(20));
        daemon = qemu.startDaemon();
        virsh("attach-disk", "hp-linux", "--source", f, "--target", "vdd", "--subdriver", "qcow2", "--live");
        String live = virsh("dumpxml", "hp-linux");
        assertTrue(live.contains("<source file='" + f + "' index='3'/>"), live);
        String blk = virsh("domblklist", "hp-linux");
        assertTrue(listed(blk, "vdb", d) && listed(blk, "vdd", f), blk);
        awaitGuest(python, "HAS-2-vdb"); // the guest's second virtio disk: vdd

        virsh("detach-disk", "hp-linux", "vdb", "--live");
        virsh("detach-disk", "hp-linux", "vdd", "--live");
        blk = virsh("domblklist", "hp-linux");
        assertFalse(blk.contains("vdb") || blk.contains("vdd"), blk);
        awaitGuest(python, "NO-2-vda");
        virsh("destroy", "hp-linux");
    }

    /**
     * An interface's link state as virsh sets and reads it (domif-setlink builds the interface's
     * XML with {@code <link state=>} and calls update-device; domif-getlink reads dumpxml): live
     * through QMP set_link, {@code --config} in the definition, and a definition's down link
     * applied when QEMU starts, before the CPUs run. QEMU 7.2 has no query of a link's state
     * (HMP info network does not show it): that QEMU took each set_link shows in the calls'
     * success, since it refuses a name it does not know.
     */
    @Test
    void linkStateOfAUserInterface() throws Exception {
        TestGuests.qemu();
        Path kernel = qemu.root().resolve("vmlinuz");
        Files.copy(TestGuests.tinyKernel(), kernel);
        daemon = qemu.startDaemon();
        Path xml = qemu.root().resolve("hp-link.xml");
        Files.writeString(xml, "<domain type='qemu'><name>hp-link</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel></os>"
                + "<features><acpi/></features><devices><interface type='user'><mac address='52:54:00:aa:bb:01'/>"
                + "<model type='virtio'/></interface><interface type='user'><mac address='52:54:00:aa:bb:02'/>"
                + "<model type='virtio'/><link state='down'/></interface></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "hp-link");
        assertEquals(List.of("up", "down"), List.of(link("52:54:00:aa:bb:01"), link("52:54:00:aa:bb:02")));

        assertTrue(virsh("domif-setlink", "hp-link", "52:54:00:aa:bb:01", "down").contains("Device updated successfully"));
        assertEquals("down", link("52:54:00:aa:bb:01"));
        assertTrue(virsh("dumpxml", "hp-link").contains("<link state='down'/>\n      <alias name='net0'/>"));
        assertTrue(Files.readString(qemu.dir().resolve("run/hp-link.xml")).contains("<link state='down'/>"));
        assertEquals("up", linkConfig("52:54:00:aa:bb:01"), "--live only");
        virsh("domif-setlink", "hp-link", "52:54:00:aa:bb:02", "up");
        assertEquals("up", link("52:54:00:aa:bb:02"));

        virsh("domif-setlink", "hp-link", "52:54:00:aa:bb:01", "down", "--config");
        assertEquals("down", linkConfig("52:54:00:aa:bb:01"));
        virsh("destroy", "hp-link");
        virsh("start", "hp-link"); // set_link for net0 and net1 before the CPUs start
        assertEquals(List.of("down", "down"), List.of(link("52:54:00:aa:bb:01"), link("52:54:00:aa:bb:02")));
        assertError("error: Operation not supported: cannot modify network device model from virtio to e1000",
                "update-device", "hp-link", writeNic("<interface type='user'><mac address='52:54:00:aa:bb:01'/>"
                        + "<model type='e1000'/><link state='up'/></interface>").toString());
        assertEquals("down", link("52:54:00:aa:bb:01"), "a refused update changes nothing");
        virsh("destroy", "hp-link");
        virsh("undefine", "hp-link");
    }

    private Path writeNic(String nicXml) throws IOException {
        Path p = qemu.root().resolve("nic-" + System.nanoTime() + ".xml");
        Files.writeString(p, nicXml);
        return p;
    }

    /** virsh domif-getlink's state of the running domain's interface. */
    private String link(String mac) throws IOException {
        return virsh("domif-getlink", "hp-link", mac).strip().replaceAll(".*\\s", "");
    }

    private String linkConfig(String mac) throws IOException {
        return virsh("domif-getlink", "hp-link", mac, "--config").strip().replaceAll(".*\\s", "");
    }

    @Test
    void flagsErrorsMediaAndAGuestThatDoesNotLetGo() throws Exception {
        TestGuests.qemu();
        Path kernel = qemu.root().resolve("vmlinuz");
        Files.copy(TestGuests.tinyKernel(), kernel);
        daemonWithPool();
        virsh("vol-create-as", "p", "e.qcow2", "16M", "--format", "qcow2");
        Path iso = qemu.root().resolve("cd.iso");
        Files.write(iso, new byte[2048]);
        String domain = "<domain type='qemu'><name>NAME</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel></os>"
                + "<features><acpi/></features><devices>"
                + "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/>"
                + "<readonly/></disk></devices></domain>";
        Path tinyXml = qemu.root().resolve("hp-tiny.xml");
        Files.writeString(tinyXml, domain.replace("NAME", "hp-tiny"));
        virsh("define", tinyXml.toString());
        Path volDisk = qemu.root().resolve("vol.xml");
        Files.writeString(volDisk, "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source pool='p' volume='e.qcow2'/><target dev='vdc' bus='virtio'/></disk>");
        String vol = poolDir.resolve("d.qcow2").toString();

        // shut off: CURRENT is the config; LIVE is refused
        assertError("error: Requested operation is not valid: domain is not running",
                "attach-device", "hp-tiny", volDisk.toString(), "--live");
        // (virsh's plain attach-device is virDomainAttachDevice: LIVE in libvirt's QEMU driver)
        assertError("error: Requested operation is not valid: domain is not running",
                "attach-device", "hp-tiny", volDisk.toString());
        virsh("attach-device", "hp-tiny", volDisk.toString(), "--current");
        assertTrue(virsh("dumpxml", "--inactive", "hp-tiny").contains("<source pool='p' volume='e.qcow2'/>"));
        assertError("error: Requested operation is not valid: target vdc already exists",
                "attach-device", "hp-tiny", volDisk.toString(), "--config");
        virsh("detach-device", "hp-tiny", volDisk.toString(), "--config");
        assertFalse(virsh("dumpxml", "--inactive", "hp-tiny").contains("vdc"));

        virsh("start", "hp-tiny");
        String config = virsh("dumpxml", "--inactive", "hp-tiny");
        // --config on a running domain: only the persistent XML
        virsh("attach-disk", "hp-tiny", vol, "vdb", "--subdriver", "qcow2", "--config");
        assertFalse(virsh("domblklist", "hp-tiny").contains("vdb"));
        assertTrue(virsh("domblklist", "--inactive", "hp-tiny").contains("vdb"));
        virsh("detach-disk", "hp-tiny", "vdb", "--config");
        assertEquals(config, virsh("dumpxml", "--inactive", "hp-tiny"));
        // --persistent on a running domain: both; a volume disk through its pool
        virsh("attach-device", "hp-tiny", volDisk.toString(), "--persistent");
        assertTrue(virsh("domblklist", "hp-tiny").contains("vdc"));
        assertTrue(virsh("domblklist", "--inactive", "hp-tiny").contains("vdc"));
        assertTrue(virsh("dumpxml", "hp-tiny").contains("<source pool='p' volume='e.qcow2' index='2'/>"));
        String vol2 = poolDir.resolve("e.qcow2").toString();
        assertError("error: XML error: target 'vdc' duplicated for disk sources '" + vol2 + "' and '" + vol + "'",
                "attach-disk", "hp-tiny", vol, "vdc", "--live");

        // the tiny guest has no OS to answer an unplug: success after libvirt's 5 s, removal pending
        long t0 = System.nanoTime();
        virsh("detach-device", "hp-tiny", volDisk.toString(), "--live");
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waited >= 5_000 && waited < 15_000, waited + " ms");
        assertTrue(virsh("domblklist", "hp-tiny").contains("vdc"));
        assertTrue(Files.readString(qemu.dir().resolve("run/hp-tiny.xml")).contains("virtio-disk"));
        System.out.println("detach with a guest that does not let go returned after " + waited + " ms");

        // cdrom: media change and eject through update-device
        virsh("change-media", "hp-tiny", "hdc", iso.toString(), "--insert");
        String live = virsh("dumpxml", "hp-tiny");
        assertTrue(live.contains("<driver name='qemu' type='raw'/>\n      <source file='" + iso + "' index='3'/>"), live);
        assertTrue(listed(virsh("domblklist", "hp-tiny"), "hdc", iso.toString()), virsh("domblklist", "hp-tiny"));
        virsh("change-media", "hp-tiny", "hdc", "--eject");
        live = virsh("dumpxml", "hp-tiny");
        assertFalse(live.contains(iso.toString()));
        assertTrue(live.contains("<driver name='qemu' type='raw'/>\n      <source index='4'/>\n      <target dev='hdc'"), live);
        virsh("change-media", "hp-tiny", "hdc", iso.toString(), "--insert"); // and in again
        assertTrue(virsh("dumpxml", "hp-tiny").contains("<source file='" + iso + "' index='5'/>"));

        // libvirt's errors
        assertError("error: Operation not supported: disk device type 'cdrom' cannot be detached",
                "detach-disk", "hp-tiny", "hdc");
        assertError("error: internal error: unable to execute QEMU command 'device_add': Bus 'ide.0' does not "
                + "support hotplugging", "attach-disk", "hp-tiny", vol, "hda");
        assertFalse(virsh("domblklist", "hp-tiny").contains("hda"));
        Path missing = qemu.root().resolve("missing.xml");
        Files.writeString(missing, "<disk type='file' device='disk'><source file='/nonexistent'/>"
                + "<target dev='vdz' bus='virtio'/></disk>");
        assertError("error: device not found: disk vdz not found", "detach-device", "hp-tiny", missing.toString());
        assertError("error: device not found: no target device vdz",
                "detach-device", "hp-tiny", missing.toString(), "--config");
        Path nic = qemu.root().resolve("nic.xml");
        Files.writeString(nic, "<interface type='user'><mac address='52:54:00:00:00:99'/></interface>");
        assertError("error: device not found: no device found at address '(<null>)' matching MAC address "
                + "'52:54:00:00:00:99' and alias '(<null>)'", "detach-device", "hp-tiny", nic.toString());
        Path sound = qemu.root().resolve("sound.xml");
        Files.writeString(sound, "<memballoon model='virtio'/>");
        assertError("error: Operation not supported: live attach of device 'memballoon' is not supported",
                "attach-device", "hp-tiny", sound.toString());

        // a transient domain has no config to change
        Path transientXml = qemu.root().resolve("hp-transient.xml");
        Files.writeString(transientXml, domain.replace("NAME", "hp-transient"));
        virsh("create", transientXml.toString());
        assertError("error: Requested operation is not valid: transient domains do not have any persistent config",
                "attach-disk", "hp-transient", vol, "vdb", "--config");
        virsh("destroy", "hp-transient");
        virsh("destroy", "hp-tiny");
        virsh("undefine", "hp-tiny");
    }

    /**
     * libvirt's virDomainDiskInsert runs on the attached disk after its post-parse, so a disk
     * whose XML names no bus (what attach-disk writes without --targetbus) is on virtio by its
     * vdX name and goes among the virtio disks by target: attaching vdc then vdb lists vda, vdb,
     * vdc, live and in the definition, as libvirtd's dumpxml does.
     */
    @Test
    void disksAttachedOutOfOrderAreListedByBusAndTarget() throws Exception {
        TestGuests.qemu();
        daemonWithPool();
        virsh("vol-create-as", "p", "a.qcow2", "16M", "--format", "qcow2");
        virsh("vol-create-as", "p", "c.qcow2", "16M", "--format", "qcow2");
        String a = poolDir.resolve("a.qcow2").toString();
        String b = poolDir.resolve("d.qcow2").toString();
        String c = poolDir.resolve("c.qcow2").toString();
        Path xml = qemu.root().resolve("hp-order.xml");
        Files.writeString(xml, "<domain type='qemu'><name>hp-order</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel() + "</kernel></os>"
                + "<features><acpi/></features><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + a + "'/><target dev='vda' bus='virtio'/></disk></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "hp-order");
        Path vdb = qemu.root().resolve("vdb.xml");
        Files.writeString(vdb, "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='"
                + b + "'/><target dev='vdb'/></disk>");
        virsh("attach-disk", "hp-order", "--source", c, "--target", "vdc", "--subdriver", "qcow2", "--live");
        virsh("attach-device", "hp-order", vdb.toString(), "--live");
        assertEquals(List.of("vda", "vdb", "vdc"), diskTargets(virsh("dumpxml", "hp-order")));
        assertEquals(List.of("vda"), diskTargets(virsh("dumpxml", "--inactive", "hp-order")));
        String blk = virsh("domblklist", "hp-order");
        assertTrue(blk.indexOf(" vdb ") < blk.indexOf(" vdc "), blk);

        virsh("attach-disk", "hp-order", "--source", c, "--target", "vdc", "--subdriver", "qcow2", "--config");
        virsh("attach-device", "hp-order", vdb.toString(), "--config");
        assertEquals(List.of("vda", "vdb", "vdc"), diskTargets(virsh("dumpxml", "--inactive", "hp-order")));
        virsh("destroy", "hp-order");
        assertEquals(List.of("vda", "vdb", "vdc"), diskTargets(virsh("dumpxml", "hp-order")));
        virsh("undefine", "hp-order");
    }

    /**
     * libvirt's update-device {@code --config} replaces a disk or an interface in place
     * (qemuDomainUpdateDeviceConfig: {@code vmdef->disks[pos]}, virDomainNetUpdate): a cdrom
     * listed before a virtio disk stays first after change-media, so the boot disk does not
     * change, and the first of two interfaces stays first after domif-setlink.
     */
    @Test
    void configUpdatesKeepTheDevicesPlace() throws Exception {
        TestGuests.qemu();
        daemon = qemu.startDaemon();
        Path iso = Files.writeString(qemu.root().resolve("cd.iso"), "not really an ISO");
        Path xml = qemu.root().resolve("hp-place.xml");
        Files.writeString(xml, "<domain type='qemu'><name>hp-place</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel() + "</kernel></os>"
                + "<features><acpi/></features><devices>"
                + "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/>"
                + "<readonly/></disk>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='"
                + poolDir.resolve("d.qcow2") + "'/><target dev='vda' bus='virtio'/></disk>"
                + "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>"
                + "<interface type='user'><mac address='52:54:00:aa:bb:02'/><model type='virtio'/></interface>"
                + "</devices></domain>");
        virsh("define", xml.toString());
        assertEquals(List.of("hdc", "vda"), diskTargets(virsh("dumpxml", "--inactive", "hp-place")));
        virsh("change-media", "hp-place", "hdc", iso.toString(), "--insert", "--config");
        String conf = virsh("dumpxml", "--inactive", "hp-place");
        assertTrue(conf.contains("<source file='" + iso + "'/>"), conf);
        assertEquals(List.of("hdc", "vda"), diskTargets(conf));
        virsh("domif-setlink", "hp-place", "52:54:00:aa:bb:01", "down", "--config");
        conf = virsh("dumpxml", "--inactive", "hp-place");
        assertTrue(conf.contains("<link state='down'/>"), conf);
        assertTrue(conf.indexOf("52:54:00:aa:bb:01") < conf.indexOf("52:54:00:aa:bb:02"), conf);
        virsh("undefine", "hp-place");
    }

    // ------------------------------------------------------------------ helpers

    /** The {@code <target dev>} of each disk in dumpxml's order. */
    private static List<String> diskTargets(String domainXml) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<target dev='([a-z]+)' bus=").matcher(domainXml);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A started daemon with the active dir pool {@code p} holding the 16 MiB qcow2 volume {@code d.qcow2}. */
    private void daemonWithPool() throws IOException {
        daemon = qemu.startDaemon();
        virsh("pool-define-as", "p", "dir", "--target", poolDir.toString());
        virsh("pool-start", "p");
        virsh("vol-create-as", "p", "d.qcow2", "16M", "--format", "qcow2");
    }

    private Exec.Result virshResult(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-c",
                QemuTestRoot.tcpUri(daemon)));
        cmd.addAll(List.of(args));
        return Exec.run(T, null, cmd.toArray(new String[0]));
    }

    private String virsh(String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r.stdout();
    }

    private void assertError(String expected, String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertNotEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains(expected), () -> "expected " + expected + "\n" + r.describe());
    }

    /** Asks the guest's shell whether {@code /sys/block/DEV} exists: "HAS-2-DEV" or "NO-2-DEV". */
    private String guestSays(Path python, String dev) throws IOException {
        String cmd = "[ -e /sys/block/" + dev + " ] && echo HAS-$((1+1))-" + dev + " || echo NO-$((1+1))-" + dev;
        Exec.Result r = Exec.run(T, null, python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/hotplug.py").toString(),
                "ask", QemuTestRoot.tcpUri(daemon), "hp-linux", cmd, "HAS-2-" + dev, "NO-2-" + dev);
        assertEquals(0, r.exitCode(), r::describe);
        return r.stdout().lines().filter(l -> l.startsWith("got ")).findFirst().orElseThrow().substring(4);
    }

    /** Asks the guest until it answers {@code expected} (HAS-2-DEV or NO-2-DEV), at most 30 s. */
    private void awaitGuest(Path python, String expected) throws Exception {
        String dev = expected.substring(expected.lastIndexOf('-') + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String got = guestSays(python, dev); !got.equals(expected); got = guestSays(python, dev)) {
            assertTrue(System.nanoTime() < deadline, "the guest still says " + got);
            Thread.sleep(200); // the guest's view changes on its own time; nothing to wait on
        }
    }

    /** Waits (bounded) for the guest's serial log to show {@code marker}. */
    private static void awaitMarker(Path serial, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!(Files.exists(serial) && Files.readString(serial, StandardCharsets.ISO_8859_1).contains(marker))) {
            assertTrue(System.nanoTime() < deadline, "no " + marker + " in " + serial);
            Thread.sleep(100); // the log is a file QEMU writes: nothing to wait on but its content
        }
    }

    /** hotplug.py removed: a python3-libvirt client registered for device-removed events (once it said "ready"). */
    private Process removedEvents(Path python, String name) throws IOException {
        Process p = new ProcessBuilder(python.toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/hotplug.py").toString(),
                "removed", QemuTestRoot.tcpUri(daemon), name).redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertEquals("ready", first);
        return p;
    }

    /** The next line of hotplug.py removed (after "ready"): "removed ALIAS". */
    private static String eventLine(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hotplug.py removed did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    /** A domblklist row with this target and source. */
    private static boolean listed(String table, String target, String source) {
        return table.lines().anyMatch(l -> l.strip().matches(java.util.regex.Pattern.quote(target) + "\\s+"
                + java.util.regex.Pattern.quote(source)));
    }

    /** Sends {@code device_del} on the guest's QMP socket (only while no daemon holds it) and waits for DEVICE_DELETED. */
    private static void qmpDeviceDel(Path monitor, String id) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(monitor))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            in.readLine(); // greeting
            out.write(("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"device_del\",\"arguments\":{\"id\":\""
                    + id + "\"}}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                assertFalse(l.contains("\"error\""), l);
                if (l.contains("DEVICE_DELETED") && l.contains("\"device\": \"" + id + "\"")) {
                    return;
                }
            }
            throw new AssertionError("monitor closed before DEVICE_DELETED of " + id);
        }
    }
}
