package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only config key {@code test_slow_call}: it slows one procedure and changes nothing
 * else (a screenshot's STREAM packets still reach the remote program), and it is honoured only
 * when the JVM also runs with {@code -Djvirtd.test.hooks=true}, so a config file alone cannot
 * switch it on a production host.
 */
@RequiresTools(Tool.VIRSH)
class TestHooksIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PROC_CONNECT_GET_HOSTNAME = 59;
    private static final int PROC_DOMAIN_SCREENSHOT = 211;
    static final String TEST_HOOKS = "-Djvirtd.test.hooks=true";

    @BeforeEach
    void needsJvirtd() {
        Assumptions.assumeTrue(DaemonProcess.runsJar(), "test_slow_call is jvirtd's");
    }

    private static Exec.Result virsh(DaemonProcess d, String commands) throws IOException {
        Exec.Result r = Exec.run(TIMEOUT, null, InteropEnvironment.virsh().toString(), "-c",
                "test+unix:///default?socket=" + d.rwSocket(), commands);
        assertFalse(r.timedOut(), "virsh hung\n" + r.describe() + "\n=== daemon\n" + d.describe());
        return r;
    }

    /** Was: the wrapper dropped STREAM packets, so virsh waited forever for the stream's finish. */
    @Test
    void aScreenshotFinishesWithTestSlowCallSet(@TempDir Path dir) throws IOException {
        try (DaemonProcess d = DaemonProcess.builder().jvmOptions(TEST_HOOKS)
                .conf("test_slow_call", "\"" + PROC_DOMAIN_SCREENSHOT + ":100\"").start()) {
            assertTrue(d.stderr().contains("test_slow_call: procedure " + PROC_DOMAIN_SCREENSHOT), d.describe());
            Path shot = dir.resolve("shot.png");
            Exec.Result r = virsh(d, "screenshot test " + shot + "; domstate test");
            assertEquals(0, r.exitCode(), r.describe() + "\n" + d.describe());
            assertEquals(List.of("Screenshot saved to " + shot + ", with type of image/png", "running"),
                    r.stdout().lines().filter(l -> !l.isBlank()).toList(), r.describe());
            assertArrayEquals(Files.readAllBytes(Path.of("/usr/share/libvirt/test-screenshot.png")),
                    Files.readAllBytes(shot));
        }
    }

    /** Without the JVM property the key only warns: a 10-minute hostname would hang virsh. */
    @Test
    void testSlowCallIsIgnoredWithoutTheTestProperty() throws IOException {
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("test_slow_call", "\"" + PROC_CONNECT_GET_HOSTNAME + ":600000\"").start()) {
            assertTrue(d.stderr().contains("test_slow_call is ignored: it is a test hook, honoured only when the JVM"
                    + " runs with -Djvirtd.test.hooks=true"), d.describe());
            Exec.Result r = virsh(d, "hostname");
            assertEquals(0, r.exitCode(), r.describe() + "\n" + d.describe());
        }
    }
}
