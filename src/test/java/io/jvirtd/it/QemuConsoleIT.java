package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;
import io.jvirtd.rpc.tls.TestPki;
import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * virDomainOpenConsole on real QEMU guests through stock clients over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: {@code virsh console} in a pseudo-terminal (virsh
 * needs a tty) and python3-libvirt's {@code openConsole} stream, driven by
 * {@code src/test/resources/it/qemu/console.py}. The tiny guest echoes what it is sent; the
 * Linux guest's shell answers {@code echo via-$((6*7))-ok} with {@code via-42-ok}. The errors
 * (code/domain and text), the refusal of a second client and the first client's end on
 * {@code --force} are what a private libvirtd 9.0 answered to the same script.
 */
class QemuConsoleIT {

    private static final Duration T = Duration.ofSeconds(90);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static Exec.Result virshResult(DaemonProcess d, String... args) throws IOException {
        return Virsh.run(T, QemuTestRoot.tcpUri(d), args);
    }

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.succeeded(virshResult(d, args), d).stdout().strip();
    }

    /** console.py MODE ARGS...: asserts it passed, returns its "ok" lines. */
    private static String console(DaemonProcess d, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.pythonWithLibvirt().toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/console.py").toString()));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(T, null, cmd.toArray(new String[0]));
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        System.out.println("console " + args[0] + ": " + r.stdout().strip().replace('\n', ';'));
        return r.stdout();
    }

    private String defineTiny(DaemonProcess d, String name) throws IOException {
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><log file='" + serialLog(name) + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console></devices></domain>");
        virsh(d, "define", xml.toString());
        return name;
    }

    private Path serialLog(String name) {
        return qemu.root().resolve(name + "-serial.log");
    }

    @Test
    void tinyGuestConsoleEchoesThroughVirshAndPythonIsExclusiveAndSurvivesARestart() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String name = defineTiny(d, "jvq-con");

        assertEquals("error 55/20: Requested operation is not valid: domain is not running",
                console(d, "error", QemuTestRoot.tcpUri(d), name, "-").strip());

        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(serialLog(name), TestGuests.BOOT_MARKER, 30);
        String virshPath = InteropEnvironment.virsh().toString();
        console(d, "virsh", virshPath, QemuTestRoot.tcpUri(d), name, "typed-into-virsh", "typed-into-virsh");
        console(d, "stream", QemuTestRoot.tcpUri(d), name, "sent-by-python", "sent-by-python");

        assertEquals("error 1/10: internal error: cannot find character device nosuchdev",
                console(d, "error", QemuTestRoot.tcpUri(d), name, "nosuchdev").strip());
        // by alias, and --safe: the QEMU driver always guarantees one client per pty
        console(d, "virsh", virshPath, QemuTestRoot.tcpUri(d), name + " serial0", "via-alias", "via-alias");
        String safe = console(d, "virsh", virshPath, QemuTestRoot.tcpUri(d), name + " serial0 --safe", "safe", "safe");
        assertTrue(safe.contains("ok virsh"), safe);

        String force = console(d, "force", virshPath, QemuTestRoot.tcpUri(d), name);
        assertTrue(force.contains("ok refused: operation failed: Active console session exists for this domain"), force);
        // the first client's stream ends as libvirtd's does when virChrdevOpen aborts it
        assertTrue(force.contains("ok first ended: stream had I/O failure"), force);
        assertTrue(force.contains("ok force"), force);

        // the daemon restarts (kill -9); the new one knows the pty from the status file
        ProcessHandle.of(d.pid()).orElseThrow().destroyForcibly();
        d.awaitExit(Duration.ofSeconds(20));
        DaemonProcess d2 = qemu.startDaemon();
        console(d2, "stream", QemuTestRoot.tcpUri(d2), name, "after-restart", "after-restart");

        // the console ends (EOF, no error) when the guest stops
        console(d2, "stop", QemuTestRoot.tcpUri(d2), name);
        virsh(d2, "undefine", name);
        qemu.assertNothingLeft();
    }

    /**
     * A paused guest does not read its pty: a client typing into its console fills it. No worker
     * may wait for the guest meanwhile (the stream's flow control holds the client back instead),
     * the daemon serves other calls promptly, and the typist's stream ends once the guest stops.
     */
    @Test
    void typingIntoAPausedGuestHoldsBackTheTypistButNoWorker() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String name = defineTiny(d, "jvq-conflood");
        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(serialLog(name), TestGuests.BOOT_MARKER, 30);
        String out = console(d, "flood", InteropEnvironment.virtAdmin().toString(), AdminIT.adminUri(d),
                QemuTestRoot.tcpUri(d), name);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ok workers (\\d+) free of (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(m.group(2), m.group(1), "a worker waits for the paused guest: " + out);
        java.util.regex.Matcher slow = java.util.regex.Pattern.compile("slowest (\\d+) ms").matcher(out);
        assertTrue(slow.find(), out);
        assertTrue(Integer.parseInt(slow.group(1)) < 2000, out);
        // the daemon is whole afterwards: a new console on a new run of the guest echoes
        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(serialLog(name), TestGuests.BOOT_MARKER, 30);
        console(d, "stream", QemuTestRoot.tcpUri(d), name, "after-flood", "after-flood");
        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
        qemu.assertNothingLeft();
    }

    /** Console streams over TLS: virsh console and python3-libvirt's stream, both ways. */
    @Test
    @RequiresTools({Tool.CERTTOOL, Tool.OPENSSL})
    void consoleWorksOverTls() throws Exception {
        TestGuests.qemu();
        TestPki pki = TestPki.get();
        int tlsPort = DaemonProcess.freePort();
        DaemonProcess d = qemu.start(DaemonProcess.builder().listen(true)
                .conf("listen_tls", "1")
                .conf("tls_port", "\"" + tlsPort + "\"")
                .conf("key_file", "\"" + pki.serverKey() + "\"")
                .conf("cert_file", "\"" + pki.serverCert() + "\"")
                .conf("ca_file", "\"" + pki.caCert() + "\"")
                .conf("auth_tls", "\"none\""));
        String tls = "qemu+tls://127.0.0.1:" + tlsPort + "/system?pkipath=" + pki.pkiDir("good");
        String name = defineTiny(d, "jvq-contls");
        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(serialLog(name), TestGuests.BOOT_MARKER, 30);
        console(d, "virsh", InteropEnvironment.virsh().toString(), tls, name, "typed-over-tls", "typed-over-tls");
        console(d, "stream", tls, name, "sent-over-tls", "sent-over-tls");
        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
        qemu.assertNothingLeft();
    }

    @Test
    void linuxGuestShellAnswersThroughVirshConsoleAndTheStream() throws Exception {
        TestGuests.qemu();
        TestGuests.LinuxGuest guest = TestGuests.linuxGuest();
        int metricsPort = DaemonProcess.freePort();
        DaemonProcess d = qemu.start(DaemonProcess.builder().listen(true)
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\""));
        String name = "jvq-conlinux";
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>128</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + guest.kernel()
                + "</kernel><initrd>" + guest.initrd() + "</initrd><cmdline>" + guest.cmdline() + "</cmdline></os>"
                + "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><log file='" + serialLog(name) + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console></devices></domain>");
        virsh(d, "create", xml.toString());
        QemuDriverIT.awaitMarker(serialLog(name), TestGuests.BOOT_MARKER, 120);
        String virshPath = InteropEnvironment.virsh().toString();
        console(d, "virsh", virshPath, QemuTestRoot.tcpUri(d), name, "echo via-$((6*7))-ok", "via-42-ok");
        console(d, "stream", QemuTestRoot.tcpUri(d), name, "echo py-$((6*7))-ok", "py-42-ok");

        // a client that reads nothing while the guest prints ~1.3 MB: the event loop stops reading
        // the pty once the client's queue is full, so the guest waits and the daemon's memory
        // for that client stays within the stream's window; then every line arrives, in order
        String flood = console(d, "outflood", "qemu+unix:///system?socket=" + d.rwSocket(), name,
                "http://127.0.0.1:" + metricsPort + "/metrics", serialLog(name).toString());
        java.util.regex.Matcher held = java.util.regex.Pattern.compile("ok client memory at most (\\d+) KiB")
                .matcher(flood);
        assertTrue(held.find(), flood);
        assertTrue(Long.parseLong(held.group(1)) < 4096, "the daemon held more than 4 MiB for the client: " + flood);
        java.util.regex.Matcher slow = java.util.regex.Pattern.compile("slowest (\\d+) ms").matcher(flood);
        assertTrue(slow.find(), flood);
        assertTrue(Integer.parseInt(slow.group(1)) < 2000, flood);
        assertFalse(d.stderr().contains("console output is read by a thread"),
                "the event loop reads the consoles here (the jar opens java.base/sun.nio.ch)\n" + d.describe());
        virsh(d, "destroy", name);
        qemu.assertNothingLeft();
    }
}
