package io.jvirtd.driver.qemu;

import static io.jvirtd.model.event.LifecycleCodes.RESUMED;
import static io.jvirtd.model.event.LifecycleCodes.RESUMED_UNPAUSED;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED_SAVED;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED_API_ERROR;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED_PAUSED;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Save and restore on the QEMU driver, as libvirt's qemuDomainSave*, qemuDomainRestore*,
 * managed save and the save-image calls: the guest is paused, its state goes through QEMU's
 * migration into a libvirt save image ({@link SaveImage} head, {@link MigrationFile} stream),
 * and QEMU is stopped (shut off, reason saved); a restore starts QEMU with the image's XML and
 * loads the state back. A managed save lives in the lib folder's {@code save/NAME.save}, and
 * starting the domain restores from it and removes it.
 *
 * <p>Threads: worker threads; every change runs under the domain's job (a save under its async
 * job, which lets job queries, an abort and a destroy in meanwhile), the copy with no lock held;
 * events and state changes go through {@link QemuLifecycle}'s event thread. Stateless.
 */
final class QemuSaveRestore {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");

    /** virDomainSaveRestoreFlags. */
    static final int BYPASS_CACHE = 1;
    static final int RUNNING = 2;
    static final int PAUSED = 4;
    static final int RESET_NVRAM = 8;
    /** VIR_DOMAIN_SAVE_IMAGE_XML_SECURE. */
    static final int XML_SECURE = 1;
    /** virDomainCreateFlags. */
    static final int START_BYPASS_CACHE = 4;
    static final int START_FORCE_BOOT = 8;

    /** libvirt's cookie for a guest with no updated CPU: only "the slirp helper is fine". */
    private static final String COOKIE = "<cookie>\n  <slirpHelper/>\n</cookie>\n";
    /** How long a QEMU that failed to load a stream may take to exit (it does so at once). */
    private static final long QEMU_EXIT_MILLIS = 5_000;
    private static final Map<String, TypedParameter.Type> PARAMS = Map.of(
            "file", TypedParameter.Type.STRING, "dxml", TypedParameter.Type.STRING);

    private final QemuLifecycle life;

    QemuSaveRestore(QemuLifecycle life) {
        this.life = life;
    }

    // ================================================================== save

    /** virDomainSaveFlags ({@code to} absolute). */
    void save(DomainRef ref, String to, String dxml, int flags) {
        VirException.checkFlags(flags, BYPASS_CACHE | RUNNING | PAUSED, VirErrorDomain.QEMU, "qemuDomainSaveFlags");
        QemuDomain d = life.domains.get(ref);
        checkActive(d);
        save(d, Path.of(to), dxml, flags);
    }

