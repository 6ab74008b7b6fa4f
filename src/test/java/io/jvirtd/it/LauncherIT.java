package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bin/jvirtd starts the JVM with the options of etc/jvm.options (the one place the launcher and
 * the systemd units read them from), and JVIRTD_JAVA_OPTS, which comes after them, wins.
 *
 * <p>The JVM itself reports what it runs with: {@code -XX:+PrintCommandLineFlags} (given through
 * JVIRTD_JAVA_OPTS) prints the flags in effect before {@code --version} runs, from the same
 * command line that starts the daemon. No daemon, no socket: the launcher's exec line is shared.
 */
class LauncherIT {

    private static final Path LAUNCHER = InteropEnvironment.baseDir().resolve("bin/jvirtd");
    private static final Path OPTIONS = InteropEnvironment.baseDir().resolve("etc/jvm.options");

    @Test
    void everyOptionOfTheOptionsFileIsInEffect() throws IOException {
        Map<String, String> flags = flagsInEffect("");
        Map<String, String> wanted = optionsFile();
        assertFalse(wanted.isEmpty(), "no options in " + OPTIONS);
        if (!systemDaemon()) { // the launcher leaves thread priorities alone: see below
            wanted.put("ThreadPriorityPolicy", "0");
        }
        wanted.forEach((name, value) -> assertEquals(value, flags.get(name),
                name + " from " + OPTIONS + " is not in effect; flags: " + flags));
    }

    @Test
    void theDefaultsCapTheHeapAndLetG1GiveMemoryBackWhenIdle() throws IOException {
        Map<String, String> flags = flagsInEffect("");
        assertEquals("true", flags.get("UseG1GC"), flags.toString());
        assertTrue(Long.parseLong(flags.get("G1PeriodicGCInterval")) > 0, flags.toString());
        long ceiling = Long.parseLong(flags.get("MaxHeapSize"));
        assertTrue(ceiling <= 1L << 30, "heap ceiling above 1 GiB: " + ceiling);
        // the heap shrinks no further than its initial size: that must be small
        assertTrue(Long.parseLong(flags.get("InitialHeapSize")) <= 32L << 20, flags.toString());
    }

    @Test
    void jvirtdJavaOptsComeLastAndWin() throws IOException {
        Map<String, String> flags = flagsInEffect("-Xmx300m -XX:G1PeriodicGCInterval=7000");
        assertEquals(Long.toString(300L << 20), flags.get("MaxHeapSize"), flags.toString());
        assertEquals("7000", flags.get("G1PeriodicGCInterval"), flags.toString());
        assertEquals("true", flags.get("UseG1GC"), "the file's other options stay: " + flags);
    }

    /**
     * The system daemon (root, nice 0) runs the JIT's compiler threads at the options file's
     * CompilerThreadPriority and every other thread at nice 0 (never above the guests, as the
     * JVM's own "near max" threads would be); run by another user or at another nice, every
     * thread keeps the nice it was started with.
     */
    @Test
    void onlyTheCompilerThreadsOfTheSystemDaemonRunAtALowerPriority() throws IOException {
        int own = niceOf(Path.of("/proc/self/stat"));
        int compilers = Integer.parseInt(optionsFile().get("CompilerThreadPriority"));
        assertTrue(compilers > 0, "the compiler threads' nice in " + OPTIONS + ": " + compilers);
        boolean system = systemDaemon();
        Map<String, Integer> threads = threadNices(DaemonProcess.builder().launcher(LAUNCHER));
        threads.forEach((thread, nice) -> assertEquals(system && compiler(thread) ? compilers : own,
                nice, thread + ": " + threads));
        assertTrue(threads.keySet().stream().anyMatch(LauncherIT::compiler), "no compiler thread: " + threads);
        assertTrue(threads.containsKey("VM Thread") && threads.containsKey("jvirtd-loop"), threads.toString());
    }

    /** Started at another nice, the daemon's threads all stay there: the administrator's choice. */
    @Test
    void aDaemonStartedAtAnotherNiceKeepsItForEveryThread() throws IOException {
        int own = niceOf(Path.of("/proc/self/stat"));
        int started = Math.min(19, own + 5);
        org.junit.jupiter.api.Assumptions.assumeTrue(started != own, "the test already runs at nice 19");
        Map<String, Integer> threads = threadNices(DaemonProcess.builder().launcher(LAUNCHER)
                .wrappedBy("nice", "-n", Integer.toString(started - own)));
        threads.forEach((thread, nice) -> assertEquals(started, nice, thread + ": " + threads));
        assertTrue(threads.keySet().stream().anyMatch(LauncherIT::compiler), "no compiler thread: " + threads);
    }

