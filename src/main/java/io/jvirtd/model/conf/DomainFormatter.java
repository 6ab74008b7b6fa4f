package io.jvirtd.model.conf;

import java.util.List;
import java.util.Map;

/**
 * Prints a {@link DomainDef} as libvirt 9.0's {@code virDomainDefFormatInternalSetRootName}:
 * same element order, same attribute order, two-space indentation, 'single' quotes.
 *
 * <p>Stateless; safe from any thread (the definition must not change while it runs).
 */
final class DomainFormatter {

    private DomainFormatter() {
    }

    static void format(DomainDef d, StringBuilder out, int ind, int publicFlags, String root) {
        boolean inactive = (publicFlags & DomainDef.XML_INACTIVE) != 0 || d.id == -1;
        boolean secure = (publicFlags & DomainDef.XML_SECURE) != 0;
        boolean migratable = (publicFlags & DomainDef.XML_MIGRATABLE) != 0;
        Ctx ctx = new Ctx(inactive, secure, migratable);

        pad(out, ind).append('<').append(root).append(" type='").append(d.virtType).append('\'');
        if (!inactive) {
            out.append(" id='").append(d.id).append('\'');
        }
        out.append(">\n");
        int in = ind + 2;
        textEl(out, in, "name", d.name);
        textEl(out, in, "uuid", d.uuidString());
        if (d.genidRequested && d.genid != null) {
            textEl(out, in, "genid", d.genid);
        }
        textEl(out, in, "title", d.title);
        textEl(out, in, "description", d.description);
        if (d.metadata != null) {
            Metadata.format(out, d.metadata, in);
        }
        if (d.maxMemoryKiB > 0 || d.memorySlots > 0) {
            pad(out, in).append("<maxMemory slots='").append(Integer.toUnsignedString(d.memorySlots))
                    .append("' unit='KiB'>").append(d.maxMemoryKiB).append("</maxMemory>\n");
        }
        pad(out, in).append("<memory");
        if (d.memoryDumpCore != null) {
            out.append(" dumpCore='").append(d.memoryDumpCore).append('\'');
        }
        out.append(" unit='KiB'>").append(d.memoryKiB).append("</memory>\n");
        pad(out, in).append("<currentMemory unit='KiB'>").append(d.currentMemoryKiB)
                .append("</currentMemory>\n");
        node(out, in, d.blkiotune);
        node(out, in, d.memtune);
        node(out, in, d.memoryBacking);
        pad(out, in).append("<vcpu placement='").append(d.vcpuPlacement).append('\'');
        if (d.vcpuCpuset != null) {
            out.append(" cpuset='").append(d.vcpuCpuset).append('\'');
        }
        if (d.vcpusCurrent != d.vcpusMax) {
            out.append(" current='").append(d.vcpusCurrent).append('\'');
        }
        out.append('>').append(Integer.toUnsignedString(d.vcpusMax)).append("</vcpu>\n");
        node(out, in, d.vcpus);
        iothreads(out, in, d);
        cputune(out, in, d);
        node(out, in, d.numatune);
        node(out, in, d.resource);
        for (XmlNode s : d.sysinfo) {
            node(out, in, s);
        }
        if (d.bootloader != null) {
            textEl(out, in, "bootloader", d.bootloader);
            textEl(out, in, "bootloader_args", d.bootloaderArgs);
        }
        os(out, in, d, ctx);
        node(out, in, d.idmap);
        node(out, in, d.features);
        node(out, in, d.cpu);
        node(out, in, d.clock);
        textEl(out, in, "on_poweroff", d.onPoweroff);
        textEl(out, in, "on_reboot", d.onReboot);
        textEl(out, in, "on_crash", d.onCrash);
        if (d.onLockFailure != null) {
            textEl(out, in, "on_lockfailure", d.onLockFailure);
        }
        node(out, in, d.pm);
        node(out, in, d.perf);
        pad(out, in).append("<devices>\n");
        textEl(out, in + 2, "emulator", d.emulator);
        for (DeviceDef dev : d.devices) {
            device(out, in + 2, d, dev, ctx);
        }
        pad(out, in).append("</devices>\n");
        for (XmlNode s : d.seclabels) {
            node(out, in, s);
        }
        node(out, in, d.keywrap);
        node(out, in, d.launchSecurity);
        pad(out, ind).append("</").append(root).append(">\n");
    }

