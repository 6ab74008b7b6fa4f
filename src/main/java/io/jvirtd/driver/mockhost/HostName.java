package io.jvirtd.driver.mockhost;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's host name the way libvirt's {@code virGetHostname()} finds it: the kernel's
 * name as is if it starts with "localhost" or already has a dot, otherwise its canonical name
 * from the resolver, unless that is missing or a "localhost" name.
 *
 * <p>The JDK has no {@code AI_CANONNAME} lookup; {@link InetAddress#getCanonicalHostName()} is
 * the closest (it may go through reverse DNS). It can block on the resolver, so callers must not
 * hold locks. Stateless; safe from any thread.
 */
final class HostName {

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private HostName() {
    }

    static String get() {
        String name = kernelName();
        if (name.startsWith("localhost") || name.indexOf('.') >= 0) {
            return name;
        }
        try {
            String canonical = InetAddress.getByName(name).getCanonicalHostName();
            if (canonical == null || canonical.startsWith("localhost") || isAddressLiteral(canonical)) {
                return name;
            }
            return canonical;
        } catch (UnknownHostException | SecurityException e) {
            return name;
        }
    }

    /** gethostname(2): on Linux the kernel's UTS name; elsewhere the JDK's idea of it. */
    private static String kernelName() {
        try {
            String s = Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).trim();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or no /proc: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** getCanonicalHostName returns the address text when it finds no name. */
    private static boolean isAddressLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
