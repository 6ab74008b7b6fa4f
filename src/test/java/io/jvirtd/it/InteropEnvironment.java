package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the stock libvirt clients and the daemon under test live.
 *
 * <p>The interoperability tests need Debian's {@code virsh}, {@code virt-admin} and
 * {@code /usr/bin/python3} with {@code python3-libvirt}. {@link Tool} decides what happens
 * when one is missing: the test is skipped on a developer machine and fails under CI.
 */
public final class InteropEnvironment {

    private InteropEnvironment() {
    }

    /** The virsh binary, or skip/fail the test. */
    public static Path virsh() {
        return Tool.VIRSH.require();
    }

    /** The virt-admin binary, or skip/fail the test. */
    public static Path virtAdmin() {
        return Tool.VIRT_ADMIN.require();
    }

    /** A python3 on PATH (the conformance runners need only its standard library). */
    public static Path python3() {
        return Tool.PYTHON3.require();
    }

    /** /usr/bin/python3 able to {@code import libvirt}, or skip/fail the test. */
    public static Path pythonWithLibvirt() {
        return Tool.PYTHON3_LIBVIRT.require();
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
