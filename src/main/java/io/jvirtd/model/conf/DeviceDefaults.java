package io.jvirtd.model.conf;

import java.util.Locale;

/**
 * The per-device defaults of libvirt's post-parse (domain_postparse.c
 * virDomainDeviceDefPostParseCommon) and the values its device parsers normalise, for the kinds
 * whose nodes {@link Devices} keeps as given: rng's {@code /dev/random}, vsock's
 * {@code <cid auto>}, a filesystem's {@code accessmode='passthrough'} and its octal modes,
 * shmem's model, role and size, an iSCSI disk's LUN.
 *
 * <p>Stateless; safe from any thread.
 */
final class DeviceDefaults {

    private DeviceDefaults() {
    }

    static void apply(DeviceDef dev) {
        XmlNode n = dev.node();
        switch (dev.kind()) {
            case RNG -> rng(n);
            case VSOCK -> vsock(n);
            case FILESYSTEM -> filesystem(n);
            case SHMEM -> shmem(n);
            case DISK -> {
                iscsiPath(n.child("source"), "network".equals(n.attr("type")));
                if ("network".equals(n.attr("type"))) {
                    defaultPorts(n.child("source"));
                }
            }
            default -> {
                return;
            }
        }
        Devices.sort(dev.kind(), n);
    }

    /** virDomainRNGDefPostParse: the random backend reads /dev/random unless told otherwise. */
    private static void rng(XmlNode n) {
        XmlNode backend = n.child("backend");
        if (backend != null && "random".equals(backend.attr("model"))
                && (backend.text() == null || backend.text().isEmpty())) {
            backend.text("/dev/random");
        }
    }

    /** virDomainVsockDefPostParse: auto='yes' unless a guest CID is given. */
    private static void vsock(XmlNode n) {
        XmlNode cid = n.child("cid");
        if (cid == null) {
            cid = new XmlNode("cid");
            n.add(cid);
        }
        if (cid.attr("auto") == null) {
            String address = cid.attr("address");
            boolean given = address != null && Values.parseULong(address) > 0;
            cid.attr("auto", given ? "no" : "yes");
            Devices.sortChild(DeviceKind.VSOCK, n, "cid");
        }
    }

    /**
     * virDomainFSDefPostParse: accessmode passthrough unless the filesystem is a vhost-user
     * socket; fmode/dmode are octal and printed with four digits ('%04o').
     */
    private static void filesystem(XmlNode n) {
        XmlNode src = n.child("source");
        if (n.attr("accessmode") == null && (src == null || src.attr("socket") == null)) {
            n.attr("accessmode", "passthrough");
        }
        for (String mode : new String[] {"fmode", "dmode"}) {
            String v = n.attr(mode);
            if (v != null) {
                int m = Integer.parseInt(v.strip(), 8);
                n.attr(mode, m == 0 ? null : String.format(Locale.ROOT, "%04o", m));
            }
        }
    }

    /**
     * virDomainShmemDefParseXML/Format: the model is always written (ivshmem when absent),
     * plain ivshmem has no role, and the size is written in MiB.
     */
    private static void shmem(XmlNode n) {
        XmlNode model = n.child("model");
        if (model == null) {
            model = new XmlNode("model");
            n.add(model);
        }
        if (model.attr("type") == null) {
            model.attr("type", "ivshmem");
        }
        if ("ivshmem".equals(model.attr("type"))) {
            n.attr("role", null);
        }
        XmlNode size = n.child("size");
        if (size != null && size.text() != null) {
            long scale = Values.unitScale(size.attr("unit"), 1);
            long bytes = Values.parseULong(size.text().strip()) * scale;
            long mib = bytes >> 20;
            if (bytes == 0) {
                n.remove("size");
            } else {
                size.attr("unit", "M").text(Long.toString(mib));
            }
        }
    }

    /** virStorageSourceNetworkAssignDefaultPorts: a TCP host without port gets the protocol's. */
    static void defaultPorts(XmlNode src) {
        if (src == null) {
            return;
        }
        int port = switch (String.valueOf(src.attr("protocol"))) {
            case "http" -> 80;
            case "https" -> 443;
            case "ftp" -> 21;
            case "ftps" -> 990;
            case "tftp" -> 69;
            case "sheepdog" -> 7000;
            case "nbd" -> 10809;
            case "ssh" -> 22;
            case "iscsi" -> 3260;
            case "gluster" -> 24007;
            case "vxhs" -> 9999;
            default -> 0;
        };
        for (XmlNode h : src.children("host")) {
            String t = h.attr("transport");
            String p = h.attr("port");
            if ((t == null || "tcp".equals(t)) && (p == null || Values.parseULong(p.strip()) == 0) && port != 0) {
                h.attr("port", Integer.toString(port));
            }
        }
    }

    /** virDomainPostParseCheckISCSIPath: an iSCSI target without "/LUN" means LUN 0. */
    static void iscsiPath(XmlNode src, boolean network) {
        if (network && src != null && "iscsi".equals(src.attr("protocol"))) {
            String name = src.attr("name");
            if (name != null && name.indexOf('/') < 0) {
                src.attr("name", name + "/0");
            }
        }
    }
}
