package io.jvirtd.driver.qemu;

import static io.jvirtd.model.event.LifecycleCodes.STOPPED_CRASHED;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * virDomainCoreDump and virDomainCoreDumpWithFormat on the QEMU driver, as libvirt 9.0's
 * qemuDomainCoreDumpWithFormat: an async job ("domain core dump", operation dump) that
 * pauses a running guest unless --live; with --memory-only QEMU's {@code dump-guest-memory}
 * (detached, the format checked against {@code query-dump-guest-memory-capability} first, the
 * end told by QEMU's DUMP_COMPLETED event), otherwise QEMU's migration stream to the file as
 * libvirt's default dump (with its job-completed event and completed-job record); then --crash
 * stops the guest (shut off, crashed), --reset resets it, and a guest the dump paused runs again.
 * Job queries follow it ({@code query-dump} or {@code query-migrate}); virDomainAbortJob
 * cancels the migration of a default dump, and refuses a memory-only one, as libvirt.
 *
 * <p>Files: QEMU cannot be handed an open file here ({@link MigrationFile} says why), so a
 * memory-only dump is written by QEMU into a temporary {@code qemu.dump.*} file in the guest's run
 * folder, given to QEMU's user, and moved to the target once QEMU reported it complete; a default
 * dump streams into a temporary file beside the target. Either way the target appears only
 * whole, and a failed or aborted dump leaves no file behind.
 *
 * <p>Threads: workers; the async job is held throughout, no lock across QMP or file work. Stateless.
 */
final class QemuCoreDump {

    /** virDomainCoreDumpFlags. */
    static final int CRASH = 1;
    static final int LIVE = 2;
    static final int BYPASS_CACHE = 4;
    static final int RESET = 8;
    static final int MEMORY_ONLY = 16;
    /** virDomainCoreDumpFormat names, as qemuDumpFormat (RAW is QEMU's elf). */
    private static final String[] FORMATS = {"elf", "kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp"};
    /** How long QEMU may take to write a memory-only dump (libvirt waits without a limit). */
    private static final long DUMP_MILLIS = 6 * 60 * 60 * 1000L;

    private final QemuLifecycle life;
    private final QemuSaveRestore saves;

    QemuCoreDump(QemuLifecycle life, QemuSaveRestore saves) {
        this.life = life;
        this.saves = saves;
    }

    /** virDomainCoreDumpWithFormat ({@code to} absolute; virDomainCoreDump's format is RAW, 0). */
    void dump(DomainRef ref, String to, int format, int flags) {
        VirException.checkFlags(flags, LIVE | CRASH | BYPASS_CACHE | RESET | MEMORY_ONLY, VirErrorDomain.QEMU,
                "qemuDomainCoreDumpWithFormat");
        QemuDomain d = life.domains.get(ref);
        d.beginAsyncJob();
        try {
            QmpMonitor mon;
            boolean running;
            synchronized (d) {
                if (d.liveDef == null || d.monitor == null) {
                    throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
                }
                mon = d.monitor;
                running = d.state == DomainState.RUNNING;
                d.currentJob = QemuJobData.begin(QemuJobData.OPERATION_DUMP, (flags & MEMORY_ONLY) != 0
                        ? QemuJobData.StatsType.MEMDUMP : QemuJobData.StatsType.SAVEDUMP);
            }
            boolean paused = false;
            if ((flags & LIVE) == 0 && running) {
                saves.pause(d, mon, StateReason.Paused.DUMP);
                paused = true;
            }
            boolean ok = false;
            RuntimeException failure = null;
            try {
                write(d, mon, Path.of(to), format, flags);
                ok = true;
                paused = true; // a migration to a file leaves the CPUs stopped, even a live one
            } catch (RuntimeException e) {
                boolean gone;
                synchronized (d) {
                    gone = d.destroying || d.liveDef == null;
                }
                // destroyed meanwhile: qemuDomainObjWait's error, not the monitor's EOF
                failure = gone ? VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "domain is not running") : e;
            }
            finish(d, mon, ok, running, paused, flags, failure);
        } finally {
            synchronized (d) {
                d.currentJob = null;
            }
            d.endAsyncJob();
        }
    }

    /** The end of qemuDomainCoreDumpWithFormat: --crash, --reset, the CPUs running again. */
    private void finish(QemuDomain d, QmpMonitor mon, boolean ok, boolean running, boolean paused, int flags,
                        RuntimeException failure) {
        boolean active;
        synchronized (d) {
            active = d.liveDef != null && !d.destroying;
        }
        if (ok && (flags & CRASH) != 0) {
            saves.stopAfterJob(d, mon, StateReason.Shutoff.CRASHED, STOPPED_CRASHED);
            return;
        }
        RuntimeException error = failure;
        if (((running && paused) || (flags & RESET) != 0) && active) {
            if (ok && (flags & RESET) != 0) {
                try {
                    mon.execute("system_reset", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            if (running && !saves.resume(d, mon, StateReason.Running.UNPAUSED) && error == null) {
                error = VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "resuming after dump failed");
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** doCoreDump: the file, through the memory dump or the migration stream. */
    private void write(QemuDomain d, QmpMonitor mon, Path target, int format, int flags) {
        checkCreatable(target);
        if ((flags & MEMORY_ONLY) == 0) {
            if (format != 0) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "kdump-compressed format is only supported with memory-only dump");
            }
            Path runDir;
            synchronized (d) {
                runDir = life.paths.runDir(d.liveDef.id(), d.liveDef.name());
            }
            Map<String, Object> last = MigrationFile.dump(mon, runDir, target, () -> {
                synchronized (d) {
                    d.currentJob = d.currentJob.withStatus(QemuJobData.Status.MIGRATING);
                }
            });
            completed(d, last);
            return;
        }
        if (format < 0 || format >= FORMATS.length) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unknown dumpformat '" + format + "'");
        }
        String name = format == 0 ? null : FORMATS[format]; // QEMU dumps elf when told no format
        memoryDump(d, mon, target, name);
    }

    /**
     * The completed job a default dump leaves (qemuMigrationSrcToFile's job-completed event and
     * libvirt's completed record, which domjobinfo --completed shows).
     */
    private void completed(QemuDomain d, Map<String, Object> last) {
        QemuJobData done;
        DomainRef ref;
        synchronized (d) {
            done = d.currentJob.completed(last);
            d.completedJob = done;
            ref = d.ref();
        }
        List<TypedParameter> params = done.toParams();
        life.onEventThread(() -> {
            life.events.post(new DomainEvent.JobCompleted(ref, params));
            life.events.dispatch();
        });
    }

    /** qemuDumpToFd and qemuDumpWaitForCompletion. */
    private void memoryDump(QemuDomain d, QmpMonitor mon, Path target, String format) {
        if (format != null && !QemuCoreDump.formatSupported(
                mon.execute("query-dump-guest-memory-capability", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS),
                format)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unsupported dumpformat '" + format
                    + "' for this QEMU binary");
        }
        Path runDir;
        synchronized (d) {
            runDir = life.paths.runDir(d.liveDef.id(), d.liveDef.name());
        }
        Path qemuFile = null;
        CompletableFuture<Map<String, Object>> end = mon.expectEvent("DUMP_COMPLETED", data -> true);
        try {
            qemuFile = Files.createTempFile(runDir, "qemu.dump.", "");
            life.runAs.handOver(qemuFile);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("paging", false);
            args.put("protocol", "file:" + qemuFile);
            if (format != null) {
                args.put("format", format);
            }
            args.put("detach", true);
            mon.execute("dump-guest-memory", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            Map<String, Object> event = mon.await(end, "DUMP_COMPLETED", DUMP_MILLIS);
            checkCompleted(event);
            moveInPlace(qemuFile, target);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "failed to write core dump file '" + target + "'",
                    String.valueOf(e.getMessage()));
        } finally {
            end.cancel(false);
            if (qemuFile != null) {
                QemuLifecycle.deleteQuietly(qemuFile);
            }
        }
    }

    /** The formats {@code query-dump-guest-memory-capability} lists. */
    static boolean formatSupported(Object capability, String format) {
        return capability instanceof Map<?, ?> m && m.get("formats") instanceof List<?> l && l.contains(format);
    }

    /** The DUMP_COMPLETED event's outcome: libvirt's error when QEMU failed. */
    static void checkCompleted(Map<String, Object> event) {
        Object result = event.get("result");
        Object status = result instanceof Map<?, ?> r ? r.get("status") : null;
        Object error = event.get("error");
        if ("completed".equals(status) && error == null) {
            return;
        }
        throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, error != null
                ? "memory-only dump failed: " + error : "memory-only dump failed for unknown reason");
    }

    /**
     * libvirt creates the file before it dumps: the same error for a folder that is not there,
     * and nothing left behind (the target itself appears only when the dump is whole).
     */
    private static void checkCreatable(Path target) {
        Path probe = target.resolveSibling("." + target.getFileName() + ".jvirtd-partial");
        try (FileChannel c = MigrationFile.create(probe, target)) {
            // only whether it can be made
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to create file '" + target + "'",
                    String.valueOf(e.getMessage()));
        } finally {
            QemuLifecycle.deleteQuietly(probe);
        }
    }

    /** QEMU's finished file to the target: a rename, or a copy beside the target renamed over it. */
    private static void moveInPlace(Path from, Path target) throws IOException {
        try {
            Files.move(from, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".jvirtd-partial");
            try {
                Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                QemuLifecycle.deleteQuietly(tmp);
            }
        }
    }
}
