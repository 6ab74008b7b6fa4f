package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stock virt-admin against jvirtd's admin socket. Every expected text below is what
 * virt-admin 9.0 printed against a real libvirtd 9.0 for the same command and state (started
 * with its own config and socket folder, --listen -v); only what varies between runs is
 * normalised: client ids, connection times, ports and pids are read from the run itself.
 * The one command whose answer differs by design is noted where it is checked (srv-list: libvirtd
 * lists its two servers in a random order per run, jvirtd always in one of those two orders).
 */
@RequiresTools({Tool.VIRSH, Tool.VIRT_ADMIN})
class AdminIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d[+-]\\d{4}");

    private static DaemonProcess daemon;
    private final List<HeldVirsh> held = new ArrayList<>();

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

    @AfterEach
    void closeVirsh() {
        for (HeldVirsh v : held) {
            v.close();
        }
    }

    static String adminUri(DaemonProcess d) {
        return "libvirtd:///system?socket=" + d.sockDir().resolve("libvirt-admin-sock");
    }

    static Exec.Result virtAdmin(DaemonProcess d, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virtAdmin().toString(), "-c", adminUri(d)));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(TIMEOUT, null, cmd.toArray(new String[0]));
        assertFalse(r.timedOut(), "virt-admin hung\n" + r.describe() + "\n=== daemon\n" + d.describe());
        return r;
    }

    private static Exec.Result ok(String... args) throws IOException {
        Exec.Result r = virtAdmin(daemon, args);
        assertEquals(0, r.exitCode(), why(r));
        assertEquals("", r.stderr(), why(r));
        return r;
    }

    private static void assertPrints(String expected, String... args) throws IOException {
        Exec.Result r = ok(args);
        assertEquals(expected, r.stdout(), why(r));
    }

    private static String why(Exec.Result r) {
        return r.describe() + "\n=== daemon\n" + daemon.describe();
    }

    @Test
    void srvListNamesBothServers() throws IOException {
        // libvirtd prints these two lines in a per-run random order (its hash table is seeded)
        assertPrints(" Id   Name\n----------------\n 0    admin\n 1    libvirtd\n\n", "srv-list");
        assertPrints(" Id   Name\n----------------\n 0    admin\n 1    libvirtd\n\n", "server-list");
    }

    @Test
    void threadpoolInfoAndSetActOnTheLivePool() throws IOException {
        String info = "minWorkers     : 5\nmaxWorkers     : %d\nnWorkers       : 5\nfreeWorkers    : 5\n"
                + "prioWorkers    : 5\njobQueueDepth  : 0\n\n";
        assertPrints(String.format(info, 20), "srv-threadpool-info", "libvirtd");
        assertPrints("\n", "srv-threadpool-set", "libvirtd", "--max-workers", "40");
        assertPrints(String.format(info, 40), "srv-threadpool-info", "libvirtd");
        assertPrints("\n", "srv-threadpool-set", "libvirtd", "--max-workers", "20");
        // the admin server's pool serves this very call: one worker busy, no priority workers
        // (libvirtd printed 4; in both daemons the worker of the previous call may still be on its
        // way back to the idle list, which makes it 3 now and then)
        Exec.Result admin = ok("srv-threadpool-info", "admin");
        assertEquals("minWorkers     : 5\nmaxWorkers     : 20\nnWorkers       : 5\nfreeWorkers    : 4\n"
                + "prioWorkers    : 0\njobQueueDepth  : 0\n\n", admin.stdout().replace("freeWorkers    : 3\n",
                "freeWorkers    : 4\n"), why(admin));

        Exec.Result bad = virtAdmin(daemon, "srv-threadpool-set", "libvirtd", "--min-workers", "50");
        assertEquals(1, bad.exitCode(), why(bad));
        assertEquals("error: Unable to change server workerpool parameters\n"
                + "error: invalid argument: minWorkers cannot be larger than maxWorkers\n", bad.stderr(), why(bad));
    }

    @Test
    @RequiresTools(Tool.SS) // the daemon learns a unix client's pid from ss
    void clientsAreListedDescribedAndDisconnected() throws Exception {
        HeldVirsh tcp = hold("test+tcp://127.0.0.1:" + daemon.port() + "/default");
        awaitClients(1); // one after the other: the list is in connection order
        HeldVirsh unix = hold("test+unix:///default?socket=" + daemon.roSocket(), "-r");
        awaitClients(2);

        Exec.Result list = ok("srv-clients-list", "libvirtd");
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^ (\\d+) +(tcp|unix) ").matcher(list.stdout());
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertEquals(2, ids.size(), why(list));
        String tcpId = ids.get(0);
        String unixId = ids.get(1);
        assertEquals(String.format(" Id   Transport   Connected since%n"
                + "--------------------------------------------%n"
                + " %-2s   tcp         DATE%n %-2s   unix        DATE%n%n", tcpId, unixId),
                DATE.matcher(list.stdout()).replaceAll("DATE"), why(list));

        Exec.Result tcpInfo = ok("client-info", "libvirtd", tcpId);
        Matcher port = Pattern.compile("sock_addr      : 127\\.0\\.0\\.1:(\\d+)\n").matcher(tcpInfo.stdout());
        assertTrue(port.find(), why(tcpInfo));
        assertEquals("id             : " + tcpId + "\nconnection_time: DATE\ntransport      : tcp\n"
                + "readonly       : no\nsock_addr      : 127.0.0.1:" + port.group(1) + "\n\n",
                DATE.matcher(tcpInfo.stdout()).replaceAll("DATE"), why(tcpInfo));

        PosixFileAttributes me = Files.readAttributes(Path.of("/proc/self"), PosixFileAttributes.class);
        Exec.Result unixInfo = ok("client-info", "libvirtd", unixId);
        assertEquals("id             : " + unixId + "\nconnection_time: DATE\ntransport      : unix\n"
                + "readonly       : yes\n"
                + "unix_user_id   : " + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + "\n"
                + "unix_user_name : " + me.owner().getName() + "\n"
                + "unix_group_id  : " + Files.getAttribute(Path.of("/proc/self"), "unix:gid") + "\n"
                + "unix_group_name: " + me.group().getName() + "\n"
                + "unix_process_id: " + unix.process.pid() + "\n\n",
                DATE.matcher(unixInfo.stdout()).replaceAll("DATE"), why(unixInfo));

        assertPrints("nclients_max        : 5000\nnclients            : 2\nnclients_unauth_max : 20\n"
                + "nclients_unauth     : 0\n\n", "srv-clients-info", "libvirtd");

        assertPrints("Client '" + tcpId + "' disconnected\n", "client-disconnect", "libvirtd", tcpId);
        tcp.awaitStderr("error: Disconnected from test+tcp://127.0.0.1:" + daemon.port()
                + "/default due to I/O error");
        awaitClients(1);
        assertEquals(String.format(" Id   Transport   Connected since%n"
                + "--------------------------------------------%n %-2s   unix        DATE%n%n", unixId),
                DATE.matcher(ok("srv-clients-list", "libvirtd").stdout()).replaceAll("DATE"));
        assertTrue(unix.process.isAlive(), "the other virsh keeps its connection");

        Exec.Result gone = virtAdmin(daemon, "client-info", "libvirtd", "999");
        assertEquals(1, gone.exitCode(), why(gone));
        assertEquals("error: Client not found: No client with matching ID '999'\n", gone.stderr(), why(gone));
    }

    @Test
    void clientLimitsAreSetLive() throws IOException {
        assertPrints("\n", "srv-clients-set", "libvirtd", "--max-clients", "4000");
        Exec.Result info = ok("srv-clients-info", "libvirtd");
        assertTrue(info.stdout().startsWith("nclients_max        : 4000\n"), why(info));
        assertTrue(info.stdout().contains("nclients_unauth_max : 20\n"), why(info));
        assertPrints("\n", "srv-clients-set", "libvirtd", "--max-clients", "5000");
        assertPrints("nclients_max        : 5000\nnclients            : 1\nnclients_unauth_max : 0\n"
                + "nclients_unauth     : 0\n\n", "srv-clients-info", "admin");
        Exec.Result bad = virtAdmin(daemon, "srv-clients-set", "libvirtd", "--max-unauth-clients", "6000");
        assertEquals(1, bad.exitCode(), why(bad));
        assertEquals("error: Unable to change server's client-related configuration limits\n"
                + "error: invalid argument: The overall maximum number of clients waiting for authentication must "
                + "not be less than the overall maximum number of clients\n", bad.stderr(), why(bad));
    }

    @Test
    void logFiltersAndOutputsChangeTheRunningDaemon() throws Exception {
        assertPrints(" Logging filters: \n\n", "daemon-log-filters");
        // -v makes libvirtd's (and jvirtd's) default output "2:stderr"
        assertPrints(" Logging outputs: 2:stderr\n\n", "daemon-log-outputs");

        Path log = daemon.dir().resolve("debug.log");
        try {
            assertPrints("\n", "daemon-log-filters", "1:rpc 3:remote 4:event");
            assertPrints(" Logging filters: 1:*rpc* 3:*remote* 4:*event* \n\n", "daemon-log-filters");
            assertPrints("\n", "daemon-log-outputs", "2:stderr 1:file:" + log);
            assertPrints(" Logging outputs: 2:stderr 1:file:" + log + "\n\n", "daemon-log-outputs");
            // a connection that comes and goes: the rpc layer logs its close at debug
            Exec.Result v = Exec.run(TIMEOUT, null, InteropEnvironment.virsh().toString(), "-c",
                    "test+tcp://127.0.0.1:" + daemon.port() + "/default", "hostname");
            assertEquals(0, v.exitCode(), v.describe());
            awaitFileContains(log, ": debug : io.jvirtd.rpc.server : client ");
            assertFalse(daemon.stderr().contains(": debug : io.jvirtd.rpc"), "stderr still takes info and up only");

            Exec.Result bad = virtAdmin(daemon, "daemon-log-filters", "bogus");
            assertEquals(1, bad.exitCode(), why(bad));
            assertEquals("error: Unable to change daemon logging settings\n"
                    + "error: invalid argument: Malformed format for filter 'bogus'\n", bad.stderr(), why(bad));
            bad = virtAdmin(daemon, "daemon-log-outputs", "bogus");
            assertEquals("error: Unable to change daemon logging settings\n"
                    + "error: invalid argument: Malformed format for log output 'bogus'\n", bad.stderr(), why(bad));
        } finally {
            virtAdmin(daemon, "daemon-log-filters", "");
            virtAdmin(daemon, "daemon-log-outputs", "2:stderr");
        }
        assertPrints(" Logging filters: \n\n", "daemon-log-filters");
        assertPrints(" Logging outputs: 2:stderr\n\n", "daemon-log-outputs");
    }

    @Test
    void daemonTimeoutZeroAndErrors() throws IOException {
        assertPrints("\n", "daemon-timeout", "--timeout", "0");
        Exec.Result r = virtAdmin(daemon, "srv-threadpool-info", "nosuch");
        assertEquals(1, r.exitCode(), why(r));
        assertEquals("\n", r.stdout());
        assertEquals("error: Server not found: No server named 'nosuch'\n", r.stderr(), why(r));
        assertPrints("Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\n"
                + "Running against daemon: 9.0.0\n\n", "version");
    }

    @Test
    void daemonTimeoutShutsAnIdleDaemonDown() throws IOException {
        try (DaemonProcess d = DaemonProcess.start()) {
            Exec.Result r = virtAdmin(d, "daemon-timeout", "--timeout", "1");
            assertEquals(0, r.exitCode(), r.describe());
            // virt-admin has gone: no client on any server, so the daemon quits a second later
            assertEquals(0, d.awaitExit(Duration.ofSeconds(20)), d.describe());
            assertTrue(d.stderr().contains("shutting down: idle timeout"), d.describe());
        }
    }

    private void awaitClients(int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Exec.Result r = ok("srv-clients-info", "libvirtd");
            if (r.stdout().contains("nclients            : " + n + "\n")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never " + n + " clients\n" + why(r));
            Thread.sleep(100); // polling the daemon's own view through virt-admin, bounded
        }
    }

    private static void awaitFileContains(Path file, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertTrue(System.nanoTime() < deadline, file + " never contained '" + text + "'");
            Thread.sleep(50);
        }
    }

    private HeldVirsh hold(String uri, String... extra) throws IOException {
        HeldVirsh v = new HeldVirsh(uri, extra);
        held.add(v);
        return v;
    }

    /** An interactive virsh that keeps its connection open until its stdin closes. */
    static final class HeldVirsh implements AutoCloseable {
        final Process process;
        private final OutputStream stdin;
        private final StringBuffer stderr = new StringBuffer();
        private final Path home;

        HeldVirsh(String uri, String... extra) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-c", uri));
            cmd.addAll(List.of(extra));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            home = Exec.clientEnvironment(pb);
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            process = pb.start();
            stdin = process.getOutputStream();
            Thread t = new Thread(() -> {
                try (InputStream in = process.getErrorStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "virsh-stderr-" + process.pid());
            t.setDaemon(true);
            t.start();
        }

        void awaitStderr(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!stderr.toString().contains(text)) {
                assertTrue(System.nanoTime() < deadline, "virsh never printed '" + text + "'; stderr: " + stderr);
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            try {
                stdin.close();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
            Exec.deleteTree(home);
        }
    }
}
