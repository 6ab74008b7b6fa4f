package io.jvirtd.model.conf;

import java.util.Objects;

/**
 * One device of a domain: its kind and its canonical XML (attributes and children already in
 * libvirt's print order, defaults filled). The typed accessors read and change that XML for
 * what the drivers need (disk target/source, interface MAC/target, alias, address ...).
 *
 * <p>Mutable, not thread-safe; it belongs to its {@link DomainDef} and shares its lock.
 */
public final class DeviceDef {

    private final DeviceKind kind;
    private final XmlNode node;

    DeviceDef(DeviceKind kind, XmlNode node) {
        this.kind = Objects.requireNonNull(kind);
        this.node = Objects.requireNonNull(node);
    }

    /**
     * A device made by a driver's post-parse (an implicit controller, input ...): {@code node}
     * must already be canonical, attributes and children in libvirt's print order.
     */
    public static DeviceDef of(DeviceKind kind, XmlNode node) {
        return new DeviceDef(kind, node);
    }

    public DeviceKind kind() {
        return kind;
    }

    /** The canonical element (live: changes show in the domain's XML). */
    public XmlNode node() {
        return node;
    }

    /** A deep copy. */
    public DeviceDef copy() {
        return new DeviceDef(kind, node.copy());
    }

    /** The {@code type} attribute (disk/interface/graphics/... type), or null. */
    public String type() {
        return node.attr("type");
    }

    // ---- alias and address

    /** {@code <alias name>}, or null. */
    public String alias() {
        return node.childAttr("alias", "name");
    }

    /** Sets ({@code name} non-null) or removes the alias, keeping libvirt's child order. */
    public void setAlias(String name) {
        node.remove("alias");
        if (name != null) {
            node.add(new XmlNode("alias").attr("name", name));
            DomainCanon.sortDevice(kind, node);
        }
    }

    /** The {@code <address>} element, or null (live). */
    public XmlNode address() {
        return node.child("address");
    }

    // ---- disks

    /** {@code <disk device>}: disk, cdrom, floppy, lun. */
    public String diskDevice() {
        return kind == DeviceKind.DISK ? node.attr("device") : null;
    }

    /** {@code <target dev>} of a disk. */
    public String diskTarget() {
        return kind == DeviceKind.DISK ? node.childAttr("target", "dev") : null;
    }

    /** {@code <target bus>} of a disk. */
    public String diskBus() {
        return kind == DeviceKind.DISK ? node.childAttr("target", "bus") : null;
    }

    /** Whether a disk has {@code <readonly/>}. */
    public boolean diskReadonly() {
        return node.child("readonly") != null;
    }

    /**
     * The source path of a disk or filesystem: {@code <source file|dev|dir|name|volume>}
     * (what virDomainDiskGetSource returns), or null for an empty drive.
     */
    public String sourcePath() {
        XmlNode src = node.child("source");
        if (src == null) {
            return null;
        }
        for (String a : new String[] {"file", "dev", "dir", "name", "volume"}) {
            if (src.attr(a) != null) {
                return src.attr(a);
            }
        }
        return null;
    }

    // ---- interfaces

    /** {@code <mac address>} of an interface, lower-case as libvirt prints it. */
    public String macAddress() {
        return kind == DeviceKind.INTERFACE ? node.childAttr("mac", "address") : null;
    }

    /** {@code <target dev>} of an interface (the host-side name), or null. */
    public String interfaceTargetDev() {
        return kind == DeviceKind.INTERFACE ? node.childAttr("target", "dev") : null;
    }

    /** Sets the interface's {@code <target dev>} (the test driver names them testnetN). */
    public void setInterfaceTargetDev(String dev) {
        XmlNode t = node.child("target");
        if (dev == null) {
            if (t != null) {
                t.attr("dev", null);
                if (t.attrs().isEmpty() && t.children().isEmpty()) {
                    node.remove("target");
                }
            }
            return;
        }
        if (t == null) {
            t = node.add(new XmlNode("target"));
        }
        XmlNode fresh = new XmlNode("target").attr("dev", dev);
        for (var e : t.attrs().entrySet()) {
            if (!e.getKey().equals("dev")) {
                fresh.attr(e.getKey(), e.getValue());
            }
        }
        t.children().forEach(fresh::add);
        node.children().set(node.children().indexOf(t), fresh);
        DomainCanon.sortDevice(kind, node);
    }

    /** {@code <model type>} of an interface/video/..., or null. */
    public String modelType() {
        return node.childAttr("model", "type");
    }

    /** {@code <source network>} / {@code <source bridge>} of an interface. */
    public String interfaceSource() {
        XmlNode src = node.child("source");
        if (src == null) {
            return null;
        }
        for (String a : new String[] {"network", "bridge", "dev", "path", "name"}) {
            if (src.attr(a) != null) {
                return src.attr(a);
            }
        }
        return null;
    }

    /** The {@code model} attribute (controllers, memballoon, watchdog, tpm ...). */
    public String model() {
        return node.attr("model");
    }

    /** The {@code index} attribute of a controller, or -1. */
    public int controllerIndex() {
        String v = node.attr("index");
        return v == null ? -1 : Integer.parseInt(v);
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
