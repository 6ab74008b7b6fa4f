package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * Character devices: serial, parallel, console, channel (virDomainChrDefParseXML and
 * virDomainChrDefFormat): source type defaults, the legacy {@code tty} attribute, target
 * types and ports. Stateless; safe from any thread.
 */
final class Chr {

    private Chr() {
    }

    static final List<String> TYPES = List.of("null", "vc", "pty", "dev", "file", "pipe",
            "stdio", "udp", "tcp", "unix", "spicevmc", "spiceport", "nmdm", "qemu-vdagent",
            "dbus");

    static void canon(DomainDef d, DeviceKind kind, XmlNode n, XElem e, int flags,
                      List<DeviceDef> sameKind) {
        String type = n.attr("type");
        if (type == null) {
            type = "pty";
        } else if (!TYPES.contains(type)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "unknown type presented to host for character device: " + type);
        }
        n.attr("type", type);
        String tty = n.attr("tty");
        n.attr("tty", null);
        XmlNode src = n.child("source");
        if (("pty".equals(type) || "dev".equals(type) || "file".equals(type) || "pipe".equals(type))) {
            String path = src == null ? null : src.attr("path");
            if (path == null && tty != null && "pty".equals(type)) {
                path = tty;
            }
            n.remove("source");
            if (path != null && !("pty".equals(type) && (flags & DomainDef.PARSE_INACTIVE) != 0)) {
                XmlNode s = new XmlNode("source").attr("path", path);
                if ("file".equals(type) && src != null) {
                    s.attr("append", src.attr("append"));
                }
                n.children().add(0, s);
            }
        }
        if ("unix".equals(type) && src != null) {
            // virDomainChrSourceDefFormat: a unix source only with its path, and always its mode
            if (src.attr("path") == null) {
                n.children().removeIf(c -> c.name().equals("source"));
            } else {
                src.attr("mode", "bind".equals(src.attr("mode")) ? "bind" : "connect");
                n.children().removeIf(c -> c.name().equals("source") && c != src);
            }
        }
        if ("udp".equals(type)) {
            // virDomainChrSourceDefFormat prints the bind source before the connect one
            List<XmlNode> srcs = n.children("source");
            n.children().removeIf(c -> c.name().equals("source"));
            int at = 0;
            for (String mode : new String[] {"bind", "connect"}) {
                for (XmlNode sn : srcs) {
                    String m = sn.attr("mode") == null ? "connect" : sn.attr("mode");
                    if (m.equals(mode)) {
                        XmlNode c = new XmlNode("source").attr("mode", mode)
                                .attr("host", sn.attr("host")).attr("service", sn.attr("service"));
                        n.children().add(at++, c);
                        break;
                    }
                }
            }
        }
        XmlNode target = n.child("target");
        XmlNode t = new XmlNode("target");
        switch (kind) {
            case CONSOLE -> {
                String tt = target == null ? null : target.attr("type");
                if (tt == null) {
                    tt = "serial";
                }
                t.attr("type", tt);
                // virDomainDefParseXML numbers consoles by position, whatever the XML says
                t.attr("port", Integer.toString(sameKind.size()));
            }
            case SERIAL, PARALLEL -> {
                if (target != null && target.attr("type") != null) {
                    t.attr("type", target.attr("type"));
                }
                long port = -1;
                if (target != null && target.attr("port") != null) {
                    port = Values.parseULong(target.attr("port"));
                    if (port < 0 || port > 0xffffffffL) {
                        throw DomainDef.xmlError("Invalid port number: " + target.attr("port"));
                    }
                }
                if (port < 0 && kind == DeviceKind.PARALLEL) {
                    // parallel ports are numbered while parsing, after the earlier ones
                    long max = -1;
                    for (DeviceDef o : sameKind) {
                        XmlNode ot = o.node().child("target");
                        max = Math.max(max, Long.parseLong(ot.attr("port")));
                    }
                    port = max + 1;
                }
                // serial ports without a number get one in post-parse (PostParse.serialPorts)
                t.attr("port", port < 0 ? "-1" : Long.toString(port));
                if (target != null && target.child("model") != null) {
                    t.add(target.child("model").copy());
                }
            }
            case CHANNEL -> {
                if (target != null) {
                    t.attr("type", target.attr("type"));
                    t.attr("name", target.attr("name"));
                    if ((flags & DomainDef.PARSE_INACTIVE) == 0) {
                        t.attr("state", target.attr("state"));
                    }
                    if ("guestfwd".equals(target.attr("type"))) {
                        t.attr("name", null);
                        t.attr("state", null);
                        t.attr("address", target.attr("address"));
                        t.attr("port", target.attr("port"));
                    }
                }
            }
            default -> {
            }
        }
        if (target != null) {
            n.children().set(n.children().indexOf(target), t);
        } else {
            n.add(t);
            Devices.sort(kind, n);
        }
    }
}
