package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Deleting an external disk-only snapshot as libvirt 9.0 does it (qemuSnapshotDiscardExternal):
 * each disk's overlay made by the snapshot is block-committed into the image below it, through a
 * QEMU {@code block-commit} job — an active-layer commit finished with {@code job-complete} when
 * the overlay is the disk's top image, otherwise an intermediate commit that waits in
 * {@code pending} for {@code job-finalize} — then the disk's chain drops the overlay (live XML,
 * status file and, by libvirt's block-job rules, the persistent definition), QEMU closes its
 * nodes, the file is removed (VIR_DOMAIN_BLOCK_COMMIT_DELETE) and the block-job events go out.
 * The remaining snapshots' saved domain XML drops the overlay too (qemuSnapshotDeleteUpdateDisks).
 *
 * <p>Threads: a worker holding the domain's job. Chains are read and changed under the domain's
 * monitor; QMP, file and event work happen with no lock held. Job progress comes from QEMU's
 * {@code JOB_STATUS_CHANGE} events ({@link QemuBlockJobs}): the worker waits on a future the
 * qemu-event thread completes, nothing polls.
 */
final class QemuSnapshotCommit {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** A commit copies the overlay's data: far longer than an ordinary command may take. */
    private static final long COMMIT_TIMEOUT_MILLIS = 600_000;
    /** virDomainBlockJobType and virConnectDomainEventBlockJobStatus. */
    private static final int TYPE_COMMIT = 3;
    private static final int TYPE_ACTIVE_COMMIT = 4;
    private static final int STATUS_COMPLETED = 0;
    private static final int STATUS_READY = 3;

    /**
     * One disk to commit: the snapshot's overlay {@code top} into {@code base} (null while shut
     * off); {@code parentSnap} is the nearest ancestor snapshot of that disk, or null.
     */
    record Item(String dst, String top, String base, String parentSnap) {
    }

    private final QemuLifecycle life;

    QemuSnapshotCommit(QemuLifecycle life) {
        this.life = life;
    }

    // ================================================================== chains in the XML

    /** The images of a disk, top first: the disk element, then each {@code <backingStore>} that names one. */
    static List<XmlNode> layers(XmlNode disk) {
        List<XmlNode> out = new ArrayList<>();
        if (disk.child("source") == null || disk.childAttr("source", "file") == null) {
            return out;
        }
        out.add(disk);
        for (XmlNode b = disk.child("backingStore"); b != null && b.child("source") != null; b = b.child("backingStore")) {
            out.add(b);
        }
        return out;
    }

    static String path(XmlNode layer) {
        return layer.childAttr("source", "file");
    }

    private static String format(XmlNode layer) {
        String f = layer.name().equals("disk") ? layer.childAttr("driver", "type") : layer.childAttr("format", "type");
        return f == null ? "raw" : f;
    }

    static int indexOf(List<XmlNode> layers, String path) {
        for (int i = 0; i < layers.size(); i++) {
            if (Objects.equals(path(layers.get(i)), path)) {
                return i;
            }
        }
        return -1;
    }

    static DeviceDef byTarget(DomainDef def, String dst) {
        if (def == null) {
            return null;
        }
        for (DeviceDef disk : def.disks()) {
            if (dst.equals(disk.diskTarget())) {
                return disk;
            }
        }
        return null;
    }

    /** {@code holder}'s {@code <backingStore>} becomes {@code below} (a copy), or none. */
    private static void setBacking(XmlNode holder, XmlNode below) {
        holder.remove("backingStore");
        if (below != null) {
            holder.add(below.copy());
        }
    }

    /** The disk reads {@code layer}'s image now: its source file, index and format. */
    private static void becomeLayer(DeviceDef disk, XmlNode layer, boolean keepIndex) {
        XmlNode src = disk.node().child("source");
        src.attr("file", path(layer));
        src.attr("index", keepIndex ? layer.attr("index") : null);
        disk.node().getOrAdd("driver").attr("type", format(layer));
        setBacking(disk.node(), layer.child("backingStore"));
        disk.sortCanonical();
    }

    // ================================================================== prepare (domain locked)

