package io.jvirtd.model.conf;

import java.util.List;

/**
 * libvirt's virDomainVideoDefValidate, the generic checks of one {@code <video>}: a 'none' video
 * alone, a positive resolution, the qxl-only memory sizes, no address on a ramfb. Part of
 * {@link DomainDef}'s validation; public because libvirt runs it on each device before the
 * driver's own device checks, so a driver's check calls it first to report libvirt's error.
 *
 * <p>Stateless; safe from any thread.
 */
public final class VideoValidate {

    private VideoValidate() {
    }

    /** Checks {@code video}, a post-parsed video of {@code d}; libvirt's errors. */
    public static void check(DomainDef d, DeviceDef video) {
        XmlNode v = video.node();
        XmlNode model = v.child("model");
        String type = model.attr("type");
        List<DeviceDef> videos = d.devices(DeviceKind.VIDEO);
        if (videos.size() > 1 && videos.stream().anyMatch(x -> "none".equals(x.node().childAttr("model", "type")))) {
            throw Values.unsupported("a 'none' video type must be the only video device defined for the domain");
        }
        XmlNode res = model.child("resolution");
        if (res != null && (Values.parseULong(String.valueOf(res.attr("x"))) <= 0
                || Values.parseULong(String.valueOf(res.attr("y"))) <= 0)) {
            throw Values.unsupported("video resolution values must be greater than 0");
        }
        if (!"qxl".equals(type)) {
            for (String a : new String[] {"ram", "vram64", "vgamem"}) {
                String value = model.attr(a);
                if (value != null && Values.parseULong(value.strip()) > 0) {
                    throw Values.unsupported(a + " attribute only supported for video type qxl");
                }
            }
        }
        if ("ramfb".equals(type) && v.child("address") != null) {
            throw Values.unsupported("address not supported for video type ramfb");
        }
    }
}
