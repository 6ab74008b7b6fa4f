package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Log lines print numbers as libvirt does ({@code client 1001: ...}), not with the grouping of
 * the daemon's locale ({@code client 1,001: ...}): the daemon runs with en_US, a client numbered
 * over 1000 sends a packet too small to be one, and the warning about it is read back.
 */
class LogLocaleIT {

    private static final Pattern LINE =
            Pattern.compile(": client (\\S+): packet 26 bytes received from client too small; closing it\n");

    @Test
    void clientNumbersInLogLinesHaveNoGrouping() throws IOException {
        Assumptions.assumeTrue(DaemonProcess.runsJar(), "the locale is a JVM option of jvirtd");
        try (DaemonProcess d = DaemonProcess.builder().jvmOptions("-Duser.language=en", "-Duser.country=US").start()) {
            for (int i = 0; i < 1000; i++) { // client numbers 1 to 1000
                SocketChannel.open(d.tcpAddress()).close();
            }
            try (RawClient c = RawClient.tcp(d.tcpAddress())) {
                c.send(ByteBuffer.allocate(4).putInt(26).array());
                c.awaitClosed(Duration.ofSeconds(30));
            }
            String id = awaitLine(d);
            assertTrue(id.matches("\\d+") && Long.parseLong(id) > 1000, "client " + id + "\n" + d.describe());
        }
    }

    /** The client number in the warning, once the daemon's stderr has it (bounded poll). */
    private static String awaitLine(DaemonProcess d) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LINE.matcher(d.stderr());
            if (m.find()) {
                return m.group(1);
            }
            LockSupport.parkNanos(10_000_000); // stderr is drained by another thread: poll, bounded
        }
        fail("no warning about the small packet\n" + d.describe());
        return null;
    }
}