    record Ctx(boolean inactive, boolean secure, boolean migratable) {
    }

    static StringBuilder pad(StringBuilder out, int n) {
        XmlNode.pad(out, n);
        return out;
    }

    private static void textEl(StringBuilder out, int ind, String name, String value) {
        if (value == null) {
            return;
        }
        pad(out, ind).append('<').append(name).append('>');
        XmlNode.escape(out, value);
        out.append("</").append(name).append(">\n");
    }

    private static void node(StringBuilder out, int ind, XmlNode n) {
        if (n != null) {
            n.format(out, ind);
        }
    }

    private static void iothreads(StringBuilder out, int ind, DomainDef d) {
        if (d.iothreads == null) {
            return;
        }
        XmlNode count = d.iothreads.child("iothreads");
        if (count != null) {
            count.format(out, ind);
        }
        XmlNode ids = d.iothreads.child("iothreadids");
        if (ids != null) {
            boolean show = false;
            for (XmlNode t : ids.children()) {
                if (t.attr("auto") == null || t.attr("thread_pool_min") != null
                        || t.attr("thread_pool_max") != null) {
                    show = true;
                    break;
                }
            }
            if (show) {
                XmlNode copy = new XmlNode("iothreadids");
                for (XmlNode t : ids.children()) {
                    XmlNode c = t.copy();
                    c.attr("auto", null);
                    copy.add(c);
                }
                copy.format(out, ind);
            }
        }
        XmlNode def = d.iothreads.child("defaultiothread");
        if (def != null) {
            def.format(out, ind);
        }
    }

    private static final List<String> CPUTUNE_SCALARS = List.of("shares", "period", "quota",
            "global_period", "global_quota", "emulator_period", "emulator_quota",
            "iothread_period", "iothread_quota");

    private static void cputune(StringBuilder out, int ind, DomainDef d) {
        XmlNode ct = new XmlNode("cputune");
        XmlNode src = d.cputune;
        if (src != null) {
            for (String k : CPUTUNE_SCALARS) {
                XmlNode c = src.child(k);
                if (c != null) {
                    ct.add(c);
                }
            }
        }
        for (Map.Entry<Integer, String> p : d.vcpuPins.entrySet()) {
            if (p.getKey() < d.vcpusMax) {
                ct.add(new XmlNode("vcpupin").attr("vcpu", Integer.toString(p.getKey()))
                        .attr("cpuset", p.getValue()));
            }
        }
        if (src != null) {
            XmlNode ep = src.child("emulatorpin");
            if (ep != null) {
                ct.add(ep);
            }
            List<XmlNode> pins = src.children("iothreadpin");
            for (int id : d.iothreadIds()) {
                for (XmlNode p : pins) {
                    if (Integer.toString(id).equals(p.attr("iothread"))) {
                        ct.add(p);
                    }
                }
            }
            for (String k : List.of("emulatorsched", "vcpusched", "iothreadsched", "cachetune",
                    "memorytune")) {
                for (XmlNode c : src.children(k)) {
                    ct.add(c);
                }
            }
        }
        if (!ct.children().isEmpty()) {
            ct.format(out, ind);
        }
    }

    private static void os(StringBuilder out, int ind, DomainDef d, Ctx ctx) {
        pad(out, ind).append("<os");
        if (d.os != null && d.os.attr("firmware") != null) {
            out.append(" firmware='").append(d.os.attr("firmware")).append('\'');
        }
        out.append(">\n");
        pad(out, ind + 2).append("<type");
        if (d.osArch != null) {
            out.append(" arch='").append(d.osArch).append('\'');
        }
        if (d.osMachine != null) {
            out.append(" machine='");
            XmlNode.escape(out, d.osMachine);
            out.append('\'');
        }
        String type = "xen".equals(d.virtType) && "xen".equals(d.osType) ? "linux" : d.osType;
        out.append('>').append(type).append("</type>\n");
        if (d.os != null) {
            for (XmlNode c : d.os.children()) {
                if (d.bootloader != null && (c.name().equals("boot") || c.name().equals("bootmenu")
                        || c.name().equals("bios"))) {
                    continue;
                }
                (ctx.secure() ? c : SecureFields.withoutCookies(c)).format(out, ind + 2);
            }
        }
        pad(out, ind).append("</os>\n");
    }

