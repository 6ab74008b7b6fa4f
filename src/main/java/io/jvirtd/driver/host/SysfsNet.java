package io.jvirtd.driver.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The host's network interfaces as sysfs shows them under {@code sys/class/net}: what libvirt's udev
 * backends read of each (address, operstate, mtu, and the link as virNetDevGetLinkInfo reports it).
 * Stateless; every call reads sysfs again. Thread-safe; blocking file reads, worker threads only.
 */
final class SysfsNet {

    /** virNetDevIfState names, index = value (0 is none). */
    static final List<String> OPER_STATES = List.of("", "unknown", "notpresent", "down", "lowerlayerdown",
            "testing", "dormant", "up");

    /** One interface: its name, sysfs folder (links resolved) and MAC address text. */
    record Iface(String name, Path sysPath, String mac) {
    }

    private final Path root;

    SysfsNet(Path root) {
        this.root = root;
    }

    Path classDir() {
        return root.resolve("sys/class/net");
    }

    /** The interfaces in udev's enumeration order (by their sysfs path). */
    List<Iface> list() {
        List<Iface> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(classDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path real;
                try {
                    real = p.toRealPath();
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                String mac = read(real.resolve("address"));
                out.add(new Iface(p.getFileName().toString(), real, mac == null ? "" : mac));
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(i -> i.sysPath().toString()));
        return out;
    }

    /** The interface of that name, or null. */
    Iface find(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return null;
        }
        for (Iface i : list()) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    static boolean up(Iface i) {
        return "up".equals(read(i.sysPath().resolve("operstate")));
    }

    /**
     * The {@code <link .../>} element virNetDevGetLinkInfo's facts format as (or "" for none): the
     * state, and the speed only when the link is up and the driver reports one (sysfs's -1 is read
     * as the C unsigned 4294967295, as libvirt does).
     */
    static String linkXml(Iface i) {
        String state = read(i.sysPath().resolve("operstate"));
        int st = state == null ? 0 : OPER_STATES.indexOf(state);
        if (st <= 0) {
            return "";
        }
        String speedAttr = "";
        if (st == OPER_STATES.indexOf("up")) {
            String speed = read(i.sysPath().resolve("speed"));
            if (speed != null) {
                try {
                    long v = Long.parseLong(speed);
                    v &= 0xFFFFFFFFL;
                    if (v != 0) {
                        speedAttr = " speed='" + v + "'";
                    }
                } catch (NumberFormatException e) {
                    // libvirt fails the device here; a missing speed is the closest honest answer
                }
            }
        }
        return "<link" + speedAttr + " state='" + state + "'/>";
    }

    /** A sysfs attribute without its trailing newline, or null when absent or unreadable (EINVAL). */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Text for an XML attribute or element that the shared model parses back. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }
}
