package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * virDomainDiskDefValidate (domain_validate.c) on a parsed disk, in its order: what only a LUN
 * may have, the I/O limits that exclude each other, the virtio-only options on other buses, tray,
 * vendor and product, floppy and fdc, removable, the target name for the device, and a source for
 * a disk.
 *
 * <p>Stateless; safe from any thread.
 */
final class DiskValidate {

    private DiskValidate() {
    }

    static void check(XmlNode disk) {
        String device = disk.attr("device");
        XmlNode target = disk.child("target");
        String dst = target.attr("dev");
        String bus = target.attr("bus");
        if ("unfiltered".equals(disk.attr("sgio"))) {
            throw Values.unsupported("unfiltered sgio is no longer supported");
        }
        if ("lun".equals(device)) {
            lun(disk);
        } else {
            XmlNode src = disk.child("source");
            if (src != null && src.child("reservations") != null) {
                throw Values.unsupported("<reservations/> allowed only for lun devices");
            }
            if (disk.attr("rawio") != null) {
                throw Values.unsupported("rawio can be used only with device='lun'");
            }
            if (disk.attr("sgio") != null) {
                throw Values.unsupported("sgio can be used only with device='lun'");
            }
        }
        iotune(disk.child("iotune"));
        XmlNode driver = disk.child("driver");
        if (!"virtio".equals(bus)) {
            String model = disk.attr("model");
            if (model != null && model.startsWith("virtio")) {
                throw Values.unsupported("disk model '" + model + "' not supported for bus '" + bus + "'");
            }
            if (driver != null) {
                if (driver.attr("queues") != null) {
                    throw Values.unsupported("queues attribute in disk driver element is only supported by virtio-blk");
                }
                if (driver.attr("event_idx") != null) {
                    throw Values.unsupported("disk event_idx mode supported only for virtio bus");
                }
                if (driver.attr("ioeventfd") != null) {
                    throw Values.unsupported("disk ioeventfd mode supported only for virtio bus");
                }
                virtioOptionsAbsent(driver);
            }
        }
        String tray = target.attr("tray");
        if (tray != null && !"closed".equals(tray) && !"floppy".equals(device) && !"cdrom".equals(device)) {
            throw Values.unsupported("tray is only valid for cdrom and floppy");
        }
        printable(disk.childText("vendor"), "vendor", 8);
        printable(disk.childText("product"), "product", 16);
        if ("floppy".equals(device) && !"fdc".equals(bus)) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "Invalid bus type '" + bus + "' for floppy disk");
        }
        if (!"floppy".equals(device) && "fdc".equals(bus)) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "Invalid bus type '" + bus + "' for disk");
        }
        if (target.attr("removable") != null && !"usb".equals(bus)) {
            throw DomainDef.xmlError("removable is only valid for usb disks");
        }
        if (("disk".equals(device) || "lun".equals(device))
                && List.of("hd", "sd", "vd", "xvd", "ubd").stream().noneMatch(dst::startsWith)) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "Invalid harddisk device name: " + dst);
        }
        if ("floppy".equals(device) && !dst.startsWith("fd")) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "Invalid floppy device name: " + dst);
        }
        if ("disk".equals(device) && emptySource(disk)) {
            throw VirException.of(VirErrorNumber.NO_SOURCE, VirErrorDomain.DOMAIN, dst);
        }
    }

    /** virDomainDiskDefSourceLUNValidate. */
    private static void lun(XmlNode disk) {
        String type = disk.attr("type");
        XmlNode src = disk.child("source");
        if ("network".equals(type)) {
            String protocol = src == null ? null : src.attr("protocol");
            if (!"iscsi".equals(protocol)) {
                throw Values.unsupported("disk device='lun' is not supported for protocol='" + protocol + "'");
            }
        } else if (!"block".equals(type) && !"volume".equals(type)) {
            throw Values.unsupported("disk device='lun' is only valid for block type disk source");
        }
        XmlNode driver = disk.child("driver");
        String format = driver == null ? null : driver.attr("type");
        if (format != null && !"raw".equals(format) && !"none".equals(format)) {
            throw Values.unsupported("disk device 'lun' must use 'raw' format");
        }
    }

    private static void iotune(XmlNode t) {
        if (t == null) {
            return;
        }
        for (String[] k : new String[][] {{"bytes_sec", ""}, {"iops_sec", ""}, {"bytes_sec_max", ""},
            {"iops_sec_max", ""}}) {
            if (set(t, "total_" + k[0]) && (set(t, "read_" + k[0]) || set(t, "write_" + k[0]))) {
                throw DomainDef.xmlError("total and read/write " + k[0] + " cannot be set at the same time");
            }
        }
    }

    private static boolean set(XmlNode t, String name) {
        String v = t.childText(name);
        return v != null && Values.parseULong(v.strip()) > 0;
    }

    /** virDomainCheckVirtioOptionsAreAbsent. */
    static void virtioOptionsAbsent(XmlNode driver) {
        if (driver.attr("iommu") != null) {
            throw Values.unsupported("iommu driver option is only supported for virtio devices");
        }
        if (driver.attr("ats") != null) {
            throw Values.unsupported("ats driver option is only supported for virtio devices");
        }
        if (driver.attr("packed") != null) {
            throw Values.unsupported("packed driver option is only supported for virtio devices");
        }
        if (driver.attr("page_per_vq") != null) {
            throw Values.unsupported("page_per_vq option is only supported for virtio devices");
        }
    }

    private static void printable(String s, String what, int max) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw DomainDef.xmlError("disk " + what + " is not printable string");
            }
        }
        if (s.length() > max) {
            throw Values.unsupported("disk " + what + " is more than " + max + " characters");
        }
    }

    /** virStorageSourceIsEmpty. */
    private static boolean emptySource(XmlNode disk) {
        String type = disk.attr("type");
        XmlNode src = disk.child("source");
        String pathAttr = switch (type) {
            case "file" -> "file";
            case "block" -> "dev";
            case "dir" -> "dir";
            default -> null;
        };
        if (pathAttr != null) {
            return src == null || src.attr(pathAttr) == null;
        }
        if ("network".equals(type)) {
            return src == null || src.attr("protocol") == null || "none".equals(src.attr("protocol"));
        }
        return false;
    }

}
