package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One daemon under test, started as its own process on loopback and a private socket folder.
 *
 * <p>{@link #builder()} writes a libvirtd.conf into a fresh temp directory (TCP on 127.0.0.1 at
 * a free port, auth none, sockets in the temp directory, plus the keys a test adds) and runs
 * {@code java -ea -jar JAR --listen -v -f CONF -p PIDFILE}. {@link Builder#start()} waits for the
 * {@code daemon is ready} line on stderr, reading the stream (no polling); stderr and stdout keep
 * being drained into buffers that failure messages quote. {@link #close()} kills the process if
 * it is still running and removes the temp directory.
 *
 * <p>{@link Builder#jvmOptions} adds JVM options before {@code -jar}; {@link Builder#launcher}
 * runs a script such as bin/jvirtd instead, with {@link Builder#env} for its environment.
 *
 * <p>The JAR comes from the system property {@code jvirtd.jar} (set by failsafe), falling back to
 * {@code target/jvirtd.jar}. For side-by-side checks the property {@code jvirtd.it.command} may
 * replace {@code java -ea -jar JAR} by another command prefix (whitespace separated), e.g. a
 * wrapper that runs libvirtd and prints {@code daemon is ready} once its sockets accept clients.
 */
public final class DaemonProcess implements AutoCloseable {

    /** The line the daemon prints on stderr (with -v) once it accepts clients. */
    public static final String READY_MARKER = "daemon is ready";

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path conf;
    private final Path pidFile;
    private final int port;
    private final Path sockDir;
    private final List<String> command;
    private final Process process;
    private final StringBuffer stderr = new StringBuffer();
    private final StringBuffer stdout = new StringBuffer();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrClosed = new CompletableFuture<>();
    private final CompletableFuture<Void> stdoutClosed = new CompletableFuture<>();

    private DaemonProcess(Builder b) throws IOException {
        this.dir = Files.createTempDirectory("jvirtd-it");
        this.port = b.port > 0 ? b.port : freePort();
        this.sockDir = dir;
        this.conf = dir.resolve("libvirtd.conf");
        this.pidFile = b.pidFile != null ? b.pidFile : dir.resolve("jvirtd.pid");
        Files.writeString(conf, b.rawConfig != null ? b.rawConfig : configText(b.conf));

        List<String> cmd = new ArrayList<>(b.wrapper);
        cmd.addAll(b.launcher != null ? List.of(b.launcher.toString()) : daemonCommandPrefix(b.jvmOptions));
        if (b.listen) {
            cmd.add("--listen");
        }
        if (b.verbose) {
            cmd.add("-v");
        }
        cmd.addAll(List.of("-f", conf.toString(), "-p", pidFile.toString()));
        cmd.addAll(b.args);
        this.command = List.copyOf(cmd);

        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(b.env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        this.process = pb.start();
        drain(process.getErrorStream(), stderr, stderrClosed, true, "daemon-stderr-" + process.pid());
        drain(process.getInputStream(), stdout, stdoutClosed, false, "daemon-stdout-" + process.pid());
    }

    /** A new daemon configuration; nothing runs until {@link Builder#start()} or {@link Builder#launch()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a daemon with the default test configuration and waits until it is ready. */
    public static DaemonProcess start() throws IOException {
        return builder().start();
    }

    private String configText(Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("listen_tcp", "1");
        c.put("listen_tls", "0");
        c.put("listen_addr", "\"127.0.0.1\"");
        c.put("tcp_port", "\"" + port + "\"");
        c.put("unix_sock_dir", "\"" + sockDir + "\"");
        c.put("auth_tcp", "\"none\"");
        c.put("auth_unix_rw", "\"none\"");
        c.put("auth_unix_ro", "\"none\"");
        // cgroups are host-global and test daemons all number guests from 1: none unless a test
        // asks for them, and then in a partition of its own (QemuCgroupsIT)
        c.put("qemu_cgroup_controllers", "[ ]");
        c.putAll(extra);
        StringBuilder sb = new StringBuilder("# written by DaemonProcess for an interoperability test\n");
        c.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    /** False when jvirtd.it.command runs something else (e.g. a wrapper whose pid is not the daemon's). */
    public static boolean runsJar() {
        return System.getProperty("jvirtd.it.command", "").isBlank();
    }

    /** {@code java -ea [jvmOptions] -jar JAR}, or the jvirtd.it.command prefix (which takes no JVM options). */
    private static List<String> daemonCommandPrefix(List<String> jvmOptions) {
        String override = System.getProperty("jvirtd.it.command", "").trim();
        if (!override.isEmpty()) {
            return List.of(override.split("\\s+"));
        }
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-ea"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", InteropEnvironment.daemonJar().toString()));
        return cmd;
    }

    private void drain(InputStream in, StringBuffer into, CompletableFuture<Void> closed,
            boolean watchReady, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.append(line).append('\n');
                    if (watchReady && line.contains(READY_MARKER)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                into.append("<read error: ").append(e).append(">\n");
            } finally {
                closed.complete(null);
                if (watchReady) {
                    ready.completeExceptionally(new IllegalStateException("stderr closed before '"
                            + READY_MARKER + "'"));
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the ready line; fails with the daemon's output when it exits or the deadline passes. */
    public DaemonProcess awaitReady(Duration timeout) {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (TimeoutException e) {
            fail("daemon not ready within " + timeout + "\n" + describe());
        } catch (ExecutionException e) {
            String code = "still running";
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    code = "exit code " + process.exitValue();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            fail("daemon stopped before it was ready (" + code + ")\n" + describe());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for the daemon");
        }
        return this;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The folder holding libvirt-sock and libvirt-sock-ro. */
    public Path sockDir() {
        return sockDir;
    }

    /** The read-write unix socket. */
    public Path rwSocket() {
        return sockDir.resolve("libvirt-sock");
    }

    /** The read-only unix socket. */
    public Path roSocket() {
        return sockDir.resolve("libvirt-sock-ro");
    }

    /** The TCP listening address. */
    public InetSocketAddress tcpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The pid file passed with -p. */
    public Path pidFile() {
        return pidFile;
    }

    /** The config file passed with -f. */
    public Path configFile() {
        return conf;
    }

    /** The private temp directory of this daemon. */
    public Path dir() {
        return dir;
    }

    /** The process id of the started process. */
    public long pid() {
        return process.pid();
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the daemon wrote on stderr so far. */
    public String stderr() {
        return stderr.toString();
    }

    /** Everything the daemon wrote on stdout so far. */
    public String stdout() {
        return stdout.toString();
    }

    /** Command line and output, for assertion messages. */
    public String describe() {
        return "$ " + String.join(" ", command) + "\n--- config " + conf + "\n" + readQuietly(conf)
                + "--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "<" + e + ">\n";
        }
    }

    /** Sends SIGTERM (Process.destroy is SIGTERM on Unix). */
    public void sigterm() {
        process.destroy();
    }

    /** Sends SIGINT. */
    public void sigint() throws IOException {
        Exec.Result r = Exec.run(Duration.ofSeconds(10), null, "sh", "-c", "kill -INT " + pid());
        if (r.exitCode() != 0) {
            fail("kill -INT failed\n" + r.describe());
        }
    }

    /**
     * Waits (blocking on the process, no polling) until the process exits and returns its exit
     * code; fails with the daemon's output when it is still running at the deadline.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("daemon still running after " + timeout + "\n" + describe());
            }
            // let the drain threads pick up the last lines
            CompletableFuture.allOf(stderrClosed, stdoutClosed).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for the daemon to exit");
        } catch (ExecutionException | TimeoutException e) {
            // output streams still open (a grandchild holds them): report what we have
        }
        return process.exitValue();
    }

    /** Reads VmRSS of the daemon process in KiB (Linux). */
    public long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid());
    }

    /** Kills the process if it still runs and removes the temp directory. */
    @Override
    public void close() {
        // children first: a wrapper (jvirtd.it.command) must not leave its daemon behind
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Exec.deleteTree(dir);
    }

    /** Finds a TCP port on 127.0.0.1 that is free right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** How to start a daemon. */
    public static final class Builder {
        private final Map<String, String> conf = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String rawConfig;
        private Path pidFile;
        private boolean listen = true;
        private boolean verbose = true;
        private int port;
        private Path launcher;
        private final List<String> wrapper = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds (or overrides) a config key; {@code value} is written verbatim ({@code 5}, {@code "\"none\""}). */
        public Builder conf(String key, String value) {
            conf.put(key, value);
            return this;
        }

        /** Adds a config key with an integer value. */
        public Builder conf(String key, long value) {
            return conf(key, Long.toString(value));
        }

        /** Replaces the generated config file by this exact text. */
        public Builder rawConfig(String text) {
            this.rawConfig = text;
            return this;
        }

        /** Uses this pid file instead of one in the daemon's temp directory. */
        public Builder pidFile(Path p) {
            this.pidFile = p;
            return this;
        }

        /** Appends command-line arguments after the standard ones. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /** Adds options for the daemon's JVM (before -jar); ignored with jvirtd.it.command. */
        public Builder jvmOptions(String... more) {
            jvmOptions.addAll(List.of(more));
            return this;
        }

        /** Whether to pass --listen (default yes). */
        public Builder listen(boolean on) {
            this.listen = on;
            return this;
        }

        /** Runs this script (e.g. bin/jvirtd) instead of {@code java -jar}, with the daemon's arguments. */
        public Builder launcher(Path script) {
            this.launcher = script;
            return this;
        }

        /**
         * Runs the daemon's command through this one, which must exec it in place (same pid), e.g.
         * the socket-activation launcher {@code python3 listen-fds.py SPECS --}.
         */
        public Builder wrappedBy(String... prefix) {
            wrapper.addAll(List.of(prefix));
            return this;
        }

        /** Adds a variable to the daemon's environment. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Whether to pass -v (default yes; without it there is no ready line). */
        public Builder verbose(boolean on) {
            this.verbose = on;
            return this;
        }

        /** Starts the process without waiting for it to become ready. */
        public DaemonProcess launch() throws IOException {
            return new DaemonProcess(this);
        }

        /** Starts the process and waits (up to 60 s) for its ready line. */
        public DaemonProcess start() throws IOException {
            DaemonProcess d = launch();
            try {
                return d.awaitReady(DEFAULT_START_TIMEOUT);
            } catch (Throwable t) {
                d.close();
                throw t;
            }
        }
    }
}
