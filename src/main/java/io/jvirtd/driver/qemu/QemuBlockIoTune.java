package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * virDomainSetBlockIoTune and virDomainGetBlockIoTune on the QEMU driver, as libvirt 9.0's
 * qemuDomainSetBlockIoTune / GetBlockIoTune: live through QEMU's {@code block_set_io_throttle}
 * (the disk's device by its QOM name, as libvirt's -blockdev disks are named) and
 * {@code query-block}, in the config as the disk's {@code <iotune>}; throttle groups; and the
 * throttling a guest starts with (qemuProcessSetupDiskThrottling: {@code block_set_io_throttle}
 * before the CPUs run, QEMU's command line has none of it). The values themselves and libvirt's
 * checks are {@link BlockIoTuneInfo}.
 *
 * <p>Threads: workers; a change holds the domain's job, a read its query job, the live definition
 * is changed under the domain's lock, the persistent one in a copy saved atomically; no lock is
 * held across QMP. Stateless.
 */
final class QemuBlockIoTune {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** VIR_TYPED_PARAM_STRING_OKAY. */
    private static final int STRING_OKAY = 4;
    private static final Map<String, TypedParameter.Type> PARAMS = new LinkedHashMap<>();

    static {
        for (String[] f : BlockIoTuneInfo.FIELDS) {
            PARAMS.put(f[0], TypedParameter.Type.ULLONG);
        }
        PARAMS.put(BlockIoTuneInfo.GROUP_NAME, TypedParameter.Type.STRING);
    }

    private final QemuLifecycle life;

    QemuBlockIoTune(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainGetBlockIoTune's count query: resolves the definitions, looks up nothing. */
    int count(DomainRef ref, int flags) {
        checkGetFlags(flags);
        QemuDomain d = life.domains.get(ref);
        d.beginQueryJob();
        try {
            AffectedDefs.resolve(d, flags & ~STRING_OKAY);
            return BlockIoTuneInfo.PARAMS;
        } finally {
            d.endQueryJob();
        }
    }

    /** virDomainGetBlockIoTune: live from QEMU's {@code query-block}, else the config's {@code <iotune>}. */
    List<TypedParameter> get(DomainRef ref, String disk, int flags) {
        checkGetFlags(flags);
        QemuDomain d = life.domains.get(ref);
        d.beginQueryJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags & ~STRING_OKAY);
            if (defs.live() != null) {
                String qom;
                QmpMonitor mon;
                synchronized (d) {
                    qom = qomName(liveDisk(defs.live(), disk));
                    mon = d.monitor;
                }
                if (mon == null) {
                    throw QemuLifecycle.notRunning();
                }
                Object answer = mon.execute("query-block", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                return BlockIoTuneInfo.ofQueryBlock(answer, qom).toParams(0);
            }
            DeviceDef dev = defs.persistent().diskByTargetOrPath(disk);
            if (dev == null) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "disk '" + disk + "' was not found in the domain config");
            }
            return BlockIoTuneInfo.ofXml(dev.node().child("iotune")).toParams(0);
        } finally {
            d.endQueryJob();
        }
    }

    /** virDomainSetBlockIoTune. */
    void set(DomainRef ref, String disk, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetBlockIoTune");
        TypedParamChecks.validate(params, PARAMS);
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            BlockIoTuneInfo.Request req = BlockIoTuneInfo.Request.of(params);
            if (defs.live() != null) {
                setLive(d, defs.live(), disk, req, params);
            }
            if (defs.persistent() != null) {
                DomainDef pers = defs.persistent();
                DeviceDef dev = pers.diskByTargetOrPath(disk);
                if (dev == null) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU,
                            "missing persistent configuration for disk '" + disk + "'");
                }
                BlockIoTuneInfo next = merged(pers, dev, req);
                apply(pers, dev, next);
                defs.savePersistent(life, d);
            }
        } finally {
            d.endJob();
        }
    }

    private void setLive(QemuDomain d, DomainDef live, String disk, BlockIoTuneInfo.Request req,
                         List<TypedParameter> params) {
        BlockIoTuneInfo next;
        String qom;
        boolean empty;
        QmpMonitor mon;
        synchronized (d) {
            DeviceDef dev = liveDisk(live, disk);
            next = merged(live, dev, req);
            qom = qomName(dev);
            empty = dev.sourcePath() == null;
            mon = d.monitor;
        }
        BlockIoTuneInfo.Request.checkMax(next);
        if (!empty) { // an empty cdrom gets its throttling with its next medium
            if (mon == null) {
                throw QemuLifecycle.notRunning();
            }
            mon.execute("block_set_io_throttle", next.qmpArguments(qom), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        }
        synchronized (d) {
            DeviceDef dev = live.diskByTargetOrPath(disk);
            if (dev != null) {
                apply(live, dev, next);
            }
        }
        life.saveStatus(d);
        List<TypedParameter> tunables = new ArrayList<>();
        tunables.add(TypedParameter.ofString("blkdeviotune.disk", disk));
        for (TypedParameter p : params) {
            tunables.add(p.type() == TypedParameter.Type.STRING
                    ? TypedParameter.ofString("blkdeviotune." + p.field(), p.stringValue())
                    : TypedParameter.ofULLong("blkdeviotune." + p.field(), p.longValue()));
        }
        life.events.raise(new DomainEvent.Tunable(d.ref(), tunables));
    }

    /**
     * The disk's next values: the client's merged into the current ones (those of the group the
     * client names, when another disk is in it: qemuDomainFindGroupBlockIoTune), then the reset check.
     */
    private static BlockIoTuneInfo merged(DomainDef def, DeviceDef dev, BlockIoTuneInfo.Request req) {
        BlockIoTuneInfo own = BlockIoTuneInfo.ofXml(dev.node().child("iotune"));
        BlockIoTuneInfo current = own;
        String wanted = req.given().group();
        if (wanted != null && !wanted.equals(own.group())) {
            for (DeviceDef other : def.disks()) {
                BlockIoTuneInfo o = BlockIoTuneInfo.ofXml(other.node().child("iotune"));
                if (wanted.equals(o.group())) {
                    current = o;
                    break;
                }
            }
        }
        return BlockIoTuneInfo.Request.checkReset(req.mergedInto(current), own.group());
    }

    /**
     * virDomainDiskSetBlockIOTune and qemuDomainSetGroupBlockIoTune: the disk, and every disk of
     * its group, take the values.
     */
    private static void apply(DomainDef def, DeviceDef dev, BlockIoTuneInfo next) {
        setXml(dev, next);
        if (next.group() == null) {
            return;
        }
        for (DeviceDef other : def.disks()) {
            if (other != dev && next.group().equals(BlockIoTuneInfo.ofXml(other.node().child("iotune")).group())) {
                setXml(other, next);
            }
        }
    }

    private static void setXml(DeviceDef dev, BlockIoTuneInfo info) {
        dev.node().remove("iotune");
        XmlNode n = info.toXml();
        if (n != null) {
            dev.node().add(n);
            dev.sortCanonical();
        }
    }

    // ------------------------------------------------------------------ at start

    /**
     * qemuProcessSetupDiskThrottling: {@code block_set_io_throttle} for each disk whose
     * {@code <iotune>} sets something (not an empty drive), sent before the CPUs run; the answers
     * are awaited with {@link #awaitAtStart}. Start thread, the monitor just opened.
     */
    static List<CompletableFuture<Object>> sendAtStart(QmpMonitor mon, DomainDef live) {
        List<CompletableFuture<Object>> out = new ArrayList<>();
        for (DeviceDef disk : live.disks()) {
            BlockIoTuneInfo info = BlockIoTuneInfo.ofXml(disk.node().child("iotune"));
            String qom = qomNameOrNull(disk);
            if (!info.enabled() || disk.sourcePath() == null || qom == null) {
                continue;
            }
            out.add(mon.send("block_set_io_throttle", info.qmpArguments(qom)));
        }
        return out;
    }

    /** Waits for {@link #sendAtStart}'s answers: QEMU's error fails the start, as libvirt's. */
    static void awaitAtStart(QmpMonitor mon, List<CompletableFuture<Object>> sent, long timeoutMillis) {
        for (CompletableFuture<Object> f : sent) {
            mon.await(f, "block_set_io_throttle", timeoutMillis);
        }
    }

    /**
     * A hot-plugged disk's {@code <iotune>}, after its device_add (qemuDomainAttachDiskGeneric):
     * a refusal only logs a warning, as libvirt's, the disk stays.
     */
    static void applyAfterHotplug(QmpMonitor mon, DeviceDef disk, String domain) {
        BlockIoTuneInfo info = BlockIoTuneInfo.ofXml(disk.node().child("iotune"));
        String qom = qomNameOrNull(disk);
        if (!info.enabled() || qom == null) {
            return;
        }
        try {
            mon.execute("block_set_io_throttle", info.qmpArguments(qom), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (VirException e) {
            LOG.log(System.Logger.Level.WARNING, "failed to set blkdeviotune for ''{0}'' of ''{1}''",
                    disk.diskTarget(), domain);
        }
    }

    // ------------------------------------------------------------------ names

    /** qemuDomainDiskByName on the live definition. Under the domain's lock. */
    private static DeviceDef liveDisk(DomainDef live, String disk) {
        DeviceDef dev = disk == null ? null : live.diskByTargetOrPath(disk);
        if (dev == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "disk '" + disk + "' not found in domain");
        }
        return dev;
    }

    private static String qomName(DeviceDef disk) {
        String qom = qomNameOrNull(disk);
        if (qom == null) {
            throw VirException.internalError(VirErrorDomain.QEMU, "disk '" + disk.diskTarget() + "' has no QEMU device");
        }
        return qom;
    }

    /**
     * The QOM name libvirt gives a -blockdev disk's device (qemuAssignDeviceDiskAlias): the
     * alias for IDE, SATA, SCSI and floppy disks, the virtio backend below the alias for virtio,
     * the legacy child for USB.
     */
    static String qomNameOrNull(DeviceDef disk) {
        String alias = disk.alias();
        if (alias == null) {
            return null;
        }
        String bus = disk.diskBus();
        return switch (bus == null ? "" : bus) {
            case "fdc", "ide", "sata", "scsi" -> alias;
            case "virtio" -> "/machine/peripheral/" + alias + "/virtio-backend";
            case "usb" -> "/machine/peripheral/" + alias + "/" + alias + ".0/legacy[0]";
            default -> null;
        };
    }

    private static void checkGetFlags(int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG | STRING_OKAY,
                VirErrorDomain.QEMU, "qemuDomainGetBlockIoTune");
    }
}
