package io.jvirtd.driver.qemu;

import static io.jvirtd.model.domain.SnapshotFlags.CREATE_ATOMIC;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_CURRENT;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_DISK_ONLY;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_HALT;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_LIVE;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_NO_METADATA;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_QUIESCE;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_REDEFINE;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_REUSE_EXT;
import static io.jvirtd.model.domain.SnapshotFlags.CREATE_VALIDATE;
import static io.jvirtd.model.domain.SnapshotFlags.DELETE_CHILDREN;
import static io.jvirtd.model.domain.SnapshotFlags.DELETE_CHILDREN_ONLY;
import static io.jvirtd.model.domain.SnapshotFlags.DELETE_METADATA_ONLY;
import static io.jvirtd.model.domain.SnapshotFlags.REVERT_FORCE;
import static io.jvirtd.model.domain.SnapshotFlags.REVERT_PAUSED;
import static io.jvirtd.model.domain.SnapshotFlags.REVERT_RESET_NVRAM;
import static io.jvirtd.model.domain.SnapshotFlags.REVERT_RUNNING;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_CRASHED;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_DISK_SNAPSHOT;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_PAUSED;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_RUNNING;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_SHUTDOWN;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_SHUTOFF;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED_FROM_SNAPSHOT;

import io.jvirtd.driver.common.AtomicFiles;
import io.jvirtd.driver.common.Moments;
import io.jvirtd.driver.common.SnapshotSelect;
import io.jvirtd.driver.storage.QemuImg;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.domain.DomainFlags;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.domain.StateReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Snapshots of QEMU guests as libvirt 9.0's QEMU driver takes them with QEMU 7.2
 * (qemu_snapshot.c): internal full-system snapshots of a running guest (CPUs stopped, HMP
 * {@code savevm} through {@code human-monitor-command}, CPUs resumed), internal disk snapshots
 * of a shut-off guest ({@code qemu-img snapshot -c}), revert (QEMU killed and started again
 * with the snapshot loaded, or {@code qemu-img snapshot -a} for a shut-off one, with libvirt's
 * events), delete ({@code delvm} / {@code qemu-img snapshot -d}; an external snapshot's overlays
 * block-committed by {@link QemuSnapshotCommit}), redefinition, and the
 * metadata: one {@code NAME.xml} per snapshot under {@code lib/snapshot/DOMAIN/}, written
 * atomically, read again when the daemon starts.
 *
 * <p>Threads: worker threads. The tree is the domain's {@link QemuDomain#snapshots}, read and
 * changed under the domain's monitor; calls that change it hold the domain's job, and do QMP,
 * {@code qemu-img} and file work with no lock held. {@code savevm} blocks QEMU's monitor for
 * its duration; only this worker waits for it (the event loop keeps reading), and meanwhile
 * does what does not depend on its outcome: the domain capture and the new metadata files up
 * to their rename (see {@link #createNew}).
 */
final class QemuSnapshots {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** savevm / loadvm / delvm copy guest RAM: far longer than an ordinary command. */
    private static final long VM_STATE_TIMEOUT_MILLIS = 600_000;
    private static final int CREATE_FLAGS = CREATE_REDEFINE | CREATE_CURRENT | CREATE_NO_METADATA | CREATE_HALT
            | CREATE_DISK_ONLY | CREATE_REUSE_EXT | CREATE_QUIESCE | CREATE_ATOMIC | CREATE_LIVE | CREATE_VALIDATE;

    private final QemuLifecycle life;
    private final QemuImg qemuImg = new QemuImg("qemu-img");

    QemuSnapshots(QemuLifecycle life) {
        this.life = life;
    }

    // ================================================================== metadata files

    private static Path dir(QemuPaths paths, String domain) {
        return paths.libDir().resolve("snapshot").resolve(domain);
    }

    /**
     * A rename's part (qemuDomainRenameCallback's snapshot loop): writes every snapshot's
     * metadata file under the domain's new name, which {@code d} already has. Job held.
     */
    void writeAllUnderCurrentName(QemuDomain d) {
        Set<String> names = new java.util.HashSet<>();
        synchronized (d) {
            d.snapshots.all().forEach(n -> names.add(n.name));
        }
        sync(d, names);
    }

    /** The folder of the snapshot metadata files of the domain named {@code domain}. */
    static Path metadataDir(QemuPaths paths, String domain) {
        return dir(paths, domain);
    }

    /**
     * Writes (or, for names no longer in the tree, removes) the metadata files of {@code names}:
     * qemuDomainSnapshotWriteMetadata's internal format with {@code <active>}. Formatted under the
     * domain's lock, written with none held. Job held.
     */
    private void sync(QemuDomain d, Set<String> names) {
        Map<String, String> texts;
        String domName;
        synchronized (d) {
            domName = d.name();
            texts = metadataTexts(d, names, d.snapshots.current());
        }
        Path dir = dir(life.paths, domName);
        for (Map.Entry<String, String> e : texts.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".xml");
            try {
                if (e.getValue() == null) {
                    Files.deleteIfExists(f);
                } else {
                    AtomicFiles.ensureFolder(dir);
                    AtomicFiles.write(f, e.getValue());
                }
            } catch (IOException ex) {
                throw metadataError(e.getKey());
            }
        }
    }

    /**
     * The metadata file of each of {@code names} as it reads with {@code current} the current
     * snapshot, null for a name no longer in the tree. Domain locked.
     */
    private static Map<String, String> metadataTexts(QemuDomain d, Set<String> names,
                                                     Moments.Node<SnapshotDef> current) {
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        String uuid = null;
        for (String n : names) {
            Moments.Node<SnapshotDef> node = d.snapshots.find(n);
            if (node == null) {
                texts.put(n, null);
                continue;
            }
            FileBody body = d.currentSnapshotFile;
            if (body == null || body.def != node.def) {
                if (uuid == null) {
                    uuid = io.jvirtd.model.domain.Uuids.format(d.uuid);
                }
                body = FileBody.format(node.def, uuid);
            }
            if (node == current) {
                d.currentSnapshotFile = body;
            }
            texts.put(n, body.text(node == current));
        }
        return texts;
    }

    /**
     * A snapshot's metadata file (qemuDomainSnapshotWriteMetadata: the warning comment, the
     * internal format) up to its {@code <active>} line, formatted once for {@code def} as it is.
     * The current snapshot's is kept ({@link QemuDomain#currentSnapshotFile}): a create rewrites
     * that file with {@code <active>0</active>} and a revert to the current snapshot as it
     * was, both from the kept text instead of formatting the two domain definitions again.
     * Sound because a snapshot's definition changes only together with a write of its file
     * (the metadata on disk follows the tree), and every write formats through here; a
     * definition replaced (redefine) is another object, and a delete drops the kept text.
     * Immutable.
     */
    record FileBody(SnapshotDef def, String head) {

        private static final String COMMENT = "<!--\nWARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
                + "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
                + "  virsh snapshot-edit\nor other application using the libvirt API.\n-->\n\n";
        private static final String END = "</domainsnapshot>\n";

        static FileBody format(SnapshotDef def, String domainUuid) {
            StringBuilder b = new StringBuilder(8192).append(COMMENT);
            def.formatInto(b, 0, SnapshotDef.XML_SECURE, domainUuid, false, false);
            b.setLength(b.length() - END.length());
            return new FileBody(def, b.toString());
        }

        /** The whole file, with {@code <active>1</active>} for the current snapshot. */
        String text(boolean current) {
            return head + (current ? "  <active>1</active>\n" : "  <active>0</active>\n") + END;
        }
    }

    private static VirException metadataError(String name) {
        return VirException.internalError(VirErrorDomain.QEMU, "unable to save metadata for snapshot " + name);
    }

    /**
     * A new snapshot's metadata files, prepared while QEMU takes it: the old current snapshot's
     * (now {@code <active>0</active>}) and the new one's, each complete and forced to disk in its
     * temporary file. Only {@link #commitMetadata} after QEMU succeeded makes them the files the
     * daemon reads at start, so a crash before never leaves metadata of a snapshot QEMU lacks;
     * the temporary files a crash leaves are removed at the next start ({@link #loadAll}). On
     * failure what was prepared is removed and the error names the snapshot. Job held, the new
     * node in the tree, no lock.
     */
    private List<AtomicFiles.Pending> prepareMetadata(QemuDomain d, Moments.Node<SnapshotDef> node) {
        Map<String, String> texts;
        String domName;
        synchronized (d) {
            domName = d.name();
            Set<String> names = new LinkedHashSet<>();
            Moments.Node<SnapshotDef> old = d.snapshots.current();
            if (old != null && old != node) {
                names.add(old.name);
            }
            names.add(node.name);
            texts = metadataTexts(d, names, node);
        }
        Path dir = dir(life.paths, domName);
        List<AtomicFiles.Pending> pending = new ArrayList<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            try {
                AtomicFiles.ensureFolder(dir);
                pending.add(AtomicFiles.prepare(dir.resolve(e.getKey() + ".xml"),
                        e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8), true));
            } catch (IOException ex) {
                if (!e.getKey().equals(node.name)) {
                    LOG.log(Level.WARNING, "failed to update old current snapshot {0}: {1}", e.getKey(), ex.getMessage());
                    continue;
                }
                pending.forEach(AtomicFiles.Pending::discard);
                throw metadataError(e.getKey());
            }
        }
        return pending;
    }

    /** The old current snapshot's file after a create: a failure is only a warning, as libvirt's. */
    private void syncOldCurrent(QemuDomain d, Set<String> oldCurrent) {
        try {
            sync(d, oldCurrent);
        } catch (VirException e) {
            LOG.log(Level.WARNING, "failed to update old current snapshot {0}", oldCurrent);
        }
    }

    /**
     * Renames prepared metadata files into place, in order. Only the file of {@code required}
     * (the new snapshot) must make it: its failure discards the rest and fails the create; the
     * old current snapshot's is warned about, as libvirt does.
     */
    private static void commitMetadata(List<AtomicFiles.Pending> pending, String required) {
        for (int i = 0; i < pending.size(); i++) {
            String file = pending.get(i).target().getFileName().toString();
            String name = file.substring(0, file.length() - ".xml".length());
            try {
                pending.get(i).commit();
            } catch (IOException ex) {
                if (!name.equals(required)) {
                    LOG.log(Level.WARNING, "failed to update old current snapshot {0}: {1}", name, ex.getMessage());
                    continue;
                }
                pending.subList(i + 1, pending.size()).forEach(AtomicFiles.Pending::discard);
                throw metadataError(name);
            }
        }
    }

    /** Daemon start: every domain's snapshots from its metadata folder (qemuDomainSnapshotLoad). */
    static void loadAll(QemuPaths paths, QemuDomains domains) {
        for (QemuDomain d : domains.all()) {
            Path dir = dir(paths, d.name());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try {
                // metadata a create prepared while QEMU saved, never renamed into place: the
                // daemon died before QEMU's answer, so the snapshot may not exist
                AtomicFiles.removeLeftovers(dir);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot remove unfinished snapshot metadata in {0}: {1}", dir, e.getMessage());
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.xml")) {
                for (Path f : files) {
                    try {
                        loadOne(d, Files.readString(f));
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.ERROR, "Failed to parse snapshot XML from file ''{0}'': {1}", f, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.ERROR, "Failed to open dir ''{0}'': {1}", dir, e.getMessage());
            }
            synchronized (d) {
                if (!d.snapshots.updateRelations()) {
                    LOG.log(Level.ERROR, "Snapshots have inconsistent relations for domain {0}", d.name());
                }
            }
        }
    }

    private static void loadOne(QemuDomain d, String xml) {
        SnapshotDef def = SnapshotDef.parse(xml, SnapshotDef.PARSE_REDEFINE | SnapshotDef.PARSE_INTERNAL,
                QemuXmlOptions.OPTIONS);
        boolean current = xml.contains("<active>1</active>");
        synchronized (d) {
            Moments.Node<SnapshotDef> n = Moments.assign(d.snapshots, def.name(), def, def.parentName());
            if (current) {
                d.snapshots.setCurrent(n);
            }
        }
    }

    /** qemuSnapshotDiscardAllMetadata and the folder's removal: the domain is gone (undefined or transient and stopped). */
    static void discardAllMetadata(QemuPaths paths, QemuDomain d, String name) {
        synchronized (d) {
            for (Moments.Node<SnapshotDef> n : new ArrayList<>(d.snapshots.all())) {
                d.snapshots.remove(n);
            }
            d.snapshots.updateRelations();
        }
        Path dir = dir(paths, name);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove snapshot metadata in {0}: {1}", dir, e.getMessage());
        }
    }

    /**
     * qemuDomainUndefineFlags' snapshot rule: a shut-off domain with snapshots is undefined only
     * with {@code --snapshots-metadata}, which discards their metadata (the images keep them).
     */
    void beforeUndefine(DomainRef ref, int flags) {
        QemuDomain d = life.domains.get(ref);
        synchronized (d) {
            if (d.liveDef != null || d.persistentDef == null) {
                return; // a running guest keeps them until it stops (then it is transient and gone)
            }
            if (d.snapshots.size() > 0 && (flags & DomainFlags.UNDEFINE_SNAPSHOTS_METADATA) == 0) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "cannot delete inactive domain with " + d.snapshots.size() + " snapshots");
            }
        }
        discardAllMetadata(life.paths, d, ref.name());
    }

    // ================================================================== create

    SnapshotRef create(DomainRef ref, String xml, int flags) {
        VirException.checkFlags(flags, CREATE_FLAGS, VirErrorDomain.QEMU, "qemuDomainSnapshotCreateXML");
        if ((flags & CREATE_QUIESCE) != 0 && (flags & CREATE_DISK_ONLY) == 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "Flag VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE is required by flag VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY");
        }
        if ((flags & CREATE_LIVE) != 0 && (flags & CREATE_REDEFINE) != 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "Flags 'VIR_DOMAIN_SNAPSHOT_CREATE_LIVE' and "
                    + "'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' are mutually exclusive");
        }
        QemuDomain d = life.domains.get(ref);
        boolean active;
        synchronized (d) {
            if (d.persistentDef == null && (flags & CREATE_HALT) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot halt after transient domain snapshot");
            }
            active = d.liveDef != null;
        }
        int parse = 0;
        if ((flags & CREATE_REDEFINE) != 0) {
            parse |= SnapshotDef.PARSE_REDEFINE;
        }
        if ((flags & CREATE_DISK_ONLY) != 0 || !active) {
            parse |= SnapshotDef.PARSE_OFFLINE;
        }
        if ((flags & CREATE_VALIDATE) != 0) {
            parse |= SnapshotDef.PARSE_VALIDATE;
        }
        SnapshotDef def = SnapshotDef.parse(xml, parse, QemuXmlOptions.OPTIONS, life.schemas);
        d.beginJob();
        try {
            validate(d, def, flags);
            String name = (flags & CREATE_REDEFINE) != 0 ? redefine(d, def, flags) : createNew(d, def, flags);
            return new SnapshotRef(name, d.ref());
        } finally {
            d.endJob();
        }
    }

    /** qemuSnapshotCreateXMLValidateDef. */
    private static void validate(QemuDomain d, SnapshotDef def, int flags) {
        String name = def.name();
        if ((flags & CREATE_NO_METADATA) == 0) {
            if (name.contains("/")) {
                throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.QEMU,
                        "invalid snapshot name '" + name + "': name can't contain '/'");
            }
            if (name.startsWith(".")) {
                throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.QEMU,
                        "invalid snapshot name '" + name + "': name can't start with '.'");
            }
        }
        int state;
        boolean active;
        synchronized (d) {
            state = d.state.number();
            active = d.liveDef != null;
        }
        if ((flags & CREATE_LIVE) != 0 && (!active || !"external".equals(def.memory()))) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "live snapshot creation is supported only during full system snapshots");
        }
        if ((flags & CREATE_REDEFINE) != 0) {
            state = def.state();
        }
        switch (state) {
            case STATE_RUNNING, STATE_PAUSED, STATE_SHUTDOWN, STATE_SHUTOFF, STATE_CRASHED -> { }
            case STATE_DISK_SNAPSHOT -> {
                if ((flags & CREATE_REDEFINE) == 0) {
                    throw VirException.internalError(VirErrorDomain.QEMU, "Invalid domain state disk-snapshot");
                }
            }
            case 7 -> throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "qemu doesn't support taking snapshots of PMSUSPENDED guests");
            default -> throw VirException.internalError(VirErrorDomain.QEMU,
                    "Invalid domain state " + SnapshotDef.STATES.get(Math.max(0, Math.min(state, 8))));
        }
    }

    /** qemuSnapshotRedefine: replaces or adds the snapshot's metadata; nothing is taken. */
    private String redefine(QemuDomain d, SnapshotDef def, int flags) {
        Set<String> touched = new LinkedHashSet<>();
        synchronized (d) {
            Moments.checkCycles(d.snapshots, def.name(), def.parentName());
            Moments.Node<SnapshotDef> other = d.snapshots.find(def.name());
            if (def.domain() != null && !java.util.Arrays.equals(def.domain().uuid(), d.uuid)) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT, "definition for snapshot "
                        + def.name() + " must use uuid " + io.jvirtd.model.domain.Uuids.format(d.uuid));
            }
            if (other != null) {
                SnapshotDef o = other.def;
                if (online(o.state()) != online(def.state())) {
                    throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT,
                            "cannot change between online and offline snapshot state in snapshot " + def.name());
                }
                if ((o.state() == STATE_DISK_SNAPSHOT) != (def.state() == STATE_DISK_SNAPSHOT)) {
                    throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT,
                            "cannot change between disk only and full system in snapshot " + def.name());
                }
            }
            String align = def.state() == STATE_DISK_SNAPSHOT || def.isExternal() ? "external" : "internal";
            if (def.domain() != null || other != null) {
                def.alignDisks(other == null ? null : other.def.domain(), align, true, p -> Files.isRegularFile(Path.of(p)));
            }
            Moments.Node<SnapshotDef> node;
            if (other != null) {
                if (def.domain() == null) {
                    def.setDomain(other.def.domain());
                }
                d.snapshots.dropParent(other);
                other.def = def;
                other.parentName = def.parentName();
                node = other;
            } else {
                node = Moments.assign(d.snapshots, def.name(), def, def.parentName());
            }
            if ((flags & CREATE_CURRENT) != 0) {
                setCurrent(d, node, touched);
            }
            d.snapshots.linkParent(node);
            touched.add(node.name);
        }
        sync(d, touched);
        return def.name();
    }

    private static boolean online(int state) {
        return state == STATE_RUNNING || state == STATE_PAUSED;
    }

    /** qemuSnapshotSetCurrent: the old current one's file changes too (its {@code <active>}). Domain locked. */
    private static void setCurrent(QemuDomain d, Moments.Node<SnapshotDef> node, Set<String> touched) {
        Moments.Node<SnapshotDef> old = d.snapshots.current();
        if (old != null && old != node) {
            touched.add(old.name);
        }
        d.snapshots.setCurrent(node);
    }

    /** qemuSnapshotCreate: align, prepare, take it, then record it as the current snapshot. */
    private String createNew(QemuDomain d, SnapshotDef def, int flags) {
        boolean active;
        boolean paused;
        DomainDef now;
        DomainDef inactive;
        boolean diskOnly = (flags & CREATE_DISK_ONLY) != 0;
        synchronized (d) {
            active = d.liveDef != null;
            paused = d.state == DomainState.PAUSED;
            alignState(def, d.state.number(), active, flags);
            // A running guest's internal snapshot captures the domain (a copy in the inactive
            // form) while QEMU saves, when the checks below can read the same disks from a
            // plain copy: see plainDisks.
            now = d.def().copy();
            inactive = active && d.persistentDef != null ? d.persistentDef.copy() : null;
        }
        boolean whileSaving = active && !diskOnly && !"external".equals(def.memory()) && plainDisks(now);
        def.setDomain(whileSaving ? now : capture(now));
        def.setInactiveDomain(inactive);
        def.alignDisks(null, diskOnly || "external".equals(def.memory()) ? "external" : "internal", true,
                p -> Files.isRegularFile(Path.of(p)));
        if ("external".equals(def.memory())) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "external snapshots with the memory state are not supported by jvirtd's QEMU driver");
        }
        prepare(def.domain(), def, active);
        boolean external = hasExternal(def);
        boolean reuse = (flags & CREATE_REUSE_EXT) != 0;
        if (external) {
            QemuOverlays.prepare(def, def.domain(), reuse);
        }
        boolean metadata = (flags & CREATE_NO_METADATA) == 0;
        if (metadata) {
            synchronized (d) {
                Moments.checkNew(d.snapshots, def.name());
            }
        }
        Taking rec = new Taking();
        boolean resumed = false;
        try {
            if (external) {
                rec.node = assign(d, def, metadata);
                takeExternal(d, def, active, reuse, (flags & CREATE_HALT) != 0);
            } else if (active) {
                resumed = takeRunning(d, def.name(), paused, (flags & CREATE_HALT) != 0, () -> {
                    if (whileSaving) {
                        DomainDef capture = capture(now);
                        if (!sameDisks(now, capture)) {
                            // plainDisks promises they agree; a difference is a bug, shown, not hidden
                            LOG.log(Level.WARNING, "snapshot {0} of {1}: the disk checks read other disks than the captured domain has",
                                    def.name(), d.name());
                        }
                        def.setDomain(capture);
                    }
                    rec.node = assign(d, def, metadata);
                    if (rec.node != null) {
                        rec.files = prepareMetadata(d, rec.node);
                    }
                });
            } else {
                rec.node = assign(d, def, metadata);
                forEachQcow2(def.domain(), def, "-c", false);
            }
        } catch (RuntimeException e) {
            rec.files.forEach(AtomicFiles.Pending::discard);
            if (rec.node != null) {
                synchronized (d) {
                    d.snapshots.remove(rec.node);
                }
            }
            throw e;
        }
        try {
            if (metadata) {
                // qemuSnapshotSetCurrent + qemuSnapshotCreateWriteMetadata: the old current
                // snapshot's file is rewritten or only warned about; the new one's must be
                // written, else the snapshot leaves the tree (and no snapshot is current) before
                // it is linked under its parent
                Set<String> oldCurrent = new LinkedHashSet<>();
                synchronized (d) {
                    setCurrent(d, rec.node, oldCurrent);
                }
                try {
                    if (rec.files.isEmpty()) {
                        syncOldCurrent(d, oldCurrent);
                        sync(d, Set.of(rec.node.name));
                    } else {
                        commitMetadata(rec.files, rec.node.name); // prepared while QEMU saved
                    }
                } catch (RuntimeException e) {
                    synchronized (d) {
                        d.snapshots.remove(rec.node);
                    }
                    throw e;
                }
                synchronized (d) {
                    d.snapshots.linkParent(rec.node);
                }
            }
        } finally {
            if (resumed) {
                awaitResumeApplied();
            }
        }
        return def.name();
    }

    /** What a create has recorded so far: its node in the tree, its prepared metadata files. Worker-confined. */
    private static final class Taking {
        Moments.Node<SnapshotDef> node;
        List<AtomicFiles.Pending> files = List.of();
    }

    /**
     * virDomainSnapshotAssignDef: the snapshot joins the tree, the current snapshot its parent
     * (the tree is linked once it is taken); null without metadata. Job held.
     */
    private static Moments.Node<SnapshotDef> assign(QemuDomain d, SnapshotDef def, boolean metadata) {
        if (!metadata) {
            return null;
        }
        synchronized (d) {
            Moments.Node<SnapshotDef> node = Moments.assign(d.snapshots, def.name(), def, null);
            String cur = d.snapshots.currentName();
            node.parentName = cur;
            def.setParentName(cur);
            return node;
        }
    }

    /**
     * The domain as a snapshot records it (qemuSnapshotCreate's format and parse of the live
     * definition, here made from a deep copy: {@link DomainDef#copyMigratable}): libvirt's
     * inactive, migratable form, with no node index (live-only).
     */
    private static DomainDef capture(DomainDef def) {
        DomainDef capture = def.copyMigratable();
        for (DeviceDef disk : capture.disks()) {
            if (disk.node().child("source") != null) {
                disk.node().child("source").attr("index", null);
            }
        }
        return capture;
    }

    /**
     * Whether every disk is a local file or block device, whose target, source, format,
     * {@code snapshot} attribute and read-only mark the captured form prints as they are: then
     * the disk checks and alignment may read the plain copy and give what they would give on the
     * capture, which can wait until QEMU saves. Other sources (volumes, network) may read
     * otherwise once captured, so those domains are captured first, as before.
     */
    private static boolean plainDisks(DomainDef def) {
        for (DeviceDef disk : def.disks()) {
            String type = disk.node().attr("type");
            if (type != null && !type.equals("file") && !type.equals("block")) {
                return false;
            }
        }
        return true;
    }

    /** What the disk checks read, equal in both definitions (an assertion). */
    private static boolean sameDisks(DomainDef a, DomainDef b) {
        List<DeviceDef> x = a.disks();
        List<DeviceDef> y = b.disks();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            DeviceDef p = x.get(i);
            DeviceDef q = y.get(i);
            if (!java.util.Objects.equals(p.diskTarget(), q.diskTarget())
                    || !java.util.Objects.equals(p.diskDevice(), q.diskDevice())
                    || !java.util.Objects.equals(p.sourcePath(), q.sourcePath())
                    || (p.node().child("source") == null) != (q.node().child("source") == null)
                    || !java.util.Objects.equals(p.node().attr("snapshot"), q.node().attr("snapshot"))
                    || !java.util.Objects.equals(p.node().childAttr("driver", "type"), q.node().childAttr("driver", "type"))
                    || p.diskReadonly() != q.diskReadonly()) {
                return false;
            }
        }
        return true;
    }

    /** Whether a disk is snapshot externally (a loop: every create asks twice, mostly before the JIT compiled a stream's pipeline). */
    private static boolean hasExternal(SnapshotDef def) {
        for (SnapshotDef.Disk x : def.disks()) {
            if ("external".equals(x.snapshot()) || "manual".equals(x.snapshot())) {
                return true;
            }
        }
        return false;
    }

    /** qemuSnapshotCreateAlignDisks' state and memory rules (disks are aligned after). Domain locked. */
    private static void alignState(SnapshotDef def, int domainState, boolean active, int flags) {
        if ((flags & CREATE_DISK_ONLY) != 0) {
            def.setState(active ? STATE_DISK_SNAPSHOT : STATE_SHUTOFF);
            def.setMemory("no");
        } else if ("external".equals(def.memory())) {
            def.setState(domainState);
        } else {
            def.setState(domainState);
            if (active && "no".equals(def.memory())) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "internal snapshot of a running VM must include the memory state");
            }
            def.setMemory(domainState == STATE_SHUTOFF ? "no" : "internal");
        }
    }

    /** qemuSnapshotPrepare for internal snapshots: every selected disk a qcow2 image. */
    private static void prepare(DomainDef dom, SnapshotDef def, boolean active) {
        boolean foundInternal = false;
        boolean forbidInternal = false;
        List<DeviceDef> disks = dom.disks();
        for (int i = 0; i < def.disks().size(); i++) {
            SnapshotDef.Disk sd = def.disks().get(i);
            DeviceDef disk = disks.get(i);
            String format = disk.node().childAttr("driver", "type");
            if ("internal".equals(sd.snapshot())) {
                foundInternal = true;
                if (def.state() == STATE_DISK_SNAPSHOT && active) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "active qemu domains require external disk snapshots; disk " + sd.name()
                                    + " requested internal");
                }
                if (format != null && !"qcow2".equals(format)) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "internal snapshot for disk " + sd.name() + " unsupported for storage type " + format);
                }
            } else if ("no".equals(sd.snapshot())) {
                if (disk.sourcePath() != null && !disk.diskReadonly()) {
                    forbidInternal = true;
                }
            }
        }
        boolean external = hasExternal(def);
        if (!foundInternal && !external && "no".equals(def.memory())) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU, "nothing selected for snapshot");
        }
        if (("internal".equals(def.memory()) && !foundInternal) || (foundInternal && forbidInternal)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "internal and full system snapshots require all disks to be selected for snapshot");
        }
        if (def.state() == STATE_DISK_SNAPSHOT && !external) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "disk-only snapshots require at least one disk to be selected for snapshot");
        }
        if ((foundInternal && external) || ("internal".equals(def.memory()) && external)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "mixing internal and external targets for a snapshot is not yet supported");
        }
    }

    /**
     * External disk-only snapshot: overlays ({@link QemuOverlays}), then the domain's
     * definitions name them, saved (config file, status file). Job held.
     */
    private void takeExternal(QemuDomain d, SnapshotDef def, boolean active, boolean reuse, boolean halt) {
        DomainDef live;
        DomainDef persistent;
        synchronized (d) {
            live = d.liveDef != null ? d.liveDef.copy() : null;
            persistent = d.persistentDef != null ? d.persistentDef.copy() : null;
        }
        if (active) {
            int overlays = (int) def.disks().stream().filter(sd -> "external".equals(sd.snapshot())).count();
            int first = d.takeNodeIndexes(QemuOverlays.maxIndex(live), overlays);
            QemuOverlays.createLive(qemuImg, monitor(d), def, live, persistent, reuse, first);
        } else {
            QemuOverlays.createOffline(qemuImg, def, persistent, reuse);
        }
        synchronized (d) {
            if (active) {
                // onto the running definition as it is now (a balloon change may have come in)
                d.editLive(now -> QemuOverlays.takeDisks(now, live, externalTargets(def)));
            }
        }
        if (persistent != null) {
            life.savePersistent(d, persistent);
        }
        if (active) {
            life.onEventThread(() -> life.saveStatus(d));
            if (halt) {
                life.stopFromSnapshot(d);
            }
        }
    }

    /** The targets of the disks {@code def} snapshots externally. */
    private static List<String> externalTargets(SnapshotDef def) {
        return def.disks().stream().filter(sd -> "external".equals(sd.snapshot())).map(SnapshotDef.Disk::name).toList();
    }

    /**
     * qemuSnapshotCreateActiveInternal: a running guest's CPUs stop (paused for "save"), HMP
     * savevm writes RAM and device state into the qcow2 images, the CPUs run again; with halt
     * QEMU stops instead. {@code whileSaving} is the caller's work that does not depend on
     * savevm's outcome, done on this worker while QEMU saves; its failure fails the call once
     * QEMU is done (and the CPUs run again). Returns whether the CPUs were resumed: then the
     * caller records the snapshot and calls {@link #awaitResumeApplied} before it returns (the
     * status file is written meanwhile). Job held.
     */
    private boolean takeRunning(QemuDomain d, String name, boolean paused, boolean halt, Runnable whileSaving) {
        QmpMonitor mon = monitor(d);
        boolean resume = !paused;
        if (resume) {
            synchronized (d) {
                d.pausedReason = StateReason.Paused.SAVE;
            }
            // its STOP event ("Suspended Paused", the status file) is applied on the qemu-event
            // thread while savevm runs: QEMU sends no other state event before our cont
            // stop, savevm and cont without an id (replies come in order): QEMU 7.2 reads its
            // monitor a byte per main-loop turn, ~4.5 us each, and these are waited for
            mon.await(mon.sendUnnumbered("stop", null), "stop", QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        }
        CompletableFuture<Object> saved = mon.sendUnnumbered("human-monitor-command",
                Map.of("command-line", "savevm \"" + name + "\""));
        CompletableFuture<Object> resumed = null;
        if (resume && !halt) {
            // libvirt resumes the CPUs whatever savevm answers, so cont goes now and QEMU runs
            // it as soon as savevm is done, without a round trip through this worker between
            resumed = cont(d, mon);
        }
        RuntimeException failure = null;
        try {
            whileSaving.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean taken = false;
        try {
            Object reply = mon.await(saved, "human-monitor-command", VM_STATE_TIMEOUT_MILLIS);
            checkSavevm(reply == null ? "" : reply.toString());
            taken = true;
        } catch (RuntimeException e) {
            failure = first(failure, e);
        }
        if (halt && taken) {
            try {
                life.stopFromSnapshot(d);
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
        } else if (resume) {
            try {
                if (resumed == null) { // halt, but savevm failed: the guest runs on
                    resumed = cont(d, mon);
                }
                mon.await(resumed, "cont", QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
        }
        if (failure != null) {
            if (resume && !(halt && taken)) {
                awaitResumeApplied();
            }
            throw failure;
        }
        return resume && !halt;
    }

    /**
     * QEMU sent RESUME before cont's answer: once the event thread has applied it (state
     * running, "Resumed Unpaused", the status file written) a call that resumed may return.
     */
    private void awaitResumeApplied() {
        life.onEventThread(() -> { });
    }

    private static CompletableFuture<Object> cont(QemuDomain d, QmpMonitor mon) {
        synchronized (d) {
            d.runningReason = StateReason.Running.UNPAUSED;
        }
        return mon.sendUnnumbered("cont", null);
    }

    /** The error the call reports: the first one; a later one rides along as suppressed. */
    private static RuntimeException first(RuntimeException earlier, RuntimeException later) {
        if (earlier == null) {
            return later;
        }
        earlier.addSuppressed(later);
        return earlier;
    }

    /** qemuMonitorTextCreateSnapshot's reading of savevm's answer. */
    private static void checkSavevm(String reply) {
        if (reply.contains("No block device can accept snapshots")) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "this domain does not have a device to take snapshots");
        }
        if (reply.contains("Error") || reply.contains("Could not open VM state file")
                || reply.contains("State blocked by non-migratable device")) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "Failed to take snapshot: " + reply.strip());
        }
    }

    /** HMP loadvm for a revert's start (what libvirt's {@code -loadvm} does before the CPUs run). */
    static void loadvm(QmpMonitor mon, String name) {
        String reply = hmp(mon, "loadvm \"" + name + "\"");
        if (reply.contains("Error") || reply.contains("error")) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "Failed to load snapshot: " + reply.strip());
        }
    }

    private static String hmp(QmpMonitor mon, String commandLine) {
        Object r = mon.execute("human-monitor-command", Map.of("command-line", commandLine), VM_STATE_TIMEOUT_MILLIS);
        return r == null ? "" : r.toString();
    }

    private static QmpMonitor monitor(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                throw QemuLifecycle.notRunning();
            }
            return d.monitor;
        }
    }

    /**
     * qemuDomainSnapshotForEachQcow2Raw: {@code qemu-img snapshot OP NAME FILE} on every
     * internal disk; with {@code tryAll} a failing disk is skipped (and reported), else a failed
     * create rolls back the disks done so far.
     */
    private void forEachQcow2(DomainDef dom, SnapshotDef def, String op, boolean tryAll) {
        List<DeviceDef> disks = dom.disks();
        boolean skipped = false;
        for (int i = 0; i < disks.size() && i < def.disks().size(); i++) {
            DeviceDef disk = disks.get(i);
            if (!"disk".equals(disk.diskDevice()) || !"internal".equals(def.disks().get(i).snapshot())) {
                continue;
            }
            String format = disk.node().childAttr("driver", "type");
            try {
                if (format != null && !"qcow2".equals(format)) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU,
                            "Disk device '" + disk.diskTarget() + "' does not support snapshotting");
                }
                qemuImg.run(List.of("qemu-img", "snapshot", op, def.name(), disk.sourcePath()), false);
            } catch (VirException e) {
                if (tryAll) {
                    LOG.log(Level.WARNING, "skipping snapshot action on {0}", disk.diskTarget());
                    skipped = true;
                    continue;
                }
                if ("-c".equals(op)) {
                    for (int j = 0; j < i; j++) {
                        DeviceDef done = disks.get(j);
                        if ("disk".equals(done.diskDevice()) && "internal".equals(def.disks().get(j).snapshot())) {
                            try {
                                qemuImg.run(List.of("qemu-img", "snapshot", "-d", def.name(), done.sourcePath()), false);
                            } catch (VirException ignored) {
                                // best effort, as libvirt's rollback
                            }
                        }
                    }
                }
                throw e;
            }
        }
        if (skipped && "-a".equals(op)) {
            throw VirException.internalError(VirErrorDomain.QEMU, "some disks were skipped while reverting");
        }
    }

    // ================================================================== revert

    void revert(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, REVERT_RUNNING | REVERT_PAUSED | REVERT_FORCE | REVERT_RESET_NVRAM,
                VirErrorDomain.QEMU, "qemuDomainRevertToSnapshot");
        QemuDomain d = life.domains.get(snap.domain());
        d.beginJob();
        try {
            SnapshotDef sdef;
            boolean persistent;
            String domName;
            synchronized (d) {
                sdef = node(d, snap.name()).def;
                persistent = d.persistentDef != null;
                domName = d.name();
            }
            int state = sdef.state();
            if (!persistent && state != STATE_RUNNING && state != STATE_PAUSED
                    && (flags & (REVERT_RUNNING | REVERT_PAUSED)) == 0) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "transient domain needs to request run or pause to revert to inactive snapshot");
            }
            if (sdef.isExternal()) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "revert to external snapshot not supported yet");
            }
            if (sdef.domain() == null) {
                throw VirException.of(VirErrorNumber.SNAPSHOT_REVERT_RISKY, VirErrorDomain.QEMU,
                        "snapshot '" + snap.name() + "' lacks domain '" + domName + "' rollback info");
            }
            // qemuSnapshotRevertPrep: the configs, renamed to the domain's name
            DomainDef config = renamed(sdef.domain(), domName);
            DomainDef inactive = sdef.inactiveDomain() != null ? renamed(sdef.inactiveDomain(), domName)
                    : online(state) ? renamed(sdef.domain(), domName) : null;
            boolean defined = false;
            switch (state) {
                case STATE_RUNNING, STATE_PAUSED -> {
                    life.stopFromSnapshot(d);
                    defined = assignInactive(d, inactive != null ? inactive : config);
                    boolean paused = (flags & REVERT_RUNNING) == 0
                            && (state == STATE_PAUSED || (flags & REVERT_PAUSED) != 0);
                    life.startFromSnapshot(d, config, snap.name(), paused);
                }
                case STATE_SHUTDOWN, STATE_SHUTOFF, STATE_CRASHED -> {
                    life.stopFromSnapshot(d);
                    forEachQcow2(sdef.domain(), sdef, "-a", true);
                    defined = assignInactive(d, config);
                    if ((flags & (REVERT_RUNNING | REVERT_PAUSED)) != 0) {
                        boolean paused = (flags & REVERT_PAUSED) != 0;
                        life.startFromSnapshot(d, config.copy(), null, paused);
                    }
                }
                case 7 -> throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "qemu doesn't support reversion of snapshot taken in PMSUSPENDED state");
                default -> throw VirException.internalError(VirErrorDomain.QEMU, "Invalid target domain state '"
                        + SnapshotDef.STATES.get(Math.max(0, Math.min(state, 8))) + "'. Refusing snapshot reversion");
            }
            // qemuSnapshotRevertWriteMetadata
            Set<String> touched = new LinkedHashSet<>();
            synchronized (d) {
                Moments.Node<SnapshotDef> n = d.snapshots.find(snap.name());
                if (n != null) {
                    setCurrent(d, n, touched);
                    touched.add(n.name);
                }
            }
            sync(d, touched);
            if (defined) {
                life.onEventThread(() -> life.raise(d, DEFINED, DEFINED_FROM_SNAPSHOT));
            }
        } finally {
            d.endJob();
        }
    }

    private static DomainDef renamed(DomainDef def, String name) {
        DomainDef c = def.copyViaXml(false);
        if (!name.equals(c.name())) {
            c.setName(name);
        }
        return c;
    }

    /** virDomainObjAssignDef of the inactive config, saved as the domain's definition. Job held. */
    private boolean assignInactive(QemuDomain d, DomainDef inactive) {
        synchronized (d) {
            if (d.persistentDef == null || inactive == null) {
                return false;
            }
        }
        life.savePersistent(d, inactive.copy());
        return true;
    }

    // ================================================================== delete

    void delete(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, DELETE_CHILDREN | DELETE_METADATA_ONLY | DELETE_CHILDREN_ONLY,
                VirErrorDomain.QEMU, "qemuDomainSnapshotDelete");
        boolean metadataOnly = (flags & DELETE_METADATA_ONLY) != 0;
        boolean children = (flags & DELETE_CHILDREN) != 0;
        boolean childrenOnly = (flags & DELETE_CHILDREN_ONLY) != 0;
        QemuDomain d = life.domains.get(snap.domain());
        d.beginAsyncJob(); // qemuSnapshotDelete: VIR_ASYNC_JOB_SNAPSHOT, queries may run meanwhile
        beginDeleteJob(d);
        boolean stopQemu = false;
        try {
            List<SnapshotDef> doomed = new ArrayList<>();
            boolean active;
            List<QemuSnapshotCommit.Item> commits = null;
            synchronized (d) {
                d.currentSnapshotFile = null; // a delete changes other snapshots' definitions in place
                Moments.Node<SnapshotDef> n = node(d, snap.name());
                active = d.liveDef != null;
                if (children || childrenOnly) {
                    d.snapshots.forEachDescendant(n, c -> doomed.add(c.def));
                }
                if (!childrenOnly) {
                    doomed.add(n.def);
                }
                if (!metadataOnly) {
                    validateDelete(d, n, flags, life.blockJobs.hasActive(d));
                    if (n.def.isExternal() && !children && !childrenOnly) {
                        // this also serves as validation whether the snapshot can be deleted
                        commits = QemuSnapshotCommit.prepare(d.snapshots, n, d.def(), active);
                    }
                }
            }
            if (commits != null && !active) {
                // qemuSnapshotDelete: QEMU started paused just for the commit, stopped after;
                // no query job (screenshot) meets a half-started QEMU
                d.forbidQueries();
                try {
                    life.startPausedQuietly(d);
                } finally {
                    d.allowQueries();
                }
                stopQemu = true;
                synchronized (d) {
                    commits = QemuSnapshotCommit.prepare(d.snapshots, node(d, snap.name()), d.liveDef, true);
                }
            }
            Set<String> touched = new LinkedHashSet<>();
            QemuSnapshotCommit committer = null;
            if (commits != null) {
                committer = new QemuSnapshotCommit(life);
                committer.commit(d, snap.name(), commits, stopQemu, name -> sync(d, Set.of(name)));
                synchronized (d) {
                    touched.addAll(QemuSnapshotCommit.updateDescendants(d.snapshots, node(d, snap.name())));
                }
            } else if (!metadataOnly) {
                for (SnapshotDef def : doomed) {
                    discardData(d, def, active);
                }
            }
            dropMoments(d, snap.name(), doomed, children, childrenOnly, touched);
            if (committer != null) {
                committer.forgetRecords(d); // the status file's record of the delete goes last
            }
        } finally {
            try {
                if (stopQemu) {
                    stopWithoutQueries(d);
                }
            } finally {
                endDeleteJob(d);
            }
        }
    }

    /**
     * Stops a QEMU started only for a snapshot delete, with no query job under way: the async
     * job lets a screenshot run meanwhile, and QEMU must not close its monitor or lose its run
     * folder under that screenshot's screendump (libvirt's qemuProcessStop takes a nested job
     * first). When the query job does not end in time, QEMU is stopped all the same. Async job held.
     */
    private void stopWithoutQueries(QemuDomain d) {
        boolean forbidden = false;
        try {
            d.forbidQueries();
            forbidden = true;
        } catch (VirException e) {
            LOG.log(Level.WARNING, "stopping the QEMU of {0} while a query job still runs: {1}", d.name(),
                    e.getMessage());
        }
        try {
            life.stopQuietly(d);
        } finally {
            if (forbidden) {
                d.allowQueries();
            }
        }
    }

    /**
     * Takes {@code doomed} (snapshot {@code name}, or its children) out of the tree, re-parents
     * what stays, and writes or removes the metadata files of everything touched. Job held.
     */
    private void dropMoments(QemuDomain d, String name, List<SnapshotDef> doomed, boolean children,
                             boolean childrenOnly, Set<String> touched) {
        synchronized (d) {
            Moments.Node<SnapshotDef> n = d.snapshots.find(name);
            String oldCurrent = d.snapshots.currentName();
            for (SnapshotDef def : doomed) {
                touched.add(def.name());
            }
            for (Moments.Node<SnapshotDef> c : d.snapshots.children(n)) {
                touched.add(c.name);
            }
            Moments.deleteMoment(d.snapshots, n, children, childrenOnly, (c, p) -> {
                c.parentName = p;
                c.def.setParentName(p);
            });
            if (d.snapshots.currentName() != null && !d.snapshots.currentName().equals(oldCurrent)) {
                touched.add(d.snapshots.currentName());
            }
        }
        sync(d, touched);
    }

    /**
     * After a daemon restart (the snapshots loaded): a domain whose status file recorded an
     * external snapshot delete under way ({@link BlockCommitRecord}) has it finished, on a
     * thread of its own under the domain's job, as the delete would have: the commits, the
     * chains, the overlays removed, then the snapshot's metadata. A QEMU started only for a
     * delete ({@link QemuDomain#forSnapshotDelete}) is stopped after it, or at once when the
     * daemon was killed before the delete's record was written.
     *
     * <p>Where jvirtd differs on purpose: libvirt 9.0 aborts such a delete at reconnect
     * (qemuProcessRecoverJob, qemuProcessAbortSnapshotDelete: the commit jobs cancelled, the
     * snapshot kept). A commit already over has dropped the overlay from its disk's chain and
     * cannot be cancelled, so an abort can leave a snapshot whose overlays some disks no longer
     * use; finishing brings every disk and the metadata to what the delete was asked for.
     */
    void resumeDeletes() {
        for (QemuDomain d : life.domains.all()) {
            boolean pending;
            synchronized (d) {
                pending = !d.blockCommits.isEmpty() || d.forSnapshotDelete;
            }
            if (pending) {
                Thread t = new Thread(() -> resumeDelete(d), "qemu-snapshot-resume");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** One domain's interrupted snapshot delete to its end. qemu-snapshot-resume thread. */
    private void resumeDelete(QemuDomain d) {
        try {
            d.beginAsyncJob(); // the delete's own job (VIR_ASYNC_JOB_SNAPSHOT) again, to finish it
            beginDeleteJob(d);
        } catch (VirException e) {
            LOG.log(Level.ERROR, "cannot finish the snapshot delete of {0}: {1}", d.name(), e.getMessage());
            return;
        }
        boolean stopQemu = false;
        QemuSnapshotCommit committer = new QemuSnapshotCommit(life);
        try {
            List<BlockCommitRecord> records;
            synchronized (d) {
                records = d.blockCommits;
                stopQemu = d.forSnapshotDelete && d.liveDef != null;
            }
            if (records.isEmpty()) { // killed before the delete's record, or after it was over: only QEMU to stop
                if (stopQemu) {
                    LOG.log(Level.INFO, "stopping the QEMU of {0}, started only for a snapshot delete the restart cut"
                            + " short", d.name());
                }
                return;
            }
            String name = records.get(0).snapshot();
            stopQemu |= records.get(0).stopQemu();
            committer.resume(d, records, n -> sync(d, Set.of(n)));
            Set<String> touched = new LinkedHashSet<>();
            List<SnapshotDef> doomed = new ArrayList<>();
            synchronized (d) {
                Moments.Node<SnapshotDef> n = d.snapshots.find(name);
                if (n != null) {
                    touched.addAll(QemuSnapshotCommit.updateDescendants(d.snapshots, n));
                    doomed.add(n.def);
                }
            }
            if (!doomed.isEmpty()) {
                dropMoments(d, name, doomed, false, false, touched);
            }
            committer.forgetRecords(d);
            LOG.log(Level.INFO, "finished deleting snapshot {0} of {1} after the restart", name, d.name());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot finish the snapshot delete of {0}: {1}", d.name(), e.getMessage());
        } finally {
            try {
                if (stopQemu) {
                    stopWithoutQueries(d);
                }
            } finally {
                endDeleteJob(d);
            }
        }
    }

    /**
     * What job queries see during a delete (libvirt's job data of VIR_ASYNC_JOB_SNAPSHOT with
     * operation "snapshot delete" and no statistics type); the async job is already held.
     */
    private static void beginDeleteJob(QemuDomain d) {
        synchronized (d) {
            d.currentJob = QemuJobData.begin(QemuJobData.OPERATION_SNAPSHOT_DELETE,
                    QemuJobData.StatsType.NONE);
        }
    }

    private static void endDeleteJob(QemuDomain d) {
        synchronized (d) {
            d.currentJob = null;
        }
        d.endAsyncJob();
    }

    /** qemuSnapshotDeleteValidate. Domain locked. */
    private static void validateDelete(QemuDomain d, Moments.Node<SnapshotDef> n, int flags, boolean blockJob) {
        if (!n.def.isExternal() && d.liveDef != null && n.def.domain() != null) {
            // delvm acts on the images the guest has open: they must be the snapshot's
            for (SnapshotDef.Disk sd : n.def.disks()) {
                DeviceDef now = diskByTarget(d.liveDef, sd.name());
                DeviceDef then = diskByTarget(n.def.domain(), sd.name());
                if (now != null && then != null && !java.util.Objects.equals(now.sourcePath(), then.sourcePath())) {
                    throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU, "disk image '"
                            + sd.name() + "' for internal snapshot '" + n.name
                            + "' is not the same as disk image currently used by VM");
                }
            }
        }
        if ((flags & (DELETE_CHILDREN | DELETE_CHILDREN_ONLY)) != 0) {
            int[] count = new int[2]; // external, internal
            d.snapshots.forEachDescendant(n, c -> count[c.def.isExternal() ? 0 : 1]++);
            if (count[0] > 0 && count[1] > 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "deletion of external and internal children disk snapshots not supported");
            }
            if (count[0] > 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "deletion of external children disk snapshots not supported");
            }
        }
        if (n.def.isExternal() && blockJob) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cannot delete external snapshots when there is another active block job");
        }
        if (n.def.isExternal() && (flags & DELETE_CHILDREN) != 0) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "deletion of external disk snapshots with children not supported");
        }
    }

    /** qemuSnapshotDiscardImpl's data part: delvm on a running guest, qemu-img -d on a shut-off one. Job held. */
    private void discardData(QemuDomain d, SnapshotDef def, boolean active) {
        if (active) {
            QmpMonitor mon = monitor(d);
            d.forbidQueries(); // qemuSnapshotDiscard: VIR_JOB_NONE while delvm blocks the monitor
            try {
                hmp(mon, "delvm \"" + def.name() + "\""); // libvirt goes on even when it fails
            } finally {
                d.allowQueries();
            }
        } else {
            DomainDef dom;
            synchronized (d) {
                dom = def.domain() != null ? def.domain() : d.def();
            }
            forEachQcow2(dom, def, "-d", true);
        }
    }

    private static DeviceDef diskByTarget(DomainDef def, String target) {
        for (DeviceDef disk : def.disks()) {
            if (target.equals(disk.diskTarget())) {
                return disk;
            }
        }
        return null;
    }

    // ================================================================== queries

    private static Moments.Node<SnapshotDef> node(QemuDomain d, String name) {
        Moments.Node<SnapshotDef> n = d.snapshots.find(name);
        if (n == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.QEMU,
                    "no domain snapshot with matching name '" + name + "'");
        }
        return n;
    }

    private <T> T read(DomainRef ref, Function<QemuDomain, T> f) {
        QemuDomain d = life.domains.get(ref);
        synchronized (d) {
            return f.apply(d);
        }
    }

    int num(DomainRef ref, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.LIST_FLAGS, VirErrorDomain.QEMU, "qemuDomainSnapshotNum");
        return read(ref, d -> SnapshotSelect.select(d.snapshots, null, flags).size());
    }

    List<String> listNames(DomainRef ref, int max, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.LIST_FLAGS, VirErrorDomain.QEMU, "qemuDomainSnapshotListNames");
        return read(ref, d -> SnapshotSelect.names(SnapshotSelect.select(d.snapshots, null, flags), max));
    }

    List<SnapshotRef> listAll(DomainRef ref, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.LIST_FLAGS, VirErrorDomain.QEMU, "qemuDomainListAllSnapshots");
        return read(ref, d -> SnapshotSelect.refs(SnapshotSelect.select(d.snapshots, null, flags), d.ref()));
    }

    int numChildren(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.CHILD_FLAGS, VirErrorDomain.QEMU, "qemuDomainSnapshotNumChildren");
        return read(snap.domain(), d -> SnapshotSelect.select(d.snapshots, node(d, snap.name()), flags).size());
    }

    List<String> listChildrenNames(SnapshotRef snap, int max, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.CHILD_FLAGS, VirErrorDomain.QEMU,
                "qemuDomainSnapshotListChildrenNames");
        return read(snap.domain(), d -> SnapshotSelect.names(SnapshotSelect.select(d.snapshots, node(d, snap.name()), flags), max));
    }

    List<SnapshotRef> listAllChildren(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, SnapshotSelect.CHILD_FLAGS, VirErrorDomain.QEMU,
                "qemuDomainSnapshotListAllChildren");
        return read(snap.domain(), d -> SnapshotSelect.refs(SnapshotSelect.select(d.snapshots, node(d, snap.name()), flags), d.ref()));
    }

    SnapshotRef lookupByName(DomainRef ref, String name, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSnapshotLookupByName");
        return read(ref, d -> new SnapshotRef(node(d, name).name, d.ref()));
    }

    boolean hasCurrent(DomainRef ref, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainHasCurrentSnapshot");
        return read(ref, d -> d.snapshots.current() != null);
    }

    SnapshotRef parent(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSnapshotGetParent");
        return read(snap.domain(), d -> {
            Moments.Node<SnapshotDef> n = node(d, snap.name());
            if (n.parentName == null) {
                throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.QEMU,
                        "snapshot '" + n.name + "' does not have a parent");
            }
            return new SnapshotRef(n.parentName, d.ref());
        });
    }

    SnapshotRef current(DomainRef ref, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSnapshotCurrent");
        return read(ref, d -> {
            Moments.Node<SnapshotDef> cur = d.snapshots.current();
            if (cur == null) {
                throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.QEMU,
                        "the domain does not have a current snapshot");
            }
            return new SnapshotRef(cur.name, d.ref());
        });
    }

    String xmlDesc(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, SnapshotDef.XML_SECURE, VirErrorDomain.QEMU, "qemuDomainSnapshotGetXMLDesc");
        SnapshotDef copy = read(snap.domain(), d -> node(d, snap.name()).def.copy());
        return copy.format(flags, snap.domain().uuidString());
    }

    boolean isCurrent(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSnapshotIsCurrent");
        return read(snap.domain(), d -> node(d, snap.name()) == d.snapshots.current());
    }

    boolean hasMetadata(SnapshotRef snap, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSnapshotHasMetadata");
        return read(snap.domain(), d -> node(d, snap.name()) != null);
    }

    /** How many snapshots a domain has (connectListAllDomains' HAS_SNAPSHOT filter). Domain locked. */
    static int count(QemuDomain d) {
        return d.snapshots.size();
    }
}