    /** virDomainSaveParams: without a file it is a managed save. */
    void saveParams(DomainRef ref, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, BYPASS_CACHE | RUNNING | PAUSED, VirErrorDomain.QEMU, "qemuDomainSaveParams");
        TypedParamChecks.validate(params, PARAMS);
        String file = string(params, "file");
        String dxml = string(params, "dxml");
        if (file == null) {
            managedSave(life.domains.get(ref), dxml, flags);
            return;
        }
        QemuDomain d = life.domains.get(ref);
        checkActive(d);
        save(d, Path.of(file), dxml, flags);
    }

    /** virDomainManagedSave. */
    void managedSave(DomainRef ref, int flags) {
        VirException.checkFlags(flags, BYPASS_CACHE | RUNNING | PAUSED, VirErrorDomain.QEMU, "qemuDomainManagedSave");
        managedSave(life.domains.get(ref), null, flags);
    }

    private void managedSave(QemuDomain d, String dxml, int flags) {
        checkActive(d);
        String name;
        synchronized (d) {
            if (d.persistentDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot do managed save for transient domain");
            }
            name = d.persistentDef.name();
        }
        Path file = life.paths.managedSaveFile(name);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "cannot create directory '" + file.getParent() + "'",
                    String.valueOf(e.getMessage()));
        }
        LOG.log(Level.INFO, "Saving state of domain ''{0}'' to ''{1}''", name, file);
        save(d, file, dxml, flags);
    }

    /**
     * qemuDomainSaveInternal: pause (reason save), write the image, stop QEMU (shut off, reason
     * saved, STOPPED_SAVED); a failure resumes the guest (reason save canceled) when the image
     * would have restored it running, as libvirt's (so not with --paused, and with --running
     * even a guest paused before). An async job (VIR_ASYNC_JOB_SAVE), so that job queries
     * follow its progress and virDomainAbortJob can cancel it ({@link QemuJobQueries}); its
     * statistics stay as the completed job's. The job is in the status file while it runs, so
     * that a restarted daemon resumes a guest it left paused ({@link QemuLifecycle}'s recoverSave).
     */
    private void save(QemuDomain d, Path target, String dxml, int flags) {
        d.beginAsyncJob();
        boolean recorded = false;
        boolean saved = false;
        try {
            QmpMonitor mon;
            DomainDef live;
            boolean wasRunning;
            synchronized (d) {
                if (d.liveDef == null || d.monitor == null) {
                    throw VirException.internalError(VirErrorDomain.QEMU, "guest unexpectedly quit");
                }
                mon = d.monitor;
                live = d.liveDef.copy();
                wasRunning = d.state == DomainState.RUNNING;
                d.currentJob = QemuJobData.begin(QemuJobData.OPERATION_SAVE,
                        QemuJobData.StatsType.SAVEDUMP);
            }
            // the job on record before the guest stops, as libvirt's virDomainObjBeginAsyncJob
            // saves it: a daemon that dies during the save leaves a guest the restart resumes
            life.saveStatus(d);
            recorded = true;
            if (wasRunning) {
                pause(d, mon, StateReason.Paused.SAVE);
            }
            // libvirt's was_running, which the flags override before the save: it says how the
            // image restores and also whether a failed save resumes the CPUs, so --running
            // resumes a guest the user had paused and --paused leaves the guest paused (save)
            boolean imageRunning = (flags & RUNNING) != 0 || (flags & PAUSED) == 0 && wasRunning;
            try {
                DomainDef def = dxml != null ? checkedReplacement(live, dxml) : live;
                String xml = imageXml(def);
                Map<String, Object> last = MigrationFile.save(mon, life.paths.runDir(live.id(), live.name()),
                        target, SaveImage.create(xml, COOKIE, imageRunning), () -> {
                            synchronized (d) {
                                d.currentJob = d.currentJob.withStatus(QemuJobData.Status.MIGRATING);
                            }
                        });
                QemuJobData done;
                DomainRef ref;
                synchronized (d) {
                    done = d.currentJob.completed(last);
                    d.completedJob = done;
                    ref = d.ref();
                }
                // qemuMigrationSrcToFile: the job-completed event, before QEMU stops
                List<TypedParameter> params = done.toParams();
                life.onEventThread(() -> {
                    life.events.post(new DomainEvent.JobCompleted(ref, params));
                    life.events.dispatch();
                });
            } catch (RuntimeException e) {
                boolean gone;
                synchronized (d) {
                    gone = d.destroying || d.liveDef == null;
                }
                if (gone) { // destroyed meanwhile: qemuDomainObjWait's error, not the monitor's EOF
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, "domain is not running");
                }
                if (imageRunning) {
                    resume(d, mon, StateReason.Running.SAVE_CANCELED);
                }
                throw e;
            }
            stopAfterJob(d, mon, StateReason.Shutoff.SAVED, STOPPED_SAVED);
            saved = true;
        } finally {
            synchronized (d) {
                d.currentJob = null;
            }
            try {
                if (recorded && !saved) {
                    life.saveStatus(d); // the job's end on record (virDomainObjEndAsyncJob), the guest still there
                }
            } finally {
                d.endAsyncJob();
            }
        }
    }

    /**
     * {@code stop} for an async job (reason save, or dump): the guest paused with that reason
     * and SUSPENDED(paused); the job's downtime starts. Async job held.
     */
    void pause(QemuDomain d, QmpMonitor mon, int reason) {
        synchronized (d) {
            d.pausedReason = reason;
        }
        mon.execute("stop", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        synchronized (d) {
            d.currentJob = d.currentJob.stoppedNow(); // the downtime starts
        }
        life.onEventThread(() -> {
            synchronized (d) {
                if (d.liveDef == null || d.state != DomainState.RUNNING) {
                    return;
                }
                d.state = DomainState.PAUSED;
                d.reason = reason;
                d.pausedReason = -1;
                life.raise(d, SUSPENDED, SUSPENDED_PAUSED);
            }
            life.saveStatus(d);
        });
    }

    /**
     * {@code cont} after an async job paused the guest (a failed save: reason save canceled; a
     * dump: unpaused), RESUMED(unpaused); SUSPENDED(API error) when QEMU refuses. Async job held.
     *
     * @return whether the CPUs run again
     */
    boolean resume(QemuDomain d, QmpMonitor mon, int reason) {
        synchronized (d) {
            d.runningReason = reason;
        }
        boolean resumed;
        try {
            mon.execute("cont", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            resumed = true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Unable to resume guest CPUs after save failure or dump: {0}", e.getMessage());
            resumed = false;
        }
        boolean ok = resumed;
        life.onEventThread(() -> {
            synchronized (d) {
                if (d.liveDef == null) {
                    return;
                }
                if (!ok) {
                    life.raise(d, SUSPENDED, SUSPENDED_API_ERROR);
                    return;
                }
                if (d.state != DomainState.RUNNING) {
                    d.state = DomainState.RUNNING;
                    d.reason = reason;
                    d.runningReason = -1;
                    life.raise(d, RESUMED, RESUMED_UNPAUSED);
                }
            }
            life.saveStatus(d);
        });
        return ok;
    }

    /**
     * The state is in the file: QEMU goes (monitor closed first, so no SHUTDOWN event, as
     * libvirt's qemuProcessStop), then shut off with the reason (saved; crashed after a dump
     * with --crash) and the STOPPED event's detail. Async job held.
     */
    void stopAfterJob(QemuDomain d, QmpMonitor mon, int shutoffReason, int eventDetail) {
        long pid;
        synchronized (d) {
            d.destroying = true;
            pid = d.pid;
        }
        mon.close();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (!QemuLifecycle.awaitDeath(pid, 10_000)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            QemuLifecycle.awaitDeath(pid, 5_000);
        }
        life.onEventThread(() -> life.stopped(d, shutoffReason, eventDetail));
    }

    /**
     * A client's replacement XML for the image: libvirt checks it keeps the guest's ABI; here
     * the identity (name and UUID) must match, the rest is taken as given.
     */
    private static DomainDef checkedReplacement(DomainDef current, String dxml) {
        DomainDef def = QemuLifecycle.parse(dxml);
        if (!def.name().equals(current.name())) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "Target domain name '%s' does not match source '%s'", def.name(), current.name());
        }
        if (!Arrays.equals(def.uuid(), current.uuid())) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "Target domain uuid %s does not match source %s", Uuids.format(def.uuid()),
                    Uuids.format(current.uuid()));
        }
        return def;
    }

    // ================================================================== restore

    /** virDomainRestoreFlags ({@code from} absolute). */
    void restore(String from, String dxml, int flags) {
        VirException.checkFlags(flags, BYPASS_CACHE | RUNNING | PAUSED | RESET_NVRAM, VirErrorDomain.QEMU,
                "qemuDomainRestoreFlags");
        Path path = Path.of(from);
        SaveImage img = SaveImage.read(path);
        DomainDef def = imageDef(img);
        if (dxml != null) {
            def = checkedReplacement(def, dxml);
        }
        boolean running = (flags & RUNNING) != 0 || (flags & PAUSED) == 0 && img.wasRunning();
        QemuDomain d = life.domains.addOrFind(def, true);
        boolean created;
        synchronized (d) {
            created = d.persistentDef == def;
            if (created) { // not known: a transient domain while it runs
                d.persistentDef = null;
                d.startingDef = def;
            }
        }
        d.beginJob();
        try {
            synchronized (d) {
                if (d.liveDef != null) {
                    throw VirException.operationInvalid(VirErrorDomain.DOMAIN, // virDomainObjListAdd's
                            "domain '" + def.name() + "' is already active");
                }
            }
            life.startProcess(d, def.copy(), false, incoming(path, img, running, def.name()));
        } catch (RuntimeException e) {
            synchronized (d) {
                if (d.persistentDef == null && d.liveDef == null) {
                    life.domains.remove(d, def.name());
                }
            }
            throw e;
        } finally {
            synchronized (d) {
                d.startingDef = null;
            }
            d.endJob();
        }
    }

    /** virDomainRestoreParams. */
    void restoreParams(List<TypedParameter> params, int flags) {
        TypedParamChecks.validate(params, PARAMS);
        String file = string(params, "file");
        if (file == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "missing path to restore from");
        }
        restore(file, string(params, "dxml"), flags);
    }

    /**
     * virDomainCreateWithFlags (qemuDomainObjStart): restores the managed save image and removes
     * it, or with {@code forceBoot} removes it and boots; an incomplete image is dropped.
     */
    DomainRef start(DomainRef ref, boolean paused, boolean forceBoot) {
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            String name;
            byte[] uuid;
            synchronized (d) {
                if (d.liveDef != null) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "domain is already running");
                }
                name = d.persistentDef.name();
                uuid = d.persistentDef.uuid();
            }
            Path file = life.paths.managedSaveFile(name);
            if (Files.exists(file)) {
                if (forceBoot) {
                    delete(file, "cannot remove managed save file " + file);
                } else if (incomplete(file)) {
                    LOG.log(Level.WARNING, "Ignoring incomplete managed state {0}", file);
                    delete(file, "cannot remove corrupt file: " + file);
                } else {
                    restoreManaged(d, name, uuid, file, paused);
                    return d.ref();
                }
            }
            return life.createHoldingJob(d, paused);
        } finally {
            d.endJob();
        }
    }

    private void restoreManaged(QemuDomain d, String name, byte[] uuid, Path file, boolean paused) {
        SaveImage img = SaveImage.read(file);
        DomainDef def = imageDef(img);
        if (!def.name().equals(name) || !Arrays.equals(def.uuid(), uuid)) {
            throw VirException.format(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "cannot restore domain '%s' uuid %s from a file which belongs to domain '%s' uuid %s",
                    name, Uuids.format(uuid), def.name(), Uuids.format(def.uuid()));
        }
        try {
            life.startProcess(d, def, paused, incoming(file, img, img.wasRunning(), name));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Unable to restore from managed state {0}. Maybe the file is corrupted?", file);
            throw e;
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Failed to remove the managed state {0}", file);
        }
    }

    /**
     * The definition to restore from {@code img}. An image libvirtd wrote names the default
     * cgroup partition it puts every guest in ({@code <resource><partition>/machine}); jvirtd
     * places QEMU in no cgroup and refuses {@code <resource>}, so that default alone is dropped.
     */
    private static DomainDef imageDef(SaveImage img) {
        return QemuLifecycle.parse(LIBVIRT_DEFAULT_RESOURCE.matcher(img.xml()).replaceFirst(""));
    }

    private static final java.util.regex.Pattern LIBVIRT_DEFAULT_RESOURCE = java.util.regex.Pattern.compile(
            "\\n\\s*<resource>\\s*<partition>/machine</partition>\\s*</resource>");

    /** libvirt drops a managed image that is shorter than a header or still says "partial". */
    private static boolean incomplete(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(SaveImage.HEADER_SIZE);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            return b.hasRemaining()
                    || new String(b.array(), 0, 16, java.nio.charset.StandardCharsets.ISO_8859_1).equals(SaveImage.PARTIAL);
        } catch (IOException e) {
            return false; // the restore reports it
        }
    }

    /**
     * Loads {@code img}'s stream; when QEMU gives up on it (it exits on a bad stream), the error
     * is libvirt's: "qemu unexpectedly closed the monitor" with what QEMU logged meanwhile.
     */
    private QemuIncoming incoming(Path file, SaveImage img, boolean running, String name) {
        Path log = life.paths.logFile(name);
        return new QemuIncoming() {
            @Override
            public void load(QmpMonitor mon, Path runDir) {
                long logStart = size(log);
                try {
                    MigrationFile.load(mon, runDir, file, img.streamOffset());
                } catch (RuntimeException e) {
                    if (mon.awaitClose(QEMU_EXIT_MILLIS)) {
                        // a daemonised QEMU's later messages go to /dev/null: often there is no tail
                        String tail = QemuLauncher.logTail(log, logStart);
                        throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                                "qemu unexpectedly closed the monitor: " + (tail.isEmpty()
                                        ? "load of migration failed (the stream in '" + file + "' is damaged)" : tail));
                    }
                    throw e;
                }
            }

            @Override
            public boolean wasRunning() {
                return running;
            }
        };
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    // ================================================================== images

    /** virDomainSaveImageGetXMLDesc. */
    String imageXml(String file, int flags) {
        VirException.checkFlags(flags, XML_SECURE, VirErrorDomain.QEMU, "qemuDomainSaveImageGetXMLDesc");
        return formatImageXml(SaveImage.read(Path.of(file)), flags);
    }

    /** virDomainSaveImageDefineXML: a new XML (same guest) and run state in the image's head. */
    void imageDefine(String file, String dxml, int flags) {
        VirException.checkFlags(flags, RUNNING | PAUSED, VirErrorDomain.QEMU, "qemuDomainSaveImageDefineXML");
        Path path = Path.of(file);
        SaveImage img = SaveImage.read(path);
        int state = (flags & RUNNING) != 0 ? 1 : (flags & PAUSED) != 0 ? 0 : -1;
        if (img.xml().equals(dxml) && (state < 0 || (state == 1) == img.wasRunning())) {
            return; // no change
        }
        DomainDef def = checkedReplacement(QemuLifecycle.parse(img.xml()), dxml);
        String xml = imageXml(def);
        SaveImage updated = img.withXml(xml, state < 0 ? img.wasRunning() : state == 1);
        // in place, as libvirt: the head keeps its length, so the stream behind it stays put
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(updated.encode(true));
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
            ch.force(true);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "failed to write header data to '" + path + "'",
                    String.valueOf(e.getMessage()));
        }
    }

    /** virDomainManagedSaveGetXMLDesc. */
    String managedSaveXml(DomainRef ref, int flags) {
        VirException.checkFlags(flags, XML_SECURE, VirErrorDomain.QEMU, "qemuDomainManagedSaveGetXMLDesc");
        Path file = existingManagedSave(life.domains.get(ref));
        return formatImageXml(SaveImage.read(file), flags);
    }

    /** virDomainManagedSaveDefineXML. */
    void managedSaveDefine(DomainRef ref, String dxml, int flags) {
        Path file = existingManagedSave(life.domains.get(ref));
        imageDefine(file.toString(), dxml, flags);
    }

    /** virDomainHasManagedSaveImage. */
    boolean hasManagedSave(DomainRef ref, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainHasManagedSaveImage");
        return hasManagedSave(life.domains.get(ref));
    }

    /** The image file exists (libvirt keeps a flag that it sets from the same test). */
    boolean hasManagedSave(QemuDomain d) {
        return Files.exists(life.paths.managedSaveFile(d.name()));
    }

    /** virDomainManagedSaveRemove. */
    void managedSaveRemove(DomainRef ref, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainManagedSaveRemove");
        QemuDomain d = life.domains.get(ref);
        Path file = life.paths.managedSaveFile(d.name());
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Failed to remove managed save file '" + file + "'",
                    "No such file or directory");
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to remove managed save file '" + file + "'",
                    String.valueOf(e.getMessage()));
        }
    }

    /** Undefine's rule (qemuDomainUndefineFlags): remove the image when asked, else refuse. */
    static void dropManagedSaveForUndefine(Path file, boolean remove) {
        if (!Files.exists(file)) {
            return;
        }
        if (!remove) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU,
                    "Refusing to undefine while domain managed save image exists");
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw VirException.internalError(VirErrorDomain.QEMU, "Failed to remove domain managed save image");
        }
    }

    private Path existingManagedSave(QemuDomain d) {
        Path file = life.paths.managedSaveFile(d.name());
        if (!Files.exists(file)) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "domain does not have managed save image");
        }
        return file;
    }

    /**
     * The XML an image stores (qemuDomainDefFormatLive, inactive and migratable): formatted,
     * parsed back as inactive so live-only parts such as device aliases drop out, formatted again.
     */
    private static String imageXml(DomainDef def) {
        return def.copyViaXml(true).format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE | DomainDef.XML_MIGRATABLE);
    }

    /** qemuDomainDefFormatXML of the image's definition (parsed as inactive). */
    private static String formatImageXml(SaveImage img, int flags) {
        return QemuLifecycle.parse(img.xml()).format((flags & XML_SECURE) != 0 ? DomainDef.XML_SECURE : 0);
    }

    // ================================================================== helpers

    /** virDomainObjCheckActive's error (the domain config's, not the driver's). */
    private static void checkActive(QemuDomain d) {
        if (!d.isActive()) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
        }
    }

    private static void delete(Path file, String what) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, what, String.valueOf(e.getMessage()));
        }
    }

    private static String string(List<TypedParameter> params, String field) {
        for (TypedParameter p : params) {
            if (p.field().equals(field)) {
                return p.stringValue();
            }
        }
        return null;
    }
}
