package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What {@code /proc} says about a process. QEMU runs daemonised, so its parent is whatever
 * reaps orphans, and on some machines (this project's CI) that init reaps only every second or
 * so: a zombie is dead for every purpose here. Stateless; any thread (reads a small file).
 */
final class ProcState {

    private ProcState() {
    }

    /** True if {@code pid} exists and is not a zombie. */
    static boolean isAlive(long pid) {
        String stat = stat(pid);
        if (stat == null) {
            return false;
        }
        int close = stat.lastIndexOf(')');
        return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    }

    /** Total CPU time (user + system) of {@code pid} in nanoseconds, 0 when unknown. */
    static long cpuTimeNanos(long pid) {
        String stat = stat(pid);
        if (stat == null) {
            return 0;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the comm: state(0) ... utime(11) stime(12), in clock ticks (USER_HZ = 100)
        try {
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The first element of the process's command line (argv[0]), or null. */
    static String argv0(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, 0, end, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static String stat(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