    /**
     * qemuSnapshotDeleteExternalPrepare: each disk the snapshot made an overlay for, found in
     * {@code vmDef}'s chains, with libvirt's errors. {@code running}: the image below the
     * overlay must be there and be the one the snapshot's domain used. Domain locked.
     */
    static List<Item> prepare(Moments<SnapshotDef> tree, Moments.Node<SnapshotDef> snap, DomainDef vmDef, boolean running) {
        List<Item> out = new ArrayList<>();
        SnapshotDef def = snap.def;
        for (SnapshotDef.Disk sd : def.disks()) {
            if ("no".equals(sd.snapshot())) {
                continue;
            }
            if (sd.deleteInProgress()) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "snapshot disk '" + sd.name() + "' was target of not completed snapshot delete");
            }
            DeviceDef disk = byTarget(vmDef, sd.name());
            if (disk == null) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "disk '" + sd.name() + "' not found in domain");
            }
            List<XmlNode> chain = layers(disk.node());
            int at = indexOf(chain, sd.path());
            if (at < 0) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "could not find base disk source in disk source chain");
            }
            DeviceDef parentDisk = byTarget(def.domain(), sd.name());
            if (parentDisk == null) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "failed to find disk '" + sd.name() + "' in snapshot VM XML");
            }
            String base = null;
            if (running) {
                if (at + 1 >= chain.size()) {
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                            "failed to find parent disk source in backing chain");
                }
                base = path(chain.get(at + 1));
                if (!Objects.equals(base, parentDisk.sourcePath())) {
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                            "snapshot VM disk source and parent disk source are not the same");
                }
            }
            Moments.Node<SnapshotDef> parentSnap = parentSnapForDisk(tree, snap, sd.name());
            if (parentSnap != null && !parentSnap.def.isExternal()) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "deleting external snapshot that has internal snapshot as parent not supported");
            }
            out.add(new Item(sd.name(), sd.path(), base, parentSnap == null ? null : parentSnap.name));
        }
        return out;
    }

    /** qemuSnapshotFindParentSnapForDisk: the nearest ancestor that snapshotted disk {@code dst}. */
    private static Moments.Node<SnapshotDef> parentSnapForDisk(Moments<SnapshotDef> tree, Moments.Node<SnapshotDef> snap,
                                                               String dst) {
        for (Moments.Node<SnapshotDef> p = tree.parentOf(snap); p != null && p.def != null; p = tree.parentOf(p)) {
            for (SnapshotDef.Disk sd : p.def.disks()) {
                if (!"no".equals(sd.snapshot()) && dst.equals(sd.name())) {
                    return p;
                }
            }
        }
        return null;
    }

    // ================================================================== the commit jobs (job held, no lock)

    private record Running(Item item, String job, String topNode, boolean active) {
    }

    /** A commit planned against QEMU's nodes now: the job's {@code block-commit} arguments. */
    private record Planned(Running run, Map<String, Object> args) {
    }

    /**
     * qemuSnapshotDiscardExternal on the running (or just started, paused) QEMU of {@code d}
     * for snapshot {@code snapshot}; {@code writeMetadata} saves a snapshot's metadata file (the
     * parent's in-progress marks). The commits are recorded in the status file before the first
     * job starts ({@link BlockCommitRecord}), so a daemon killed meanwhile finishes them when it
     * comes back ({@link #resume}); the record stays until the caller {@link #forgetRecords
     * forgets it} once the snapshot's metadata is gone.
     */
    void commit(QemuDomain d, String snapshot, List<Item> items, boolean stopQemu, Consumer<String> writeMetadata) {
        QmpMonitor mon = QemuLifecycle.runningMonitor(d);
        Map<String, String> nodes = formatNodes(mon);
        List<Planned> planned = new ArrayList<>();
        for (Item it : items) {
            planned.add(plan(d, nodes, it, null));
        }
        List<BlockCommitRecord> records = new ArrayList<>();
        for (Planned p : planned) {
            Running r = p.run();
            records.add(new BlockCommitRecord(r.job(), r.item().dst(), r.item().top(), r.item().base(), r.active(),
                    snapshot, r.item().parentSnap(), stopQemu, false));
        }
        synchronized (d) {
            d.blockCommits = List.copyOf(records);
        }
        try { // before QEMU has any job: a restart finds every commit that may have begun
            life.saveStatusOrFail(d);
        } catch (VirException e) { // no record, no job: a kill meanwhile would leave a commit nobody finishes
            synchronized (d) {
                d.blockCommits = List.of();
            }
            life.saveStatus(d); // nor may a later write carry the record of a delete that failed
            throw e;
        }
        List<Running> started = new ArrayList<>();
        try {
            for (Planned p : planned) {
                start(d, mon, p, writeMetadata);
                started.add(p.run());
            }
        } catch (RuntimeException e) {
            cancelAll(d, mon, started, List.of());
            forgetRecords(d);
            throw e;
        }
        finish(d, mon, started, writeMetadata);
    }

    /** Drops the status file's record of a snapshot delete: it finished, or failed and was undone. Job held. */
    void forgetRecords(QemuDomain d) {
        boolean had;
        synchronized (d) {
            had = !d.blockCommits.isEmpty();
            d.blockCommits = List.of();
        }
        if (had) {
            life.saveStatus(d);
        }
    }

    /**
     * The commit of {@code it} against QEMU's nodes now; {@code job} is the recorded id of a
     * commit started again after a restart, or null for libvirt's commit-DST-NODE. Checks that
     * the live chain still has the overlay.
     */
    private static Planned plan(QemuDomain d, Map<String, String> nodes, Item it, String job) {
        String top = node(nodes, it.top());
        String base = node(nodes, it.base());
        String device;
        boolean active;
        synchronized (d) {
            DeviceDef disk = d.liveDef == null ? null : byTarget(d.liveDef, it.dst());
            int at = disk == null ? -1 : indexOf(layers(disk.node()), it.top());
            if (at < 0) { // QEMU went away, or the chain changed since the checks
                throw QemuLifecycle.notRunning();
            }
            active = Objects.equals(disk.sourcePath(), it.top());
            device = active ? top : node(nodes, disk.sourcePath());
            if (job == null) {
                // libvirt's "commit-DST-NODE" with the node libvirt would have named: images QEMU
                // opened itself have "#blockN" names, which a job id may not contain
                XmlNode layer = layers(disk.node()).get(at);
                String index = layer.name().equals("disk") ? layer.childAttr("source", "index") : layer.attr("index");
                job = "commit-" + it.dst() + "-libvirt-" + index + "-format";
            }
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("device", device);
        args.put("job-id", job);
        args.put("top-node", top);
        args.put("base-node", base);
        if (!active) {
            args.put("backing-file", it.base());
        }
        args.put("auto-finalize", active);
        args.put("auto-dismiss", false);
        return new Planned(new Running(it, job, top, active), args);
    }

    /** Marks the parent snapshot's disk and starts the job (registered first: its events may overtake the reply). */
    private void start(QemuDomain d, QmpMonitor mon, Planned p, Consumer<String> writeMetadata) {
        setInvalid(d, p.run().item(), true, writeMetadata);
        String job = p.run().job();
        life.blockJobs.expect(d, job);
        try {
            mon.execute("block-commit", p.args(), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            life.blockJobs.forget(d, job);
            throw e;
        }
    }

    /**
     * The started jobs to their end: each waits until ready (active commit) or pending, then
     * job-complete or job-finalize, dismissed, and its disk's chain updated ({@link #completed}).
     * A failure cancels what still runs.
     */
    private void finish(QemuDomain d, QmpMonitor mon, List<Running> started, Consumer<String> writeMetadata) {
        QemuBlockJobs jobs = life.blockJobs;
        List<Running> finished = new ArrayList<>();
        try {
            List<String> reached = new ArrayList<>();
            for (Running r : started) {
                String st = jobs.await(d, r.job(), Set.of("ready", "pending", "concluded", "null"), COMMIT_TIMEOUT_MILLIS);
                if (st.equals("concluded") || st.equals("null")) {
                    String err = conclude(d, mon, r.job());
                    finished.add(r);
                    throw VirException.internalError(VirErrorDomain.QEMU, "block commit failed while deleting disk '"
                            + r.item().dst() + "' snapshot: '" + (err == null ? "job ended early" : err) + "'");
                }
                if (st.equals("ready")) {
                    emit(d, r.item().top(), r.item().dst(), TYPE_ACTIVE_COMMIT, STATUS_READY);
                }
                reached.add(st);
            }
            for (int i = 0; i < started.size(); i++) {
                Running r = started.get(i);
                mon.execute(reached.get(i).equals("ready") ? "job-complete" : "job-finalize", Map.of("id", r.job()),
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                jobs.await(d, r.job(), Set.of("concluded", "null"), COMMIT_TIMEOUT_MILLIS);
                String err = conclude(d, mon, r.job());
                finished.add(r);
                if (err != null) {
                    throw VirException.internalError(VirErrorDomain.QEMU, "finishing block job failed while deleting disk '"
                            + r.item().dst() + "' snapshot: '" + err + "'");
                }
                completed(d, mon, r);
                setInvalid(d, r.item(), false, writeMetadata);
            }
        } catch (RuntimeException e) {
            cancelAll(d, mon, started, finished);
            forgetRecords(d);
            throw e;
        }
    }

    private void cancelAll(QemuDomain d, QmpMonitor mon, List<Running> started, List<Running> finished) {
        for (Running r : started) {
            if (!finished.contains(r)) {
                cancel(d, mon, r.job());
            }
        }
    }

    // ================================================================== after a daemon restart (job held, no lock)

    /**
     * Finishes the commits {@code records} of a snapshot delete that a daemon killed in the
     * middle left (libvirt's qemuBlockJobRefreshJobs at reconnect, carried on to the end of the
     * delete): QEMU's jobs and block graph say how far each got. A job QEMU still has is waited
     * for and completed or finalized as usual (its JOB_STATUS_CHANGE events come to
     * {@link QemuBlockJobs}; the status {@code query-jobs} gives now seeds it). A commit QEMU
     * has no job for is either not begun, its overlay still in the disk's chain in QEMU, and is
     * started again; or over, the overlay gone from QEMU's chain, and only the definitions, the
     * status file and the file are brought in line. A record already done only has QEMU's nodes
     * of its overlay closed, the file removed and its parent's mark cleared, should the kill
     * have come before that.
     * Returns normally when every commit is done.
     */
    void resume(QemuDomain d, List<BlockCommitRecord> records, Consumer<String> writeMetadata) {
        QmpMonitor mon = QemuLifecycle.runningMonitor(d);
        List<BlockCommitRecord> open = records.stream().filter(r -> !r.done()).toList();
        Map<String, String> nodes = null;
        List<Running> started = new ArrayList<>();
        try {
            for (BlockCommitRecord r : open) {
                life.blockJobs.expect(d, r.job()); // before query-jobs: no event after it is missed
            }
            Map<String, JobNow> jobsNow = jobsNow(mon.execute("query-jobs", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
            Set<String> inUse = QemuBlockGraph.imagesInUse(mon);
            for (BlockCommitRecord r : records) {
                // done: its chains and config say so, a kill may have come before the rest (never
                // touching an image QEMU's graph still has)
                if (r.done() && !inUse.contains(r.top())) {
                    nodes = formatNodesOnce(mon, nodes);
                    closeNodes(mon, nodeOr(nodes, r.top()));
                    deleteOverlay(mon, r.top());
                    setInvalid(d, r.item(), false, writeMetadata);
                }
            }
            for (BlockCommitRecord r : open) {
                Item it = r.item();
                JobNow job = jobsNow.get(r.job());
                if (job != null && job.status().equals("concluded")) {
                    // killed after job-complete/job-finalize went out, before the dismiss: QEMU
                    // says how it ended, and only an error is a failure
                    dismiss(d, mon, r.job());
                    if (job.error() != null || inUse.contains(it.top())) {
                        // an error, or no pivot: an active commit cancelled once ready (the delete
                        // failing) concludes without error and leaves the guest on the overlay
                        throw VirException.internalError(VirErrorDomain.QEMU, "block commit failed while deleting disk '"
                                + it.dst() + "' snapshot: '" + (job.error() != null ? job.error() : "job was cancelled")
                                + "'");
                    }
                    LOG.log(Level.INFO, "block job {0} of {1} concluded while the daemon was away", r.job(), d.name());
                    nodes = formatNodesOnce(mon, nodes);
                    committedAway(d, mon, nodeOr(nodes, it.top()), r);
                    setInvalid(d, it, false, writeMetadata);
                } else if (job != null) {
                    life.blockJobs.seed(d, r.job(), job.status());
                    nodes = formatNodesOnce(mon, nodes);
                    started.add(new Running(it, r.job(), nodeOr(nodes, it.top()), r.active()));
                    LOG.log(Level.INFO, "block job {0} of {1} found {2} after restart: finishing it", r.job(), d.name(),
                            job.status());
                } else if (inUse.contains(it.top())) {
                    life.blockJobs.forget(d, r.job());
                    nodes = formatNodesOnce(mon, nodes);
                    Planned p = plan(d, nodes, it, r.job());
                    LOG.log(Level.INFO, "block job {0} of {1} had not begun: starting it again", r.job(), d.name());
                    start(d, mon, p, writeMetadata);
                    started.add(p.run());
                } else {
                    life.blockJobs.forget(d, r.job());
                    LOG.log(Level.INFO, "block job {0} of {1} ended while the daemon was away", r.job(), d.name());
                    nodes = formatNodesOnce(mon, nodes);
                    committedAway(d, mon, nodeOr(nodes, it.top()), r);
                    setInvalid(d, it, false, writeMetadata);
                }
            }
        } catch (RuntimeException e) {
            cancelAll(d, mon, started, List.of());
            for (BlockCommitRecord r : open) { // expected, never started: else hasActive holds every later delete off
                life.blockJobs.forget(d, r.job());
            }
            forgetRecords(d);
            throw e;
        }
        finish(d, mon, started, writeMetadata);
    }

    /** One job of a {@code query-jobs} answer: its status and, once concluded, the error QEMU reports (or null). */
    record JobNow(String status, String error) {
    }

    /** {@code query-jobs}' answer by job id: status and error read from the same answer. */
    @SuppressWarnings("unchecked")
    static Map<String, JobNow> jobsNow(Object queryJobs) {
        Map<String, JobNow> out = new LinkedHashMap<>();
        if (queryJobs instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> m = (Map<String, Object>) o;
                Object err = m.get("error");
                out.put(String.valueOf(m.get("id")), new JobNow(String.valueOf(m.get("status")),
                        err == null ? null : err.toString()));
            }
        }
        return out;
    }

    /** A concluded job QEMU still lists goes (job-dismiss); a failure to dismiss it only logs. */
    private void dismiss(QemuDomain d, QmpMonitor mon, String job) {
        try {
            mon.execute("job-dismiss", Map.of("id", job), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot dismiss block job {0}: {1}", job, e.getMessage());
        } finally {
            life.blockJobs.forget(d, job);
        }
    }

    private static Map<String, String> formatNodesOnce(QmpMonitor mon, Map<String, String> nodes) {
        return nodes != null ? nodes : formatNodes(mon);
    }

    private static String nodeOr(Map<String, String> nodes, String path) {
        String n = nodes.get(path);
        return n != null ? n : "";
    }

    /**
     * A commit QEMU finished (and the overlay left its graph) before the daemon could record
     * it: the chains drop the overlay if they still name it, QEMU's nodes of it ({@code
     * topNode}, "" when it has none) are closed, and its file goes.
     */
    private void committedAway(QemuDomain d, QmpMonitor mon, String topNode, BlockCommitRecord r) {
        boolean named;
        synchronized (d) {
            DeviceDef disk = d.liveDef == null ? null : byTarget(d.liveDef, r.dst());
            named = disk != null && indexOf(layers(disk.node()), r.top()) >= 0;
        }
        if (named) {
            completed(d, mon, new Running(r.item(), r.job(), topNode, r.active()));
        } else {
            markDone(d, r.job());
            life.saveStatus(d);
            closeNodes(mon, topNode); // else deleteOverlay finds them and keeps the file for good
            deleteOverlay(mon, r.top());
        }
    }

    private static void markDone(QemuDomain d, String job) {
        synchronized (d) {
            List<BlockCommitRecord> next = new ArrayList<>();
            for (BlockCommitRecord c : d.blockCommits) {
                next.add(c.job().equals(job) ? c.finished() : c);
            }
            d.blockCommits = List.copyOf(next);
        }
    }

    /**
     * Removes a committed overlay's file, but only once QEMU's block graph has no node on it
     * ({@code query-named-block-nodes}): its nodes are closed first, yet a blockdev-del that
     * failed (it only logs) or a restart that resumed the delete from a record leaves QEMU
     * perhaps still holding the image, and a file removed under an open node would be written
     * to, unreachable, until QEMU stops. Kept (and logged) then, or when QEMU cannot say;
     * {@code mon} null: no QEMU to ask (it is gone).
     */
    static void deleteOverlay(QmpMonitor mon, String top) {
        if (mon != null) {
            try {
                List<String> holders = QemuBlockGraph.nodesByFile(mon).get(top);
                if (holders != null) {
                    LOG.log(Level.WARNING, "not removing snapshot image file ''{0}'': QEMU still has node(s) {1} on it",
                            top, holders);
                    return;
                }
            } catch (VirException e) {
                LOG.log(Level.WARNING, "not removing snapshot image file ''{0}'': cannot read QEMU''s block nodes ({1})",
                        top, e.getMessage());
                return;
            }
        }
        try {
            Files.deleteIfExists(Path.of(top));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Unable to remove snapshot image file ''{0}'' ({1})", top, e.getMessage());
        }
    }

    /**
     * qemuSnapshotSetInvalid: the parent snapshot's disk is marked (in its metadata file) while
     * its image takes the overlay's data; a delete that does not finish leaves the mark, and
     * deleting that parent is refused until then.
     */
    private static void setInvalid(QemuDomain d, Item it, boolean invalid, Consumer<String> writeMetadata) {
        if (it.parentSnap() == null) {
            return;
        }
        synchronized (d) {
            Moments.Node<SnapshotDef> p = d.snapshots.find(it.parentSnap());
            if (p == null) {
                return;
            }
            for (SnapshotDef.Disk sd : p.def.disks()) {
                if (sd.name().equals(it.dst())) {
                    sd.setDeleteInProgress(invalid);
                }
            }
        }
        writeMetadata.accept(it.parentSnap());
    }

    /** A concluded job: its error (from query-jobs, the event carries none), then dismissed. */
    private String conclude(QemuDomain d, QmpMonitor mon, String job) {
        String err = null;
        try {
            JobNow now = jobsNow(mon.execute("query-jobs", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS)).get(job);
            err = now == null ? null : now.error();
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot query block job {0}: {1}", job, e.getMessage());
        }
        dismiss(d, mon, job);
        return err;
    }

    /** The error path: a job still running is cancelled; QEMU leaves the chain as it was. */
    private void cancel(QemuDomain d, QmpMonitor mon, String job) {
        try {
            mon.execute("block-job-cancel", Map.of("device", job), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            life.blockJobs.await(d, job, Set.of("concluded", "null"), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            mon.execute("job-dismiss", Map.of("id", job), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot cancel block job {0}: {1}", job, e.getMessage());
        } finally {
            life.blockJobs.forget(d, job);
        }
    }

    /**
     * qemuBlockJobProcessEventCompleted(Active)Commit: the chains without the overlay, QEMU's
     * nodes of it closed, the file removed, the status file and config written, the events.
     */
    private void completed(QemuDomain d, QmpMonitor mon, Running r) {
        Item it = r.item();
        String eventPath;
        // A define meanwhile (it takes no job, as libvirt's) goes wholly before this, and the
        // commit then updates the new definition (when its chain is the live one), or wholly
        // after, and wins: never the config file of one with the definition of the other.
        d.configWrite.lock();
        try {
            DomainDef persistent = null;
            synchronized (d) {
                List<XmlNode> live = liveLayers(d, it.dst());
                int k = indexOf(live, it.top());
                if (k < 0) {
                    throw QemuLifecycle.notRunning(); // QEMU went away under the commit
                }
                if (d.persistentDef != null) {
                    persistent = d.persistentDef.copy();
                    updateConfigDisk(byTarget(persistent, it.dst()), live, k, k + 1);
                }
            }
            // The config first, before anything (a status write of the event thread included) can
            // say the chain lost the overlay: a restart that finds the record not done commits
            // away again, and updateConfigDisk takes a config already without the overlay as it is;
            // one that finds it done trusts the config. The other way round a kill in between left
            // the config naming the overlay for good.
            if (persistent != null) {
                life.saveConfig(persistent);
            }
            synchronized (d) {
                // the file has it now, whatever QEMU did meanwhile: memory follows before any
                // way out, else the two disagree (not undefined meanwhile: undefine takes the job)
                if (persistent != null && d.persistentDef != null) {
                    d.persistentDef = persistent;
                }
                List<XmlNode> live = liveLayers(d, it.dst());
                int k = indexOf(live, it.top());
                if (k < 0) {
                    throw QemuLifecycle.notRunning();
                }
                DeviceDef disk = byTarget(d.liveDef, it.dst());
                dropLayers(disk, live, k, k + 1);
                eventPath = disk.sourcePath();
                // with the chain update, in one step: no status write (the event thread's
                // included) sees the chain without the overlay and the record not done
                markDone(d, r.job());
            }
        } finally {
            d.configWrite.unlock();
        }
        if (mon != null) {
            closeNodes(mon, r.topNode());
        }
        // the status file (record done) before the file goes: a crash after this never leaves
        // a status file naming an overlay that is gone; a done record's file that a crash left
        // is removed by the resume
        life.saveStatus(d);
        deleteOverlay(mon, it.top());
        emit(d, eventPath, it.dst(), r.active() ? TYPE_ACTIVE_COMMIT : TYPE_COMMIT, STATUS_COMPLETED);
    }

    /** QEMU's format and storage nodes of a committed overlay ("" or a node QEMU opened itself: nothing to do). */
    static void closeNodes(QmpMonitor mon, String topNode) {
        if (!topNode.startsWith("libvirt-")) { // nodes QEMU opened itself go with their last user
            return;
        }
        for (String node : List.of(topNode, topNode.replace("-format", "-storage"))) {
            try {
                mon.execute("blockdev-del", Map.of("node-name", node), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            } catch (VirException e) {
                LOG.log(Level.WARNING, "cannot remove node {0}: {1}", node, e.getMessage());
            }
        }
    }

    /** The live chain of disk {@code dst}, top first; empty when it is gone or QEMU is. Domain locked. */
    static List<XmlNode> liveLayers(QemuDomain d, String dst) {
        DeviceDef disk = d.liveDef == null ? null : byTarget(d.liveDef, dst);
        return disk == null ? List.of() : layers(disk.node());
    }

    /**
     * The live disk after a commit of its layers {@code k} to {@code b - 1} of chain {@code live}
     * into layer {@code b}: the disk reads {@code b} (k 0, an active commit) or layer {@code k - 1}
     * has {@code b} as backing. Domain locked.
     */
    static void dropLayers(DeviceDef disk, List<XmlNode> live, int k, int b) {
        if (k == 0) {
            becomeLayer(disk, live.get(b), true);
        } else {
            setBacking(live.get(k - 1), live.get(b));
            disk.sortCanonical();
        }
    }

    /**
     * The persistent disk after the commit of live layers {@code k} to {@code b - 1} into layer
     * {@code b} (libvirt's qemuBlockJobGetConfigDisk and what follows): when its chain names the
     * same images as the live one down to the base, the committed layers leave it; otherwise an
     * active commit rewrites its source to the base (if it named the top), an intermediate one
     * forgets its chain.
     */
    static void updateConfigDisk(DeviceDef cfg, List<XmlNode> live, int k, int b) {
        if (cfg == null) {
            return;
        }
        List<XmlNode> chain = layers(cfg.node());
        boolean same = chain.size() > b;
        for (int i = 0; same && i <= b; i++) {
            same = Objects.equals(path(chain.get(i)), path(live.get(i)));
        }
        if (same) {
            if (k == 0) {
                becomeLayer(cfg, chain.get(b), false);
            } else {
                setBacking(chain.get(k - 1), chain.get(b));
                cfg.sortCanonical();
            }
            return;
        }
        if (chain.isEmpty() || !Objects.equals(path(chain.get(0)), path(live.get(0)))) {
            return;
        }
        if (k == 0) { // qemuBlockJobRewriteConfigDiskSource: the base, without what was probed below it
            XmlNode base = live.get(b).copy();
            XmlNode below = base.child("backingStore");
            if (below != null && below.child("source") != null) {
                base.remove("backingStore");
            }
            becomeLayer(cfg, base, false);
        } else { // qemuBlockJobClearConfigChain
            cfg.node().remove("backingStore");
        }
    }

    private void emit(QemuDomain d, String path, String dst, int type, int status) {
        life.onEventThread(() -> post(life, d, path, dst, type, status));
    }

    /** BLOCK_JOB (the disk's image {@code path}) and BLOCK_JOB_2 (its target) as libvirt sends them. qemu-event thread. */
    static void post(QemuLifecycle life, QemuDomain d, String path, String dst, int type, int status) {
        life.events.post(new DomainEvent.BlockJob(d.ref(), path, type, status));
        life.events.post(new DomainEvent.BlockJob2(d.ref(), dst, type, status));
        life.events.dispatch();
    }

    /**
     * The format node QEMU reads each image file through (query-named-block-nodes). A running
     * commit puts its own filter node (drv commit_top, an automatic {@code #blockN} name) on top
     * of the overlay, with the overlay's file name: the node this driver added ({@code
     * libvirt-N-format}) is the one meant, so it wins over any other, else the first.
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> formatNodesOf(Object r) {
        Map<String, String> out = new LinkedHashMap<>();
        if (r instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> n = (Map<String, Object>) o;
                if (!"file".equals(n.get("drv")) && n.get("file") != null && n.get("node-name") != null) {
                    String name = n.get("node-name").toString();
                    out.merge(n.get("file").toString(), name,
                            (had, now) -> !had.startsWith("libvirt-") && now.startsWith("libvirt-") ? now : had);
                }
            }
        }
        return out;
    }

    static Map<String, String> formatNodes(QmpMonitor mon) {
        return formatNodesOf(mon.execute("query-named-block-nodes", Map.of("flat", true),
                QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
    }

    static String node(Map<String, String> nodes, String path) {
        String n = nodes.get(path);
        if (n == null) {
            throw VirException.internalError(VirErrorDomain.QEMU, "cannot find node name for image '" + path + "'");
        }
        return n;
    }

    // ================================================================== other snapshots' metadata (domain locked)

    /**
     * qemuSnapshotDeleteUpdateDisks: every descendant of the deleted {@code snap} forgets its
     * overlays in the domain XML it saved (an external one that used an overlay now uses the
     * image below, as the deleted snapshot's domain had it). Returns the descendants' names
     * (their metadata to write). Domain locked.
     */
    static List<String> updateDescendants(Moments<SnapshotDef> tree, Moments.Node<SnapshotDef> snap) {
        List<String> names = new ArrayList<>();
        SnapshotDef gone = snap.def;
        tree.forEachDescendant(snap, n -> {
            names.add(n.name);
            for (SnapshotDef.Disk sd : gone.disks()) {
                if ("no".equals(sd.snapshot())) {
                    continue;
                }
                updateDisk(n.def, n.def.domain(), gone.domain(), sd);
                if (n.def.inactiveDomain() != null) {
                    updateDisk(n.def, n.def.inactiveDomain(),
                            gone.inactiveDomain() != null ? gone.inactiveDomain() : gone.domain(), sd);
                }
            }
        });
        return names;
    }

    /** qemuSnapshotUpdateDisksSingle. */
    private static void updateDisk(SnapshotDef snap, DomainDef def, DomainDef parentDef, SnapshotDef.Disk sd) {
        DeviceDef disk = byTarget(def, sd.name());
        if (disk == null) {
            return;
        }
        if (snap.isExternal()) {
            DeviceDef parentDisk = byTarget(parentDef, sd.name());
            if (parentDisk != null && Objects.equals(sd.path(), disk.sourcePath())) {
                disk.node().remove("source");
                disk.node().add(parentDisk.node().child("source").copy());
                disk.node().getOrAdd("driver").attr("type", parentDisk.node().childAttr("driver", "type"));
                disk.node().remove("backingStore");
                disk.sortCanonical();
            }
        }
        List<XmlNode> chain = layers(disk.node());
        for (int i = 1; i < chain.size(); i++) {
            if (Objects.equals(path(chain.get(i)), sd.path())) {
                setBacking(chain.get(i - 1), chain.get(i).child("backingStore"));
                disk.sortCanonical();
                break;
            }
        }
    }
}
