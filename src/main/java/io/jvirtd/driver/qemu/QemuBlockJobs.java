package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The QEMU block jobs this driver started, as QEMU's {@code JOB_STATUS_CHANGE} events report
 * them (libvirt's qemuBlockJobData state, fed by qemuProcessHandleJobStatusChange): a caller
 * registers a job before the command that creates it (so events that overtake the reply
 * count), then waits for one of the statuses it needs; the job is forgotten once dismissed.
 *
 * <p>Threads: events come from the qemu-event thread, waits from workers holding the domain's
 * job. The map is guarded by this object's monitor, held only to look up and update, never
 * while waiting: each change completes the future a waiter holds and puts a fresh one in its
 * place. A domain whose QEMU goes away fails its waiters ({@link #domainGone}).
 */
final class QemuBlockJobs {

    private record Key(QemuDomain domain, String id) {
    }

    private static final class Job {
        String status = "undefined";
        boolean gone;
        CompletableFuture<Void> changed = new CompletableFuture<>();
    }

    private final Map<Key, Job> jobs = new HashMap<>();

    /** Registers job {@code id} of {@code d} before the command that starts it. */
    synchronized void expect(QemuDomain d, String id) {
        jobs.put(new Key(d, id), new Job());
    }

    /** QEMU's job statuses in the order a job goes through them (paused and standby sit beside running and ready). */
    private static final java.util.List<String> ORDER = java.util.List.of("undefined", "created", "running|paused",
            "ready|standby", "waiting", "pending", "aborting", "concluded", "null");

    private static int rank(String status) {
        for (int i = 0; i < ORDER.size(); i++) {
            for (String s : ORDER.get(i).split("\\|")) {
                if (s.equals(status)) {
                    return i;
                }
            }
        }
        return 0;
    }

    /**
     * A registered job's status as {@code query-jobs} answered it after a restart (no event
     * told it). Taken only when it is further along than what events said meanwhile: an event
     * handled before the answer is older than it, one handled after is newer.
     */
    void seed(QemuDomain d, String id, String status) {
        CompletableFuture<Void> done;
        synchronized (this) {
            Job j = jobs.get(new Key(d, id));
            if (j == null || rank(status) <= rank(j.status)) {
                return;
            }
            j.status = status;
            done = j.changed;
            j.changed = new CompletableFuture<>();
        }
        done.complete(null);
    }

    /** Drops job {@code id} (dismissed, or never started). */
    synchronized void forget(QemuDomain d, String id) {
        jobs.remove(new Key(d, id));
    }

    /** Whether {@code d} has a registered job that QEMU has not concluded (qemuDomainHasBlockjob). */
    synchronized boolean hasActive(QemuDomain d) {
        for (Map.Entry<Key, Job> e : jobs.entrySet()) {
            if (e.getKey().domain() == d && !"concluded".equals(e.getValue().status)
                    && !"null".equals(e.getValue().status)) {
                return true;
            }
        }
        return false;
    }

    /** JOB_STATUS_CHANGE {id, status}. qemu-event thread. */
    void onStatusChange(QemuDomain d, Map<String, Object> data) {
        Object id = data.get("id");
        Object status = data.get("status");
        if (id == null || status == null) {
            return;
        }
        CompletableFuture<Void> done;
        synchronized (this) {
            Job j = jobs.get(new Key(d, id.toString()));
            if (j == null) {
                return; // not ours (a job started through qemu-monitor-command)
            }
            j.status = status.toString();
            done = j.changed;
            j.changed = new CompletableFuture<>();
        }
        done.complete(null);
    }

    /** The domain's QEMU is gone: every waiter of its jobs wakes up and fails. */
    void domainGone(QemuDomain d) {
        java.util.List<CompletableFuture<Void>> wake = new java.util.ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Key, Job> e : jobs.entrySet()) {
                if (e.getKey().domain() == d) {
                    e.getValue().gone = true;
                    wake.add(e.getValue().changed);
                }
            }
        }
        wake.forEach(f -> f.complete(null));
    }

    /**
     * Waits until job {@code id} has one of {@code statuses}, at most {@code millis}; returns it.
     * Fails with libvirt's "domain is not running" when QEMU went away meanwhile.
     */
    String await(QemuDomain d, String id, Set<String> statuses, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                Job j = jobs.get(new Key(d, id));
                if (j == null) {
                    throw VirException.internalError(VirErrorDomain.QEMU, "block job '" + id + "' is not known");
                }
                if (statuses.contains(j.status)) {
                    return j.status;
                }
                if (j.gone) {
                    throw QemuLifecycle.notRunning();
                }
                next = j.changed;
            }
            long left = deadline - System.nanoTime();
            try {
                next.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw VirException.internalError(VirErrorDomain.QEMU,
                        "timed out waiting for block job '" + id + "'");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw VirException.internalError(VirErrorDomain.QEMU, "interrupted");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
