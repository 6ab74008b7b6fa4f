package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks libvirt makes on a whole definition once it is parsed and its defaults filled:
 * the post-parse checks of domain_postparse.c (boot order, the name) and virDomainDefValidate
 * (domain_validate.c): first each device in turn, then the whole definition, in libvirt's order,
 * so that the first error reported is libvirt's.
 *
 * <p>Stateless; safe from any thread.
 */
final class DomainValidate {

    private DomainValidate() {
    }

    /** virDomainDefPostParseCommon's boot-order check and virDomainDefPostParseCheckFeatures. */
    static void postParse(DomainDef d) {
        Set<String> orders = new HashSet<>();
        for (DeviceDef dev : d.devices) {
            XmlNode boot = dev.node().child("boot");
            if (boot == null || boot.attr("order") == null) {
                continue;
            }
            if (!orders.add(boot.attr("order"))) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "boot order '" + boot.attr("order") + "' used for more than one device");
            }
        }
        // the test driver lacks VIR_DOMAIN_DEF_FEATURE_NAME_SLASH
        if (d.name != null && d.name.indexOf('/') >= 0) {
            throw DomainDef.xmlError("name " + d.name + " cannot contain '/'");
        }
    }

    /** virDomainDefValidate: the devices, then virDomainDefValidateInternal. */
    static void validate(DomainDef d) {
        for (DeviceDef dev : d.devices) {
            device(d, dev);
        }
        duplicateDiskTargets(d);
        duplicateHostdevs(d);
        duplicateDriveAddresses(d);
        uniqueAliases(d);
        iommu(d);
        primaryVideo(d);
        filesystemTargets(d);
    }

    // ------------------------------------------------------------------ devices

    private static void device(DomainDef d, DeviceDef dev) {
        XmlNode n = dev.node();
        switch (dev.kind()) {
            case DISK -> DiskValidate.check(n);
            case REDIRDEV -> {
                if ("usb".equals(n.attr("bus")) && !UsbNone.hasUsb(d.controllers())) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                            "cannot add redirected USB device: USB is disabled for this domain");
                }
            }
            case SERIAL, PARALLEL, CONSOLE, CHANNEL -> chrSource(n, dev.kind(), n.childAttr("target", "type"));
            case INPUT -> input(d, n);
            case VIDEO -> VideoValidate.check(d, dev);
            case SOUND -> ensureAudio(d, n.child("audio"));
            case AUDIO -> {
                int same = 0;
                for (DeviceDef a : d.devices(DeviceKind.AUDIO)) {
                    if (audioId(a.node()) == audioId(n)) {
                        same++;
                    }
                }
                if (same > 1) {
                    throw DomainDef.xmlError("audio ID " + audioId(n) + " is used multiple times");
                }
            }
            case GRAPHICS -> {
                String type = n.attr("type");
                if (List.of("vnc", "spice", "rdp").contains(type)) {
                    for (XmlNode l : n.children("listen")) {
                        if ("network".equals(l.attr("type")) && l.attr("network") == null) {
                            throw DomainDef.xmlError("'network' attribute is required for listen type 'network'");
                        }
                    }
                }
                if ("vnc".equals(type)) {
                    ensureAudio(d, n.child("audio"));
                }
            }
            default -> {
            }
        }
    }

    /** virDomainChrSourceDefValidate: the source attributes each character device type needs. */
    private static void chrSource(XmlNode chr, DeviceKind kind, String targetType) {
        String type = chr.attr("type");
        List<XmlNode> sources = chr.children("source");
        XmlNode src = sources.isEmpty() ? null : sources.get(0);
        switch (type == null ? "" : type) {
            case "file", "dev", "pipe" -> {
                if (src == null || src.attr("path") == null) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN, "Missing source path attribute for char device");
                }
            }
            case "tcp" -> {
                if (src == null || src.attr("host") == null) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN, "Missing source host attribute for char device");
                }
                if (src.attr("service") == null) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN,
                            "Missing source service attribute for char device");
                }
            }
            case "udp" -> {
                boolean connect = false;
                for (XmlNode s : sources) {
                    connect |= !"bind".equals(s.attr("mode")) && s.attr("service") != null;
                }
                if (!connect) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN,
                            "Missing source service attribute for char device");
                }
            }
            case "unix" -> {
                boolean autoPath = kind == DeviceKind.CHANNEL && ("xen".equals(targetType) || "virtio".equals(targetType));
                if ((src == null || src.attr("path") == null) && !autoPath) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN, "Missing source path attribute for char device");
                }
            }
            default -> {
            }
        }
    }

    /** virDomainInputDefValidate. */
    private static void input(DomainDef d, XmlNode in) {
        String bus = in.attr("bus");
        String type = in.attr("type");
        if ("hvm".equals(d.osType)) {
            if ("ps2".equals(bus) && !"mouse".equals(type) && !"keyboard".equals(type)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "ps2 bus does not support " + type
                        + " input device");
            }
            if ("xen".equals(bus)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "unsupported input bus xen");
            }
        } else if ("xen".equals(d.osType) || "xenpvh".equals(d.osType)) {
            if (!"xen".equals(bus)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "unsupported input bus " + bus);
            }
            if (!"mouse".equals(type) && !"keyboard".equals(type)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "xen bus does not support " + type
                        + " input device");
            }
        }
    }

    private static long audioId(XmlNode n) {
        String id = n == null ? null : n.attr("id");
        return id == null ? 0 : Values.parseULong(id.strip());
    }

    /** virDomainEnsureAudioID: an audio reference (id 0 = none) names an {@code <audio>}. */
    private static void ensureAudio(DomainDef d, XmlNode ref) {
        long id = audioId(ref);
        if (id == 0) {
            return;
        }
        for (DeviceDef a : d.devices(DeviceKind.AUDIO)) {
            if (audioId(a.node()) == id) {
                return;
            }
        }
        throw DomainDef.xmlError("no audio device with ID " + id);
    }

    // ------------------------------------------------------------------ whole definition

    /** virDomainDefDuplicateDiskInfoValidate / virDomainDiskDefCheckDuplicateInfo. */
    private static void duplicateDiskTargets(DomainDef d) {
        List<DeviceDef> disks = d.disks();
        for (int i = 0; i < disks.size(); i++) {
            for (int j = i + 1; j < disks.size(); j++) {
                DeviceDef a = disks.get(i);
                DeviceDef b = disks.get(j);
                if (a.diskTarget().equals(b.diskTarget())) {
                    throw DomainDef.xmlError("target '" + a.diskTarget() + "' duplicated for disk sources '"
                            + nullStr(a.sourcePath()) + "' and '" + nullStr(b.sourcePath()) + "'");
                }
            }
        }
    }

    private static String nullStr(String s) {
        return s == null ? "<null>" : s;
    }

    /** virDomainDefHostdevValidate with virDomainHostdevMatch. */
    private static void duplicateHostdevs(DomainDef d) {
        List<String> keys = new ArrayList<>();
        for (DeviceDef h : d.devices(DeviceKind.HOSTDEV)) {
            String key = HostdevKey.of(h.node());
            if (key != null && keys.contains(key)) {
                throw DomainDef.xmlError("Hostdev already exists in the domain configuration");
            }
            keys.add(key);
        }
    }

    /** virDomainDefDuplicateDriveAddressesValidate: disks on one bus, then SCSI hostdevs. */
    private static void duplicateDriveAddresses(DomainDef d) {
        List<DeviceDef> disks = d.disks();
        for (int i = 0; i < disks.size(); i++) {
            XmlNode a = drive(disks.get(i));
            for (int j = i + 1; a != null && j < disks.size(); j++) {
                if (disks.get(i).diskBus().equals(disks.get(j).diskBus()) && sameDrive(a, drive(disks.get(j)))) {
                    throw Values.unsupported("Found duplicate drive address for disk with target name '"
                            + disks.get(i).diskTarget() + "' controller='" + a.attr("controller") + "' bus='"
                            + a.attr("bus") + "' target='" + a.attr("target") + "' unit='" + a.attr("unit") + "'");
                }
            }
        }
        List<DeviceDef> scsi = new ArrayList<>();
        for (DeviceDef h : d.devices(DeviceKind.HOSTDEV)) {
            if ("subsystem".equals(h.node().attr("mode")) && "scsi".equals(h.type())) {
                scsi.add(h);
            }
        }
        for (int i = 0; i < scsi.size(); i++) {
            XmlNode a = drive(scsi.get(i));
            for (int j = i + 1; a != null && j < scsi.size(); j++) {
                if (sameDrive(a, drive(scsi.get(j)))) {
                    // libvirt prints bus and controller the other way round
                    throw Values.unsupported("SCSI host address controller='" + a.attr("bus") + "' bus='"
                            + a.attr("controller") + "' target='" + a.attr("target") + "' unit='" + a.attr("unit")
                            + "' in use by another SCSI host device");
                }
            }
        }
    }

    private static XmlNode drive(DeviceDef dev) {
        XmlNode a = dev.address();
        return a != null && "drive".equals(a.attr("type")) ? a : null;
    }

    private static boolean sameDrive(XmlNode a, XmlNode b) {
        if (b == null) {
            return false;
        }
        for (String k : new String[] {"controller", "bus", "target", "unit"}) {
            if (driveField(a, k) != driveField(b, k)) {
                return false;
            }
        }
        return true;
    }

    private static long driveField(XmlNode a, String k) {
        String v = a.attr(k);
        return v == null ? 0 : Values.parseULong(v.strip());
    }

    /**
     * virDomainDefValidateAliases: no two devices with one alias, but for the first serial
     * and the console that stands for it (they share one).
     */
    private static void uniqueAliases(DomainDef d) {
        Set<String> seen = new HashSet<>();
        List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
        List<DeviceDef> consoles = d.devices(DeviceKind.CONSOLE);
        boolean aliased = !serials.isEmpty() && !consoles.isEmpty()
                && "serial".equals(consoles.get(0).node().childAttr("target", "type"));
        for (DeviceDef dev : d.devices) {
            if (aliased && (dev == serials.get(0) || dev == consoles.get(0))) {
                continue;
            }
            String alias = dev.alias();
            if (alias != null && !seen.add(alias)) {
                throw Values.unsupported("non unique alias detected: " + alias);
            }
        }
    }

    /** virDomainDefFSValidate: a virtiofs target once. */
    private static void filesystemTargets(DomainDef d) {
        Set<String> seen = new HashSet<>();
        for (DeviceDef fs : d.devices(DeviceKind.FILESYSTEM)) {
            XmlNode driver = fs.node().child("driver");
            String dir = fs.node().childAttr("target", "dir");
            if (driver != null && "virtiofs".equals(driver.attr("type")) && !seen.add(dir)) {
                throw Values.unsupported("filesystem target '" + dir + "' specified twice");
            }
        }
    }

    /** virDomainDefIOMMUValidate. */
    private static void iommu(DomainDef d) {
        List<DeviceDef> iommus = d.devices(DeviceKind.IOMMU);
        if (iommus.isEmpty()) {
            return;
        }
        XmlNode driver = iommus.get(0).node().child("driver");
        String intremap = driver == null ? null : driver.attr("intremap");
        XmlNode ioapic = d.features == null ? null : d.features.child("ioapic");
        if ("on".equals(intremap) && (ioapic == null || !"qemu".equals(ioapic.attr("driver")))) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')");
        }
        if (driver != null && "on".equals(driver.attr("eim")) && !"on".equals(intremap)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "IOMMU eim requires interrupt remapping to be enabled");
        }
    }

    /** virDomainDefVideoValidate: one primary video. */
    private static void primaryVideo(DomainDef d) {
        List<DeviceDef> videos = d.devices(DeviceKind.VIDEO);
        if (videos.isEmpty() || !"yes".equals(videos.get(0).node().childAttr("model", "primary"))) {
            return;
        }
        for (int i = 1; i < videos.size(); i++) {
            if ("yes".equals(videos.get(i).node().childAttr("model", "primary"))) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "Only one primary video device is supported");
            }
        }
    }
}
