package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;
import java.util.Locale;

/**
 * What virDomainNetDefParseXML checks and normalises on an {@code <interface>} beyond its
 * source kinds: the model string (a known model in libvirt's spelling, any other of
 * {@code [A-Za-z0-9_-]}), the socket sources of server/client/mcast/udp, the MTU; and what
 * virDomainNetDefFormat leaves out: {@code <driver>} and the vhost backend unless the model is
 * virtio, a zero MTU.
 *
 * <p>Stateless; safe from any thread.
 */
final class IfaceChecks {

    private IfaceChecks() {
    }

    /** virDomainNetModel's names (index 0, "unknown", is no model). */
    private static final List<String> MODELS = List.of("netfront", "rtl8139", "virtio", "e1000",
            "e1000e", "virtio-transitional", "virtio-non-transitional", "usb-net", "spapr-vlan",
            "lan9118", "scm91c111", "vlance", "vmxnet", "vmxnet2", "vmxnet3", "Am79C970A",
            "Am79C973", "82540EM", "82545EM", "82543GC");

    /** Checks the raw element before the source kinds are read, in the parser's order. */
    static void checkModel(XElem e) {
        XElem model = e.child("model");
        String m = model == null ? null : model.attr("type");
        if (m == null || m.isEmpty() || known(m) != null) {
            return;
        }
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN, "Model name contains invalid characters");
            }
        }
    }

    /**
     * The source attributes each kind requires (virXMLPropStringRequired) and its enums, then
     * whether the kind may have a {@code <virtualport>}.
     */
    static void checkSource(String type, XElem e) {
        XElem src = e.child("source");
        if (src != null) {
            String required = switch (type) {
                case "network" -> "network";
                case "internal" -> "name";
                case "bridge" -> "bridge";
                case "direct", "vdpa" -> "dev";
                default -> null;
            };
            if (required != null && src.attr(required) == null) {
                throw Values.missingAttr("source", required);
            }
            if ("direct".equals(type)) {
                Values.propEnum(src, "mode", List.of("vepa", "private", "bridge", "passthrough"));
            }
            checkSocketSource(type, src);
        }
        if (e.child("virtualport") != null && !List.of("network", "bridge", "direct", "hostdev").contains(type)) {
            throw Values.unsupported("<virtualport> element unsupported for <interface type='" + type + "'>");
        }
    }

    /** virDomainNetDefParseXMLDriver's name (virtio models only) and the link state. */
    static void checkDriverAndLink(String type, XElem e) {
        XElem model = e.child("model");
        String m = model == null || model.attr("type") == null ? null : known(model.attr("type"));
        XElem driver = e.child("driver");
        if (driver != null && !"hostdev".equals(type) && m != null && m.startsWith("virtio")) {
            Values.propEnum(driver, "name", List.of("qemu", "vhost"));
        }
        XElem link = e.child("link");
        String state = link == null ? null : link.attr("state");
        if (state != null && !"up".equals(state) && !"down".equals(state)) {
            throw Values.unsupported("unknown interface link state '" + state + "'");
        }
    }

    /** The socket kinds' source: address (optional for server) and port are required. */
    private static void checkSocketSource(String type, XElem src) {
        if (!List.of("server", "client", "mcast", "udp").contains(type)) {
            return;
        }
        if (!"server".equals(type) && src.attr("address") == null) {
            throw Values.missingAttr("source", "address");
        }
        requiredInt(src, "port");
        if ("udp".equals(type)) {
            XElem local = src.child("local");
            if (local == null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "'<local>' element missing for 'udp' socket interface");
            }
            if (local.attr("address") == null) {
                throw Values.missingAttr("local", "address");
            }
            requiredInt(local, "port");
        }
    }

    private static void requiredInt(XElem e, String attr) {
        String v = e.attr(attr);
        if (v == null) {
            throw Values.missingAttr(e.local, attr);
        }
        Values.propInt(e, attr, v, false);
    }

    /** virXPathUInt on mtu/@size: anything but an unsigned int is "malformed mtu size". */
    static void checkMtu(XElem e) {
        XElem mtu = e.child("mtu");
        String size = mtu == null ? null : mtu.attr("size");
        if (size == null || size.isEmpty()) {
            return;
        }
        String t = size.stripLeading();
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        boolean ok = !t.isEmpty() && t.chars().allMatch(Character::isDigit);
        if (ok) {
            try {
                ok = Long.parseLong(t) <= 0xffffffffL;
            } catch (NumberFormatException ex) {
                ok = false;
            }
        }
        if (!ok) {
            throw DomainDef.xmlError("malformed mtu size");
        }
    }

    /** The canonical node: model in libvirt's spelling, no virtio-only parts on other models. */
    static void normalise(XmlNode n) {
        XmlNode model = n.child("model");
        String m = model == null ? null : model.attr("type");
        String k = m == null ? null : known(m);
        if (k != null) {
            model.attr("type", k);
        }
        boolean virtio = k != null && k.startsWith("virtio");
        if (!virtio) {
            n.remove("driver");
            XmlNode backend = n.child("backend");
            if (backend != null) {
                backend.attr("vhost", null);
                if (backend.attrs().isEmpty()) {
                    n.remove("backend");
                }
            }
        }
        XmlNode mtu = n.child("mtu");
        if (mtu != null) {
            String size = mtu.attr("size");
            long v = size == null || size.isBlank() ? 0 : Long.parseLong(size.strip().replace("+", ""));
            if (v == 0) {
                n.remove("mtu");
            } else {
                mtu.attr("size", Long.toString(v));
            }
        }
    }

    private static String known(String m) {
        for (String k : MODELS) {
            if (k.toLowerCase(Locale.ROOT).equals(m.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        return null;
    }
}
