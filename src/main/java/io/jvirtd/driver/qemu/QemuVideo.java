package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.VideoValidate;
import io.jvirtd.model.conf.XmlNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code <video>} devices on the QEMU driver, as libvirt 9.0 handles them on x86 with the models
 * this driver runs: {@code vga}, {@code cirrus}, {@code vmvga}, {@code qxl}, {@code virtio},
 * {@code bochs}, {@code ramfb} and {@code none} (Debian's QEMU has qxl as its hw-display-qxl
 * module, vmware-svga and ramfb built in).
 * <ul>
 * <li>the defaults (qemuDomainDeviceVideoDefPostParse): the model {@code cirrus}, QEMU having
 *     cirrus-vga; a qxl's vgamem 16 MiB; vram, a qxl's ram, heads and the primary flag are the
 *     generic parser's;</li>
 * <li>the checks of qemuValidateDomainDeviceDefVideo, with its errors: all but qxl and virtio
 *     only as the primary video and with one head; a qxl's ram and vram below 4 GiB, its vgamem
 *     at least 1 MiB and a power of two; a resolution only on vga, qxl, virtio and bochs; a vga's
 *     or vmvga's vram at least 1 MiB; before them the generic ones ({@link VideoValidate}), as
 *     libvirt validates a device;</li>
 * <li>the {@code -device} of each (qemuBuildDeviceVideoCmd): the primary one in its VGA-compatible
 *     form ({@code VGA}, {@code cirrus-vga}, {@code vmware-svga}, {@code qxl-vga},
 *     {@code virtio-vga}, {@code bochs-display}, {@code ramfb}), a secondary qxl as {@code qxl}
 *     and virtio as {@code virtio-gpu-pci}; {@code max_outputs} (the heads) for qxl and virtio;
 *     a qxl's {@code ram_size}, {@code vram_size} (bytes), {@code vram64_size_mb} and
 *     {@code vgamem_mb}; {@code vgamem_mb} (from vram) for vga and vmvga, {@code vgamem} in bytes
 *     for bochs, {@code xres}/{@code yres}. A ramfb is no PCI device (no address).</li>
 * </ul>
 * The PCI slots are {@link QemuPciSlots}', the aliases ({@code videoN}) {@link QemuDeviceAliases}'.
 * The guest stays headless: with no {@code <graphics>} QEMU runs with {@code -display none}, as
 * libvirt starts it, and the screen is read with QMP {@code screendump} ({@link QemuScreenshot}).
 *
 * <p>Stateless; the caller owns the definition.
 */
final class QemuVideo {

    private static final Set<String> MODELS = Set.of("vga", "cirrus", "vmvga", "qxl", "virtio", "bochs", "ramfb",
            "none");
    /** QEMU_QXL_VGAMEM_DEFAULT, KiB. */
    private static final String QXL_VGAMEM_DEFAULT = "16384";
    /** UINT_MAX / 1024: a qxl's ram and vram in KiB must give a byte count QEMU's uint32 takes. */
    private static final long QXL_MAX_KIB = 0xFFFF_FFFFL / 1024;

    private QemuVideo() {
    }

    /** The device post-parse hook: a video without a model type gets QEMU's x86 default. */
    static void defaultModel(DomainDef def, DeviceDef dev) {
        if (dev.kind() != DeviceKind.VIDEO) {
            return;
        }
        XmlNode model = dev.node().child("model");
        if (model != null && (model.attr("type") == null || "default".equals(model.attr("type")))) {
            model.attr("type", "cirrus");
        }
        if (model != null && "qxl".equals(model.attr("type"))
                && (model.attr("vgamem") == null || isZero(model.attr("vgamem")))) {
            model.attr("vgamem", QXL_VGAMEM_DEFAULT);
        }
    }

    /** Whether the video sits on the PCI bus (every model here but {@code none} and {@code ramfb}). */
    static boolean isPci(DeviceDef video) {
        String type = type(video);
        return !"none".equals(type) && !"ramfb".equals(type);
    }

    private static boolean isZero(String v) {
        try {
            return Long.parseLong(v.strip()) == 0;
        } catch (NumberFormatException e) {
            return false; // the parser's error comes first
        }
    }

    static String type(DeviceDef video) {
        return video.node().childAttr("model", "type");
    }

