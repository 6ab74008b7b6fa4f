package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * {@code <graphics>} (virDomainGraphicsDefParseXML / virDomainGraphicsDefFormat) for vnc,
 * spice, rdp, sdl, desktop, egl-headless and dbus. The canonical node keeps the port as parsed
 * (0 = none) and the listens; {@link #forFormat} applies the flag-dependent parts (autoport
 * ports in inactive XML, passwords only with SECURE, the legacy {@code listen} attribute).
 *
 * <p>Stateless; safe from any thread.
 */
final class Graphics {

    private Graphics() {
    }

    static final List<String> TYPES = List.of("sdl", "vnc", "rdp", "desktop", "spice",
            "egl-headless", "dbus");

    static XmlNode canon(XElem e, int flags) {
        String type = e.attr("type");
        if (type == null) {
            throw Values.missingAttr("graphics", "type");
        }
        if (!TYPES.contains(type)) {
            throw Values.invalidAttr(e, "type", type);
        }
        XmlNode n = new XmlNode("graphics").attr("type", type);
        boolean inactive = (flags & DomainDef.PARSE_INACTIVE) != 0;
        switch (type) {
            case "vnc", "spice", "rdp" -> {
                String port = e.attr("port");
                boolean auto = false;
                long p = 0;
                if (port != null) {
                    try {
                        p = Long.parseLong(port.trim());
                    } catch (NumberFormatException ex) {
                        throw VirException.internalError(VirErrorDomain.DOMAIN,
                                "cannot parse " + type + " port " + port);
                    }
                    if (p == -1) {
                        p = 0;
                        auto = true;
                    }
                } else if (!"spice".equals(type)) {
                    auto = true;
                }
                String ap = e.attr("autoport");
                if (ap != null) {
                    auto = "yes".equals(ap);
                    if (!auto && !"no".equals(ap)) {
                        throw Values.invalidAttr(e, "autoport", ap);
                    }
                }
                if (auto && inactive) {
                    p = 0;
                }
                n.attr("port", Long.toString(p));
                if ("spice".equals(type) && e.attr("tlsPort") != null) {
                    n.attr("tlsPort", e.attr("tlsPort"));
                }
                n.attr("autoport", auto ? "yes" : "no");
                if ("vnc".equals(type)) {
                    n.attr("websocket", e.attr("websocket"));
                }
                if ("rdp".equals(type)) {
                    n.attr("replaceUser", "yes".equals(e.attr("replaceUser")) ? "yes" : null);
                    n.attr("multiUser", "yes".equals(e.attr("multiUser")) ? "yes" : null);
                } else {
                    n.attr("keymap", e.attr("keymap"));
                }
                if ("vnc".equals(type)) {
                    n.attr("sharePolicy", e.attr("sharePolicy"));
                    n.attr("powerControl", e.attr("powerControl"));
                } else if ("spice".equals(type)) {
                    String dm = e.attr("defaultMode");
                    n.attr("defaultMode", dm == null || "any".equals(dm) ? null : dm);
                }
                if (!"rdp".equals(type)) {
                    n.attr("passwd", e.attr("passwd"));
                    n.attr("passwdValidTo", e.attr("passwdValidTo"));
                    n.attr("connected", e.attr("connected"));
                }
                listens(n, e, type, inactive);
                if ("spice".equals(type)) {
                    spiceListenNone(n);
                }
                XElem audio = "vnc".equals(type) ? e.child("audio") : null;
                if (audio != null) {
                    n.add(new XmlNode("audio").attr("id", Long.toString(Values.propUIntNonZero(audio, "id", true))));
                }
            }
            case "sdl" -> {
                n.attr("display", e.attr("display"));
                n.attr("xauth", e.attr("xauth"));
                n.attr("fullscreen", "yes".equals(e.attr("fullscreen")) ? "yes" : null);
                XElem gl = e.child("gl");
                if (gl != null && gl.attr("enable") != null) {
                    n.add(new XmlNode("gl").attr("enable", gl.attr("enable")));
                }
            }
            case "desktop" -> {
                n.attr("display", e.attr("display"));
                n.attr("fullscreen", "yes".equals(e.attr("fullscreen")) ? "yes" : null);
            }
            case "egl-headless" -> {
                XElem gl = e.child("gl");
                if (gl != null && gl.attr("rendernode") != null) {
                    n.add(new XmlNode("gl").attr("rendernode", gl.attr("rendernode")));
                }
            }
            case "dbus" -> {
                n.attr("p2p", "yes".equals(e.attr("p2p")) ? "yes" : null);
                n.attr("address", e.attr("address"));
                XElem gl = e.child("gl");
                if (gl != null && gl.attr("enable") != null) {
                    n.add(new XmlNode("gl").attr("enable", gl.attr("enable"))
                            .attr("rendernode", gl.attr("rendernode")));
                }
                XElem audio = e.child("audio");
                if (audio != null && audio.attr("id") != null) {
                    n.add(new XmlNode("audio").attr("id", audio.attr("id")));
                }
            }
            default -> {
            }
        }
        if ("spice".equals(type)) {
            spiceChildren(n, e);
        }
        return n;
    }

