package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code /proc} says about QEMU's threads, for CPU statistics as libvirt reads them
 * (virProcessGetStatInfo, virProcessGetSchedInfo, qemuGetSchedstatDelay): CPU time split into
 * user and system, the host CPU a thread last ran on, resident memory, scheduler delay and wait.
 * The vCPU threads are found by name: QEMU runs with {@code debug-threads=on}, so each is called
 * {@code CPU <n>/TCG} (or {@code /KVM}), which also holds after a daemon restart.
 * Stateless; any thread (reads small files).
 */
final class ProcTasks {

    /** USER_HZ: /proc's clock ticks per second on Linux. */
    private static final long TICK_NANOS = 10_000_000L;
    private static final long PAGE_KIB = 4;

    /** One thread's (or the whole process's) figures; -1 where unknown. */
    record TaskStat(long cpuNanos, long userNanos, long systemNanos, int cpu, long rssKiB) {
    }

    private ProcTasks() {
    }

    /** The process's totals (all threads), or null when it is gone. */
    static TaskStat process(long pid) {
        return parse(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** One thread's figures, or null when it is gone. */
    static TaskStat thread(long pid, long tid) {
        return parse(read(task(pid, tid).resolve("stat")));
    }

    /** QEMU's resident set in KiB, -1 when unknown. */
    static long rssKiB(long pid) {
        TaskStat s = process(pid);
        return s == null ? -1 : s.rssKiB();
    }

    /** Parses a {@code stat} line; null for null or a malformed line. */
    static TaskStat parse(String stat) {
        if (stat == null) {
            return null;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return null;
        }
        // fields after the comm, from 0: state, ... utime(11) stime(12) ... rss(21) ... processor(36)
        String[] f = stat.substring(close + 2).trim().split(" ");
        try {
            long user = Long.parseLong(f[11]) * TICK_NANOS;
            long sys = Long.parseLong(f[12]) * TICK_NANOS;
            long rss = Long.parseLong(f[21]) * PAGE_KIB;
            int cpu = f.length > 36 ? Integer.parseInt(f[36]) : -1;
            return new TaskStat(user + sys, user, sys, cpu, rss);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Time the thread waited on a run queue, in ns (schedstat's second field); 0 when unknown. */
    static long delayNanos(long pid, long tid) {
        String s = read(task(pid, tid).resolve("schedstat"));
        if (s == null) {
            return 0;
        }
        String[] f = s.trim().split(" ");
        try {
            return f.length > 1 ? Long.parseLong(f[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The scheduler's wait_sum in ns (only with schedstats on, as libvirt reads it); 0 when absent. */
    static long waitNanos(long pid, long tid) {
        String s = read(task(pid, tid).resolve("sched"));
        return s == null ? 0 : parseWaitSum(s);
    }

    static long parseWaitSum(String sched) {
        // only the lines naming wait_sum are looked at (domstats reads this file per vCPU per call)
        for (int at = sched.indexOf("wait_sum"); at >= 0; at = sched.indexOf("wait_sum", at + 1)) {
            int start = sched.lastIndexOf('\n', at) + 1;
            int end = sched.indexOf('\n', at);
            String line = sched.substring(start, end < 0 ? sched.length() : end);
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("se.statistics.wait_sum") || key.equals("se.wait_sum") || key.equals("wait_sum")) {
                try {
                    // milliseconds with a fraction of six digits
                    return Math.round(Double.parseDouble(line.substring(colon + 1).trim()) * 1_000_000d);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The vCPU threads by vCPU number (names {@code CPU <n>/...}); empty when QEMU is gone. */
    static Map<Integer, Long> vcpuThreads(long pid) {
        Map<Integer, Long> out = new TreeMap<>();
        Path dir = Path.of("/proc", Long.toString(pid), "task");
        List<Path> tasks = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(tasks::add);
        } catch (IOException e) {
            return out;
        }
        for (Path t : tasks) {
            String comm = read(t.resolve("comm"));
            int n = vcpuNumber(comm);
            if (n >= 0) {
                try {
                    out.put(n, Long.parseLong(t.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a thread id
                }
            }
        }
        return out;
    }

    /** {@code CPU 3/TCG} gives 3; anything else -1. */
    static int vcpuNumber(String comm) {
        if (comm == null || !comm.startsWith("CPU ")) {
            return -1;
        }
        int slash = comm.indexOf('/');
        if (slash < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(comm.substring(4, slash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Path task(long pid, long tid) {
        return Path.of("/proc", Long.toString(pid), "task", Long.toString(tid));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }
}
