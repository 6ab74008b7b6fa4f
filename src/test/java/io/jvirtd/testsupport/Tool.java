package io.jvirtd.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The programs the tests run that a machine may lack, each with the Debian package that
 * installs it ({@code scripts/test} installs them all), and the one place that decides what a
 * test does when one is missing.
 *
 * <p>Outside CI the test is skipped (a JUnit assumption, reported as skipped with the reason):
 * a developer without virsh still gets a green unit-test run. Under CI, that is when the
 * environment variable {@code CI} is {@code true} or {@code 1} (what CI services set), it
 * fails with one line naming the tool and its package: CI installs every tool, so a missing
 * one there is a broken install, not a reason to skip.
 *
 * <p>A tool is found the way a shell finds it, on {@code PATH}; {@link #PYTHON3_LIBVIRT} is
 * Debian's {@code /usr/bin/python3} able to {@code import libvirt} (a pyenv or venv python
 * first on PATH usually lacks the bindings). Answers are cached per JVM. Any thread.
 *
 * <p>Use {@link RequiresTools} on a class (or method) whose set-up needs a tool, so that
 * nothing of it runs without the tool, and {@link #require()} where a test body needs one.
 */
public enum Tool {
    VIRSH("virsh", "libvirt-clients"),
    VIRT_ADMIN("virt-admin", "libvirt-clients"),
    PYTHON3("python3", "python3"),
    PYTHON3_LIBVIRT("/usr/bin/python3 with python3-libvirt", "python3-libvirt"),
    CERTTOOL("certtool", "gnutls-bin"),
    OPENSSL("openssl", "openssl"),
    SS("ss", "iproute2"),
    QEMU("qemu-system-x86_64", "qemu-system-x86"),
    /** The disk tests make their qcow2 images with it; the dir storage pools read and make volume files with it. */
    QEMU_IMG("qemu-img", "qemu-utils"),
    /** The Linux test guest's initramfs is a cpio archive (scripts/guests/build-test-guest.sh). */
    CPIO("cpio", "cpio"),
    /** scripts/build-deb builds the Debian package with it; PackagingIT reads and unpacks it. */
    DPKG_DEB("dpkg-deb", "dpkg"),
    /** PackagingIT renders jvirtd(8) as `man` does ... */
    MAN("man", "man-db"),
    /** ... and checks it for roff warnings. */
    GROFF("groff", "groff-base"),
    /** PackagingIT checks the systemd units (no running systemd needed). */
    SYSTEMD_ANALYZE("systemd-analyze", "systemd"),
    /** DropInModeIT runs the daemon and virsh in a private mount namespace with their own /run. */
    UNSHARE("unshare", "util-linux");

    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");
    private static final Map<Tool, Optional<Path>> FOUND = new ConcurrentHashMap<>();

    private final String name;
    private final String debianPackage;

    Tool(String name, String debianPackage) {
        this.name = name;
        this.debianPackage = debianPackage;
    }

    /** The Debian package that installs this tool. */
    public String debianPackage() {
        return debianPackage;
    }

    /** The tool's executable, if this machine has it. */
    public Optional<Path> find() {
        return FOUND.computeIfAbsent(this, t -> t == PYTHON3_LIBVIRT ? pythonWithLibvirt()
                : onPath(t.name, System.getenv("PATH")));
    }

    /** The tool's executable; without it the calling test is skipped, or fails under CI. */
    public Path require() {
        return find().orElseGet(() -> {
            missing(this);
            throw new AssertionError("unreachable");
        });
    }

    /** "certtool is not installed (Debian: apt-get install gnutls-bin)". */
    public String absence() {
        return name + " is not installed (Debian: apt-get install " + debianPackage + ")";
    }

    /**
     * The decision: skips the running test (a JUnit assumption failure) or, under CI, fails it
     * with one line. Never returns normally.
     */
    public static void missing(Tool tool) {
        if (inCi()) {
            fail(ciFailure(System.getenv("CI"), tool));
        }
        Assumptions.abort(tool.absence() + "; test skipped (under CI=true it fails)");
    }

    /** The one line a test fails with under CI when {@code tool} is missing. */
    static String ciFailure(String ciValue, Tool tool) {
        return "CI=" + ciValue.strip() + " and " + tool.absence();
    }

    /** True when the tests run under CI (environment variable CI is true or 1). */
    public static boolean inCi() {
        return isCi(System.getenv("CI"));
    }

    /** CI services set CI=true (GitHub, GitLab) or CI=1; anything else, or unset, is no CI. */
    static boolean isCi(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip();
        return v.equalsIgnoreCase("true") || v.equals("1");
    }

    /** The first executable file {@code command} in the directories of {@code path}. */
    static Optional<Path> onPath(String command, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> pythonWithLibvirt() {
        if (!Files.isExecutable(SYSTEM_PYTHON)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import libvirt")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(SYSTEM_PYTHON) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