    /** virDomainGraphicsListensParseXML: the {@code <listen>} elements, else one from the legacy attributes. */
    private static void listens(XmlNode n, XElem e, String type, boolean inactive) {
        List<XElem> ls = e.children("listen");
        String legacy = e.attr("listen");
        String socket = "vnc".equals(type) ? e.attr("socket") : null;
        for (int i = 0; i < ls.size(); i++) {
            n.add(listen(ls.get(i), type, i == 0 ? e : null, inactive));
        }
        XmlNode compat = socket != null ? new XmlNode("listen").attr("type", "socket").attr("socket", socket)
                : new XmlNode("listen").attr("type", "address")
                        .attr("address", legacy == null || legacy.isEmpty() ? null : legacy);
        if (ls.isEmpty()) {
            n.add(compat);
        } else if (socket != null) {
            XmlNode first = n.child("listen");
            if ("address".equals(first.attr("type")) || "network".equals(first.attr("type"))) {
                n.children().set(n.children().indexOf(first), compat);
            }
        }
    }

    /** virDomainGraphicsListenDefParseXML ({@code parent}: the graphics element, for the first listen only). */
    private static XmlNode listen(XElem l, String graphicsType, XElem parent, boolean inactive) {
        String lt = l.attr("type");
        if (lt == null) {
            throw Values.missingAttr("listen", "type");
        }
        Values.propEnum(l, "type", List.of("none", "address", "network", "socket"));
        if (("socket".equals(lt) || "none".equals(lt))
                && !"vnc".equals(graphicsType) && !"spice".equals(graphicsType)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "listen type '" + lt + "' is not available for graphics type '" + graphicsType + "'");
        }
        String address = l.attr("address");
        String network = l.attr("network");
        String socketPath = l.attr("socket");
        String addressCompat = parent == null ? null : parent.attr("listen");
        String socketCompat = parent == null ? null : parent.attr("socket");
        if ("address".equals(lt)) {
            if (address != null && addressCompat != null && !address.equals(addressCompat)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "graphics 'listen' attribute '" + addressCompat + "' must match 'address' attribute"
                                + " of first listen element (found '" + address + "')");
            }
            address = address == null ? addressCompat : address;
        }
        if ("socket".equals(lt)) {
            if (socketPath != null && socketCompat != null && !socketPath.equals(socketCompat)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "graphics 'socket' attribute '" + socketCompat + "' must match 'socket' attribute"
                                + " of first listen element (found '" + socketPath + "')");
            }
            socketPath = socketPath == null ? socketCompat : socketPath;
        }
        XmlNode ln = new XmlNode("listen").attr("type", lt);
        if (address != null && !address.isEmpty()
                && ("address".equals(lt) || ("network".equals(lt) && !inactive))) {
            ln.attr("address", address);
        }
        if (network != null && !network.isEmpty()) {
            if (!"network".equals(lt)) {
                throw DomainDef.xmlError("'network' attribute is valid only for listen type 'network'");
            }
            ln.attr("network", network);
        }
        if (socketPath != null && !socketPath.isEmpty()) {
            if (!"socket".equals(lt)) {
                throw DomainDef.xmlError("'socket' attribute is valid only for listen type 'socket'");
            }
            ln.attr("socket", socketPath);
        }
        return ln;
    }

    /**
     * virDomainDefPostParseGraphics: spice with no port, no TLS port and autoport off listens
     * nowhere, written as {@code <listen type='none'/>}.
     */
    private static void spiceListenNone(XmlNode n) {
        XmlNode first = n.child("listen");
        String tls = n.attr("tlsPort");
        if (first != null && "address".equals(first.attr("type")) && "0".equals(n.attr("port"))
                && (tls == null || Values.parseULong(tls.strip()) == 0) && "no".equals(n.attr("autoport"))) {
            n.children().set(n.children().indexOf(first), new XmlNode("listen").attr("type", "none"));
        }
    }

    private static final List<String> SPICE_CHANNELS = List.of("main", "display", "inputs",
            "cursor", "playback", "record", "smartcard", "usbredir");

    private static void spiceChildren(XmlNode n, XElem e) {
        for (String ch : SPICE_CHANNELS) {
            for (XElem c : e.children("channel")) {
                if (ch.equals(c.attr("name")) && c.attr("mode") != null && !"any".equals(c.attr("mode"))) {
                    n.add(new XmlNode("channel").attr("name", ch).attr("mode", c.attr("mode")));
                    break;
                }
            }
        }
        String[][] simple = {{"image", "compression"}, {"jpeg", "compression"},
            {"zlib", "compression"}, {"playback", "compression"}, {"streaming", "mode"},
            {"mouse", "mode"}, {"clipboard", "copypaste"}, {"filetransfer", "enable"}};
        for (String[] s : simple) {
            XElem c = e.child(s[0]);
            if (c != null && c.attr(s[1]) != null) {
                n.add(new XmlNode(s[0]).attr(s[1], c.attr(s[1])));
            }
        }
        XElem gl = e.child("gl");
        if (gl != null && gl.attr("enable") != null) {
            n.add(new XmlNode("gl").attr("enable", gl.attr("enable")).attr("rendernode", gl.attr("rendernode")));
        }
    }

    /** The node as virDomainGraphicsDefFormat prints it for these flags. */
    static XmlNode forFormat(XmlNode src, boolean inactive, boolean secure, boolean migratable) {
        String type = src.attr("type");
        XmlNode n = new XmlNode("graphics").attr("type", type);
        if ("vnc".equals(type)) {
            n.alwaysOpen(); // virDomainGraphicsDefFormat always opens a vnc element's children
        }
        XmlNode first = src.child("listen");
        switch (type) {
            case "vnc", "spice", "rdp" -> {
                boolean socket = first != null && "socket".equals(first.attr("type"));
                boolean none = first != null && "none".equals(first.attr("type"));
                boolean auto = "yes".equals(src.attr("autoport"));
                long port = Long.parseLong(src.attr("port"));
                if ("vnc".equals(type) && socket) {
                    n.attr("socket", first.attr("socket"));
                } else if ("rdp".equals(type)) {
                    if (port != 0) {
                        n.attr("port", Long.toString(port));
                    } else if (auto) {
                        n.attr("port", "0");
                    }
                    if (auto) {
                        n.attr("autoport", "yes");
                    }
                    n.attr("replaceUser", src.attr("replaceUser"));
                    n.attr("multiUser", src.attr("multiUser"));
                    legacyListen(n, first, inactive, migratable);
                } else if (!none && !socket) {
                    if ("vnc".equals(type)) {
                        if (port != 0 && (!auto || !inactive)) {
                            n.attr("port", Long.toString(port));
                        } else if (auto) {
                            n.attr("port", "-1");
                        }
                    } else if (port != 0) {
                        n.attr("port", Long.toString(port));
                    }
                    n.attr("tlsPort", src.attr("tlsPort"));
                    n.attr("autoport", auto ? "yes" : "no");
                    n.attr("websocket", src.attr("websocket"));
                    legacyListen(n, first, inactive, migratable);
                } else if (none && migratable && "spice".equals(type)) {
                    n.attr("autoport", "no");
                }
                if (!"rdp".equals(type)) {
                    n.attr("keymap", src.attr("keymap"));
                    n.attr("sharePolicy", src.attr("sharePolicy"));
                    n.attr("powerControl", src.attr("powerControl"));
                    n.attr("defaultMode", src.attr("defaultMode"));
                    if (secure) {
                        n.attr("passwd", src.attr("passwd"));
                    }
                    if (src.attr("passwd") != null) {
                        n.attr("passwdValidTo", src.attr("passwdValidTo"));
                        n.attr("connected", src.attr("connected"));
                    }
                }
            }
            default -> {
                for (var a : src.attrs().entrySet()) {
                    n.attr(a.getKey(), a.getValue());
                }
            }
        }
        for (XmlNode c : src.children()) {
            if (c.name().equals("listen")) {
                if (migratable && "spice".equals(type) && "none".equals(c.attr("type"))) {
                    continue;
                }
                XmlNode l = c.copy();
                if ("network".equals(c.attr("type")) && inactive) {
                    l = new XmlNode("listen").attr("type", "network").attr("network", c.attr("network"));
                }
                n.add(l);
            } else {
                n.add(c.copy());
            }
        }
        return n;
    }

    private static void legacyListen(XmlNode n, XmlNode first, boolean inactive, boolean migratable) {
        if (first == null) {
            return;
        }
        if ("network".equals(first.attr("type")) && (inactive || migratable)) {
            return;
        }
        if (first.attr("address") != null) {
            n.attr("listen", first.attr("address"));
        }
    }
}
