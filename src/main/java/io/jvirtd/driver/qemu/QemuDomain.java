package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One domain of the QEMU driver (libvirt's {@code virDomainObj} with its QEMU private data).
 *
 * <p>Threads: every field is guarded by this object's monitor, held only for reads and updates
 * in memory, never across QMP, process or file work. The definitions are mutable: readers copy
 * them under the monitor, writers change the running one in place under it ({@link #editLive}),
 * never by swapping in an edited copy, which would lose a concurrent change. State-changing calls also hold the
 * domain's job ({@link #beginJob}): one at a time per domain, as libvirt's job rule, while
 * queries run alongside; a call that waits {@value #JOB_WAIT_SECONDS} s for the job fails. An
 * async job ({@link #beginAsyncJob}: save, snapshot delete) lets query jobs ({@link #beginQueryJob}:
 * screenshot, job info, job abort) and the destroy job ({@link #beginDestroyJob}) run during it, one at a time, as
 * libvirt's VIR_JOB_DEFAULT_MASK does, except while its owner forbids them ({@link #forbidQueries}).
 */
final class QemuDomain {

    static final long JOB_WAIT_SECONDS = 30;

    /** Creation order, for listing ({@link io.jvirtd.driver.common.DomainObjList#nextSeq}). */
    final long seq;
    final byte[] uuid;
    /** The persistent definition, or null for a transient domain. */
    DomainDef persistentDef;
    /** The running definition (with id and pty paths), or null while shut off. */
    DomainDef liveDef;
    /** A transient domain's definition while it is being created (no persistent one, not live yet). */
    DomainDef startingDef;
    DomainState state = DomainState.SHUTOFF;
    int reason = StateReason.Shutoff.UNKNOWN;
    int id = -1;
    long pid = -1;
    /**
     * The vCPU thread ids of QEMU process {@link #vcpuThreadsPid} by vCPU number, found once by
     * statistics (their thread names) rather than on every call; null until then.
     */
    java.util.Map<Integer, Long> vcpuThreads;
    long vcpuThreadsPid = -1;
    QmpMonitor monitor;
    /** The run's cgroup (libvirt's priv->cgroup), or null when it has none: no cgroups on this host. */
    QemuCgroup cgroup;
    /**
     * The storage nodes whose write threshold was set as {@code vda[N]} (libvirt's
     * thresholdEventWithIndex): their BLOCK_THRESHOLD event names only the indexed device.
     */
    final java.util.Set<String> thresholdWithIndex = new java.util.HashSet<>();
    boolean autostart;
    /** The reason the next RESUME / STOP event applies (libvirt's runningReason / pausedReason). */
    int runningReason = -1;
    int pausedReason = -1;
    /** The guest sent SHUTDOWN (libvirt's gotShutdown): its exit is a shutdown, not a crash. */
    boolean gotShutdown;
    /**
     * A start of this run has not made its own last status write yet: until then every status
     * write records "paused, starting up" whatever the state, so a daemon killed while the start
     * still sets QEMU up (ptys, balloon, links, pins) leaves a run that a restart kills, even
     * after a RESUME event already made the guest running in memory.
     */
    boolean starting;
    /** A destroy is killing QEMU: its monitor EOF is expected. */
    boolean destroying;
    /**
     * The daemon stops ({@link QemuLifecycle#detachAll}): the monitor is closed and the status
     * file stays as the last write left it, for the next daemon, even when a call still under
     * way fails after (a save's end must not take its job off the record: the next daemon
     * resumes the guest the save paused).
     */
    boolean detached;
    /** virDomainReboot in ACPI mode: reset instead of stopping when the guest powers off. */
    boolean fakeReboot;
    /** libvirt's taint bits of this run (virDomainTaintFlags bit numbers), e.g. custom-monitor; 0 when shut off. */
    int taint;
    /**
     * libvirt's nodenameindex: the last blockdev node number this run gave out (the start
     * numbers its disks 1..N; hot-plugs and media changes go on from there). Kept in the status
     * file, so names are never reused while QEMU runs, even across a daemon restart.
     */
    int nodeIndex;

    /**
     * Gives out {@code count} node numbers past both the counter and {@code liveMax} (the
     * highest the live XML shows) and returns the first: the one allocator for hot-plugged
     * disks, changed media and snapshot overlays. The caller saves the status file after.
     */
    synchronized int takeNodeIndexes(int liveMax, int count) {
        int first = Math.max(liveMax, nodeIndex) + 1;
        nodeIndex = first + count - 1;
        return first;
    }

    /**
     * The block commits of an external snapshot delete under way, kept in the status file so a
     * restarted daemon finishes them ({@link QemuSnapshotCommit}); empty otherwise. Immutable list.
     */
    java.util.List<BlockCommitRecord> blockCommits = java.util.List.of();

    /**
     * The block jobs clients started, by disk target ({@link QemuDiskJobs}), kept in the status
     * file; an immutable map, replaced on each change. Guarded by this object's monitor.
     */
    java.util.Map<String, DiskJob> diskJobs = java.util.Map.of();

    /**
     * This run of QEMU exists only for a snapshot delete of the shut-off domain
     * ({@link QemuLifecycle#startPausedQuietly}), which stops it after; kept in the status file
     * from its first write, so a daemon killed before the delete's record stops it at restart
     * rather than leaving the guest running paused.
     */
    boolean forSnapshotDelete;

    /**
     * libvirt's vm->job->current: the async job under way (a save, a snapshot delete) as
     * virDomainGetJobInfo reports it, set by the job's owner from its start to its end; null
     * when none runs.
     */
    QemuJobData currentJob;
    /**
     * libvirt's vm->job->completed: the last async job that completed, for
     * VIR_DOMAIN_JOB_STATS_COMPLETED, until a client reads it without KEEP_COMPLETED. Kept in
     * memory only, as libvirt (a daemon restart forgets it).
     */
    QemuJobData completedJob;

    /** The snapshots (libvirt's vm->snapshots), kept by {@link QemuSnapshots}. */
    final Moments<SnapshotDef> snapshots = new Moments<>();
    /**
     * The current snapshot's metadata file as last formatted, without its {@code <active>}
     * line ({@link QemuSnapshots}: the next create or revert rewrites that file with
     * {@code <active>0</active>} or as it was); null when none. Guarded by this object's lock.
     */
    QemuSnapshots.FileBody currentSnapshotFile;

    /** The clients holding this domain's consoles (thread-safe on its own). */
    final ConsoleHolders consoles = new ConsoleHolders();

    /** libvirt's normal job: a state-change job or a query job, one at a time. */
    private final Semaphore job = new Semaphore(1, true);
    /** libvirt's async job, also taken by every state-change job (libvirt's default async mask excludes them). */
    private final Semaphore asyncJob = new Semaphore(1, true);

    /**
     * Taken by {@link QemuLifecycle#saveStatus} around taking the copy and writing it: status
     * writers come from workers and the QEMU event thread at once, and without it an older copy
     * could land after a newer one. The one lock held across file I/O; it guards the status file
     * alone (only other status writers of this domain ever wait for it) and is always taken
     * before, never under, this object's monitor.
     */
    final ReentrantLock statusWrite = new ReentrantLock();

    /**
     * Held by every writer of the persistent definition across "read (or change) the
     * definition, write or remove the config file, set the definition":
     * {@link QemuLifecycle#define} (which, as libvirt's, takes no job), undefine, a snapshot
     * delete's block commit bringing the config in line ({@link QemuSnapshotCommit}), and the
     * job holders' --config changes through {@link QemuLifecycle#savePersistent} and
     * {@link QemuLifecycle#editPersistent} (devices, memory, vCPUs, pins, snapshot create and
     * revert). The job keeps all but define apart already; this lock keeps define apart from
     * them, so that whichever comes second works on or replaces what the first left, and memory
     * and file never disagree (libvirt does all of them under the domain object's lock). Held
     * across one file write; taken before, never under, this object's monitor and
     * {@link #statusWrite}.
     */
    final ReentrantLock configWrite = new ReentrantLock();

    QemuDomain(long seq, byte[] uuid) {
        this.seq = seq;
        this.uuid = uuid.clone();
    }

    /** The current definition: the live one while running, else the persistent one. */
    synchronized DomainDef def() {
        return liveDef != null ? liveDef : persistentDef != null ? persistentDef : startingDef;
    }

    /**
     * A copy of the running definition taken under this object's monitor, for a caller to read
     * at leisure (QMP arguments, checks) while the event thread may change the real one; null
     * when the domain does not run. Never edited and swapped back: that is {@link #editLive}.
     */
    synchronized DomainDef liveCopy() {
        return liveDef != null ? liveDef.copy() : null;
    }

    /**
     * Changes the running definition in place under this object's monitor: how workers change
     * it once QEMU has done its part. A copy edited outside the lock and swapped in would undo
     * whatever changed between the copy and the swap — a BALLOON_CHANGE the QEMU event thread
     * applied, a vCPU or link state; an edit in place keeps them. {@code edit} works in memory
     * only (no QMP, no files). Returns false when the domain no longer runs (nothing changed).
     */
    synchronized boolean editLive(java.util.function.Consumer<DomainDef> edit) {
        if (liveDef == null) {
            return false;
        }
        edit.accept(liveDef);
        return true;
    }

    synchronized String name() {
        return def().name();
    }

    synchronized boolean isActive() {
        return liveDef != null;
    }

    synchronized boolean isPersistent() {
        return persistentDef != null;
    }

    synchronized DomainRef ref() {
        return new DomainRef(def().name(), uuid, liveDef != null ? id : DomainRef.NO_ID);
    }

    /**
     * Takes the domain's state-change job (libvirt's MODIFY and the like), waiting at most
     * JOB_WAIT_SECONDS: after any async job and any other job. Worker thread.
     */
    void beginJob() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_WAIT_SECONDS);
        acquire(asyncJob, deadline);
        try {
            acquire(job, deadline);
        } catch (RuntimeException e) {
            asyncJob.release();
            throw e;
        }
    }

    void endJob() {
        job.release();
        asyncJob.release();
    }

    /**
     * Takes an async job as libvirt's virDomainObjBeginAsyncJob with VIR_JOB_DEFAULT_MASK (what
     * save and snapshot delete take): no state-change job runs until {@link #endAsyncJob}, but query
     * jobs ({@link #beginQueryJob}) may, one at a time; waits for a query job under way to end.
     */
    void beginAsyncJob() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_WAIT_SECONDS);
        acquire(asyncJob, deadline);
        try {
            acquire(job, deadline);
            job.release(); // libvirt's async job leaves the normal job free for queries
        } catch (RuntimeException e) {
            asyncJob.release();
            throw e;
        }
    }

    void endAsyncJob() {
        asyncJob.release();
    }

    /**
     * From the async job's owner: no query job may start until {@link #allowQueries}, as
     * libvirt's qemuDomainObjSetAsyncJobMask(VIR_JOB_NONE) around a step that blocks the monitor
     * (an internal snapshot delete's delvm); waits for a query job under way to end.
     */
    void forbidQueries() {
        acquire(job, System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_WAIT_SECONDS));
    }

    void allowQueries() {
        job.release();
    }

    /**
     * libvirt's VIR_JOB_QUERY (what screenshot takes): excludes state-change jobs and other
     * queries, runs alongside an async job. Ended by {@link #endQueryJob}.
     */
    void beginQueryJob() {
        acquire(job, System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_WAIT_SECONDS));
    }

    void endQueryJob() {
        job.release();
    }

    /**
     * libvirt's VIR_JOB_DESTROY, which VIR_JOB_DEFAULT_MASK lets run during an async job (a
     * snapshot delete): only the normal job, as a query job, so an async job's owner still
     * keeps it out with {@link #forbidQueries}. Ended by {@link #endDestroyJob}.
     */
    void beginDestroyJob() {
        acquire(job, System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_WAIT_SECONDS));
    }

    void endDestroyJob() {
        job.release();
    }

    private static void acquire(Semaphore s, long deadline) {
        try {
            if (s.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw VirException.of(VirErrorNumber.OPERATION_TIMEOUT, VirErrorDomain.QEMU,
                "cannot acquire state change lock");
    }
}
