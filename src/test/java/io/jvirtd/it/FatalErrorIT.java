package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * An OutOfMemoryError on the event loop ends the daemon with a non-zero status and says why,
 * never through the orderly shutdown (exit 0). The memory budget prevents it with its
 * automatic size; here it is misconfigured on purpose (1 GiB for clients in a 64 MiB heap) so
 * that clients holding partial messages exhaust the heap on the loop, the only thread that
 * allocates for them. Once run as {@code java -jar} (the daemon's own handler) and once
 * through bin/jvirtd (the JVM's CrashOnOutOfMemoryError).
 */
class FatalErrorIT {

    private static final int MAX_LENGTH_WORD = 32 * 1024 * 1024 + 4;

    private static DaemonProcess.Builder misconfigured() {
        return DaemonProcess.builder()
                .conf("client_memory_budget", 1L << 30)
                .conf("client_memory_budget_restricted", 1L << 30);
    }

    /** Clients send partial maximum messages (never complete) until the daemon is gone. */
    private static void exhaustTheLoop(DaemonProcess d) throws IOException {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RawClient c = RawClient.tcp(d.tcpAddress());
                clients.add(c);
                ByteBuffer head = ByteBuffer.allocate(28);
                head.putInt(MAX_LENGTH_WORD).putInt(RawClient.REMOTE_PROGRAM).putInt(1)
                        .putInt(RawClient.PROC_CONNECT_GET_LIB_VERSION).putInt(RawClient.CALL).putInt(0).putInt(0);
                c.send(head.array());
            }
            byte[] mib = new byte[1 << 20];
            for (int round = 0; round < 30 && d.isAlive(); round++) {
                for (RawClient c : clients) {
                    try {
                        c.trySend(ByteBuffer.wrap(mib), Duration.ofSeconds(5));
                    } catch (IOException gone) {
                        // the daemon died under us: what we wait for
                    }
                }
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void outOfMemoryOnTheLoopEndsTheDaemonWithStatus1AndTheReason() throws Exception {
        try (DaemonProcess d = misconfigured().jvmOptions("-Xmx64m").start()) {
            exhaustTheLoop(d);
            int status = d.awaitExit(Duration.ofSeconds(60));
            String err = d.stderr();
            assertEquals(1, status, d.describe());
            assertTrue(err.contains("fatal: event loop thread jvirtd-loop died of java.lang.OutOfMemoryError: "
                    + "Java heap space; exiting with status 1"), d.describe());
            assertTrue(err.contains("error : io.jvirtd.rpc.loop : event loop jvirtd-loop died"), d.describe());
            assertFalse(err.contains("daemon stopped"), "not the orderly shutdown\n" + d.describe());
        }
    }

    @Test
    void throughTheLauncherTheJvmAbortsNamingTheThread() throws Exception {
        Path launcher = InteropEnvironment.baseDir().resolve("bin/jvirtd");
        Path tmp = Files.createTempDirectory("jvirtd-oom");
        try (DaemonProcess d = misconfigured().launcher(launcher)
                .env("JVIRTD_JAR", InteropEnvironment.daemonJar().toString())
                .env("JVIRTD_CDS", "0")
                .env("JVIRTD_JAVA_OPTS", "-Xmx64m")
                .env("TMPDIR", tmp.toString())
                .start()) {
            exhaustTheLoop(d);
            int status = d.awaitExit(Duration.ofSeconds(60));
            assertEquals(1, status, "CrashOnOutOfMemoryError without a core file exits 1\n" + d.describe());
            assertTrue(d.stdout().contains("Aborting due to java.lang.OutOfMemoryError: Java heap space"), d.describe());
            assertFalse(d.stderr().contains("daemon stopped"), d.describe());
            String report;
            try (Stream<Path> files = Files.list(tmp)) {
                Path hsErr = files.filter(p -> p.getFileName().toString().startsWith("jvirtd_hs_err_pid"))
                        .findFirst().orElseThrow(() -> new AssertionError("no crash report in " + tmp));
                report = Files.readString(hsErr);
            }
            assertTrue(report.contains("JavaThread \"jvirtd-loop\""), "the report names the thread:\n"
                    + report.lines().limit(40).reduce("", (a, b) -> a + b + "\n"));
            assertTrue(report.contains("OutOfMemory encountered: Java heap space"), "and the reason");
        } finally {
            Exec.deleteTree(tmp);
        }
    }
}
