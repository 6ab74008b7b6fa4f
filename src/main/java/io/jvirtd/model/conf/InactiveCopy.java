package io.jvirtd.model.conf;

import java.util.List;

/**
 * libvirt's {@code virDomainDefCopy(..., migratable=true)} — the definition formatted in its
 * inactive, migratable, secure form and parsed back as inactive XML — made from a deep
 * {@link DomainDef#copy()} instead: the same parts are dropped as that round trip drops them
 * (the running id, aliases libvirt assigned, a pty's path, vnet names, a network port's id, a
 * channel's state, the PS/2 keyboard that the migratable form leaves out and the post-parse
 * adds back, ...), then the post-parse runs again as the parse would. A snapshot captures the
 * running domain this way (qemuSnapshotCreate): the round trip's StAX parse and canonicalisation
 * were most of a create's own work.
 *
 * <p>Each rule below names the formatter or parser step it mirrors ({@link DomainFormatter}
 * with INACTIVE|SECURE|MIGRATABLE, {@link Devices}/{@link Chr} with PARSE_INACTIVE).
 * Definitions with parts whose inactive form only the full round trip gives (graphics,
 * security labels, I/O threads, I/O thread pins) are copied through the round trip, as before.
 * InactiveCopyTest checks the two agree, format for format, on every domain XML the test
 * resources hold.
 *
 * <p>Stateless; the caller owns the source definition for the duration (a copy under the
 * domain's lock, or a definition no other thread sees).
 */
final class InactiveCopy {

    private InactiveCopy() {
    }

    static DomainDef of(DomainDef src) {
        if (!covered(src)) {
            return src.copyViaXml(true);
        }
        DomainDef d = src.copy();
        d.id = -1;                 // not printed in the inactive form
        d.uuidGenerated = false;   // the uuid is printed, so the parse reads it
        if (!d.genidRequested || d.genid == null) {
            d.genidRequested = false;
            d.genid = null;
        }
        d.namespaceData = null;    // never formatted, so never parsed back
        if (d.bootloader == null) {
            d.bootloaderArgs = null;
        } else if (d.os != null) {
            // the formatter skips these when a bootloader is set
            d.os.children().removeIf(c -> c.name().equals("boot") || c.name().equals("bootmenu")
                    || c.name().equals("bios"));
        }
        while (!d.vcpuPins.isEmpty() && d.vcpuPins.lastKey() >= d.vcpusMax) {
            d.vcpuPins.pollLastEntry(); // cputune prints only the pins of existing vcpus
        }
        List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
        int consoleIndex = 0;
        for (int i = 0; i < d.devices.size(); i++) {
            DeviceDef dev = d.devices.get(i);
            XmlNode n = dev.node();
            switch (dev.kind()) {
                case INPUT -> {
                    // MIGRATABLE leaves out the implicit keyboard; the post-parse adds it back
                    if ("keyboard".equals(n.attr("type")) && ("ps2".equals(n.attr("bus")) || "xen".equals(n.attr("bus")))) {
                        d.devices.remove(i--);
                        continue;
                    }
                }
                case PANIC -> {
                    if (n.attrs().isEmpty() && n.children().isEmpty()) {
                        d.devices.remove(i--); // not printed, so gone
                        continue;
                    }
                }
                case CONSOLE -> {
                    n = console(d, n, consoleIndex++, serials);
                    d.devices.set(i, new DeviceDef(DeviceKind.CONSOLE, n));
                }
                case INTERFACE -> iface(n);
                default -> {
                }
            }
            switch (dev.kind()) {
                case SERIAL, PARALLEL, CONSOLE, CHANNEL -> chr(dev.kind(), n);
                default -> {
                }
            }
            // virDomainDeviceInfoParseXML with PARSE_INACTIVE: only a user's alias stays
            XmlNode alias = n.child("alias");
            if (alias != null && (alias.attr("name") == null || !alias.attr("name").startsWith("ua-"))) {
                n.remove("alias");
            }
        }
        Devices.reorderAsParsed(d);
        PostParse.run(d, DomainDef.PARSE_INACTIVE);
        return d;
    }

    /** Whether {@link #of} mirrors the round trip for every part of {@code d}. */
    static boolean covered(DomainDef d) {
        if (!d.seclabels.isEmpty() || d.iothreads != null) {
            return false;
        }
        if (d.cputune != null && d.cputune.child("iothreadpin") != null) {
            return false;
        }
        for (DeviceDef dev : d.devices) {
            if (dev.kind() == DeviceKind.GRAPHICS) {
                return false;
            }
        }
        return true;
    }

    /**
     * A console as the formatter prints it (an hvm serial console repeats its serial port's
     * source) and the parser reads it back (target port = its position).
     */
    private static XmlNode console(DomainDef d, XmlNode n, int index, List<DeviceDef> serials) {
        XmlNode t = n.child("target");
        String tt = t == null ? null : t.attr("type");
        XmlNode c;
        if ("hvm".equals(d.osType) && ("serial".equals(tt) || tt == null) && index < serials.size()) {
            XmlNode s = serials.get(index).node();
            c = new XmlNode("console");
            for (var a : s.attrs().entrySet()) {
                c.attr(a.getKey(), a.getValue());
            }
            for (XmlNode k : s.children()) {
                c.add(k.name().equals("target") ? new XmlNode("target").attr("type", "serial") : k.copy());
            }
        } else {
            c = n;
        }
        c.attr("tty", null);
        XmlNode ct = c.child("target");
        if (ct != null) {
            ct.attr("port", Integer.toString(index));
        }
        return c;
    }

    /** Chr.canon with PARSE_INACTIVE: no pty path, no channel state. */
    private static void chr(DeviceKind kind, XmlNode n) {
        if ("pty".equals(n.attr("type"))) {
            n.remove("source");
        }
        if (kind == DeviceKind.CHANNEL) {
            XmlNode t = n.child("target");
            if (t != null) {
                t.attr("state", null);
            }
        }
    }

    /** The formatter's inactive target and the parser's vnet names and port id. */
    private static void iface(XmlNode n) {
        XmlNode t = n.child("target");
        String dev = t == null ? null : t.attr("dev");
        if (dev != null && (dev.startsWith("vnet") || dev.startsWith("macvtap") || dev.startsWith("macvlan"))) {
            t.attr("dev", null);
            if (t.attrs().isEmpty()) {
                n.remove("target");
            }
        }
        XmlNode src = n.child("source");
        if (src != null && "network".equals(n.attr("type"))) {
            src.attr("portid", null);
        }
    }
}
