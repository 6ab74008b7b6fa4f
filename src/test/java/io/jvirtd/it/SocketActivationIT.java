package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.tls.TestPki;
import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket activation as systemd does it: {@code listen-fds.py} binds the sockets, puts them at
 * descriptors 3.., sets LISTEN_FDS, LISTEN_FDNAMES (the socket units' names) and LISTEN_PID, and
 * execs the daemon in place (so LISTEN_PID is the daemon's pid). The stock clients then work
 * through each passed socket, the daemon binds none of its own, and after its idle timeout it
 * exits leaving the sockets' files to their owner (systemd keeps listening and starts it again).
 */
@RequiresTools({Tool.VIRSH, Tool.VIRT_ADMIN, Tool.PYTHON3})
class SocketActivationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path LAUNCHER = InteropEnvironment.baseDir()
            .resolve("src/test/resources/it/activation/listen-fds.py");

    private Path dir;
    private DaemonProcess daemon;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("jvirtd-activation");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        Exec.deleteTree(dir);
    }

    private DaemonProcess.Builder activated(String... specs) {
        List<String> wrapper = new ArrayList<>(List.of(InteropEnvironment.python3().toString(), LAUNCHER.toString()));
        wrapper.addAll(List.of(specs));
        wrapper.add("--");
        // unix_sock_dir points elsewhere: an activated daemon must bind nothing there
        return DaemonProcess.builder().listen(false).wrappedBy(wrapper.toArray(String[]::new))
                .conf("unix_sock_dir", "\"" + dir.resolve("own") + "\"");
    }

    @Test
    void stockClientsWorkThroughEveryPassedSocket() throws IOException {
        Path rw = dir.resolve("rw-sock");
        Path ro = dir.resolve("ro-sock");
        Path admin = dir.resolve("admin-sock");
        daemon = activated("jvirtd.socket=unix:" + rw, "jvirtd-ro.socket=unix:" + ro,
                "jvirtd-admin.socket=unix:" + admin, "jvirtd-tcp.socket=tcp:127.0.0.1:0")
                .args("--timeout", "2").start();
        int tcpPort = boundPort(daemon.stderr(), "jvirtd-tcp.socket");
        assertTrue(daemon.stderr().contains("socket activation: serving"), daemon.describe());

        Exec.Result list = virsh("test+unix:///default?socket=" + rw, "list", "--all");
        assertEquals(0, list.exitCode(), list.describe());
        assertTrue(list.stdout().contains("test") && list.stdout().contains("running"), list.describe());

        Exec.Result roList = virsh("test+unix:///default?socket=" + ro, "list", "--all");
        assertEquals(0, roList.exitCode(), roList.describe());
        Exec.Result roWrite = virsh("test+unix:///default?socket=" + ro, "suspend", "test");
        assertEquals(1, roWrite.exitCode(), roWrite.describe());
        assertTrue(roWrite.stderr().contains("operation forbidden"), "the ro socket is read-only: " + roWrite.describe());

        Exec.Result tcp = virsh("test+tcp://127.0.0.1:" + tcpPort + "/default", "domstate", "test");
        assertEquals(0, tcp.exitCode(), tcp.describe());
        assertEquals("running", tcp.stdout().strip(), tcp.describe());

        Exec.Result srv = Exec.run(TIMEOUT, null, InteropEnvironment.virtAdmin().toString(),
                "-c", "libvirtd:///system?socket=" + admin, "srv-list");
        assertEquals(0, srv.exitCode(), srv.describe());
        assertTrue(srv.stdout().contains("libvirtd") && srv.stdout().contains("admin"), srv.describe());

        assertFalse(Files.exists(dir.resolve("own/libvirt-sock")), "an activated daemon binds no socket of its own");
        // idle for --timeout 2 with no client: it exits 0, and the socket files stay (systemd's)
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(60)), daemon.describe());
        assertTrue(daemon.stderr().contains("shutting down: idle timeout"), daemon.describe());
        assertTrue(Files.exists(rw) && Files.exists(ro) && Files.exists(admin), "the passed sockets' files stay");
    }

    @Test
    void tlsWorksThroughAPassedSocket() throws IOException {
        TestPki pki = TestPki.get();
        daemon = activated("jvirtd-tls.socket=tcp:127.0.0.1:0")
                .conf("key_file", "\"" + pki.serverKey() + "\"")
                .conf("cert_file", "\"" + pki.serverCert() + "\"")
                .conf("ca_file", "\"" + pki.caCert() + "\"")
                .conf("crl_file", "\"" + pki.crl() + "\"")
                .conf("auth_tls", "\"none\"")
                .conf("tls_allowed_dn_list", "[\"" + TestPki.ALLOWED_DN + "\"]")
                .start();
        int tlsPort = boundPort(daemon.stderr(), "jvirtd-tls.socket");
        String uri = "test+tls://127.0.0.1:" + tlsPort + "/default?pkipath=" + pki.pkiDir("good");
        Exec.Result tls = virsh(uri, "domstate", "test");
        assertEquals(0, tls.exitCode(), tls.describe() + "\n" + daemon.describe());
        assertEquals("running", tls.stdout().strip(), tls.describe());
        // the TLS socket is the daemon's only one: a client the DN list refuses is refused there
        Exec.Result outsider = virsh("test+tls://127.0.0.1:" + tlsPort + "/default?pkipath=" + pki.pkiDir("outsider"),
                "domstate", "test");
        assertEquals(1, outsider.exitCode(), outsider.describe());
        assertFalse(Files.exists(dir.resolve("own/libvirt-sock")), "an activated daemon binds no socket of its own");
    }

    @Test
    void listenIsRefusedWithActivation() throws IOException {
        daemon = activated("jvirtd.socket=unix:" + dir.resolve("rw-sock")).args("--listen").launch();
        assertEquals(1, daemon.awaitExit(Duration.ofSeconds(60)), daemon.describe());
        assertTrue(daemon.stderr().contains("--listen parameter not permitted with systemd activation sockets"),
                daemon.describe());
    }

    @Test
    void aSocketUnderAnUnknownNameStopsStartUp() throws IOException {
        daemon = activated("jvirtd.socket=unix:" + dir.resolve("rw-sock"),
                "libvirtd-foo.socket=unix:" + dir.resolve("foo-sock")).launch();
        assertEquals(1, daemon.awaitExit(Duration.ofSeconds(60)), daemon.describe());
        assertTrue(daemon.stderr().contains("Some activation file descriptors are unclaimed"), daemon.describe());
    }

    @Test
    void aTcpSocketUnderAUnixNameStopsStartUp() throws IOException {
        daemon = activated("jvirtd.socket=tcp:127.0.0.1:0").launch();
        assertEquals(1, daemon.awaitExit(Duration.ofSeconds(60)), daemon.describe());
        assertTrue(daemon.stderr().contains("jvirtd.socket (descriptor 3) must be a unix socket"), daemon.describe());
    }

    private static Exec.Result virsh(String uri, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-q", "-c", uri));
        cmd.addAll(List.of(command));
        return Exec.run(TIMEOUT, null, cmd.toArray(String[]::new));
    }

    /** The port listen-fds.py reports for {@code name} ("bound NAME 127.0.0.1:PORT"). */
    private static int boundPort(String stderr, String name) {
        Matcher m = Pattern.compile("bound " + Pattern.quote(name) + " [0-9.]+:(\\d+)").matcher(stderr);
        assertTrue(m.find(), "no port for " + name + " in\n" + stderr);
        return Integer.parseInt(m.group(1));
    }
}
