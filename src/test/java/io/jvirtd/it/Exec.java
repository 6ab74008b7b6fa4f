package io.jvirtd.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a client command (virsh, virt-admin, python, a runner script) to completion with a
 * deadline, capturing stdout and stderr. A command still running at the deadline is killed
 * (it is our own child) and reported as timed out, so a hanging daemon fails the test
 * instead of hanging the build.
 *
 * <p>The environment is the test's minus {@code LIBVIRT_*} and {@code VIRSH_*} variables, with
 * {@code LC_ALL=C} and a private {@code HOME} so clients neither read the user's libvirt
 * configuration nor write history into it.
 */
public final class Exec {

    /** What a finished (or killed) command left behind. */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {
        /** A description for assertion messages. */
        public String describe() {
            return "$ " + String.join(" ", command) + "\nexit: " + (timedOut ? "TIMEOUT (killed)" : exitCode)
                    + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Exec() {
    }

    /** Runs {@code command} with the default client environment. */
    public static Result run(Duration timeout, Map<String, String> env, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Path home = clientEnvironment(pb);
        if (env != null) {
            pb.environment().putAll(env);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> out = slurp(p.getInputStream());
            CompletableFuture<String> err = slurp(p.getErrorStream());
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(Arrays.asList(command), done ? p.exitValue() : -1, !done,
                    get(out), get(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + Arrays.toString(command), e);
        } finally {
            deleteTree(home);
        }
    }

    /** Prepares {@code pb}'s environment for a libvirt client; returns the private HOME to delete. */
    static Path clientEnvironment(ProcessBuilder pb) throws IOException {
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("LIBVIRT_") || k.startsWith("VIRSH_"));
        e.put("LC_ALL", "C");
        e.put("LANG", "C");
        Path home = Files.createTempDirectory("jvirtd-client-home");
        e.put("HOME", home.toString());
        e.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        e.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        e.put("XDG_RUNTIME_DIR", home.toString());
        return home;
    }

    /** Reads a stream to its end on a background thread. */
    static CompletableFuture<String> slurp(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (in) {
                in.transferTo(buf);
            } catch (IOException e) {
                // the process died; keep what we have
            }
            f.complete(buf.toString(StandardCharsets.UTF_8));
        }, "exec-slurp");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static String get(CompletableFuture<String> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "<interrupted>";
        } catch (ExecutionException | TimeoutException e) {
            return "<output not available: " + e + ">";
        }
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind must not fail a test
        }
    }
}
