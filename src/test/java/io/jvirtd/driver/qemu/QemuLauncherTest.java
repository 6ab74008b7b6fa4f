package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
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

    private QemuDomainDef tinyDef(String name) throws Exception {
        QemuDomainDef d = QemuDomainDef.parse(tinyXml(name, TestGuests.tinyKernel(), dir.resolve(name + "-serial.log")));
        d.emulator = TestGuests.qemu().toString();
        d.machine = EmulatorCaps.of(d.emulator).canonicalMachine(d.machine);
        d.id = 1;
        return d;
    }

    @Test
    void startsTheTinyGuestPausedAndDaemonised() throws Exception {
        QemuPaths paths = QemuPaths.under(dir.resolve("root"));
        QemuDomainDef d = tinyDef("t-launch");
        assertEquals("pc-i440fx-7.2", d.machine.replaceAll("\\d+\\.\\d+$", "7.2"));
        QemuLauncher.Launched l = QemuLauncher.launch(d, paths, "7.2.22");
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            assertTrue(ProcState.isAlive(l.pid()));
            assertTrue(ProcessHandle.of(l.pid()).orElseThrow().parent().map(ProcessHandle::pid)
                    .orElse(-1L) != ProcessHandle.current().pid(), "QEMU is not our child");
            QmpMonitor mon = QmpMonitor.connect(d.name, l.monitor(), new LoopForDrivers(loop), new QmpMonitor.Listener() {
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
            QemuLauncher.cleanup(l.runDir(), paths.pidFile(d.name));
            loop.quit();
            loop.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(l.runDir()));
    }

    @Test
    void aKernelThatDoesNotExistGivesQemusErrorAndLeavesNothing() throws Exception {
        QemuPaths paths = QemuPaths.under(dir.resolve("root"));
        QemuDomainDef d = tinyDef("t-nokernel");
        d.kernel = dir.resolve("no-such-kernel").toString();
        VirException e = assertThrows(VirException.class, () -> QemuLauncher.launch(d, paths, "7.2.22"));
        assertEquals(VirErrorNumber.INTERNAL_ERROR.number(), e.code());
        assertTrue(e.getMessage().startsWith("internal error: qemu unexpectedly closed the monitor: "), e.getMessage());
        assertTrue(e.getMessage().contains("could not open kernel file '" + d.kernel + "'"), e.getMessage());
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
        QemuDomainDef d = tinyDef("t-round");
        d.serials.get(0).ptyPath = "/dev/pts/7";
        for (boolean live : new boolean[] {false, true}) {
            String xml = QemuDomainXml.format(d, live, 0);
            QemuDomainDef back = QemuDomainDef.parse(
                    io.jvirtd.model.VirXml.parseString(xml, null, "domain", io.jvirtd.model.VirErrorDomain.DOMAIN)
                            .getDocumentElement(), live);
            assertEquals(xml, QemuDomainXml.format(back, live, 0));
        }
    }

    @Test
    void whatTheSubsetDoesNotCoverIsRefusedNotDropped() throws Exception {
        String base = tinyXml("t-x", TestGuests.tinyKernel(), dir.resolve("s.log"));
        VirException e = assertThrows(VirException.class, () -> QemuDomainDef.parse(
                base.replace("<devices>", "<devices><hostdev mode='subsystem' type='pci'/>")));
        assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code());
        assertEquals("unsupported configuration: device <hostdev> is not supported by jvirtd's QEMU driver yet",
                e.getMessage());
        // the virt type is the emulator's to accept (QemuCapabilitiesIT: kvm only where offered)
        assertEquals("kvm", QemuDomainDef.parse(base.replace("type='qemu'", "type='kvm'")).virtType);
    }
}
