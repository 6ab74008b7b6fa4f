package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;

/**
 * virsh as the integration tests run it for one command: quiet ({@code -q}), one connection
 * URI, a time limit. {@link #ok} is the usual form: the command must succeed, and when it does
 * not the failure shows virsh's output and the daemon's log. Stateless.
 */
final class Virsh {

    private Virsh() {
    }

    /** {@code virsh -q -c URI ARGS...}, whatever its exit status. */
    static Exec.Result run(Duration limit, String uri, String... args) throws IOException {
        String[] cmd = new String[args.length + 4];
        cmd[0] = InteropEnvironment.virsh().toString();
        cmd[1] = "-q";
        cmd[2] = "-c";
        cmd[3] = uri;
        System.arraycopy(args, 0, cmd, 4, args.length);
        return Exec.run(limit, null, cmd);
    }

    /** {@link #run}, which must exit 0: its standard output, stripped. */
    static String ok(Duration limit, DaemonProcess d, String uri, String... args) throws IOException {
        return succeeded(run(limit, uri, args), d).stdout().strip();
    }

    /** {@code r}, once asserted to have exited 0 (else virsh's output and {@code d}'s log). */
    static Exec.Result succeeded(Exec.Result r, DaemonProcess d) {
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        return r;
    }
}