    /** Each thread's name → its nice, of a daemon the builder starts through bin/jvirtd. */
    private static Map<String, Integer> threadNices(DaemonProcess.Builder b) throws IOException {
        b.env("JVIRTD_JAR", InteropEnvironment.daemonJar().toString())
                .env("JAVA_HOME", System.getProperty("java.home"))
                .env("JVIRTD_CDS", "0") // the class-data archive is not what this test is about
                .env("JVIRTD_JAVA_OPTS", "");
        Map<String, Integer> nices = new LinkedHashMap<>();
        try (DaemonProcess d = b.start();
                java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(d.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    nices.merge(name, niceOf(task.resolve("stat")), (a, c) -> a.equals(c) ? a : Integer.MIN_VALUE);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return nices;
    }

    private static boolean compiler(String thread) {
        return thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")
                || thread.equals("Sweeper thread");
    }

    /** The nice field of a /proc stat line (the 19th; the name in parentheses may hold spaces). */
    private static int niceOf(Path stat) throws IOException {
        String s = Files.readString(stat);
        return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /** Root at nice 0: the launcher keeps the options file's thread priorities. */
    private static boolean systemDaemon() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
                && niceOf(Path.of("/proc/self/stat")) == 0;
    }

    /** The flags the JVM started by bin/jvirtd reports, as name → value ("true" for +Name). */
    private static Map<String, String> flagsInEffect(String extraOptions) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JVIRTD_JAR", InteropEnvironment.daemonJar().toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JVIRTD_CDS", "0"); // the class-data archive is not what this test is about
        env.put("JVIRTD_JAVA_OPTS", ("-XX:+PrintCommandLineFlags " + extraOptions).trim());
        // env -u: a JVIRTD_JVM_OPTIONS of the caller's environment would replace the file
        Exec.Result r = Exec.run(Duration.ofSeconds(60), env, "env", "-u", "JVIRTD_JVM_OPTIONS",
                LAUNCHER.toString(), "--version");
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("jvirtd"), "the daemon did not run: " + r.describe());
        Map<String, String> flags = new LinkedHashMap<>();
        // the line of flags (the JVM may print a warning line first)
        for (String token : r.stdout().lines().filter(l -> l.startsWith("-XX:")).findFirst().orElse("").trim()
                .split("\\s+")) {
            putFlag(flags, token);
        }
        assertTrue(flags.containsKey("MaxHeapSize"), "no flags printed: " + r.describe());
        return flags;
    }

    /** The options of etc/jvm.options, named as the JVM prints them. */
    private static Map<String, String> optionsFile() throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (String line : Files.readAllLines(OPTIONS)) {
            String text = line.replaceAll("#.*", "").trim();
            for (String token : text.isEmpty() ? new String[0] : text.split("\\s+")) {
                if (token.startsWith("-Xmx")) {
                    options.put("MaxHeapSize", Long.toString(bytes(token.substring(4))));
                } else if (token.startsWith("-Xms")) {
                    options.put("InitialHeapSize", Long.toString(bytes(token.substring(4))));
                } else {
                    putFlag(options, token);
                }
            }
        }
        return options;
    }

    private static void putFlag(Map<String, String> into, String token) {
        if (!token.startsWith("-XX:")) {
            return;
        }
        String flag = token.substring(4);
        if (flag.startsWith("+") || flag.startsWith("-")) {
            into.put(flag.substring(1), Boolean.toString(flag.startsWith("+")));
        } else if (flag.contains("=")) {
            into.put(flag.substring(0, flag.indexOf('=')), flag.substring(flag.indexOf('=') + 1));
        }
    }

    /** A JVM size (1g, 512m, 64k, 1024) in bytes. */
    private static long bytes(String size) {
        String s = size.toLowerCase(Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'g' -> 1L << 30;
            case 'm' -> 1L << 20;
            case 'k' -> 1L << 10;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
}
