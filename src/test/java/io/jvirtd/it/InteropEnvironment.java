package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the stock libvirt clients and the daemon under test live.
 *
 * <p>The interoperability tests need Debian's {@code virsh}, {@code virt-admin} and
 * {@code /usr/bin/python3} with {@code python3-libvirt}. When one is missing the test is
 * skipped (a JUnit assumption failure) on a developer machine, but fails hard when the
 * environment variable {@code CI} is {@code "true"}: CI installs the clients, so a missing
 * one there is a broken build, not a reason to skip.
 */
public final class InteropEnvironment {

    /** Debian's python; the pyenv or venv python first on PATH usually lacks the bindings. */
    public static final Path SYSTEM_PYTHON = Paths.get("/usr/bin/python3");

    private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();

    private InteropEnvironment() {
    }

    /** True when running under CI (environment variable CI=true). */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The virsh binary, or skip/fail the test. */
    public static Path virsh() {
        return require("virsh");
    }

    /** The virt-admin binary, or skip/fail the test. */
    public static Path virtAdmin() {
        return require("virt-admin");
    }

    /** A python3 on PATH (the conformance runners need only its standard library). */
    public static Path python3() {
        return require("python3");
    }

    /** /usr/bin/python3 able to {@code import libvirt}, or skip/fail the test. */
    public static Path pythonWithLibvirt() {
        Optional<Path> p = FOUND.computeIfAbsent("python3-libvirt", k -> {
            if (!Files.isExecutable(SYSTEM_PYTHON)) {
                return Optional.empty();
            }
            try {
                Exec.Result r = Exec.run(Duration.ofSeconds(30), null,
                        SYSTEM_PYTHON.toString(), "-c", "import libvirt");
                return r.exitCode() == 0 ? Optional.of(SYSTEM_PYTHON) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
        return p.orElseGet(() -> missing("/usr/bin/python3 with python3-libvirt"));
    }

    /** An executable found on PATH (or /usr/bin, /usr/sbin), or skip/fail the test. */
    public static Path require(String command) {
        return FOUND.computeIfAbsent(command, InteropEnvironment::lookup)
                .orElseGet(() -> missing(command));
    }

    private static Optional<Path> lookup(String command) {
        List<String> dirs = new ArrayList<>(List.of(
                Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")));
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Paths.get(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static <T> T missing(String what) {
        String msg = what + " is not installed (Debian: apt-get install libvirt-clients python3-libvirt)";
        if (inCi()) {
            fail("CI=true and " + msg);
        }
        Assumptions.assumeTrue(false, msg + "; interoperability test skipped");
        throw new AssertionError("unreachable");
    }

    /** The repository root (failsafe sets jvirtd.basedir; else the working directory). */
    public static Path baseDir() {
        String b = System.getProperty("jvirtd.basedir");
        return (b == null || b.isEmpty() ? Paths.get("") : Paths.get(b)).toAbsolutePath();
    }

    /** The packaged daemon (failsafe sets jvirtd.jar; else target/jvirtd.jar). */
    public static Path daemonJar() {
        String j = System.getProperty("jvirtd.jar");
        Path jar = (j == null || j.isEmpty() ? baseDir().resolve("target/jvirtd.jar") : Paths.get(j))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail("daemon jar " + jar + " not found: run the tests with `mvn verify`");
        }
        return jar;
    }

    /** The conformance cases and goldens carried in the repository. */
    public static Path conformanceDir() {
        Path d = baseDir().resolve("src/test/resources/conformance");
        if (!Files.isDirectory(d)) {
            fail("conformance data missing: " + d);
        }
        return d;
    }

    /**
     * This machine's host name as libvirt reports it: the kernel host name, or its canonical
     * (fully qualified) form when the kernel name has no dot.
     */
    public static String kernelHostName() throws IOException {
        return Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
    }
}
