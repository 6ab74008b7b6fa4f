package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * {@code <controller type='usb' model='none'/>} disables USB: virDomainDefParseXML refuses a
 * second USB controller beside it, and USB inputs and hubs parsed after the controllers (USB
 * redirdevs are refused later, by {@link DomainValidate}).
 *
 * <p>Stateless; safe from any thread.
 */
final class UsbNone {

    private UsbNone() {
    }

    /** Checks {@code dev}, just parsed, against the controllers parsed before it. */
    static void check(DeviceDef dev, List<DeviceDef> controllersSoFar) {
        switch (dev.kind()) {
            case CONTROLLER -> {
                if (!"usb".equals(dev.node().attr("type"))) {
                    return;
                }
                for (DeviceDef c : controllersSoFar) {
                    if ("usb".equals(c.node().attr("type"))
                            && (isNone(dev) || isNone(c))) {
                        throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.DOMAIN,
                                "Can't add another USB controller: USB is disabled for this domain");
                    }
                }
            }
            case INPUT -> {
                if ("usb".equals(dev.node().attr("bus")) && disabled(controllersSoFar)) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                            "Can't add USB input device. USB bus is disabled");
                }
            }
            case HUB -> {
                if ("usb".equals(dev.node().attr("type")) && disabled(controllersSoFar)) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                            "Can't add USB hub: USB is disabled for this domain");
                }
            }
            default -> {
            }
        }
    }

    private static boolean isNone(DeviceDef c) {
        return "none".equals(c.node().attr("model"));
    }

    static boolean disabled(List<DeviceDef> controllers) {
        for (DeviceDef c : controllers) {
            if ("usb".equals(c.node().attr("type")) && isNone(c)) {
                return true;
            }
        }
        return false;
    }

    /** virDomainDefHasUSB: a USB controller other than model='none'. */
    static boolean hasUsb(List<DeviceDef> controllers) {
        for (DeviceDef c : controllers) {
            if ("usb".equals(c.node().attr("type")) && !isNone(c)) {
                return true;
            }
        }
        return false;
    }
}
