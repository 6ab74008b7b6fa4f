package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Process lifecycle: signals, pid file, config errors, idle timeout, version. */
class LifecycleIT {

    @Test
    void sigtermWithFiftyClientsExitsCleanlyWithinTwoSeconds() throws IOException {
        List<RawClient> clients = new ArrayList<>();
        try (DaemonProcess d = DaemonProcess.start()) {
            assertTrue(Files.exists(d.pidFile()), "pid file " + d.pidFile() + " missing\n" + d.describe());
            if (DaemonProcess.runsJar()) {
                assertEquals(Long.toString(d.pid()), Files.readString(d.pidFile()).strip(), "pid file content");
            }
            for (int i = 0; i < 50; i++) {
                RawClient c = i % 2 == 0 ? RawClient.tcp(d.tcpAddress()) : RawClient.unix(d.rwSocket());
                clients.add(c);
                c.handshake("test:///default");
            }
            d.sigterm();
            int code = d.awaitExit(Duration.ofSeconds(2)); // fails unless gone within 2 s
            assertEquals(0, code, "exit code after SIGTERM\n" + d.describe());
            assertFalse(Files.exists(d.pidFile()), "pid file left behind\n" + d.describe());
            assertFalse(Files.exists(d.rwSocket()), "libvirt-sock left behind");
            assertFalse(Files.exists(d.roSocket()), "libvirt-sock-ro left behind");
            for (RawClient c : clients) {
                c.awaitClosed(Duration.ofSeconds(5));
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void sigintShutsDownLikeSigterm() throws IOException {
        try (DaemonProcess d = DaemonProcess.start();
                RawClient c = RawClient.unix(d.rwSocket())) {
            c.handshake("test:///default");
            d.sigint();
            assertEquals(0, d.awaitExit(Duration.ofSeconds(5)), d.describe());
            assertFalse(Files.exists(d.pidFile()), "pid file left behind");
            assertFalse(Files.exists(d.rwSocket()), "libvirt-sock left behind");
        }
    }

    @Test
    void secondDaemonOnSamePidFileRefusesToStart() throws IOException {
        try (DaemonProcess first = DaemonProcess.start()) {
            String firstPid = Files.readString(first.pidFile()).strip();
            try (DaemonProcess second = DaemonProcess.builder().pidFile(first.pidFile()).launch()) {
                int code = second.awaitExit(Duration.ofSeconds(30));
                String out = second.stderr() + second.stdout();
                assertEquals(1, code, "second daemon exit code\n" + second.describe());
                assertTrue(out.contains(first.pidFile().toString()),
                        "the message should name the pid file\n" + second.describe());
            }
            assertTrue(first.isAlive(), "first daemon died\n" + first.describe());
            assertEquals(firstPid, Files.readString(first.pidFile()).strip(), "pid file was overwritten");
            try (RawClient c = RawClient.tcp(first.tcpAddress())) {
                c.handshake("test:///default");
                assertEquals(9_000_000L, c.libVersion());
            }
        }
    }

    @Test
    void badConfigValueFailsStartupNamingFileLineAndKey() throws IOException {
        String conf = "# line 1\n"
                + "listen_tls = 0\n"
                + "max_clients = \"abc\"\n"
                + "listen_tcp = 1\n";
        try (DaemonProcess d = DaemonProcess.builder().rawConfig(conf).launch()) {
            int code = d.awaitExit(Duration.ofSeconds(30));
            String out = d.stderr() + d.stdout();
            assertEquals(1, code, d.describe());
            assertTrue(out.contains(d.configFile().toString()), "message should name the file\n" + d.describe());
            assertTrue(out.contains("max_clients"), "message should name the key\n" + d.describe());
            assertTrue(Pattern.compile("(:3\\b|line 3\\b)").matcher(out).find(),
                    "message should name line 3\n" + d.describe());
            assertFalse(out.contains(DaemonProcess.READY_MARKER), "daemon claimed to be ready\n" + d.describe());
        }
    }

    @Test
    void aMetricsAddressInUseStopsStartUpWithExitOne() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress());
             DaemonProcess d = DaemonProcess.builder()
                     .conf("metrics_listen_addr", "\"127.0.0.1:" + taken.getLocalPort() + "\"").launch()) {
            int code = d.awaitExit(Duration.ofSeconds(30));
            String out = d.stderr() + d.stdout();
            assertEquals(1, code, d.describe());
            assertTrue(out.contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()), d.describe());
            assertFalse(out.contains(DaemonProcess.READY_MARKER), "daemon claimed to be ready\n" + d.describe());
        }
    }

    @Test
    void socketFilesCarryTheConfiguredModes() throws IOException {
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("unix_sock_rw_perms", "\"0770\"").conf("unix_sock_ro_perms", "\"0755\"").start()) {
            assertEquals("rwxrwx---", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.rwSocket())));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.roSocket())));
        }
    }

    @Test
    void timeoutQuitsWhenNoClientConnects() throws IOException {
        try (DaemonProcess d = DaemonProcess.builder().args("-t", "1").launch()) {
            d.awaitReady(Duration.ofSeconds(60));
            assertEquals(0, d.awaitExit(Duration.ofSeconds(30)), d.describe());
            assertFalse(Files.exists(d.pidFile()), "pid file left behind");
        }
    }

    /** getopt's bundled short options, as libvirtd takes them: -lvt1 is --listen --verbose --timeout 1. */
    @Test
    void bundledShortOptionsListenLogAndTimeOut() throws IOException {
        try (DaemonProcess d = DaemonProcess.builder().listen(false).verbose(false).args("-lvt1").launch()) {
            d.awaitReady(Duration.ofSeconds(60)); // the ready line needs -v
            try (RawClient c = RawClient.tcp(d.tcpAddress())) { // TCP needs -l
                c.handshake("test:///default");
            }
            assertEquals(0, d.awaitExit(Duration.ofSeconds(30)), d.describe()); // idle again: -t 1
        }
    }

    @Test
    void versionIsPrinted() throws IOException {
        Exec.Result r = Exec.run(Duration.ofSeconds(30), null, command("-V"));
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(Pattern.compile("\\d+\\.\\d+").matcher(r.stdout()).find(), r.describe());
    }

    @Test
    void helpListsTheOptions() throws IOException {
        Exec.Result r = Exec.run(Duration.ofSeconds(30), null, command("-h"));
        assertEquals(0, r.exitCode(), r.describe());
        String out = r.stdout() + r.stderr();
        for (String opt : List.of("--listen", "--timeout", "--config", "--pid-file", "--verbose", "--version")) {
            assertTrue(out.contains(opt), opt + " missing from help\n" + r.describe());
        }
    }

    private static String[] command(String... args) {
        String override = System.getProperty("jvirtd.it.command", "").trim();
        List<String> cmd = new ArrayList<>();
        if (!override.isEmpty()) {
            cmd.addAll(List.of(override.split("\\s+")));
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-jar");
            cmd.add(InteropEnvironment.daemonJar().toString());
        }
        cmd.addAll(List.of(args));
        return cmd.toArray(new String[0]);
    }
}
