package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stock virsh against one daemon, over TCP and both unix sockets. */
@RequiresTools(Tool.VIRSH)
class VirshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        daemon = DaemonProcess.start();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static Exec.Result virsh(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = InteropEnvironment.virsh().toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Exec.Result r = Exec.run(TIMEOUT, null, cmd);
        assertFalse(r.timedOut(), "virsh hung\n" + r.describe() + "\n=== daemon\n" + daemon.describe());
        return r;
    }

    private static String why(Exec.Result r) {
        return r.describe() + "\n=== daemon\n" + daemon.describe();
    }

    private static void assertIsThisHost(Exec.Result r) throws IOException {
        assertEquals(0, r.exitCode(), why(r));
        String host = InteropEnvironment.kernelHostName();
        String got = r.stdout().strip();
        // libvirt reports gethostname(), or its canonical name when that has no dot
        assertTrue(got.equals(host) || got.startsWith(host + "."), "host name " + host + " expected\n" + why(r));
        assertEquals("", r.stderr().strip(), why(r));
    }

    @Test
    void hostnameOverUnixSocket() throws IOException {
        assertIsThisHost(virsh("-c", "test+unix:///default?socket=" + daemon.rwSocket(), "hostname"));
    }

    @Test
    void hostnameOverTcp() throws IOException {
        assertIsThisHost(virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/default", "hostname"));
    }

    @Test
    void readOnlySocketServesReadOnlyConnection() throws IOException {
        assertIsThisHost(virsh("-r", "-c", "test+unix:///default?socket=" + daemon.roSocket(), "hostname"));
    }

    /** The shared default host lists its running domain "test", as libvirtd does. */
    @Test
    void listShowsTheDefaultHostsDomain() throws IOException {
        Exec.Result r = virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/default", "list");
        assertEquals(0, r.exitCode(), why(r));
        assertEquals(List.of(" Id   Name   State", "----------------------", " 1    test   running"),
                r.stdout().lines().filter(l -> !l.isBlank()).toList(), why(r));
    }

    /** A call the test driver lacks is an error reply, never a hang or a dropped connection. */
    @Test
    void unsupportedCallFailsInsteadOfHanging() throws IOException {
        Exec.Result r = virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/default",
                "domjobabort test; domjobinfo test");
        assertNotEquals(0, r.exitCode(), why(r));
        assertTrue(r.stderr().contains("not supported"), why(r));
        assertFalse(r.stderr().contains("I/O error") || r.stderr().contains("Disconnected"),
                "connection dropped instead of an error reply\n" + why(r));
    }

    /**
     * virsh screenshot: the reply, the stream with libvirt's test-screenshot.png, the finish
     * handshake; the connection then serves the next command (a missed handshake hangs virsh).
     */
    @Test
    void screenshotStreamsLibvirtsPicture(@TempDir Path dir) throws IOException {
        Path shot = dir.resolve("shot.png");
        Exec.Result r = virsh("-c", "test+unix:///default?socket=" + daemon.rwSocket(),
                "screenshot test " + shot + "; domstate test");
        assertEquals(0, r.exitCode(), why(r));
        assertEquals(List.of("Screenshot saved to " + shot + ", with type of image/png", "running"),
                r.stdout().lines().filter(l -> !l.isBlank()).toList(), why(r));
        assertArrayEquals(Files.readAllBytes(Path.of("/usr/share/libvirt/test-screenshot.png")),
                Files.readAllBytes(shot));
    }

    /** An API the test driver never implements: libvirtd's exact answer (also true for libvirtd). */
    @Test
    void nodeMemoryStatsIsNotSupported() throws IOException {
        Exec.Result r = virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/default", "nodememstats");
        assertEquals(1, r.exitCode(), why(r));
        assertTrue(r.stderr().contains(
                "error: this function is not supported by the connection driver: virNodeGetMemoryStats"), why(r));
    }

    @Test
    void unknownDriverUriIsRejected() throws IOException {
        Exec.Result r = virsh("-c", "bogus+tcp://127.0.0.1:" + daemon.port() + "/x", "hostname");
        assertEquals(1, r.exitCode(), why(r));
        assertTrue(r.stderr().contains("error: failed to connect to the hypervisor"), why(r));
        assertTrue(r.stderr().contains("no connection driver available for bogus:///x"), why(r));
    }

    @Test
    void missingNodeFileIsRejected() throws IOException {
        Exec.Result r = virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/bogus", "hostname");
        assertEquals(1, r.exitCode(), why(r));
        assertTrue(r.stderr().contains("error: failed to connect to the hypervisor"), why(r));
    }

    /** libvirtd cannot ask a remote client for the users a node file names: it refuses the file. */
    @Test
    void nodeFileNamingUsersIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("auth.xml"),
                "<node><auth><user password='pw'>alice</user></auth></node>");
        Exec.Result r = virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + file, "hostname");
        assertEquals(1, r.exitCode(), why(r));
        assertEquals("error: failed to connect to the hypervisor\n"
                + "error: invalid argument: Missing authentication credentials", r.stderr().strip(), why(r));
    }

    @Test
    void daemonServesAfterFailedOpens() throws IOException {
        virsh("-c", "bogus+tcp://127.0.0.1:" + daemon.port() + "/x", "hostname");
        assertIsThisHost(virsh("-c", "test+tcp://127.0.0.1:" + daemon.port() + "/default", "hostname"));
    }
}
