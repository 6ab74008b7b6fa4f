package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainBlockJobInfo;
import io.jvirtd.model.domain.DomainRef;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The block jobs clients start on a running guest's disks, as libvirt 9.0's QEMU driver runs them
 * (qemuDomainBlockCommit, qemuDomainGetBlockJobInfo, qemuDomainBlockJobSetSpeed,
 * qemuDomainBlockJobAbort and qemu_blockjob.c's processing of a job's end): a QEMU
 * {@code block-commit} job with {@code auto-dismiss} off, followed through QEMU's
 * {@code JOB_STATUS_CHANGE} events ({@link QemuBlockJobs}); an active-layer commit shows a
 * {@code <mirror>} in the live XML and reaches {@code ready}, then {@code job-complete} (pivot)
 * or {@code block-job-cancel}; at its end the job is dismissed, the live chain (and, by
 * libvirt's rules, the persistent one: {@link QemuSnapshotCommit#updateConfigDisk}) drops the
 * committed images, QEMU closes their nodes, {@code --delete} removes their files, and
 * BLOCK_JOB/BLOCK_JOB_2 go out (READY, COMPLETED, FAILED or CANCELED).
 *
 * <p>Each job is in the status file from before its QEMU command ({@link DiskJob}), so a
 * daemon killed meanwhile finds it again ({@link #recover}).
 *
 * <p>Threads: API calls on workers, holding the domain's job (info: a query job). QEMU's events
 * come on the qemu-event thread ({@link #onStatusChange}), which marks a job ready itself and
 * hands a concluded one to the {@code qemu-blockjob} thread, which takes the domain's job to
 * finish it — unless an API call holding the job waits for that end (abort without ASYNC), which
 * then finishes it itself, as libvirt's synchronous block-job handling. Jobs live in
 * {@link QemuDomain#diskJobs} under the domain's monitor; QMP, files and events with no lock held.
 */
final class QemuDiskJobs {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** virDomainBlockCommitFlags. */
    static final int COMMIT_SHALLOW = 1;
    static final int COMMIT_DELETE = 2;
    static final int COMMIT_ACTIVE = 4;
    static final int COMMIT_RELATIVE = 8;
    static final int COMMIT_BANDWIDTH_BYTES = 16;
    /** virDomainBlockJobAbortFlags. */
    static final int ABORT_ASYNC = 1;
    static final int ABORT_PIVOT = 2;
    /** VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES and VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES. */
    static final int BANDWIDTH_BYTES = 1;
    /** virConnectDomainEventBlockJobStatus. */
    static final int COMPLETED = 0;
    static final int FAILED = 1;
    static final int CANCELED = 2;
    static final int READY = 3;
    /** A job may copy a whole disk: far longer than an ordinary command may take. */
    private static final long JOB_TIMEOUT_MILLIS = 3_600_000;
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)\\]");

    private final QemuLifecycle life;
    /** Concluded jobs no caller waits for: finished one at a time, each under its domain's job. */
    private final ExecutorService finisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qemu-blockjob");
        t.setDaemon(true);
        return t;
    });

    QemuDiskJobs(QemuLifecycle life) {
        this.life = life;
    }

    static Map<String, DiskJob> byDisk(List<DiskJob> jobs) {
        Map<String, DiskJob> out = new LinkedHashMap<>();
        jobs.forEach(j -> out.put(j.dst(), j));
        return Map.copyOf(out);
    }

    // ================================================================== virDomainBlockCommit

    /** qemuDomainBlockCommit and qemuBlockCommit. */
    void commit(DomainRef ref, String diskName, String base, String top, long bandwidth, int flags) {
        VirException.checkFlags(flags, COMMIT_SHALLOW | COMMIT_ACTIVE | COMMIT_RELATIVE | COMMIT_DELETE
                | COMMIT_BANDWIDTH_BYTES, VirErrorDomain.QEMU, "qemuDomainBlockCommit");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            long speed = speed(bandwidth, (flags & COMMIT_BANDWIDTH_BYTES) != 0);
            String dst;
            String topPath;
            String basePath;
            String device;
            int t;
            int b;
            synchronized (d) {
                DomainDef def = d.liveDef != null ? d.liveDef : d.persistentDef;
                DeviceDef disk = disk(def, diskName);
                dst = disk.diskTarget();
                List<XmlNode> chain = QemuSnapshotCommit.layers(disk.node());
                t = top == null || top.equals(dst) ? 0 : lookup(chain, -1, top, dst);
                if (base == null && (flags & COMMIT_SHALLOW) != 0) {
                    b = t + 1; // topSource->backingStore, which may be none
                } else {
                    b = lookup(chain, t, base, dst);
                }
                if (d.liveDef == null) {
                    throw QemuLifecycle.notRunning();
                }
                if (d.diskJobs.containsKey(dst)) {
                    throw VirException.of(VirErrorNumber.BLOCK_COPY_ACTIVE, VirErrorDomain.QEMU,
                            "disk '" + dst + "' already in active block job");
                }
                topPath = QemuSnapshotCommit.path(chain.get(t));
                if (t == 0 && (flags & COMMIT_ACTIVE) == 0) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU,
                            "commit of '" + dst + "' active layer requires active flag");
                }
                if (t != 0 && (flags & COMMIT_ACTIVE) != 0) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU,
                            "active commit requested but '" + topPath + "' is not active");
                }
                if (t + 1 >= chain.size()) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "top '" + topPath + "' in chain for '"
                            + disk.sourcePath() + "' has no backing file");
                }
                basePath = QemuSnapshotCommit.path(chain.get(b));
                if ((flags & COMMIT_SHALLOW) != 0 && b != t + 1) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "base '" + basePath
                            + "' is not immediately below '" + topPath + "' in chain for '" + disk.sourcePath() + "'");
                }
                if ((flags & COMMIT_RELATIVE) != 0 && t != 0) {
                    // the overlays this driver makes name their backing file absolutely
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "can't keep relative backing relationship");
                }
                device = disk.sourcePath();
            }
            QmpMonitor mon = QemuLifecycle.runningMonitor(d);
            Map<String, String> nodes = QemuSnapshotCommit.formatNodes(mon);
            String topNode = QemuSnapshotCommit.node(nodes, topPath);
            String job = "commit-" + dst + "-" + jobNode(d, dst, t, topNode);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("device", QemuSnapshotCommit.node(nodes, device));
            args.put("job-id", job);
            args.put("top-node", topNode);
            args.put("base-node", QemuSnapshotCommit.node(nodes, basePath));
            if (t != 0) {
                args.put("backing-file", basePath);
            }
            if (speed != 0) {
                args.put("speed", speed);
            }
            args.put("auto-finalize", true);
            args.put("auto-dismiss", false);
            DiskJob j = new DiskJob(job, dst, t == 0 ? DiskJob.TYPE_ACTIVE_COMMIT : DiskJob.TYPE_COMMIT, "running",
                    topPath, basePath, (flags & COMMIT_DELETE) != 0, false);
            start(d, mon, j, "block-commit", args, t == 0 ? b : -1);
        } finally {
            d.endJob();
        }
    }

    /**
     * The node part of libvirt's job name ("commit-DST-NODE"): QEMU's node of the top image when
     * this driver named it, else the name libvirt would have given it from the image's index
     * (images QEMU opened itself have "#blockN" names, which a job id may not contain).
     */
    private static String jobNode(QemuDomain d, String dst, int t, String topNode) {
        if (topNode.startsWith("libvirt-")) {
            return topNode;
        }
        synchronized (d) {
            XmlNode layer = QemuSnapshotCommit.layers(disk(d.liveDef, dst).node()).get(t);
            String index = layer.name().equals("disk") ? layer.childAttr("source", "index") : layer.attr("index");
            return "libvirt-" + index + "-format";
        }
    }

    /**
     * Records job {@code j} (status file first: a kill after the command finds it), registers it
     * for QEMU's events, and sends the command; {@code mirrorLayer} is the chain layer an active
     * job mirrors into ({@code <mirror>} in the live XML), or -1. A failed command leaves nothing.
     */
    private void start(QemuDomain d, QmpMonitor mon, DiskJob j, String command, Map<String, Object> args,
                       int mirrorLayer) {
        synchronized (d) {
            Map<String, DiskJob> next = new HashMap<>(d.diskJobs);
            next.put(j.dst(), j);
            d.diskJobs = Map.copyOf(next);
            if (mirrorLayer >= 0) {
                DeviceDef disk = disk(d.liveDef, j.dst());
                disk.node().add(mirror(QemuSnapshotCommit.layers(disk.node()).get(mirrorLayer), j));
                disk.sortCanonical();
            }
        }
        life.blockJobs.expect(d, j.name());
        try {
            life.saveStatusOrFail(d);
            mon.execute(command, args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            life.blockJobs.forget(d, j.name());
            drop(d, j);
            life.saveStatus(d);
            throw e;
        }
    }

    /** libvirt's {@code <mirror type= job=>} of an active commit: the base it writes into, as the chain names it. */
    private static XmlNode mirror(XmlNode base, DiskJob j) {
        XmlNode m = new XmlNode("mirror");
        m.attr("type", base.attr("type") != null ? base.attr("type") : "file");
        m.attr("job", "active-commit");
        XmlNode format = new XmlNode("format");
        format.attr("type", base.childAttr("format", "type") != null ? base.childAttr("format", "type") : "raw");
        m.add(format);
        XmlNode src = new XmlNode("source");
        src.attr("file", QemuSnapshotCommit.path(base));
        src.attr("index", base.attr("index"));
        m.add(src);
        return m;
    }

    /** The job leaves the domain and the live disk its {@code <mirror>}. */
    private static void drop(QemuDomain d, DiskJob j) {
        synchronized (d) {
            Map<String, DiskJob> next = new HashMap<>(d.diskJobs);
            if (next.get(j.dst()) != null && next.get(j.dst()).name().equals(j.name())) {
                next.remove(j.dst());
            }
            d.diskJobs = Map.copyOf(next);
            DeviceDef disk = d.liveDef == null ? null : d.liveDef.diskByTargetOrPath(j.dst());
            if (disk != null) {
                disk.node().remove("mirror");
            }
        }
    }

    /** libvirt's mirror state on the live disk ({@code ready='yes|pivot|abort'}). Domain locked. */
    private static void mirrorState(QemuDomain d, String dst, String ready) {
        DeviceDef disk = d.liveDef == null ? null : d.liveDef.diskByTargetOrPath(dst);
        XmlNode m = disk == null ? null : disk.node().child("mirror");
        if (m != null) {
            m.attr("ready", ready);
        }
    }

    // ================================================================== info, speed, abort

    /** qemuDomainGetBlockJobInfo: null when the disk has no job. */
    DomainBlockJobInfo info(DomainRef ref, String diskName, int flags) {
        VirException.checkFlags(flags, BANDWIDTH_BYTES, VirErrorDomain.QEMU, "qemuDomainGetBlockJobInfo");
        QemuDomain d = life.domains.get(ref);
        d.beginQueryJob();
        try {
            DiskJob j;
            synchronized (d) {
                if (d.liveDef == null) {
                    throw QemuLifecycle.notRunning();
                }
                j = d.diskJobs.get(disk(d.liveDef, diskName).diskTarget());
            }
            if (j == null) {
                return null;
            }
            Object all = QemuLifecycle.runningMonitor(d).execute("query-block-jobs", null,
                    QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            return translate(j.type(), rawInfo(all, j.name()), (flags & BANDWIDTH_BYTES) != 0);
        } finally {
            d.endQueryJob();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rawInfo(Object queryBlockJobs, String name) {
        if (queryBlockJobs instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && name.equals(String.valueOf(m.get("device")))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return null;
    }

    /** qemuBlockJobInfoTranslate: QEMU's offset/len as libvirt reports them. */
    static DomainBlockJobInfo translate(int type, Map<String, Object> raw, boolean bytes) {
        if (raw == null) { // QEMU has it no more, libvirt not yet processed its end
            return new DomainBlockJobInfo(type, 0, 0, 1);
        }
        long cur = num(raw.get("offset"));
        long end = num(raw.get("len"));
        boolean readyPresent = raw.containsKey("ready");
        boolean ready = Boolean.TRUE.equals(raw.get("ready"));
        if (cur == 0 && end == 0 && readyPresent) {
            end = 1;
            if (ready) {
                cur = 1;
            }
        }
        if (readyPresent && !ready && cur == end && cur > 0) {
            cur -= 1; // not at 100 % before QEMU says ready
        }
        long bandwidth = num(raw.get("speed"));
        if (bandwidth != 0 && !bytes) {
            bandwidth = Long.divideUnsigned(bandwidth + (1L << 20) - 1, 1L << 20);
        }
        return new DomainBlockJobInfo(type, bandwidth, cur, end);
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /** qemuDomainBlockJobSetSpeed. */
    void setSpeed(DomainRef ref, String diskName, long bandwidth, int flags) {
        VirException.checkFlags(flags, BANDWIDTH_BYTES, VirErrorDomain.QEMU, "qemuDomainBlockJobSetSpeed");
        long speed = speed(bandwidth, (flags & BANDWIDTH_BYTES) != 0);
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            DiskJob j = activeJob(d, diskName);
            QemuLifecycle.runningMonitor(d).execute("block-job-set-speed", Map.of("device", j.name(), "speed", speed),
                    QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainBlockJobAbort, with qemuBlockPivot for PIVOT. */
    void abort(DomainRef ref, String diskName, int flags) {
        VirException.checkFlags(flags, ABORT_ASYNC | ABORT_PIVOT, VirErrorDomain.QEMU, "qemuDomainBlockJobAbort");
        boolean pivot = (flags & ABORT_PIVOT) != 0;
        boolean async = (flags & ABORT_ASYNC) != 0;
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            DiskJob j = activeJob(d, diskName);
            if (j.state().equals("aborting") || j.state().equals("pivoting")) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "block job on disk '" + j.dst() + "' is still being ended");
            }
            QmpMonitor mon = QemuLifecycle.runningMonitor(d);
            if (pivot && j.state().equals("running")) {
                // a client that saw QEMU's job ready (query-block-jobs) may come before the
                // qemu-event thread has handled the event that says so: QEMU's word counts
                QemuSnapshotCommit.JobNow now = QemuSnapshotCommit.jobsNow(mon.execute("query-jobs", null,
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS)).get(j.name());
                if (now != null && now.status().equals("ready")) {
                    j = ready(d, j, false);
                }
            }
            if (pivot) {
                if (!j.state().equals("ready")) {
                    throw VirException.of(VirErrorNumber.BLOCK_COPY_ACTIVE, VirErrorDomain.QEMU,
                            "block job '" + j.name() + "' not ready for pivot yet");
                }
                if (j.type() != DiskJob.TYPE_ACTIVE_COMMIT && j.type() != DiskJob.TYPE_COPY) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU,
                            "job type '" + (j.type() == DiskJob.TYPE_PULL ? "pull" : "commit") + "' does not support pivot");
                }
            }
            // on record before the command: a restart then knows an end it finds was asked for
            setState(d, j.withState(pivot ? "pivoting" : "aborting", !async), pivot ? "pivot" : "abort");
            try {
                life.saveStatusOrFail(d);
                if (pivot) {
                    mon.execute("job-complete", Map.of("id", j.name()), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                } else {
                    mon.execute("block-job-cancel", Map.of("device", j.name(), "force", false),
                            QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                }
            } catch (RuntimeException e) {
                setState(d, j, j.state().equals("ready") ? "yes" : null); // as it was
                life.saveStatus(d);
                throw e;
            }
            if (!async) {
                life.blockJobs.await(d, j.name(), Set.of("concluded", "null"), JOB_TIMEOUT_MILLIS);
                String error = finish(d, j.name());
                if (pivot && error != null) {
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                            "block job '" + j.name() + "' failed while pivoting: " + error);
                }
            }
        } finally {
            d.endJob();
        }
    }

    private static void setState(QemuDomain d, DiskJob j, String mirrorReady) {
        synchronized (d) {
            if (d.diskJobs.get(j.dst()) == null) {
                return;
            }
            Map<String, DiskJob> next = new HashMap<>(d.diskJobs);
            next.put(j.dst(), j);
            d.diskJobs = Map.copyOf(next);
            mirrorState(d, j.dst(), mirrorReady);
        }
    }

    /** The disk's job, with libvirt's errors for a shut-off domain, no such disk, no job. Job held. */
    private static DiskJob activeJob(QemuDomain d, String diskName) {
        synchronized (d) {
            if (d.liveDef == null) {
                throw QemuLifecycle.notRunning();
            }
            String dst = disk(d.liveDef, diskName).diskTarget();
            DiskJob j = d.diskJobs.get(dst);
            if (j == null) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "disk " + dst + " does not have an active block job");
            }
            return j;
        }
    }

    // ================================================================== QEMU's events and a job's end

    /** JOB_STATUS_CHANGE of a client's job. qemu-event thread (after {@link QemuBlockJobs#onStatusChange}). */
    void onStatusChange(QemuDomain d, Map<String, Object> data) {
        String id = String.valueOf(data.get("id"));
        String status = String.valueOf(data.get("status"));
        DiskJob j = null;
        synchronized (d) {
            for (DiskJob x : d.diskJobs.values()) {
                if (x.name().equals(id)) {
                    j = x;
                }
            }
        }
        if (j == null) {
            return;
        }
        if (status.equals("ready")) {
            ready(d, j, true);
        } else if (status.equals("concluded") && !j.sync()) {
            String name = j.name();
            finisher.execute(() -> finishLater(d, name));
        }
    }

    /**
     * A mirroring job reached ready: the live XML's mirror says so, then the READY events
     * ({@code onEventThread}: called there, else they are handed to it).
     */
    private DiskJob ready(QemuDomain d, DiskJob j, boolean onEventThread) {
        String path;
        DiskJob marked;
        synchronized (d) {
            DiskJob now = d.diskJobs.get(j.dst());
            if (now == null || !now.name().equals(j.name()) || !now.state().equals("running")) {
                return now == null ? j : now;
            }
            marked = now.withState("ready", now.sync());
            Map<String, DiskJob> next = new HashMap<>(d.diskJobs);
            next.put(j.dst(), marked);
            d.diskJobs = Map.copyOf(next);
            mirrorState(d, j.dst(), "yes");
            path = d.liveDef.diskByTargetOrPath(j.dst()).sourcePath();
        }
        life.saveStatus(d);
        if (onEventThread) {
            QemuSnapshotCommit.post(life, d, path, j.dst(), j.type(), READY);
        } else {
            life.onEventThread(() -> QemuSnapshotCommit.post(life, d, path, j.dst(), j.type(), READY));
        }
        return marked;
    }

    /** A concluded job nobody waits for, finished under the domain's job. qemu-blockjob thread. */
    private void finishLater(QemuDomain d, String name) {
        try {
            d.beginJob();
        } catch (VirException e) {
            synchronized (d) {
                if (d.liveDef == null) {
                    return;
                }
            }
            LOG.log(Level.WARNING, "block job {0} of {1}: {2}; trying again", name, d.name(), e.getMessage());
            finisher.execute(() -> finishLater(d, name));
            return;
        }
        try {
            finish(d, name);
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot finish block job {0} of {1}: {2}", name, d.name(), e.getMessage());
        } finally {
            d.endJob();
        }
    }

    /**
     * qemuBlockJobEventProcessConcluded: job {@code name} (concluded in QEMU) dismissed, its outcome
     * taken (an abort's is CANCELED), the chains updated on success, the events sent. Returns
     * QEMU's error, or null. Job held; a job already finished is left alone.
     */
    private String finish(QemuDomain d, String name) {
        DiskJob j = null;
        synchronized (d) {
            for (DiskJob x : d.diskJobs.values()) {
                if (x.name().equals(name)) {
                    j = x;
                }
            }
        }
        if (j == null) {
            return null;
        }
        QmpMonitor mon;
        synchronized (d) {
            mon = d.monitor;
        }
        String error = null;
        Map<String, String> nodes = Map.of();
        boolean topInUse = true; // unless QEMU says otherwise, the chain is left as it is
        if (mon != null) {
            try {
                QemuSnapshotCommit.JobNow now = QemuSnapshotCommit.jobsNow(mon.execute("query-jobs", null,
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS)).get(name);
                error = now == null ? null : now.error();
                nodes = QemuSnapshotCommit.formatNodes(mon);
                topInUse = QemuBlockGraph.imagesInUse(mon).contains(j.top());
                mon.execute("job-dismiss", Map.of("id", name), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            } catch (VirException e) {
                LOG.log(Level.WARNING, "block job {0} of {1}: {2}", name, d.name(), e.getMessage());
            }
        }
        life.blockJobs.forget(d, name);
        // a job that ended without error yet left the top in the disk's chain was cancelled (an
        // active commit cancelled once ready ends well, as a restart may find one)
        int status = j.state().equals("aborting") ? CANCELED : error != null ? FAILED : topInUse ? CANCELED : COMPLETED;
        List<String> removed = status == COMPLETED ? committed(d, j) : List.of();
        drop(d, j);
        String path;
        synchronized (d) {
            DeviceDef disk = d.liveDef == null ? null : d.liveDef.diskByTargetOrPath(j.dst());
            path = disk == null ? j.top() : disk.sourcePath();
        }
        for (String p : removed) {
            if (mon != null) {
                String node = nodes.get(p);
                if (node != null) {
                    QemuSnapshotCommit.closeNodes(mon, node);
                }
            }
        }
        life.saveStatus(d);
        if (j.delete()) {
            for (String p : removed) {
                QemuSnapshotCommit.deleteOverlay(mon, p);
            }
        }
        if (error != null) {
            LOG.log(Level.WARNING, "block job {0} of {1} failed: {2}", name, d.name(), error);
        }
        DiskJob ended = j;
        life.onEventThread(() -> QemuSnapshotCommit.post(life, d, path, ended.dst(), ended.type(), status));
        return error;
    }

    /**
     * qemuBlockJobProcessEventCompleted(Active)Commit: the persistent disk first (the config
     * file), then the live chain without the images from the top to above the base. Returns the
     * removed images' paths. Job held.
     */
    private List<String> committed(QemuDomain d, DiskJob j) {
        List<String> removed = new ArrayList<>();
        d.configWrite.lock();
        try {
            DomainDef persistent = null;
            int k;
            int b;
            synchronized (d) {
                List<XmlNode> live = QemuSnapshotCommit.liveLayers(d, j.dst());
                k = QemuSnapshotCommit.indexOf(live, j.top());
                b = QemuSnapshotCommit.indexOf(live, j.base());
                if (k < 0 || b <= k) {
                    return removed; // QEMU went away, or the chain changed under the job
                }
                if (d.persistentDef != null) {
                    persistent = d.persistentDef.copy();
                    QemuSnapshotCommit.updateConfigDisk(persistent.diskByTargetOrPath(j.dst()), live, k, b);
                }
            }
            if (persistent != null) {
                life.saveConfig(persistent);
            }
            synchronized (d) {
                if (persistent != null && d.persistentDef != null) {
                    d.persistentDef = persistent;
                }
                List<XmlNode> live = QemuSnapshotCommit.liveLayers(d, j.dst());
                if (!Objects.equals(QemuSnapshotCommit.path(live.get(k)), j.top())) {
                    return removed;
                }
                for (int i = k; i < b; i++) {
                    removed.add(QemuSnapshotCommit.path(live.get(i)));
                }
                QemuSnapshotCommit.dropLayers(d.liveDef.diskByTargetOrPath(j.dst()), live, k, b);
            }
        } finally {
            d.configWrite.unlock();
        }
        return removed;
    }

    // ================================================================== after a daemon restart

    /**
     * Finds the jobs the status files name again (libvirt's qemuBlockJobRefreshJobs): each is
     * registered for events, then {@code query-jobs} says where QEMU has it: a concluded one is
     * finished, a ready one marked so (with its event), a running one waits for its events; one
     * QEMU does not know (never started) is dropped. Startup, after the reattach: the domain's
     * job is taken here, before any client can ask (as libvirt's reconnect holds it), and
     * released by the qemu-blockjob thread once the jobs are known again.
     */
    void recover() {
        for (QemuDomain d : life.domains.all()) {
            Map<String, DiskJob> jobs;
            synchronized (d) {
                jobs = d.liveDef == null ? Map.of() : d.diskJobs;
            }
            if (jobs.isEmpty()) {
                continue;
            }
            try {
                d.beginJob();
            } catch (VirException e) {
                LOG.log(Level.WARNING, "cannot find the block jobs of {0} again: {1}", d.name(), e.getMessage());
                continue;
            }
            finisher.execute(() -> {
                try {
                    recover(d, jobs);
                } finally {
                    d.endJob();
                }
            });
        }
    }

    /** One domain's jobs found again. qemu-blockjob thread, the domain's job held. */
    private void recover(QemuDomain d, Map<String, DiskJob> jobs) {
        try {
            for (DiskJob j : jobs.values()) {
                life.blockJobs.expect(d, j.name()); // before query-jobs: no event after it is missed
            }
            QmpMonitor mon = QemuLifecycle.runningMonitor(d);
            Map<String, QemuSnapshotCommit.JobNow> now = QemuSnapshotCommit.jobsNow(
                    mon.execute("query-jobs", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
            for (DiskJob j : jobs.values()) {
                QemuSnapshotCommit.JobNow n = now.get(j.name());
                if (n == null) {
                    life.blockJobs.forget(d, j.name());
                    if (!j.state().equals("aborting") && !QemuBlockGraph.imagesInUse(mon).contains(j.top())) {
                        // finished and dismissed by the killed daemon, which died before its status
                        // save (finish dismisses first): the graph says the layer is gone
                        LOG.log(Level.INFO, "block job {0} of {1} ended before the restart: its layers dropped",
                                j.name(), d.name());
                        Map<String, String> nodes = QemuSnapshotCommit.formatNodes(mon);
                        List<String> removed = committed(d, j);
                        drop(d, j);
                        for (String path : removed) {
                            String node = nodes.get(path);
                            if (node != null) {
                                QemuSnapshotCommit.closeNodes(mon, node);
                            }
                        }
                    } else {
                        LOG.log(Level.WARNING, "block job {0} of {1} is unknown to QEMU after the restart: dropped",
                                j.name(), d.name());
                        drop(d, j);
                    }
                    life.saveStatus(d);
                    continue;
                }
                LOG.log(Level.INFO, "block job {0} of {1} found {2} after the restart", j.name(), d.name(), n.status());
                life.blockJobs.seed(d, j.name(), n.status());
                if (n.status().equals("concluded")) {
                    finish(d, j.name());
                } else if (n.status().equals("ready")) {
                    ready(d, j, false);
                }
            }
        } catch (VirException e) {
            LOG.log(Level.WARNING, "cannot find the block jobs of {0} again: {1}", d.name(), e.getMessage());
        }
    }

    // ================================================================== helpers

    /** Bandwidth in MiB/s to bytes/s unless given in bytes, with libvirt's overflow error. */
    private static long speed(long bandwidth, boolean bytes) {
        if (bytes) {
            return bandwidth;
        }
        if (Long.compareUnsigned(bandwidth, Long.MAX_VALUE >> 20) > 0) {
            throw VirException.of(VirErrorNumber.OVERFLOW, VirErrorDomain.QEMU,
                    "bandwidth must be less than " + (Long.MAX_VALUE >> 20));
        }
        return bandwidth << 20;
    }

    /** qemuDomainDiskByName: by target or source path. Domain locked. */
    private static DeviceDef disk(DomainDef def, String name) {
        DeviceDef disk = def == null ? null : def.diskByTargetOrPath(name);
        if (disk == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "disk '" + name + "' not found in domain");
        }
        return disk;
    }

    /**
     * virStorageSourceChainLookup: the layer of {@code chain} named {@code name} (a path or
     * "vda[N]"), below layer {@code from} (-1: from the top); no name: the bottom layer.
     */
    static int lookup(List<XmlNode> chain, int from, String name, String dst) {
        int idx = 0;
        if (name != null) {
            Matcher m = INDEXED.matcher(name);
            if (m.matches()) {
                idx = Integer.parseInt(m.group(2));
                if (idx != 0 && !m.group(1).equals(dst)) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "requested target '" + m.group(1)
                            + "' does not match target '" + dst + "'");
                }
            }
        }
        for (int i = from + 1; i < chain.size(); i++) {
            XmlNode layer = chain.get(i);
            if (name == null && idx == 0) {
                if (i == chain.size() - 1) {
                    return i;
                }
            } else if (idx != 0) {
                String index = layer.name().equals("disk") ? layer.childAttr("source", "index") : layer.attr("index");
                if (String.valueOf(idx).equals(index)) {
                    return i;
                }
            } else if (name.equals(QemuSnapshotCommit.path(layer))) {
                return i;
            }
        }
        if (idx != 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "could not find backing store index '" + idx
                    + "' in chain for '" + dst + "'");
        }
        if (name != null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, from >= 0
                    ? "could not find image '" + name + "' beneath '" + QemuSnapshotCommit.path(chain.get(from))
                    + "' in chain for '" + dst + "'"
                    : "could not find image '" + name + "' in chain for '" + dst + "'");
        }
        throw VirException.invalidArg(VirErrorDomain.QEMU, "could not find base image in chain for '" + dst + "'");
    }
}
