package io.jvirtd.driver.qemu;

import io.jvirtd.driver.storage.DirStorage;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Device attach, detach and update on the QEMU driver, as libvirt 9.0's QEMU driver does them
 * (qemuDomainAttachDeviceLiveAndConfig, qemuDomainDetachDeviceLiveAndConfig,
 * qemuDomainUpdateDeviceFlags, qemuDomainDetachDeviceAlias and qemu_hotplug.c) for what this
 * driver runs: file and volume disks on virtio (hot-plug and unplug), cdrom media change and
 * eject, and {@code user} interfaces.
 *
 * <p>Flags as libvirt: CURRENT means LIVE on a running domain and CONFIG on a shut-off one; a
 * CONFIG change is made on a copy of the persistent definition and written (atomically) only
 * when the live part succeeded too; a live change goes into the status file. A hot-plugged
 * device gets what a cold-plugged one gets: its defaults and PCI address from a parse in the
 * context of the running definition ({@link QemuDeviceXml}), its alias
 * ({@link QemuDeviceAliases}), its {@code -blockdev}/{@code -device} properties
 * ({@link QemuDiskArgs}, {@link QemuNetArgs}). QMP: {@code blockdev-add} (storage, then
 * format node), {@code device_add}; {@code netdev_add}, {@code device_add}; removal
 * {@code device_del}, then on DEVICE_DELETED {@code blockdev-del} (format, storage) or
 * {@code netdev_del}, and the DEVICE_REMOVED event.
 *
 * <p>Detach waits {@value #UNPLUG_TIMEOUT_MILLIS} ms for DEVICE_DELETED (QEMU_UNPLUG_TIMEOUT);
 * a guest that does not let go leaves the removal pending and the call succeeds. A later
 * DEVICE_DELETED, or one that came while the daemon was away (found missing from
 * {@code qom-list /machine/peripheral} at reattach), removes the device then, on this class's
 * own thread under the domain's job.
 *
 * <p>Threads: API calls on workers under the domain's job; DEVICE_* events arrive on the
 * qemu-event thread and only signal ({@link QemuDeviceWaits}) or queue work; no lock is held
 * across QMP or file work.
 */
final class QemuHotplug {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");

    /** virDomainDeviceModifyFlags. */
    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;
    static final int MODIFY_FORCE = 4;
    /** QEMU_UNPLUG_TIMEOUT. */
    static final long UNPLUG_TIMEOUT_MILLIS = 5_000;
    /** CHANGE_MEDIA_TIMEOUT: how long a tray may take to open. */
    static final long TRAY_TIMEOUT_MILLIS = 5_000;
    private static final long QMP_MILLIS = QemuLifecycle.MONITOR_TIMEOUT_MILLIS;

    /** Device kinds libvirt's qemuDomainAttachDeviceConfig takes. */
    private static final Set<DeviceKind> CONFIG_ATTACHABLE = EnumSet.of(DeviceKind.DISK, DeviceKind.INTERFACE,
            DeviceKind.SOUND, DeviceKind.HOSTDEV, DeviceKind.LEASE, DeviceKind.CONTROLLER, DeviceKind.SERIAL,
            DeviceKind.PARALLEL, DeviceKind.CONSOLE, DeviceKind.CHANNEL, DeviceKind.FILESYSTEM, DeviceKind.RNG,
            DeviceKind.MEMORY, DeviceKind.REDIRDEV, DeviceKind.SHMEM, DeviceKind.WATCHDOG, DeviceKind.INPUT,
            DeviceKind.VSOCK);

    private final QemuLifecycle life;
    private final DirStorage storage;
    final QemuDeviceWaits waits = new QemuDeviceWaits();
    /** vCPU hot-plug, which shares the device waits and the late-removal thread. */
    final QemuVcpuHotplug vcpus;
    /** Removals no caller waits for (late DEVICE_DELETED, reattach): one at a time, each under its domain's job. */
    private final ExecutorService removals = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qemu-unplug");
        t.setDaemon(true);
        return t;
    });

    QemuHotplug(QemuLifecycle life, DirStorage storage) {
        this.life = life;
        this.storage = storage;
        this.vcpus = new QemuVcpuHotplug(life, waits);
    }

    // ================================================================== attach

    /** virDomainAttachDeviceFlags (virDomainAttachDevice: {@code AFFECT_LIVE}). */
    void attach(DomainRef ref, String xml, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainAttachDeviceLiveAndConfig");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            flags = AffectedDefs.impact(d, flags);
            QemuDeviceXml.Parsed dev = QemuDeviceXml.parse(xml);
            DomainDef newConfig = null;
            if ((flags & AFFECT_CONFIG) != 0) {
                newConfig = attachConfig(persistent(d), dev);
                if (dev.kind() == DeviceKind.INTERFACE && dev.mac() == null) {
                    // qemuDomainAttachDeviceLiveAndConfigHomogenize: one generated MAC for both
                    dev.setMac(QemuDeviceXml.added(newConfig, dev).macAddress());
                }
            }
            if ((flags & AFFECT_LIVE) != 0) {
                switch (dev.kind()) {
                    case DISK -> attachDiskLive(d, dev);
                    case INTERFACE -> attachNetLive(d, dev);
                    default -> throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                            "live attach of device '%s' is not supported", dev.kind().element());
                }
                life.saveStatus(d);
            }
            if (newConfig != null) {
                saveConfig(d, newConfig);
            }
        } finally {
            d.endJob();
        }
    }

    /**
     * "persistent VERB of device 'KIND' is not supported": OPERATION_UNSUPPORTED where libvirt's
     * qemuDomain{Attach,Detach,Update}DeviceConfig itself refuses the kind (a video, the balloon,
     * ...), CONFIG_UNSUPPORTED where libvirt takes it and only this driver does not yet.
     */
    private static VirException persistentUnsupported(String verb, DeviceKind kind, boolean libvirtRefuses) {
        return VirException.format(libvirtRefuses ? VirErrorNumber.OPERATION_UNSUPPORTED
                        : VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                "persistent %s of device '%s' is not supported", verb, kind.element());
    }

    private DomainDef attachConfig(DomainDef conf, QemuDeviceXml.Parsed dev) {
        if (!CONFIG_ATTACHABLE.contains(dev.kind())) {
            throw persistentUnsupported("attach", dev.kind(), !CONFIG_ATTACHABLE.contains(dev.kind()));
        }
        if (dev.kind() == DeviceKind.DISK && QemuDeviceXml.disk(conf, dev.target()) != null) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "target " + dev.target() + " already exists");
        }
        DomainDef next = QemuDeviceXml.withDevice(conf, dev);
        if (dev.kind() == DeviceKind.DISK) {
            DeviceDef disk = QemuDeviceXml.added(next, dev);
            if ("volume".equals(disk.type()) && disk.node().child("source") != null) {
                QemuVolumeFiles.volumeFile(disk, storage); // virDomainDiskTranslateSourcePool's errors
            }
        }
        return next;
    }

    private void attachDiskLive(QemuDomain d, QemuDeviceXml.Parsed dev) {
        DomainDef live = liveDef(d);
        DeviceDef existing = QemuDeviceXml.disk(live, dev.target());
        if (existing != null) {
            DomainDef base = live.copy();
            base.removeDevice(QemuDeviceXml.disk(base, dev.target()));
            DeviceDef other = QemuDeviceXml.added(QemuDeviceXml.withDevice(base, dev), dev);
            if (isRemovable(existing)) {
                // the attach API overloads media change on drives that have removable media
                changeMedia(d, existing, other, false);
                return;
            }
            // virDomainDiskDefCheckDuplicateInfo, sources translated as libvirt has them by then
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, "target '" + dev.target()
                    + "' duplicated for disk sources '" + sourceName(existing) + "' and '" + sourceName(other) + "'");
        }
        DomainDef joined = QemuDeviceXml.withDevice(live, dev);
        QemuPcieSlots.checkHotplug(live, joined, QemuDeviceXml.added(joined, dev));
        DeviceDef disk = QemuDeviceXml.added(joined, dev).copy();
        if ("floppy".equals(disk.diskDevice())) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "floppy device hotplug isn't supported");
        }
        // libvirt 9.0 reports "disk bus '...' cannot be hotplugged." for an IDE or SATA disk but
        // goes on, and what the client gets is QEMU's refusal of the device_add ("Bus 'ide.0'
        // does not support hotplugging"): this driver lets QEMU answer too
        if ("virtio".equals(disk.diskBus()) && "cdrom".equals(disk.diskDevice())) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cdrom device with virtio bus isn't supported");
        }
        String path = QemuVolumeFiles.fileNow(disk, storage);
        if (path != null) {
            QemuDiskSources.checkOne(disk, path);
        }
        if (disk.alias() == null) {
            disk.setAlias(QemuDeviceAliases.diskAlias(disk));
        }
        int node = nextNodeIndex(d, live);
        QmpMonitor mon = monitor(d);
        String formatNode = null;
        if (path != null) {
            addBlockdevs(mon, disk, node, path);
            formatNode = QemuDiskArgs.formatNode(node);
            markSource(disk, node);
        }
        try {
            mon.execute("device_add", QemuDiskArgs.device(live, disk, formatNode, null), QMP_MILLIS);
        } catch (VirException e) {
            if (path != null) {
                delBlockdevs(mon, node);
            }
            throw e;
        }
        QemuBlockIoTune.applyAfterHotplug(mon, disk, live.name());
        d.editLive(now -> insertDisk(now, disk, joined));
    }

    private void attachNetLive(QemuDomain d, QemuDeviceXml.Parsed dev) {
        DomainDef live = liveDef(d);
        DomainDef joined = QemuDeviceXml.withDevice(live, dev);
        QemuPcieSlots.checkHotplug(live, joined, QemuDeviceXml.added(joined, dev));
        DeviceDef net = QemuDeviceXml.added(joined, dev).copy();
        if (!"user".equals(net.type())) {
            throw QemuSubset.unsupported("hot-plug of interface type '" + net.type() + "'");
        }
        if (net.alias() == null) {
            net.setAlias("net" + nextNetIndex(live));
        }
        QmpMonitor mon = monitor(d);
        mon.execute("netdev_add", QemuNetArgs.netdev(net), QMP_MILLIS);
        try {
            mon.execute("device_add", QemuNetArgs.nic(live, net, null), QMP_MILLIS);
        } catch (VirException e) {
            quietly(mon, "netdev_del", Map.of("id", QemuNetArgs.netdevId(net)));
            throw e;
        }
        d.editLive(now -> now.addDevice(net));
    }

    // ================================================================== detach

    /** virDomainDetachDeviceFlags (virDomainDetachDevice: {@code AFFECT_LIVE}). */
    void detach(DomainRef ref, String xml, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainDetachDeviceLiveAndConfig");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            flags = AffectedDefs.impact(d, flags);
            QemuDeviceXml.Parsed dev = QemuDeviceXml.parse(xml);
            DomainDef newConfig = null;
            if ((flags & AFFECT_CONFIG) != 0) {
                newConfig = persistent(d).copy();
                newConfig.removeDevice(configDevice(newConfig, dev));
            }
            if ((flags & AFFECT_LIVE) != 0) {
                DeviceDef target = liveDevice(liveDef(d), dev);
                unplug(d, target, false);
                life.saveStatus(d);
            }
            if (newConfig != null) {
                saveConfig(d, newConfig);
            }
        } finally {
            d.endJob();
        }
    }

    /** virDomainDetachDeviceAlias: the removal is started, not awaited (libvirt's async detach). */
    void detachAlias(DomainRef ref, String alias, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainDetachDeviceAliasLiveAndConfig");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            flags = AffectedDefs.impact(d, flags);
            DomainDef newConfig = null;
            if ((flags & AFFECT_CONFIG) != 0) {
                newConfig = persistent(d).copy();
                DeviceDef dev = QemuDeviceXml.byAlias(newConfig, alias);
                if (dev == null) {
                    throw noAlias(alias);
                }
                checkConfigDetachable(dev);
                newConfig.removeDevice(dev);
            }
            if ((flags & AFFECT_LIVE) != 0) {
                DeviceDef dev = QemuDeviceXml.byAlias(liveDef(d), alias);
                if (dev == null) {
                    throw noAlias(alias);
                }
                checkLiveDetachable(dev);
                unplug(d, dev, true);
            }
            if (newConfig != null) {
                saveConfig(d, newConfig);
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainDetachDeviceConfig's lookup: the device of the persistent definition to drop. */
    private static DeviceDef configDevice(DomainDef conf, QemuDeviceXml.Parsed dev) {
        switch (dev.kind()) {
            case DISK -> {
                DeviceDef disk = QemuDeviceXml.disk(conf, dev.target());
                if (disk == null) {
                    throw VirException.of(VirErrorNumber.DEVICE_MISSING, VirErrorDomain.QEMU,
                            "no target device " + dev.target());
                }
                return disk;
            }
            case INTERFACE -> {
                return QemuDeviceXml.findInterface(conf, dev);
            }
            default -> throw persistentUnsupported("detach", dev.kind(), !CONFIG_ATTACHABLE.contains(dev.kind()));
        }
    }

    private static void checkConfigDetachable(DeviceDef dev) {
        if (dev.kind() != DeviceKind.DISK && dev.kind() != DeviceKind.INTERFACE) {
            throw persistentUnsupported("detach", dev.kind(), !CONFIG_ATTACHABLE.contains(dev.kind()));
        }
    }

    /** qemuDomainDetachPrepDisk / qemuDomainDetachPrepNet: the running device to unplug, if it may go. */
    private static DeviceDef liveDevice(DomainDef live, QemuDeviceXml.Parsed dev) {
        DeviceDef found = switch (dev.kind()) {
            case DISK -> {
                DeviceDef disk = QemuDeviceXml.disk(live, dev.target());
                if (disk == null) {
                    throw VirException.of(VirErrorNumber.DEVICE_MISSING, VirErrorDomain.QEMU,
                            "disk " + dev.target() + " not found");
                }
                yield disk;
            }
            case INTERFACE -> QemuDeviceXml.findInterface(live, dev);
            default -> throw liveDetachUnsupported(dev.kind());
        };
        checkLiveDetachable(found);
        return found;
    }

    private static void checkLiveDetachable(DeviceDef dev) {
        if (dev.kind() == DeviceKind.DISK) {
            String device = dev.diskDevice();
            if ("cdrom".equals(device) || "floppy".equals(device)) {
                throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "disk device type '%s' cannot be detached", device);
            }
            if (!"virtio".equals(dev.diskBus())) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "This type of disk cannot be hot unplugged");
            }
        } else if (dev.kind() != DeviceKind.INTERFACE) {
            throw liveDetachUnsupported(dev.kind());
        }
        if (dev.alias() == null) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "Cannot detach " + dev.kind().element() + " device with no alias");
        }
    }

    private static VirException liveDetachUnsupported(DeviceKind kind) {
        return VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                "live detach of device '%s' is not supported", kind.element());
    }

    /**
     * {@code device_del}, then (unless {@code async}) up to UNPLUG_TIMEOUT_MILLIS for
     * DEVICE_DELETED; the device leaves the definition when QEMU has let it go.
     */
    private void unplug(QemuDomain d, DeviceDef dev, boolean async) {
        String alias = dev.alias();
        QmpMonitor mon = monitor(d);
        if (!async) {
            waits.expectDeleted(d, alias);
        }
        try {
            mon.execute("device_del", Map.of("id", alias), QMP_MILLIS);
        } catch (VirException e) {
            boolean seen = !async && waits.cancelDeleted(d, alias);
            if (seen || isDeviceNotFound(e)) { // gone already: finish as for the event
                removeDevice(d, alias);
                return;
            }
            throw e;
        }
        if (!async && waits.awaitDeleted(d, alias, UNPLUG_TIMEOUT_MILLIS)) {
            removeDevice(d, alias);
        }
    }

    /** QEMU's DeviceNotFound (libvirt's qemuMonitorDelDevice answers -2 and no error for it). */
    static boolean isDeviceNotFound(VirException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Device '") && m.contains("' not found");
    }

    /**
     * qemuDomainRemoveDevice: drops the device QEMU let go from the running definition, frees
     * its backend and tells listeners (DEVICE_REMOVED). Job held; worker thread.
     */
    private void removeDevice(QemuDomain d, String alias) {
        DomainDef live;
        QmpMonitor mon;
        synchronized (d) {
            live = d.liveCopy();
            mon = d.monitor;
        }
        DeviceDef dev = live == null ? null : QemuDeviceXml.byAlias(live, alias);
        if (dev == null) {
            return; // libvirt: a DEVICE_DELETED for an alias it does not know is ignored
        }
        if (dev.kind() == DeviceKind.DISK) {
            d.editLive(now -> removeByAlias(now, alias));
            int node = sourceIndex(dev);
            if (mon != null && node > 0) {
                delBlockdevs(mon, node);
            }
        } else {
            if (mon != null && dev.kind() == DeviceKind.INTERFACE) {
                quietly(mon, "netdev_del", Map.of("id", QemuNetArgs.netdevId(dev)));
            }
            d.editLive(now -> removeByAlias(now, alias));
        }
        life.saveStatus(d);
        DomainRef ref = d.ref();
        life.events.post(new DomainEvent.DeviceRemoved(ref, alias));
        life.events.dispatch();
    }

    // ================================================================== update

    /** virDomainUpdateDeviceFlags: a disk's medium (cdrom), in the running domain and/or the config. */
    void update(DomainRef ref, String xml, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG | MODIFY_FORCE, VirErrorDomain.QEMU,
                "qemuDomainUpdateDeviceFlags");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            boolean force = (flags & MODIFY_FORCE) != 0;
            flags = AffectedDefs.impact(d, flags);
            QemuDeviceXml.Parsed dev = QemuDeviceXml.parse(xml);
            DomainDef newConfig = null;
            if ((flags & AFFECT_CONFIG) != 0) {
                newConfig = updateConfig(persistent(d), dev);
            }
            if ((flags & AFFECT_LIVE) != 0) {
                switch (dev.kind()) {
                    case DISK -> updateDiskLive(d, dev, force);
                    case INTERFACE -> updateNetLive(d, dev);
                    default -> throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "live update of device '%s' is not supported", dev.kind().element());
                }
                life.saveStatus(d);
            }
            if (newConfig != null) {
                saveConfig(d, newConfig);
            }
        } finally {
            d.endJob();
        }
    }

    private static DomainDef updateConfig(DomainDef conf, QemuDeviceXml.Parsed dev) {
        DomainDef base = conf.copy();
        DeviceDef old = switch (dev.kind()) {
            case DISK -> {
                DeviceDef disk = QemuDeviceXml.disk(base, dev.target());
                if (disk == null) {
                    throw VirException.of(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                            "target " + dev.target() + " doesn't exist.");
                }
                yield disk;
            }
            case INTERFACE -> QemuDeviceXml.findInterface(base, dev);
            // qemuDomainUpdateDeviceConfig takes disks, graphics, interfaces and memory
            default -> throw persistentUnsupported("update", dev.kind(),
                    dev.kind() != DeviceKind.GRAPHICS && dev.kind() != DeviceKind.MEMORY);
        };
        int at = base.devices(dev.kind()).indexOf(old);
        base.removeDevice(old);
        DomainDef next = QemuDeviceXml.withDevice(base, dev);
        // qemuDomainUpdateDeviceConfig replaces the device in place (vmdef->disks[pos],
        // virDomainNetUpdate), where withDevice placed it as an attach would: the disks' order
        // (so the boot disk) and the interfaces' stay
        DeviceDef updated = QemuDeviceXml.added(next, dev);
        next.removeDevice(updated);
        List<DeviceDef> same = next.devices(dev.kind());
        if (at < same.size()) {
            next.devices().add(next.devices().indexOf(same.get(at)), updated);
        } else {
            next.addDevice(updated);
        }
        return next;
    }

    private void updateDiskLive(QemuDomain d, QemuDeviceXml.Parsed dev, boolean force) {
        DomainDef live = liveDef(d);
        DeviceDef old = QemuDeviceXml.disk(live, dev.target());
        if (old == null) {
            throw VirException.internalError(VirErrorDomain.QEMU, "disk '" + dev.target() + "' not found");
        }
        DomainDef base = live.copy();
        base.removeDevice(QemuDeviceXml.disk(base, dev.target()));
        DeviceDef disk = QemuDeviceXml.added(QemuDeviceXml.withDevice(base, dev), dev);
        // qemuDomainDiskChangeSupported: what a live update may not touch
        if (!Objects.equals(disk.diskDevice(), old.diskDevice())) {
            throw cannotModify("device");
        }
        if (!Objects.equals(disk.diskBus(), old.diskBus())) {
            throw cannotModify("bus");
        }
        if (!sameSource(disk, old)) {
            if (!isRemovable(old)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "disk source can be changed only in removable drives");
            }
            changeMedia(d, old, disk, force);
        }
    }

    /**
     * qemuDomainChangeNet for a user interface: the link state ({@code set_link}, what
     * {@code virsh domif-setlink} sends) may change; MAC, model and the rest may not.
     */
    private void updateNetLive(QemuDomain d, QemuDeviceXml.Parsed dev) {
        DomainDef live = liveDef(d);
        DeviceDef old = QemuDeviceXml.findInterface(live, dev);
        if (dev.mac() == null) {
            dev.setMac(old.macAddress()); // a generated MAC names no change
        }
        DomainDef base = live.copy();
        base.removeDevice(QemuDeviceXml.byAlias(base, old.alias()));
        DeviceDef next = QemuDeviceXml.added(QemuDeviceXml.withDevice(base, dev), dev);
        if (!old.macAddress().equalsIgnoreCase(next.macAddress())) {
            throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cannot change network interface mac address from %s to %s", old.macAddress(), next.macAddress());
        }
        if (!Objects.equals(old.modelType(), next.modelType())) {
            throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cannot modify network device model from %s to %s",
                    Objects.toString(old.modelType(), "<null>"), Objects.toString(next.modelType(), "<null>"));
        }
        if (!withoutLiveParts(old).equals(withoutLiveParts(next))) {
            throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "unable to change config on '%s' network type", next.type());
        }
        String was = Objects.toString(old.node().childAttr("link", "state"), "up");
        String now = Objects.toString(next.node().childAttr("link", "state"), "up");
        if (was.equals(now)) {
            return;
        }
        monitor(d).execute("set_link", QemuNetArgs.setLinkArgs(old.alias(), "up".equals(now)), QMP_MILLIS);
        synchronized (d) { // in place: the event thread may have changed the live definition meanwhile
            DeviceDef n = d.liveDef == null ? null : QemuDeviceXml.byAlias(d.liveDef, old.alias());
            if (n != null) {
                n.node().remove("link");
                n.node().add(new XmlNode("link").attr("state", now));
                n.sortCanonical();
            }
        }
    }

    /** An interface's XML without what a live update may differ in (alias, address, link state). */
    private static String withoutLiveParts(DeviceDef net) {
        DeviceDef c = net.copy();
        c.node().remove("alias");
        c.node().remove("address");
        c.node().remove("link");
        return c.node().toString();
    }

    private static VirException cannotModify(String field) {
        return VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                "cannot modify field '%s' of the disk", field);
    }

    /**
     * qemuDomainChangeMediaBlockdev: opens the tray (waiting for the guest to let it open unless
     * {@code force}), removes the medium and its nodes, adds the new medium's nodes and inserts
     * them, closes the tray. {@code medium} without a source ejects. Job held.
     */
    private void changeMedia(QemuDomain d, DeviceDef drive, DeviceDef medium, boolean force) {
        String id = drive.alias(); // an IDE/SATA drive's QOM name is its id
        String path = QemuVolumeFiles.fileNow(medium, storage);
        if (path != null) {
            QemuDiskSources.checkOne(medium, path);
        }
        QmpMonitor mon = monitor(d);
        DomainDef live = liveDef(d);
        if (!waits.trayOpen(d, id)) {
            CompletableFuture<Void> opened = waits.expectTrayOpen(d, id);
            try {
                mon.execute("blockdev-open-tray", ordered("id", id, "force", force), QMP_MILLIS);
                if (!force) {
                    mon.await(opened, "DEVICE_TRAY_MOVED", TRAY_TIMEOUT_MILLIS);
                }
            } catch (VirException e) {
                if (e.errorNumber() == VirErrorNumber.OPERATION_TIMEOUT) {
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                            "timed out waiting to open tray of '" + drive.diskTarget() + "'");
                }
                throw e;
            } finally {
                waits.cancelTray(d, id);
            }
        }
        mon.execute("blockdev-remove-medium", Map.of("id", id), QMP_MILLIS);
        XmlNode oldSrc = drive.node().child("source");
        boolean hadMedium = oldSrc != null && (oldSrc.attr("file") != null || oldSrc.attr("volume") != null);
        int oldNode = hadMedium ? sourceIndex(drive) : 0; // an ejected drive's number names no node
        if (oldNode > 0) {
            delBlockdevs(mon, oldNode);
        }
        int node = nextNodeIndex(d, live); // an ejected drive's empty source gets a number too
        if (path != null) {
            addBlockdevs(mon, medium, node, path);
            try {
                mon.execute("blockdev-insert-medium", ordered("id", id, "node-name", QemuDiskArgs.formatNode(node)),
                        QMP_MILLIS);
                // the drive's throttling for the new image (qemuDomainChangeMediaBlockdev)
                BlockIoTuneInfo tune = BlockIoTuneInfo.ofXml(drive.node().child("iotune"));
                if (tune.enabled()) {
                    mon.execute("block_set_io_throttle", tune.qmpArguments(QemuBlockIoTune.qomNameOrNull(drive)),
                            QMP_MILLIS);
                }
            } catch (VirException e) {
                delBlockdevs(mon, node);
                throw e;
            }
        }
        mon.execute("blockdev-close-tray", Map.of("id", id), QMP_MILLIS);

        d.editLive(now -> setMedium(QemuDeviceXml.disk(now, drive.diskTarget()), medium, path != null, node));
    }

    /** The live view of a drive whose medium changed: {@code medium}'s source and driver, node {@code node}. */
    static void setMedium(DeviceDef changed, DeviceDef medium, boolean hasFile, int node) {
        XmlNode n = changed.node();
        n.attr("type", medium.type());
        n.remove("source");
        n.remove("backingStore");
        n.remove("driver");
        if (medium.node().child("driver") != null) {
            n.add(medium.copy().node().child("driver"));
        }
        if (hasFile) {
            n.add(medium.copy().node().child("source"));
            markSource(changed, node);
        } else { // libvirt shows the ejected drive as <source index='N'/>, no chain
            n.add(new XmlNode("source").attr("index", Integer.toString(node)));
        }
        changed.sortCanonical();
    }

    // ================================================================== events and reattach

    /** A DEVICE_* event of a running domain. qemu-event thread: signals or queues, never blocks. */
    void onEvent(QemuDomain d, String event, Map<String, Object> data) {
        switch (event) {
            case "DEVICE_DELETED" -> {
                Object alias = data.get("device");
                if (alias instanceof String a && !a.isEmpty() && !waits.signalDeleted(d, a)) {
                    queueRemoval(d, Set.of(a));
                }
            }
            case "DEVICE_TRAY_MOVED" -> {
                Object id = data.get("id");
                if (id instanceof String s && !s.isEmpty()) {
                    waits.trayMoved(d, s, Boolean.TRUE.equals(data.get("tray-open")));
                }
            }
            default -> { }
        }
    }

    /**
     * After reattach (qemuProcessUpdateDevices): a hot-pluggable device QEMU no longer has was
     * unplugged while the daemon was away; it goes now. Sends {@code qom-list}, does not wait.
     */
    void reconcile(QemuDomain d, QmpMonitor mon) {
        mon.send("qom-list", Map.of("path", "/machine/peripheral")).whenComplete((r, e) -> {
            if (e != null || !(r instanceof List<?> list)) {
                return;
            }
            Set<String> present = new HashSet<>();
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("name") != null) {
                    present.add(String.valueOf(m.get("name")));
                }
            }
            Set<String> gone = new HashSet<>();
            synchronized (d) { // in memory, under the monitor: the definition changes in place (QemuDomain#editLive)
                if (d.liveDef == null) {
                    return;
                }
                for (DeviceDef dev : d.liveDef.devices()) {
                    boolean pluggable = (dev.kind() == DeviceKind.DISK && "virtio".equals(dev.diskBus()))
                            || dev.kind() == DeviceKind.INTERFACE;
                    if (pluggable && dev.alias() != null && !present.contains(dev.alias())) {
                        gone.add(dev.alias());
                    }
                }
            }
            if (!gone.isEmpty()) {
                queueRemoval(d, gone);
            }
        });
    }

    /** Hands a removal to the qemu-unplug thread; once the driver stops, the next start's reattach finds it. */
    private void queueRemoval(QemuDomain d, Set<String> aliases) {
        try {
            removals.execute(() -> removeLater(d, aliases));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "driver stopping: removal of {0} left to the next start", aliases);
        }
    }

    /**
     * The driver stops: the removal under way gets up to {@code millis} to finish (and write the
     * status file), then the thread is interrupted; queued ones are dropped, since the status file
     * still lists their devices and the next start's reattach finds them gone (qom-list).
     *
     * @return whether the qemu-unplug thread has ended
     */
    boolean shutdown(long millis) {
        removals.shutdown();
        try {
            if (!removals.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                removals.shutdownNow();
                return removals.awaitTermination(millis, TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removals.shutdownNow();
            return false;
        }
    }

    /** A removal no caller waits for, under the domain's job. qemu-unplug thread. */
    private void removeLater(QemuDomain d, Set<String> aliases) {
        try {
            d.beginJob();
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot finish removal of {0}: {1}", aliases, e.getMessage());
            return;
        }
        try {
            for (String a : aliases) {
                if (QemuVcpuHotplug.isVcpuAlias(a)) {
                    vcpus.removedLate(d, a);
                } else {
                    removeDevice(d, a);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot finish removal of {0}: {1}", aliases, e.getMessage());
        } finally {
            d.endJob();
        }
    }

    /** The domain's QEMU is gone. */
    void forget(QemuDomain d) {
        waits.forget(d);
    }

    // ================================================================== helpers

    private static VirException noAlias(String alias) {
        return VirException.internalError(VirErrorDomain.DOMAIN, "no device found with alias " + alias);
    }

    private static DomainDef persistent(QemuDomain d) {
        synchronized (d) {
            return d.persistentDef;
        }
    }

    /** A copy of the running definition to read outside the lock (changes go through {@link QemuDomain#editLive}). */
    private static DomainDef liveDef(QemuDomain d) {
        DomainDef live = d.liveCopy();
        if (live == null) {
            throw QemuLifecycle.notRunning();
        }
        return live;
    }

    private static QmpMonitor monitor(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                throw QemuLifecycle.notRunning();
            }
            return d.monitor;
        }
    }

    /** Takes the device with {@code alias} out of {@code def}; null when it has none. */
    static DeviceDef removeByAlias(DomainDef def, String alias) {
        DeviceDef dev = QemuDeviceXml.byAlias(def, alias);
        if (dev != null) {
            def.removeDevice(dev);
        }
        return dev;
    }

    /** Writes the new persistent definition, then makes it the domain's ({@link QemuLifecycle#savePersistent}). */
    private void saveConfig(QemuDomain d, DomainDef next) {
        life.savePersistent(d, next);
    }

    private static void addBlockdevs(QmpMonitor mon, DeviceDef disk, int node, String path) {
        List<Map<String, Object>> nodes = QemuDiskArgs.blockdevs(disk, node, path, true);
        mon.execute("blockdev-add", nodes.get(0), QMP_MILLIS);
        try {
            mon.execute("blockdev-add", nodes.get(1), QMP_MILLIS);
        } catch (VirException e) {
            quietly(mon, "blockdev-del", Map.of("node-name", QemuDiskArgs.storageNode(node)));
            throw e;
        }
    }

    /** qemuBlockStorageSourceChainDetach: format node, then storage node; failures only logged. */
    private static void delBlockdevs(QmpMonitor mon, int node) {
        quietly(mon, "blockdev-del", Map.of("node-name", QemuDiskArgs.formatNode(node)));
        quietly(mon, "blockdev-del", Map.of("node-name", QemuDiskArgs.storageNode(node)));
    }

    private static void quietly(QmpMonitor mon, String command, Map<String, ?> args) {
        try {
            mon.execute(command, args, QMP_MILLIS);
        } catch (VirException e) {
            LOG.log(Level.WARNING, "{0} {1} failed: {2}", command, args, e.getMessage());
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static boolean isRemovable(DeviceDef disk) {
        return "cdrom".equals(disk.diskDevice()) || "floppy".equals(disk.diskDevice());
    }

    /** The node number of a disk's image ({@code <source index>}), 0 for none. */
    private static int sourceIndex(DeviceDef disk) {
        XmlNode src = disk.node().child("source");
        String idx = src == null ? null : src.attr("index");
        return idx == null ? 0 : Integer.parseInt(idx);
    }

    /**
     * libvirt's node name counter: past every node the running domain has used, detached ones
     * too ({@link QemuDomain#nodeIndex}, saved with the status the caller writes next).
     */
    private int nextNodeIndex(QemuDomain d, DomainDef live) {
        // the start numbered every disk, empty drives too, and their backing images after them
        return d.takeNodeIndexes(Math.max(live.disks().size(), QemuOverlays.maxIndex(live)), 1);
    }

    /** qemuAssignDeviceNetAlias: one past the highest {@code netN}. */
    private static int nextNetIndex(DomainDef live) {
        int max = -1;
        for (DeviceDef n : live.interfaces()) {
            String a = n.alias();
            if (a != null && a.matches("net\\d+")) {
                max = Math.max(max, Integer.parseInt(a.substring(3)));
            }
        }
        return max + 1;
    }

    /** The live view of an opened image: {@code <source index='N'>} and the {@code <backingStore/>} ending its chain. */
    private static void markSource(DeviceDef disk, int node) {
        disk.node().child("source").attr("index", Integer.toString(node));
        if (disk.node().child("backingStore") == null) {
            disk.node().add(new XmlNode("backingStore"));
        }
        disk.sortCanonical();
    }

    /** Puts {@code disk} where libvirt's virDomainDiskInsert would (its place in {@code joined}). */
    static void insertDisk(DomainDef next, DeviceDef disk, DomainDef joined) {
        List<DeviceDef> order = joined.disks();
        for (int i = 0; i < order.size() - 1; i++) {
            if (order.get(i).diskTarget().equals(disk.diskTarget())) {
                DeviceDef after = QemuDeviceXml.disk(next, order.get(i + 1).diskTarget());
                if (after != null) {
                    next.devices().add(next.devices().indexOf(after), disk);
                    return;
                }
            }
        }
        next.addDevice(disk);
    }

    private static boolean sameSource(DeviceDef a, DeviceDef b) {
        XmlNode sa = a.node().child("source");
        XmlNode sb = b.node().child("source");
        if (sa == null || sb == null) {
            return sa == sb;
        }
        return Objects.equals(a.type(), b.type()) && Objects.equals(a.sourcePath(), b.sourcePath())
                && Objects.equals(sa.attr("pool"), sb.attr("pool")) && Objects.equals(sa.attr("volume"), sb.attr("volume"));
    }

    /** virDomainDiskGetSource: the (translated) path, or libvirt's NULLSTR. */
    private String sourceName(DeviceDef disk) {
        try {
            String p = QemuVolumeFiles.fileNow(disk, storage);
            return p != null ? p : "<null>";
        } catch (VirException e) {
            return "<null>";
        }
    }
}
