package io.jvirtd.model.conf;

/**
 * What makes two {@code <hostdev>} the same host device (virDomainHostdevMatch): the PCI address,
 * the USB bus/device or else vendor/product, the SCSI adapter and address or iSCSI target, the
 * SCSI host WWPN, the mediated device UUID; for capabilities mode the block/char device or
 * interface name. Numbers are compared by value, as libvirt compares the parsed fields.
 *
 * <p>Stateless; safe from any thread.
 */
final class HostdevKey {

    private HostdevKey() {
    }

    /** A key equal for matching hostdevs, or null when the node names no source. */
    static String of(XmlNode h) {
        String mode = h.attr("mode") == null ? "subsystem" : h.attr("mode");
        String type = h.attr("type");
        XmlNode src = h.child("source");
        if ("capabilities".equals(mode)) {
            String what = switch (type == null ? "" : type) {
                case "storage" -> src == null ? null : src.childText("block");
                case "misc" -> src == null ? null : src.childText("char");
                case "net" -> src == null ? null : src.childText("interface");
                default -> null;
            };
            return "caps/" + type + "/" + what;
        }
        if (src == null) {
            return null;
        }
        XmlNode a = src.child("address");
        String key = switch (type == null ? "" : type) {
            case "pci" -> a == null ? null
                    : num(a, "domain") + ":" + num(a, "bus") + ":" + num(a, "slot") + "." + num(a, "function");
            case "usb" -> {
                long bus = a == null ? 0 : num(a, "bus");
                long device = a == null ? 0 : num(a, "device");
                yield bus != 0 && device != 0 ? "bus " + bus + ":" + device
                        : "id " + num(src.child("vendor"), "id") + ":" + num(src.child("product"), "id");
            }
            case "scsi" -> {
                if ("iscsi".equals(src.attr("protocol"))) {
                    XmlNode host = src.child("host");
                    yield "iscsi " + (host == null ? null : host.attr("name") + ":" + host.attr("port"))
                            + " " + src.attr("name");
                }
                XmlNode adapter = src.child("adapter");
                yield "host " + (adapter == null ? null : adapter.attr("name")) + " "
                        + (a == null ? "" : num(a, "bus") + ":" + num(a, "target") + ":" + num(a, "unit"));
            }
            case "scsi_host" -> src.attr("protocol") + " " + src.attr("wwpn");
            case "mdev" -> a == null ? null : a.attr("uuid");
            default -> null;
        };
        return key == null ? null : type + "/" + key;
    }

    private static long num(XmlNode n, String attr) {
        return n == null ? 0 : Address.num(n, attr);
    }
}
