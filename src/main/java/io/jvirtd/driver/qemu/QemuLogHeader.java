package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The line libvirt's qemuLogOperation writes into the domain's log before QEMU's command line:
 * {@code TIMESTAMP: starting up libvirt version: 9.0.0, package: ..., qemu version: ..., kernel:
 * ..., hostname: ...}, with virTimeStringNow's timestamp. jvirtd answers as libvirt 9.0, so the
 * version is that one and the package names jvirtd: tools that read these logs (sosreport, log
 * scrapers looking for "starting up") find what they expect, and a reader still sees which daemon
 * started the guest. Stateless; any thread.
 */
final class QemuLogHeader {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);

    private QemuLogHeader() {
    }

    /** @param qemuVersion "7.2.22" followed by QEMU's package string, as query-version gives them */
    static String startingUp(String qemuVersion) {
        return timestamp() + ": starting up libvirt version: 9.0.0, package: jvirtd, qemu version: "
                + qemuVersion + ", kernel: " + System.getProperty("os.version") + ", hostname: " + hostname() + "\n";
    }

    /** virTimeStringNow, the stamp of the lines libvirt writes in a domain's log: "2026-12-07 19:05:39.123+0000". */
    static String timestamp() {
        return TIMESTAMP.format(Instant.now());
    }

    /**
     * gethostname(2), as the kernel has it. Deliberately not all of libvirt's virGetHostname,
     * which turns a dotless name other than localhost* into getaddrinfo's AI_CANONNAME answer:
     * the JDK has no such call (InetAddress.getCanonicalHostName is a reverse look-up, which can
     * answer another name), and a resolver that hangs must not hold up a guest's start.
     */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
