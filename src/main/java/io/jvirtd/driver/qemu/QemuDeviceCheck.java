package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The disks and interfaces the QEMU driver runs, checked at define as libvirt 9.0 checks them
 * (its error codes and texts where libvirt refuses the same XML), and what lies outside the
 * subset refused with CONFIG_UNSUPPORTED, never dropped. The subset: file disks and volume disks of dir pools, raw or qcow2,
 * device disk or cdrom, bus virtio, sata or ide (cdroms on sata and ide), read-only, boot
 * order, drive or PCI addresses; user-mode interfaces, model virtio, e1000 or rtl8139 (the
 * default; on q35 also e1000e), MAC, boot order, PCI address, link state.
 *
 * <p>Runs on the canonical definition after post-parse ({@link QemuDeviceDefaults}).
 * Stateless; any thread.
 */
final class QemuDeviceCheck {

    /** virStorageFileFormat's names (what libvirt's parser knows; "aio" is Xen's raw). */
    private static final Set<String> FORMATS = Set.of("raw", "dir", "bochs", "cloop", "dmg", "iso",
            "vpc", "vdi", "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk", "aio");
    private static final Set<String> NET_MODELS = Set.of("virtio", "e1000", "rtl8139");
    private static final Set<String> DISK_CHILDREN = Set.of("driver", "source", "backingStore",
            "target", "readonly", "boot", "alias", "address", "iotune");
    private static final Set<String> NET_CHILDREN = Set.of("mac", "model", "boot", "alias", "address", "link");

    private QemuDeviceCheck() {
    }

    /** @param q35 whether the machine is a q35 one (no IDE; e1000e NICs, PCIe on a root port) */
    /** @param status a status file's live XML, where a block job's {@code <mirror>} is at home */
    static void check(DomainDef def, boolean q35, boolean status) {
        for (DeviceDef disk : def.disks()) {
            disk(disk, q35, status);
        }
        duplicateTargets(def.disks());
        BlockIoTuneInfo.validate(def.disks());
        for (DeviceDef net : def.interfaces()) {
            iface(net, q35);
        }
        bootOrders(def);
    }