    /** virDomainChrSourceDefFormat: a pty's path is live state, left out of the inactive form. */
    private static XmlNode withoutInactivePty(XmlNode chr, Ctx ctx) {
        if (!ctx.inactive() || !"pty".equals(chr.attr("type")) || chr.child("source") == null) {
            return chr;
        }
        XmlNode c = chr.copy();
        c.remove("source");
        return c;
    }

    private static void device(StringBuilder out, int ind, DomainDef d, DeviceDef dev, Ctx ctx) {
        XmlNode n = dev.node();
        switch (dev.kind()) {
            case DISK -> {
                if (!ctx.secure()) {
                    n = SecureFields.withoutCookies(n);
                }
            }
            case INTERFACE -> {
                XmlNode t = n.child("target");
                String ifname = t == null ? null : t.attr("dev");
                if (ctx.inactive() && ifname != null && !"no".equals(t.attr("managed"))
                        && (ifname.startsWith("vnet") || ifname.startsWith("macvtap")
                        || ifname.startsWith("macvlan"))) {
                    n = n.copy();
                    XmlNode tt = n.child("target");
                    tt.attr("dev", null);
                    if (tt.attrs().isEmpty()) {
                        n.remove("target");
                    }
                }
            }
            case GRAPHICS -> n = Graphics.forFormat(n, ctx.inactive(), ctx.secure(), ctx.migratable());
            case INPUT -> {
                if (ctx.migratable() && "keyboard".equals(n.attr("type"))
                        && ("ps2".equals(n.attr("bus")) || "xen".equals(n.attr("bus")))) {
                    return;
                }
            }
            case CONSOLE -> {
                List<DeviceDef> consoles = d.devices(DeviceKind.CONSOLE);
                List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
                int i = consoles.indexOf(dev);
                XmlNode t = n.child("target");
                String tt = t == null ? null : t.attr("type");
                if ("hvm".equals(d.osType) && ("serial".equals(tt) || tt == null) && i < serials.size()) {
                    XmlNode s = serials.get(i).node(); // only read: the console is a new node
                    XmlNode c = new XmlNode("console");
                    for (var a : s.attrs().entrySet()) {
                        c.attr(a.getKey(), a.getValue());
                    }
                    for (XmlNode k : s.children()) {
                        if (k.name().equals("target")) {
                            c.add(new XmlNode("target").attr("type", "serial")
                                    .attr("port", k.attr("port")));
                        } else {
                            c.add(k);
                        }
                    }
                    n = c;
                    // virDomainChrDefFormat's tty_compat: the first console repeats the pty path
                    String pty = "pty".equals(n.attr("type")) ? n.childAttr("source", "path") : null;
                    if ("0".equals(n.childAttr("target", "port")) && pty != null && !ctx.inactive()) {
                        n.attr("tty", pty);
                    }
                }
                n = withoutInactivePty(n, ctx);
            }
            case SERIAL -> n = withoutInactivePty(n, ctx);
            case CHANNEL -> {
                XmlNode t = n.child("target");
                if (ctx.inactive() && t != null && t.attr("state") != null) {
                    n = n.copy();
                    n.child("target").attr("state", null);
                }
            }
            case PANIC -> {
                if (n.attrs().isEmpty() && n.children().isEmpty()) {
                    return; // virXMLFormatElement drops an element with nothing in it
                }
            }
            case REDIRDEV -> {
                if (n.children().isEmpty()) {
                    // virDomainRedirdevDefFormat always opens the element
                    String open = n.toString();
                    pad(out, ind).append(open, 0, open.length() - 3).append(">\n");
                    pad(out, ind).append("</redirdev>\n");
                    return;
                }
            }
            default -> {
            }
        }
        n.format(out, ind);
    }
}
