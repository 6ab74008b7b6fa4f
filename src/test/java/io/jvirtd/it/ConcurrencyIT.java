package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Many clients working on one shared host at once: 16 python3-libvirt processes, each with its
 * own connection to {@code test:///default}, each define, start, suspend, resume, destroy and
 * undefine 200 domains of their own at the same time, while another connection counts their
 * lifecycle events. Every call must succeed, no domain may be left over, every event must
 * arrive, and all of it within a deadline (a deadlock fails the test instead of hanging it).
 */
class ConcurrencyIT {

    private static final int CLIENTS = 16;
    private static final int DOMAINS = 200;
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @Test
    void sixteenClientsCycleTheirOwnDomainsAtOnce() throws IOException {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path script = InteropEnvironment.baseDir().resolve("src/test/resources/io/jvirtd/it/concurrency.py");
        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + "/default";
            Exec.Result r = Exec.run(DEADLINE, null, python.toString(), script.toString(), uri,
                    Integer.toString(CLIENTS), Integer.toString(DOMAINS));
            String why = r.describe() + "\n=== daemon\n" + d.describe();
            assertFalse(r.timedOut(), "the clients did not finish within " + DEADLINE + " (deadlock?)\n" + why);
            assertEquals(0, r.exitCode(), why);
            assertTrue(r.stdout().contains("ok: " + CLIENTS + " clients x " + DOMAINS + " domains"), why);
            assertTrue(d.isAlive(), why);
        }
    }
}