    private static void disk(DeviceDef disk, boolean q35, boolean status) {
        String dst = disk.diskTarget();
        String bus = disk.diskBus();
        XmlNode drv = disk.node().child("driver");
        if (!"file".equals(disk.type()) && !"volume".equals(disk.type())) {
            throw QemuSubset.unsupported("disk type '" + disk.type() + "'");
        }
        if (!List.of("disk", "cdrom").contains(disk.diskDevice())) {
            throw QemuSubset.unsupported("disk device '" + disk.diskDevice() + "'");
        }
        if (!Set.of("type", "device").containsAll(disk.node().attrs().keySet())) {
            throw QemuSubset.unsupported("disk attributes " + disk.node().attrs().keySet());
        }
        String format = drv == null ? null : drv.attr("type");
        if (format != null && !FORMATS.contains(format)) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "unknown driver format value '%s'", format);
        }
        for (XmlNode c : disk.node().children()) {
            if (!DISK_CHILDREN.contains(c.name()) && !(status && c.name().equals("mirror"))) {
                throw QemuSubset.unsupported("<disk><" + c.name() + ">");
            }
        }
        if (drv != null && !Set.of("name", "type").containsAll(drv.attrs().keySet())) {
            throw QemuSubset.unsupported("disk driver attributes " + drv.attrs().keySet());
        }
        XmlNode src = disk.node().child("source");
        Set<String> srcAttrs = "volume".equals(disk.type()) ? Set.of("pool", "volume", "mode", "index") : Set.of("file", "index");
        if (src != null && !srcAttrs.containsAll(src.attrs().keySet())) {
            throw QemuSubset.unsupported("disk source attributes " + src.attrs().keySet());
        }
        attrs(disk.node().child("target"), "disk target", "dev", "bus");
        attrs(disk.node().child("boot"), "disk boot", "order");
        if (!List.of("virtio", "sata", "ide").contains(bus)) {
            throw QemuSubset.unsupported("disk bus '" + bus + "'");
        }
        if (disk.sourcePath() == null && !"cdrom".equals(disk.diskDevice())) {
            throw VirException.of(VirErrorNumber.NO_SOURCE, VirErrorDomain.DOMAIN, dst);
        }
        XmlNode a = disk.address();
        if (a != null && !"virtio".equals(bus) && !"drive".equals(a.attr("type"))) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "Invalid address type '%s' for the disk '%s' with the bus type '%s'", a.attr("type"), dst, bus);
        }
        if ("ide".equals(bus) && q35) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "IDE controllers are unsupported for this QEMU binary or machine type");
        }
        if ("ide".equals(bus) && a != null && !"0".equals(a.attr("controller"))) {
            throw VirException.internalError(VirErrorDomain.QEMU, "Only 1 IDE controller is supported");
        }
        if ("cdrom".equals(disk.diskDevice()) && "virtio".equals(bus)) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "disk type of '%s' does not support ejectable media", dst);
        }
        String name = drv == null ? null : drv.attr("name");
        if (name != null && !"qemu".equals(name)) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "unsupported driver name '%s' for disk '%s'", name, dst);
        }
        if (disk.diskReadonly() && "disk".equals(disk.diskDevice()) && !"virtio".equals(bus)) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "readonly %s disks are not supported", bus);
        }
        if (format != null && !List.of("raw", "qcow2").contains(format)) {
            throw QemuSubset.unsupported("disk format '" + format + "'");
        }
    }

    private static void duplicateTargets(List<DeviceDef> disks) {
        for (int i = 0; i < disks.size(); i++) {
            for (int j = i + 1; j < disks.size(); j++) {
                DeviceDef a = disks.get(i);
                DeviceDef b = disks.get(j);
                if (a.diskTarget().equals(b.diskTarget())) {
                    throw VirException.format(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                            "target '%s' duplicated for disk sources '%s' and '%s'", a.diskTarget(),
                            nullstr(a.sourcePath()), nullstr(b.sourcePath()));
                }
            }
        }
    }

    private static void iface(DeviceDef net, boolean q35) {
        if (!"user".equals(net.type())) {
            throw QemuSubset.unsupported("interface type '" + net.type() + "'");
        }
        if (!Set.of("type").containsAll(net.node().attrs().keySet())) {
            throw QemuSubset.unsupported("interface attributes " + net.node().attrs().keySet());
        }
        for (XmlNode c : net.node().children()) {
            if (!NET_CHILDREN.contains(c.name())) {
                throw QemuSubset.unsupported("<interface><" + c.name() + ">");
            }
        }
        attrs(net.node().child("mac"), "interface mac", "address");
        attrs(net.node().child("model"), "interface model", "type");
        attrs(net.node().child("boot"), "interface boot", "order");
        attrs(net.node().child("link"), "interface link", "state");
        if (!NET_MODELS.contains(net.modelType()) && !(q35 && "e1000e".equals(net.modelType()))) {
            throw QemuSubset.unsupported("interface model '" + net.modelType() + "'");
        }
        XmlNode a = net.address();
        if (a != null && !"pci".equals(a.attr("type"))) {
            throw QemuSubset.unsupported("interface address type '" + a.attr("type") + "'");
        }
    }

    /** virDomainDefCollectBootOrder: one device per boot order. */
    private static void bootOrders(DomainDef def) {
        Map<String, DeviceDef> seen = new HashMap<>();
        for (DeviceDef d : def.devices()) {
            String order = d.node().childAttr("boot", "order");
            if (order != null && seen.putIfAbsent(order, d) != null) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "boot order '%s' used for more than one device", order);
            }
        }
    }

    /** Refuses attributes of {@code n} (when present) outside {@code allowed}. */
    private static void attrs(XmlNode n, String where, String... allowed) {
        if (n != null && !Set.of(allowed).containsAll(n.attrs().keySet())) {
            throw QemuSubset.unsupported(where + " attributes " + n.attrs().keySet());
        }
    }

    private static String nullstr(String s) {
        return s == null ? "<null>" : s;
    }
}
