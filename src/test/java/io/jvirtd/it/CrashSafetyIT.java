package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 at any moment: the pid file is never left empty or half written (it is replaced by
 * rename, see Pidfile), a restarted daemon starts cleanly over the stale sockets and pid file
 * of a dead one, and a second daemon refuses to start while the first lives, without taking
 * its pid file or its sockets.
 */
class CrashSafetyIT {

    private static final Pattern WHOLE_PID = Pattern.compile("[1-9][0-9]*\n");

    private Path shared;

    @BeforeEach
    void sharedFolder() throws IOException {
        shared = Files.createTempDirectory("jvirtd-crash");
    }

    @AfterEach
    void cleanUp() {
        Exec.deleteTree(shared);
    }

    /** A daemon on the shared socket folder and pid file. */
    private DaemonProcess.Builder daemon() {
        return DaemonProcess.builder().conf("unix_sock_dir", "\"" + shared + "\"").pidFile(shared.resolve("jvirtd.pid"));
    }

    private static void kill9(DaemonProcess d) {
        ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        d.awaitExit(Duration.ofSeconds(30));
    }

    private void assertPidfileWholeOrAbsent(String when) throws IOException {
        Path p = shared.resolve("jvirtd.pid");
        if (Files.exists(p)) {
            String content = Files.readString(p);
            assertTrue(WHOLE_PID.matcher(content).matches(), when + ": torn pid file '" + content + "'");
        }
    }

    @Test
    void killDashNineAtRandomMomentsNeverTearsThePidfileAndARestartWorks() throws Exception {
        Random random = new Random(5);
        for (int round = 0; round < 12; round++) {
            try (DaemonProcess d = daemon().launch()) {
                // From "just exec'ed" to "serving": start-up takes about a second here.
                long delay = random.nextInt(1500);
                Thread.sleep(delay); // not synchronisation: the kill moment is what is being randomised
                kill9(d);
                assertPidfileWholeOrAbsent("round " + round + ", killed after " + delay + " ms");
            }
        }
        try (DaemonProcess d = daemon().start(); RawClient c = RawClient.unix(shared.resolve("libvirt-sock"))) {
            c.handshake("test:///default");
            assertEquals(9_000_000L, c.libVersion());
            assertEquals(d.pid() + "\n", Files.readString(shared.resolve("jvirtd.pid")));
            try (Stream<Path> files = Files.list(shared)) {
                List<String> names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
                assertEquals(List.of("jvirtd.pid", "libvirt-admin-sock", "libvirt-sock", "libvirt-sock-ro"), names,
                        "no temporary pid files or bind folders left by the killed daemons");
            }
        }
    }

    @Test
    void killDashNineWhileServingThenRestartOverTheStaleFiles() throws Exception {
        try (DaemonProcess first = daemon().start(); RawClient c = RawClient.unix(shared.resolve("libvirt-sock"))) {
            c.handshake("test:///default");
            kill9(first);
        }
        assertTrue(Files.exists(shared.resolve("libvirt-sock")), "kill -9 leaves the socket file");
        assertPidfileWholeOrAbsent("after kill -9");
        assertTrue(Files.exists(shared.resolve("jvirtd.pid")), "and the pid file");
        try (DaemonProcess second = daemon().start();
                RawClient c = RawClient.unix(shared.resolve("libvirt-sock"))) {
            c.handshake("test:///default");
            assertEquals(9_000_000L, c.libVersion());
            assertEquals(second.pid() + "\n", Files.readString(shared.resolve("jvirtd.pid")));
        }
    }

    @Test
    void secondDaemonRefusesWhileTheFirstLivesAndTakesNothing() throws Exception {
        try (DaemonProcess first = daemon().start()) {
            String pid = Files.readString(shared.resolve("jvirtd.pid"));
            // Same pid file: refused by its lock.
            try (DaemonProcess second = daemon().launch()) {
                assertEquals(1, second.awaitExit(Duration.ofSeconds(60)), second.describe());
                assertTrue(second.stderr().contains(shared.resolve("jvirtd.pid").toString()), second.describe());
            }
            // Another pid file, same sockets: refused, the sockets stay the first daemon's.
            try (DaemonProcess third = daemon().pidFile(shared.resolve("other.pid")).launch()) {
                assertEquals(1, third.awaitExit(Duration.ofSeconds(60)), third.describe());
                assertTrue(third.stderr().contains("Address already in use"), third.describe());
                assertFalse(Files.exists(shared.resolve("other.pid")), "the refused daemon removed its pid file");
            }
            assertEquals(pid, Files.readString(shared.resolve("jvirtd.pid")));
            try (RawClient c = RawClient.unix(shared.resolve("libvirt-sock"))) {
                c.handshake("test:///default");
                assertEquals(9_000_000L, c.libVersion(), "the first daemon still serves its socket");
            }
            assertTrue(first.isAlive());
            first.sigterm();
            assertEquals(0, first.awaitExit(Duration.ofSeconds(10)));
            assertFalse(Files.exists(shared.resolve("jvirtd.pid")));
        }
    }
}