    /** The subset and qemuValidateDomainDeviceDefVideo, on a post-parsed video. */
    static void check(DomainDef def, DeviceDef video) {
        XmlNode v = video.node();
        VideoValidate.check(def, video); // virDomainDeviceDefValidate: the generic checks come first
        if (QemuXmlOptions.isQ35(def)) {
            throw QemuSubset.unsupported("<video> on a q35 machine");
        }
        only(v.attrs().keySet(), List.of(), "attribute", "video");
        only(names(v), List.of("model", "alias", "address"), "element", "video");
        XmlNode model = v.child("model");
        String type = model.attr("type");
        if (!MODELS.contains(type)) {
            throw QemuSubset.unsupported("video model '" + type + "'");
        }
        only(model.attrs().keySet(), "qxl".equals(type) ? List.of("type", "ram", "vram", "vram64", "vgamem", "heads",
                "primary") : List.of("type", "vram", "heads", "primary"), "attribute", "video><model");
        only(names(model), List.of("resolution"), "element", "video><model");
        if ("none".equals(type)) {
            return;
        }
        if (!"virtio".equals(type) && !"qxl".equals(type)) {
            if (!"yes".equals(model.attr("primary"))) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "video type '%s' is only valid as primary video device", type);
            }
            if (!"1".equals(model.attr("heads"))) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "video type '%s' doesn't support multiple 'heads'", type);
            }
        }
        long vram = number(model, "vram");
        if ("qxl".equals(type)) {
            for (String a : List.of("vram", "ram")) {
                if (number(model, a) > QXL_MAX_KIB) {
                    throw VirException.format(VirErrorNumber.OVERFLOW, VirErrorDomain.QEMU,
                            "value for '%s' must be less than '%d'", a, QXL_MAX_KIB);
                }
            }
            long vgamem = number(model, "vgamem");
            if (vgamem > 0 && vgamem < 1024) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "value for 'vgamem' must be at least 1 MiB (1024 KiB)");
            }
            if (vgamem > 0 && Long.bitCount(vgamem) != 1) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "value for 'vgamem' must be power of two");
            }
        }
        if (!List.of("vga", "qxl", "virtio", "bochs").contains(type) && model.child("resolution") != null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.QEMU, "model resolution is not supported");
        }
        if (("vga".equals(type) || "vmvga".equals(type)) && vram > 0 && vram < 1024) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "value for 'vram' must be at least 1 MiB (1024 KiB)");
        }
    }

    /** The {@code -device} arguments of the videos, in the definition's order ('none' has none). */
    static void commandLine(List<String> args, DomainDef def) {
        List<DeviceDef> videos = def.devices(DeviceKind.VIDEO);
        for (int i = 0; i < videos.size(); i++) {
            DeviceDef video = videos.get(i);
            if ("none".equals(type(video))) {
                continue;
            }
            XmlNode model = video.node().child("model");
            String type = type(video);
            boolean primary = "yes".equals(model.attr("primary"));
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("driver", driver(type, primary));
            dev.put("id", video.alias() != null ? video.alias() : "video" + i);
            long vram = number(model, "vram");
            long heads = number(model, "heads");
            if (("virtio".equals(type) || "qxl".equals(type)) && heads > 0) {
                dev.put("max_outputs", heads);
            }
            if ("qxl".equals(type)) {
                if (number(model, "ram") > 0) {
                    dev.put("ram_size", number(model, "ram") * 1024);
                }
                if (vram > 0) {
                    dev.put("vram_size", vram * 1024);
                }
                dev.put("vram64_size_mb", number(model, "vram64") / 1024);
                dev.put("vgamem_mb", number(model, "vgamem") / 1024);
            } else if (("vga".equals(type) || "vmvga".equals(type)) && vram / 1024 > 0) {
                dev.put("vgamem_mb", vram / 1024);
            } else if ("bochs".equals(type) && vram > 0) {
                dev.put("vgamem", vram * 1024);
            }
            XmlNode res = model.child("resolution");
            if (res != null) {
                dev.put("xres", Long.parseLong(res.attr("x")));
                dev.put("yres", Long.parseLong(res.attr("y")));
            }
            QemuDeviceProps.address(dev, def, video);
            args.add("-device");
            args.add(QmpCodec.json(dev));
        }
    }

    /** qemuDeviceVideoGetModel: the VGA-compatible device for the primary video. */
    private static String driver(String type, boolean primary) {
        return switch (type) {
            case "vga" -> "VGA";
            case "cirrus" -> "cirrus-vga";
            case "vmvga" -> "vmware-svga";
            case "qxl" -> primary ? "qxl-vga" : "qxl";
            case "bochs" -> "bochs-display";
            case "ramfb" -> "ramfb";
            case "virtio" -> primary ? "virtio-vga" : "virtio-gpu-pci";
            default -> throw VirException.internalError(VirErrorDomain.QEMU,
                    "invalid model for video type '" + type + "'");
        };
    }

    private static long number(XmlNode model, String attr) {
        String v = model.attr(attr);
        return v == null ? 0 : Long.parseLong(v.strip());
    }

    private static List<String> names(XmlNode n) {
        return n.children().stream().map(XmlNode::name).toList();
    }

    private static void only(Iterable<String> present, List<String> allowed, String what, String where) {
        for (String p : present) {
            if (!allowed.contains(p)) {
                throw QemuSubset.unsupported(what.equals("attribute") ? "attribute '" + p + "' of <" + where + ">"
                        : "<" + where + "><" + p + ">");
            }
        }
    }
}
