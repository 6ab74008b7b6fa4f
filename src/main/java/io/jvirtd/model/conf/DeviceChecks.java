package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * The checks libvirt's device parsers (virDomain*DefParseXML) make on the kinds whose nodes
 * {@link Devices} otherwise keeps as given: the enums and required parts of hub, watchdog, rng,
 * sound and a filesystem's modes, and a network disk's source. Each throws libvirt's code and
 * text for the first problem in libvirt's order.
 *
 * <p>Stateless; safe from any thread.
 */
final class DeviceChecks {

    private DeviceChecks() {
    }

    static final List<String> SOUND_MODELS = List.of("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9",
            "usb", "ich7");
    private static final List<String> WATCHDOG_MODELS = List.of("i6300esb", "ib700", "diag288");
    private static final List<String> WATCHDOG_ACTIONS = List.of("reset", "shutdown", "poweroff", "pause",
            "dump", "none", "inject-nmi");
    private static final List<String> RNG_MODELS = List.of("virtio", "virtio-transitional",
            "virtio-non-transitional");
    private static final List<String> RNG_BACKENDS = List.of("random", "egd", "builtin");
    private static final List<String> NET_PROTOCOLS = List.of("none", "nbd", "rbd", "sheepdog", "gluster",
            "iscsi", "http", "https", "ftp", "ftps", "tftp", "ssh", "vxhs", "nfs");

    static void check(DeviceKind kind, XElem e) {
        switch (kind) {
            case DISK -> {
                if ("network".equals(e.attr("type")) && e.child("source") != null) {
                    networkSource(e.child("source"));
                }
            }
            case HUB -> hub(e);
            case WATCHDOG -> watchdog(e);
            case RNG -> rng(e);
            case SOUND -> sound(e);
            case SHMEM -> shmem(e);
            case TPM -> Values.propEnum(e, "model", List.of("tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy"));
            case SMARTCARD -> {
                if (e.attr("mode") == null) {
                    throw Values.missingAttr("smartcard", "mode");
                }
                Values.propEnum(e, "mode", List.of("host", "host-certificates", "passthrough"));
            }
            case FILESYSTEM -> {
                octalMode(e, "fmode");
                octalMode(e, "dmode");
            }
            default -> {
            }
        }
    }

    /** virDomainDiskSourceNetworkParse. */
    static void networkSource(XElem src) {
        String protocol = src.attr("protocol");
        if (protocol == null) {
            throw Values.missingAttr("source", "protocol");
        }
        Values.propEnum(src, "protocol", NET_PROTOCOLS);
        String name = src.attr("name");
        if (name == null && !"nbd".equals(protocol)) {
            throw DomainDef.xmlError("missing name for disk source");
        }
        if (name != null && ("gluster".equals(protocol) || "rbd".equals(protocol)) && name.indexOf('/') <= 0) {
            throw DomainDef.xmlError("can't split path '" + name + "' into pool name and image name");
        }
    }

    private static void hub(XElem e) {
        String type = e.attr("type");
        if (type == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "missing hub device type");
        }
        if (!"usb".equals(type)) {
            throw Values.unsupported("unknown hub device type '" + type + "'");
        }
    }

    private static void watchdog(XElem e) {
        String model = e.attr("model");
        if (model == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "watchdog must contain model name");
        }
        if (!WATCHDOG_MODELS.contains(model)) {
            throw Values.unsupported("unknown watchdog model '" + model + "'");
        }
        String action = e.attr("action");
        if (action != null && !WATCHDOG_ACTIONS.contains(action)) {
            throw Values.unsupported("unknown watchdog action '" + action + "'");
        }
    }

    /** virDomainRNGDefParseXML up to its backend. */
    private static void rng(XElem e) {
        String model = e.attr("model");
        if (model == null) {
            throw DomainDef.xmlError("missing RNG device model");
        }
        if (!RNG_MODELS.contains(model)) {
            throw Values.unsupported("unknown RNG model '" + model + "'");
        }
        XElem rate = e.child("rate");
        long bytes = rate == null ? 0 : xpathUInt(rate.attr("bytes"), "invalid RNG rate bytes value");
        if (bytes > 0) {
            xpathUInt(rate.attr("period"), "invalid RNG rate period value");
        }
        List<XElem> backends = e.children("backend");
        if (backends.size() != 1) {
            throw DomainDef.xmlError("only one RNG backend is supported");
        }
        XElem b = backends.get(0);
        String backend = b.attr("model");
        if (backend == null) {
            throw DomainDef.xmlError("missing RNG device backend model");
        }
        if (!RNG_BACKENDS.contains(backend)) {
            throw Values.unsupported("unknown RNG backend model '" + backend + "'");
        }
        if ("egd".equals(backend)) {
            String type = b.attr("type");
            if (type == null) {
                throw DomainDef.xmlError("missing EGD backend type");
            }
            if (!Chr.TYPES.contains(type)) {
                throw Values.unsupported("unknown backend type '" + type + "' for egd");
            }
        }
    }

    /** virXPathUInt's "< -1" (present but not an unsigned int) is the caller's error. */
    private static long xpathUInt(String v, String error) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        String t = v.stripLeading();
        t = t.startsWith("+") ? t.substring(1) : t;
        try {
            if (t.isEmpty() || !t.chars().allMatch(Character::isDigit) || Long.parseLong(t) > 0xffffffffL) {
                throw new NumberFormatException(v);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException ex) {
            throw DomainDef.xmlError(error);
        }
    }

    /** virDomainSoundDefParseXML: model is a required enum, an audio reference a non-zero id. */
    private static void sound(XElem e) {
        String model = e.attr("model");
        if (model == null) {
            throw Values.missingAttr("sound", "model");
        }
        Values.propEnum(e, "model", SOUND_MODELS);
        XElem audio = e.child("audio");
        if (audio != null) {
            Values.propUIntNonZero(audio, "id", true);
        }
    }

    /** virDomainShmemDefParseXML: the model enum, a name, the role enum for non-plain models. */
    private static void shmem(XElem e) {
        XElem model = e.child("model");
        String type = model == null ? null : Values.propEnum(model, "type",
                List.of("ivshmem", "ivshmem-plain", "ivshmem-doorbell"));
        if (e.attr("name") == null) {
            throw DomainDef.xmlError("shmem element must contain 'name' attribute");
        }
        if (type != null && !"ivshmem".equals(type)) {
            Values.propEnum(e, "role", List.of("master", "peer"));
        }
    }

    /** virXMLPropUInt(base 8) and at most 0777. */
    private static void octalMode(XElem e, String attr) {
        String v = e.attr(attr);
        if (v == null) {
            return;
        }
        long m;
        try {
            String t = v.strip();
            if (t.startsWith("-")) {
                throw new NumberFormatException(v);
            }
            m = Long.parseLong(t.startsWith("+") ? t.substring(1) : t, 8);
        } catch (NumberFormatException ex) {
            m = -1;
        }
        if (m < 0 || m > 0xffffffffL) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local + "': '" + v
                    + "'. Expected non-negative integer value");
        }
        if (m > 0777) {
            throw DomainDef.xmlError("invalid " + attr + ": '0" + Long.toOctalString(m) + "'");
        }
    }

}
