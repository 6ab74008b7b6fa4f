package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disks and user-mode interfaces on real guests, through stock virsh over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: the XMLs of src/test/resources/qemu/devices with
 * images made by {@code qemu-img}, whose persistent and live {@code <devices>} must be what
 * libvirtd 9.0 printed for the same XML (recorded by scripts/capture-libvirtd-qemu-devices.sh,
 * the scratch folder written {@code @DIR@}), also from a daemon restarted after kill -9; a
 * missing image fails the start with libvirt's error and leaves nothing; the Linux guest sees
 * its qcow2 disk. Every file under one qemu_root temp folder; each test stops what it started
 * and checks nothing is left.
 */
class QemuDevicesIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final Path IN = InteropEnvironment.baseDir().resolve("src/test/resources/qemu/devices");
    private static final Path OUT = InteropEnvironment.baseDir().resolve("src/test/resources/qemu/libvirtd-9.0/devices");

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createDirectories(qemu.root().resolve("scratch"));
    }

    private void startDaemon() throws IOException {
        daemon = qemu.startDaemon();
    }

    private Exec.Result virshResult(String... args) throws IOException {
        return Virsh.run(T, "qemu+tcp://127.0.0.1:" + daemon.port() + "/system", args);
    }

    private String virsh(String... args) throws IOException {
        Exec.Result r = virshResult(args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r.stdout();
    }

    /** The scratch folder the recorded XMLs name: the tiny guest and the images, made here. */
    private void makeImages() throws IOException {
        Path tiny = Files.createDirectories(scratch.resolve("tiny"));
        Files.copy(TestGuests.tinyKernel(), tiny.resolve("vmlinuz"));
        qemuImg("qcow2", scratch.resolve("disk.qcow2"), "16M");
        qemuImg("raw", scratch.resolve("disk.raw"), "1M");
        qemuImg("raw", scratch.resolve("disk2.raw"), "1M");
        qemuImg("raw", scratch.resolve("cd.iso"), "1M");
    }

    private static void qemuImg(String format, Path file, String size) throws IOException {
        Exec.Result r = Exec.run(T, null, Tool.QEMU_IMG.require().toString(), "create", "-q", "-f", format,
                file.toString(), size);
        assertEquals(0, r.exitCode(), r::describe);
    }

    private Path domainXml(String name) throws IOException {
        Path xml = qemu.root().resolve(name.replace('/', '-') + ".xml");
        Files.writeString(xml, Files.readString(IN.resolve(name + ".xml")).replace("@DIR@", scratch.toString()));
        return xml;
    }

    /** The {@code <devices>} element of a domain XML, the scratch folder written @DIR@. */
    private String devices(String xml) {
        String x = xml.replace(scratch.toString(), "@DIR@");
        int from = x.indexOf("  <devices>");
        int to = x.indexOf("  </devices>");
        assertTrue(from >= 0 && to > from, x);
        return x.substring(from, to);
    }

    private String recordedDevices(String file) throws IOException {
        String x = Files.readString(OUT.resolve(file));
        return x.substring(x.indexOf("  <devices>"), x.indexOf("  </devices>"));
    }

    @Test
    void disksAndInterfacesShowAsLibvirtdShowsThem() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        for (String name : List.of("virtio-start", "idesata-start")) {
            Path xml = domainXml(name);
            String dom = name.equals("virtio-start") ? "dev-virtio" : "dev-idesata";
            virsh("define", xml.toString());
            assertEquals(recordedDevices(name + ".inactive.xml"), devices(virsh("dumpxml", "--inactive", dom)), name);
            virsh("start", dom);
            assertEquals("running (booted)", virsh("domstate", "--reason", dom).strip());
            assertEquals(recordedDevices(name + ".live.xml"), devices(virsh("dumpxml", dom)), name);
            if (name.equals("virtio-start")) { // the status file keeps aliases and node indexes
                ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // kill -9
                assertEquals(137, daemon.awaitExit(Duration.ofSeconds(20)));
                startDaemon();
                assertEquals(recordedDevices(name + ".live.xml"), devices(virsh("dumpxml", dom)), name + " reattached");
            }
            // the persistent config keeps what define assigned, and no live-only part
            assertEquals(recordedDevices(name + ".inactive.xml"), devices(virsh("dumpxml", "--inactive", dom)), name);
            virsh("destroy", dom);
            virsh("undefine", dom);
        }
        qemu.assertNothingLeft();
    }

    /**
     * q35 guests (virtio and SATA disks, user NICs of every model, the default devices, the
     * controllers as virt-install writes them: qemu-xhci with 15 ports, root ports without index): the
     * controllers libvirt adds (root ports, the pcie-to-pci-bridge, qemu-xhci, the ICH9 SATA),
     * every address and alias as libvirtd; the tiny guest boots on them; the XML dumpxml
     * prints defines again to the same.
     */
    @Test
    void q35GuestsShowAsLibvirtdShowsThemAndBoot() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        for (String name : List.of("q35-start", "q35-virtio-start", "q35-plain-start", "q35-virtinstall-start")) {
            String dom = name.equals("q35-start") ? "dev-q35" : "dev-" + name.substring(0, name.length() - "-start".length());
            virsh("define", domainXml(name).toString());
            String inactive = virsh("dumpxml", "--inactive", dom);
            assertEquals(recordedDevices(name + ".inactive.xml"), devices(inactive), name);
            virsh("start", dom);
            assertEquals("running (booted)", virsh("domstate", "--reason", dom).strip());
            assertEquals(recordedDevices(name + ".live.xml"), devices(virsh("dumpxml", dom)), name);
            virsh("destroy", dom);
            Path again = qemu.root().resolve(dom + "-again.xml");
            Files.writeString(again, inactive);
            virsh("define", again.toString()); // what libvirt printed defines to itself
            assertEquals(recordedDevices(name + ".inactive.xml"), devices(virsh("dumpxml", "--inactive", dom)), name + " again");
            virsh("undefine", dom);
        }
        qemu.assertNothingLeft();
    }

    /** domxml-to-native of a q35 guest: libvirtd's controller, disk and NIC devices, in its order. */
    @Test
    void q35ToNativeHasLibvirtdsDeviceArguments() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        String argv = virsh("domxml-to-native", "qemu-argv", domainXml("q35-start").toString()).replace(scratch.toString(), "@DIR@");
        List<String> recorded = List.of(Files.readString(OUT.resolve("q35-start.argv")).split("\n"));
        assertTrue(argv.contains(" -machine pc-q35-7.2,usb=off,dump-guest-core=off "), argv);
        int at = 0;
        for (int i = 0; i + 1 < recorded.size(); i++) {
            // not -netdev: libvirtd's to-native shows a user NIC's backend as a tap fd, pc or q35 alike
            if (List.of("-device", "-blockdev").contains(recorded.get(i))) {
                String arg = recorded.get(i) + " '" + recorded.get(i + 1) + "'";
                int found = argv.indexOf(arg, at);
                assertTrue(found >= 0, () -> arg + " not in order in\n" + argv);
                at = found + arg.length();
            }
        }
    }

    /**
     * Live attaches on a q35 guest as libvirtd answered them (hotplug.txt): the first virtio disk
     * takes the free root port define left, the next PCIe and PCI devices find no slot
     * ("No more available PCI slots"), a SATA disk gets QEMU's refusal, a virtio disk at a given
     * address on pcie-root, at function 1 or at a root port's slot 2 libvirt's address errors; the
     * live XML after.
     */
    @Test
    void q35HotplugTakesTheFreeRootPortThenFailsAsLibvirtd() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        virsh("define", domainXml("hotplug/q35-hotplug").toString());
        virsh("start", "dev-q35-hotplug");
        for (String line : Files.readString(OUT.resolve("hotplug.txt")).split("\n")) {
            String[] f = line.split("\t");
            Exec.Result r = virshResult("attach-device", "dev-q35-hotplug", domainXml("hotplug/" + f[0]).toString(), "--live");
            String[] err = r.stderr().strip().split("\n");
            String got = r.exitCode() == 0 ? "ok" : err[err.length - 1];
            assertEquals(f[1], got, () -> f[0] + ": " + r.describe());
        }
        String live = Files.readString(OUT.resolve("hotplug/q35-hotplug.live.xml"));
        assertEquals(live.substring(live.indexOf("  <devices>"), live.indexOf("  </devices>")),
                devices(virsh("dumpxml", "dev-q35-hotplug")));
        virsh("destroy", "dev-q35-hotplug");
        virsh("undefine", "dev-q35-hotplug");
        qemu.assertNothingLeft();
    }

    @Test
    void aMissingImageFailsTheStartWithLibvirtsErrorAndLeavesNothing() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        virsh("define", domainXml("errors/source-missing").toString());
        Exec.Result r = virshResult("start", "source-missing");
        assertEquals(1, r.exitCode(), r::describe);
        String expected = "error: Cannot access storage file '" + scratch.resolve("nope.qcow2")
                + "' (as uid:" + uid() + ", gid:" + gid() + "): No such file or directory";
        assertTrue(r.stderr().contains(expected), r.describe());
        assertEquals("shut off (unknown)", virsh("domstate", "--reason", "source-missing").strip());
        virsh("undefine", "source-missing");
        qemu.assertNothingLeft();
    }

    @Test
    void toNativeShowsTheDiskAndNetworkArguments() throws Exception {
        TestGuests.qemu();
        makeImages();
        startDaemon();
        String argv = virsh("domxml-to-native", "qemu-argv", domainXml("virtio-start").toString());
        String node = "{\"node-name\":\"libvirt-2-format\",\"read-only\":false,\"driver\":\"qcow2\",\"file\":\"libvirt-2-storage\"}";
        assertTrue(argv.contains("-blockdev '" + node + "'"), argv);
        assertTrue(argv.contains("-device '{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.0\",\"addr\":\"0x4\","
                + "\"drive\":\"libvirt-2-format\",\"id\":\"virtio-disk0\",\"bootindex\":1}'"), argv);
        assertTrue(argv.contains("-device '{\"driver\":\"e1000\",\"netdev\":\"hostnet1\",\"id\":\"net1\","
                + "\"mac\":\"52:54:00:12:34:57\",\"bus\":\"pci.0\",\"addr\":\"0x3\"}'"), argv);
    }

    /** On q35 the disk sits behind a pcie-root-port libvirt's layout adds. */
    @ParameterizedTest
    @ValueSource(strings = {"pc", "q35"})
    void theLinuxGuestSeesItsQcow2Disk(String machine) throws Exception {
        TestGuests.qemu();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        qemuImg("qcow2", scratch.resolve("data.qcow2"), "16M");
        startDaemon();
        Path log = qemu.root().resolve("jvq-disk-serial.log");
        Path xml = qemu.root().resolve("linux.xml");
        Files.writeString(xml, "<domain type='qemu'><name>jvq-disk</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='" + machine + "'>hvm</type><kernel>" + guest.kernel() + "</kernel>"
                + "<initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline></os>"
                + "<features><acpi/></features><devices>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + scratch.resolve("data.qcow2") + "'/><target dev='vda' bus='virtio'/></disk>"
                + "<interface type='user'><model type='virtio'/></interface>"
                + "<serial type='pty'><log file='" + log + "' append='off'/><target port='0'/></serial>"
                + "</devices></domain>");
        virsh("define", xml.toString());
        virsh("start", "jvq-disk");
        String serial = awaitMarker(log, TestGuests.BOOT_MARKER);
        // 16 MiB of 512-byte sectors: the guest reads the qcow2's virtual size, not the file's
        assertTrue(serial.contains("TESTGUEST-DISK vda 32768"), serial);
        virsh("destroy", "jvq-disk");
        virsh("undefine", "jvq-disk");
        qemu.assertNothingLeft();
    }

    private static String awaitMarker(Path log, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                String s = Files.readString(log, StandardCharsets.ISO_8859_1);
                if (s.contains(marker)) {
                    return s;
                }
            }
            Thread.sleep(50); // QEMU writes the file; nothing to wait on
        }
        throw new AssertionError(log + " never showed " + marker);
    }

    private static long uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static long gid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }
}
