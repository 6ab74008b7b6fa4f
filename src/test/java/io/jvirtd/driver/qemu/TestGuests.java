package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.it.Exec;
import io.jvirtd.it.InteropEnvironment;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The test guests, built by the repository's own scripts (scripts/guests) into
 * {@code target/guests}, once per build: the tiny guest (1.5 KiB, boots in about 0.1 s under
 * TCG in 16 MiB, prints {@link #BOOT_MARKER} on COM1, powers off on an ACPI power button).
 * Tests use it for everything that needs no real OS. And the Linux guest (a Debian kernel and a
 * busybox initramfs from {@code apt-get download}, 128 MiB, boots in 3-5 s under TCG, powers
 * off on the ACPI power button), for the few tests that need a real OS.
 *
 * <p>QEMU itself ({@code qemu-system-x86_64}) is looked up like the stock clients: missing, a
 * test is skipped, or fails under CI=true.
 */
public final class TestGuests {

    public static final String BOOT_MARKER = "TESTGUEST-BOOT-OK";
    public static final String POWERDOWN_MARKER = "TESTGUEST-POWERDOWN";
    /** The tiny guest's bytes, whichever way the script made them (assembled or decoded). */
    static final String TINY_SHA256 = "45374c763c6aa84c01833a8960626d4a30d64967e7203d74f55f2f8b6bb6cb66";

    /** In the MANIFEST of a Linux guest as the builder makes it now (older builds are redone). */
    private static final String LINUX_MODULE_MARK = "virtio_blk";

    private static Path tiny;
    private static LinuxGuest linux;

    /** The Linux guest's files. */
    public record LinuxGuest(Path kernel, Path initrd, String cmdline) {
    }

    private TestGuests() {
    }

    /** qemu-system-x86_64, or skip/fail the test. */
    public static Path qemu() {
        return Tool.QEMU.require();
    }

    /** The tiny guest's kernel file ({@code vmlinuz}), built on first use. */
    public static synchronized Path tinyKernel() throws IOException {
        if (tiny == null) {
            Path dir = InteropEnvironment.baseDir().resolve("target/guests/tiny");
            Path kernel = dir.resolve("vmlinuz");
            if (!Files.isRegularFile(kernel) || !TINY_SHA256.equals(sha256(kernel))) {
                Path script = InteropEnvironment.baseDir().resolve("scripts/guests/build-tiny-guest.sh");
                Exec.Result r = Exec.run(Duration.ofSeconds(60), null, "bash", script.toString(), dir.toString());
                if (r.exitCode() != 0) {
                    fail("building the tiny guest failed: " + r.describe());
                }
            }
            String got = sha256(kernel);
            if (!TINY_SHA256.equals(got)) {
                fail("tiny guest " + kernel + " has sha256 " + got + ", expected " + TINY_SHA256);
            }
            tiny = kernel;
        }
        return tiny;
    }

    /**
     * The Linux guest, built by {@code scripts/guests/build-test-guest.sh} into
     * {@code target/guests/linux} on first use and reused by every later test of the build (its
     * MANIFEST, written last, says a build finished). The .deb files stay in
     * {@code target/guests/debs}. Needs cpio (skip, or fail under CI) and apt-get's package lists.
     */
    public static synchronized LinuxGuest linuxGuest() throws IOException {
        if (linux == null) {
            Path guests = InteropEnvironment.baseDir().resolve("target/guests");
            Path dir = guests.resolve("linux");
            if (!Files.isRegularFile(dir.resolve("MANIFEST"))
                    || !Files.readString(dir.resolve("MANIFEST")).contains(LINUX_MODULE_MARK)) {
                Tool.CPIO.require();
                Path tmp = guests.resolve("linux.building");
                Exec.deleteTree(tmp);
                Path script = InteropEnvironment.baseDir().resolve("scripts/guests/build-test-guest.sh");
                Exec.Result r = Exec.run(Duration.ofMinutes(10), java.util.Map.of("DEB_CACHE",
                        guests.resolve("debs").toString()), "bash", script.toString(), tmp.toString());
                if (r.exitCode() != 0) {
                    fail("building the Linux guest failed: " + r.describe());
                }
                Exec.deleteTree(dir);
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            linux = new LinuxGuest(dir.resolve("vmlinuz"), dir.resolve("initrd.img"),
                    Files.readString(dir.resolve("cmdline")).strip());
        }
        return linux;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
