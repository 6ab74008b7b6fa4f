package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.rpc.loop.EventLoop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Domain XML subset → command line → a real, daemonised, paused QEMU; and failures leave nothing. */
class QemuLauncherTest {

    @TempDir
    Path dir;

    static String tinyXml(String name, Path kernel, Path serialLog) {
        return "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel></os>"
                + "<features><acpi/></features><devices><serial type='pty'><log file='" + serialLog
                + "' append='off'/><target port='0'/></serial><console type='pty'><target type='serial' port='0'/>"
                + "</console><memballoon model='virtio'/></devices></domain>";
    }

    private DomainDef tinyDef(String name) throws Exception {
        DomainDef d = QemuLifecycle.parse(tinyXml(name, TestGuests.tinyKernel(), dir.resolve(name + "-serial.log")));
        d.setEmulator(TestGuests.qemu().toString());
        d.setOsMachine(EmulatorCaps.of(d.emulator()).canonicalMachine(d.osMachine()));
        QemuDomainXml.makeLive(d, 1);
        return d;
    }

    @Test
    void startsTheTinyGuestPausedAndDaemonised() throws Exception {
        QemuPaths paths = QemuPaths.under(dir.resolve("root"));
        DomainDef d = tinyDef("t-launch");
        assertEquals("pc-i440fx-7.2", d.osMachine().replaceAll("\\d+\\.\\d+$", "7.2"));
        QemuLauncher.Launched l = QemuLauncher.launch(d, paths, "7.2.22");
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            assertTrue(ProcState.isAlive(l.pid()));
            assertTrue(ProcessHandle.of(l.pid()).orElseThrow().parent().map(ProcessHandle::pid)
                    .orElse(-1L) != ProcessHandle.current().pid(), "QEMU is not our child");
            QmpMonitor mon = QmpMonitor.connect(d.name(), l.monitor(), new LoopForDrivers(loop), new QmpMonitor.Listener() {
                @Override
                public void onEvent(String event, Map<String, Object> data, long micros) {
                }

                @Override
                public void onClose(boolean byUs) {
                }
            }, 10_000);
            assertEquals("prelaunch", ((Map<?, ?>) mon.execute("query-status", null, 5000)).get("status"));
            mon.execute("cont", null, 5000);
            QmpMonitorTest.awaitFileContains(dir.resolve("t-launch-serial.log"), TestGuests.BOOT_MARKER);
            String log = Files.readString(paths.logFile("t-launch"));
            assertTrue(log.contains("-accel tcg"), log);
            assertTrue(log.contains("-no-shutdown"), log);
            mon.execute("quit", null, 5000);
            assertTrue(QmpMonitorTest.awaitDead(l.pid()));
        } finally {
            ProcessHandle.of(l.pid()).ifPresent(ProcessHandle::destroyForcibly);
            QemuLauncher.cleanup(l.runDir(), paths.pidFile(d.name()));
            loop.quit();
            loop.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(l.runDir()));
    }

    @Test
    void aKernelThatDoesNotExistGivesQemusErrorAndLeavesNothing() throws Exception {
        QemuPaths paths = QemuPaths.under(dir.resolve("root"));
        DomainDef d = tinyDef("t-nokernel");
        String kernel = dir.resolve("no-such-kernel").toString();
        d.osNode().child("kernel").text(kernel);
        VirException e = assertThrows(VirException.class, () -> QemuLauncher.launch(d, paths, "7.2.22"));
        assertEquals(VirErrorNumber.INTERNAL_ERROR.number(), e.code());
        assertTrue(e.getMessage().startsWith("internal error: qemu unexpectedly closed the monitor: "), e.getMessage());
        assertTrue(e.getMessage().contains("could not open kernel file '" + kernel + "'"), e.getMessage());
        assertFalse(Files.exists(paths.pidFile("t-nokernel")));
        assertFalse(Files.exists(paths.runDir(1, "t-nokernel")));
        try (Stream<Path> s = Files.list(paths.libDir())) {
            assertEquals(0, s.count(), "no run folder or socket left");
        }
        assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains("guest=t-nokernel")).orElse(false)
                && ProcState.isAlive(p.pid())), "no QEMU left running");
    }

    @Test
    void unknownMachineAndMissingEmulatorAreLibvirtsErrors() throws Exception {
        String qemu = TestGuests.qemu().toString();
        VirException m = assertThrows(VirException.class, () -> EmulatorCaps.of(qemu).canonicalMachine("pc-nope-1.0"));
        assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), m.code());
        assertEquals("unsupported configuration: Emulator '" + qemu + "' does not support machine type 'pc-nope-1.0'",
                m.getMessage());
        VirException b = assertThrows(VirException.class, () -> EmulatorCaps.of("/nonexistent/qemu"));
        assertEquals(VirErrorNumber.SYSTEM_ERROR.number(), b.code());
        assertEquals("Cannot check QEMU binary /nonexistent/qemu: No such file or directory", b.getMessage());
        assertEquals("pc-q35-7.2", EmulatorCaps.of(qemu).canonicalMachine("q35").replaceAll("\\d+\\.\\d+$", "7.2"));
    }

    @Test
    void whatTheDriverPrintsItReadsBackUnchanged() throws Exception {
        DomainDef d = tinyDef("t-round");
        QemuDomainXml.setPty(d, 0, "/dev/pts/7");
        String live = d.format(0);
        assertTrue(live.contains("<console type='pty' tty='/dev/pts/7'>"), live);
        DomainDef status = DomainDef.fromElement(VirXml.parseString(live, null, "domain", VirErrorDomain.DOMAIN)
                .getDocumentElement(), DomainDef.PARSE_STATUS, QemuXmlOptions.OPTIONS);
        assertEquals(live, status.format(0));
        String inactive = d.format(DomainDef.XML_INACTIVE);
        assertFalse(inactive.contains("/dev/pts/") || inactive.contains("<domain type='qemu' id="), inactive);
        String config = QemuLifecycle.parse(tinyXml("t-round", TestGuests.tinyKernel(), dir.resolve("s.log")))
                .format(DomainDef.XML_INACTIVE);
        assertEquals(config, QemuLifecycle.parse(config).format(DomainDef.XML_INACTIVE), "a config file reads back");
    }

    @Test
    void whatTheSubsetDoesNotCoverIsRefusedNotDropped() throws Exception {
        String base = tinyXml("t-x", TestGuests.tinyKernel(), dir.resolve("s.log"));
        String[][] refused = { // what to replace in the tiny guest's XML, with what, and the part refused
            {"<devices>", "<devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' "
                    + "slot='0x05' function='0x0'/></source></hostdev>", "device <hostdev>"},
            {"<os>", "<memtune><min_guarantee unit='MiB'>64</min_guarantee></memtune><os>", "<memtune><min_guarantee>"},
            {"<os>", "<cputune><vcpusched vcpus='0' scheduler='fifo' priority='1'/></cputune><os>",
                "<cputune><vcpusched>"},
            {"<vcpu>1</vcpu>", "<vcpu cpuset='0'>1</vcpu>", "<vcpu> other than a static count"},
            {"<acpi/>", "<acpi/><pae/>", "<features><pae/>"},
            {"<devices>", "<cpu mode='host-model'/><devices>", "cpu mode 'host-model'"},
            {"<devices>", "<clock offset='localtime'/><devices>", "clock other than <clock offset='utc'/>"},
            {"<devices>", "<on_reboot>preserve</on_reboot><devices>", "on_reboot action 'preserve'"},
            {"<console type='pty'><target type='serial' port='0'/></console>", "<serial type='pty'><target port='1'/>"
                    + "</serial>", "serial port other than 0"},
            {"<serial type='pty'>", "<serial type='file'><source path='/tmp/x'/></serial><serial type='pty'>",
                "serial type 'file'"},
            {"model='virtio'", "model='xen'", "memballoon model 'xen'"},
            {"<devices>", "<devices><controller type='scsi' index='0'/>", "controller type 'scsi'"},
        };
        for (String[] r : refused) {
            String xml = base.replace(r[0], r[1]);
            VirException e = assertThrows(VirException.class, () -> QemuLifecycle.parse(xml), xml);
            assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code(), xml);
            assertEquals("unsupported configuration: " + r[2] + " is not supported by jvirtd's QEMU driver yet",
                    e.getMessage(), xml);
        }
        // the virt type is the emulator's to accept (QemuCapabilitiesIT: kvm only where offered)
        assertEquals("kvm", QemuLifecycle.parse(base.replace("type='qemu'", "type='kvm'")).virtType());
        // metadata is in the subset and printed back as libvirt prints it
        DomainDef md = QemuLifecycle.parse(base.replace("<memory", "<metadata><app:x xmlns:app='urn:app'>1</app:x>"
                + "</metadata><memory"));
        assertEquals("<x>1</x>", md.metadata("urn:app").strip());
        assertTrue(md.format(0).contains("  <metadata>\n    <app:x xmlns:app=\"urn:app\">1</app:x>\n  </metadata>\n"),
                md.format(0));
    }
}
