package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.AtomicFiles;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED_ADDED;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED_UPDATED;
import static io.jvirtd.model.event.LifecycleCodes.RESUMED;
import static io.jvirtd.model.event.LifecycleCodes.RESUMED_FROM_SNAPSHOT;
import static io.jvirtd.model.event.LifecycleCodes.RESUMED_UNPAUSED;
import static io.jvirtd.model.event.LifecycleCodes.SHUTDOWN;
import static io.jvirtd.model.event.LifecycleCodes.SHUTDOWN_FINISHED;
import static io.jvirtd.model.event.LifecycleCodes.SHUTDOWN_GUEST;
import static io.jvirtd.model.event.LifecycleCodes.SHUTDOWN_HOST;
import static io.jvirtd.model.event.LifecycleCodes.STARTED;
import static io.jvirtd.model.event.LifecycleCodes.STARTED_BOOTED;
import static io.jvirtd.model.event.LifecycleCodes.STARTED_RESTORED;
import static io.jvirtd.model.event.LifecycleCodes.STARTED_FROM_SNAPSHOT;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED_DESTROYED;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED_FAILED;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED_FROM_SNAPSHOT;
import static io.jvirtd.model.event.LifecycleCodes.STOPPED_SHUTDOWN;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED_FROM_SNAPSHOT;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED_PAUSED;
import static io.jvirtd.model.event.LifecycleCodes.SUSPENDED_RESTORED;
import static io.jvirtd.model.event.LifecycleCodes.UNDEFINED;
import static io.jvirtd.model.event.LifecycleCodes.UNDEFINED_REMOVED;

import io.jvirtd.driver.storage.DirStorage;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.spi.DriverEventLoop;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * The QEMU driver's domain life: define and undefine, start (QEMU launched paused, QMP
 * negotiated, then {@code cont}), suspend, resume, shutdown, destroy, the state changes QMP
 * events cause, status files, and reattach after a daemon restart.
 *
 * <p>Threads: API methods run on worker threads, each state change under the domain's job
 * ({@link QemuDomain#beginJob}). Monitor events arrive on the event loop and are handed to the
 * driver's single {@code qemu-event} thread, which applies them in arrival order; an API call
 * makes its own final state change and event on that same thread ({@link #onEventThread}),
 * after the events its QMP command caused, so clients see libvirt's event order. No lock is
 * held across QMP, process or file work.
 */
final class QemuLifecycle {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    static final long MONITOR_TIMEOUT_MILLIS = 30_000;
    private static final long TERM_GRACE_MILLIS = 10_000;
    private static final long KILL_WAIT_MILLIS = 5_000;

    final QemuPaths paths;
    final QemuDomains domains;
    final EventBus events;
    private final DriverEventLoop loop;
    private final ExecutorService eventThread;
    final QemuCapabilities capabilities;
    final QemuRunAs runAs; // also QemuScreenshot's, for the file QEMU writes
    /** libvirt's RelaxNG schemas, for the calls' VALIDATE flags. */
    final SchemaValidator schemas;
    /** The dir pools that volume disks resolve through at start. */
    private final DirStorage storage;
    /** Device attach, detach and update (DEVICE_* events go there). */
    final QemuHotplug hotplug;
    /** The block jobs this driver runs (JOB_STATUS_CHANGE events go there). */
    final QemuBlockJobs blockJobs = new QemuBlockJobs();
    final QemuBlockThreshold thresholds = new QemuBlockThreshold(this);

    /** The host's cgroups for guests (NONE: no cgroups). */
    final QemuCgroups cgroups;

    /** The block jobs clients start on disks (virDomainBlockCommit ...), tracked through {@link #blockJobs}. */
    final QemuDiskJobs diskJobs = new QemuDiskJobs(this);

    QemuLifecycle(QemuPaths paths, QemuDomains domains, EventBus events, DriverEventLoop loop,
                  ExecutorService eventThread, QemuCapabilities capabilities, QemuRunAs runAs,
                  SchemaValidator schemas, DirStorage storage) {
        this(paths, domains, events, loop, eventThread, capabilities, runAs, schemas, storage, QemuCgroups.NONE);
    }

    QemuLifecycle(QemuPaths paths, QemuDomains domains, EventBus events, DriverEventLoop loop,
                  ExecutorService eventThread, QemuCapabilities capabilities, QemuRunAs runAs,
                  SchemaValidator schemas, DirStorage storage, QemuCgroups cgroups) {
        this.cgroups = cgroups;
        this.paths = paths;
        this.storage = storage;
        this.runAs = runAs;
        this.schemas = schemas;
        this.capabilities = capabilities;
        this.domains = domains;
        this.events = events;
        this.loop = loop;
        this.eventThread = eventThread;
        this.hotplug = new QemuHotplug(this, storage);
    }

    // ================================================================== define / undefine

    /** @param validate VIR_DOMAIN_DEFINE_VALIDATE: check {@code xml} against domain.rng first */
    DomainRef define(String xml, boolean validate) {
        DomainDef def = prepare(parse(xml, validate));
        QemuDomain d = domains.addOrFind(def, false);
        boolean added;
        d.configWrite.lock(); // a snapshot delete's commit updating the config goes before or after, never between
        try {
            synchronized (d) {
                added = d.persistentDef == def;
                if (!added) {
                    d.persistentDef = def;
                }
            }
            try {
                saveConfig(def);
            } catch (VirException e) {
                if (added) {
                    synchronized (d) { // QemuDomains.remove's rule, as undefine
                        d.persistentDef = null;
                        if (d.liveDef == null) {
                            domains.remove(d, def.name());
                        }
                    }
                }
                throw e;
            }
        } finally {
            d.configWrite.unlock();
        }
        raise(d, DEFINED, added ? DEFINED_ADDED : DEFINED_UPDATED);
        return d.ref();
    }

    /**
     * Post-parse with the emulator's capabilities: machine aliases expanded as libvirt stores
     * them, the virt type checked against what the emulator offers (the CPU model is checked at
     * start, as libvirt does).
     */
    private DomainDef prepare(DomainDef def) {
        EmulatorCaps caps = EmulatorCaps.of(def.emulator());
        if (!def.virtType().equals("qemu") && !(def.virtType().equals("kvm") && capabilities.kvmOffered(def.emulator()))) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Emulator '%s' does not support virt type '%s'", def.emulator(), def.virtType());
        }
        def.setOsMachine(caps.canonicalMachine(def.osMachine()));
        return def;
    }

    /** Parses a client's domain XML with the QEMU options (new definitions: inactive). */
    static DomainDef parse(String xml) {
        return DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS);
    }

    /** {@link #parse(String)}, against libvirt's domain.rng first when {@code validate}. */
    private DomainDef parse(String xml, boolean validate) {
        int flags = DomainDef.PARSE_INACTIVE | (validate ? DomainDef.PARSE_VALIDATE_SCHEMA : 0);
        return DomainDef.parse(xml, flags, QemuXmlOptions.OPTIONS, schemas);
    }

    /**
     * virConnectDomainXMLToNative: the command line jvirtd would run for {@code xml}, with the
     * paths of a domain that has no id yet (-1, as libvirt prints them). Nothing is written.
     */
    String nativeCommandLine(String xml) {
        DomainDef def = prepare(parse(xml));
        QemuDeviceAliases.assign(def); // the device ids
        QemuVolumeFiles volumes = QemuVolumeFiles.translate(def, storage); // as libvirt's qemuConnectDomainXMLToNative
        Path runDir = paths.runDir(def.id(), def.name());
        return QemuCommandLine.toLine(QemuEnvironment.forDaemon(runDir), QemuCommandLine.build(def,
                runDir.resolve("monitor.sock"), paths.pidFile(def.name()), false, volumes));
    }

    void undefine(DomainRef ref) {
        undefine(ref, false);
    }

    /** @param managedSave VIR_DOMAIN_UNDEFINE_MANAGED_SAVE: remove a managed save image, else refuse */
    void undefine(DomainRef ref, boolean managedSave) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            String name;
            DomainRef before;
            synchronized (d) {
                if (d.persistentDef == null) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot undefine transient domain");
                }
                name = d.persistentDef.name();
                before = d.ref();
            }
            QemuSaveRestore.dropManagedSaveForUndefine(paths.managedSaveFile(name), managedSave);
            d.configWrite.lock(); // a define (no job) goes wholly before or after: file and memory agree
            try {
                try {
                    Files.deleteIfExists(paths.autostartLink(name));
                    Files.deleteIfExists(paths.configFile(name));
                } catch (IOException e) {
                    throw VirException.systemError(VirErrorDomain.QEMU, 5,
                            "cannot remove config " + paths.configFile(name), e.getMessage());
                }
                synchronized (d) {
                    d.persistentDef = null;
                    d.autostart = false;
                    if (d.liveDef == null) {
                        domains.remove(d, name);
                    }
                }
            } finally {
                d.configWrite.unlock();
            }
            raise(before, UNDEFINED, UNDEFINED_REMOVED);
        } finally {
            d.endJob();
        }
    }

    // ================================================================== start

    DomainRef create(DomainRef ref, boolean paused) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            return createHoldingJob(d, paused);
        } finally {
            d.endJob();
        }
    }

    /** Boots the persistent definition; the caller holds the job (a start with no managed save). */
    DomainRef createHoldingJob(QemuDomain d, boolean paused) {
        DomainDef def;
        synchronized (d) {
            if (d.liveDef != null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "domain is already running");
            }
            def = d.persistentDef.copy();
        }
        startProcess(d, def, paused);
        return d.ref();
    }

    /** @param validate VIR_DOMAIN_START_VALIDATE: check {@code xml} against domain.rng first */
    DomainRef createXml(String xml, boolean paused, boolean validate) {
        DomainDef def = prepare(parse(xml, validate));
        QemuDomain d = domains.addOrFind(def, true);
        boolean created;
        synchronized (d) {
            created = d.persistentDef == def;
            if (created) {
                d.persistentDef = null;
                d.startingDef = def;
            }
        }
        d.beginJob();
        try {
            synchronized (d) {
                // addOrFind let a persistent domain through while a start of it was still
                // launching: by now that start has finished (job), and this one must not
                // overwrite the running guest's status file (virDomainObjListAdd's refusal)
                if (d.liveDef != null) {
                    throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                            "domain '" + def.name() + "' is already active");
                }
            }
            startProcess(d, def.copy(), paused);
            return d.ref();
        } catch (RuntimeException e) {
            synchronized (d) {
                if (d.persistentDef == null && d.liveDef == null) {
                    domains.remove(d, def.name());
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

    /** Launches QEMU paused, negotiates QMP, learns the pty, then {@code cont} unless paused. Job held. */
    private void startProcess(QemuDomain d, DomainDef live, boolean paused) {
        startProcess(d, live, paused, null, null);
    }

    /**
     * {@link #startProcess(QemuDomain, DomainDef, boolean)}, or with {@code incoming} a restore:
     * QEMU starts with {@code -incoming defer}, loads the saved state, then STARTED_RESTORED and
     * {@code cont} unless {@code paused} (libvirt's qemuSaveImageStartVM). Job held.
     */
    void startProcess(QemuDomain d, DomainDef live, boolean paused, QemuIncoming incoming) {
        startProcess(d, live, paused, incoming, null);
    }

    /**
     * A snapshot revert's start (qemuSnapshotRevertActive): QEMU launched paused with the
     * snapshot's state loaded ({@code loadvm}, what libvirt's {@code -loadvm} does), then
     * libvirt's revert events: STARTED from snapshot, then RESUMED or (with {@code paused})
     * SUSPENDED from snapshot. Job held.
     */
    void startFromSnapshot(QemuDomain d, DomainDef live, String snapshot, boolean paused) {
        startProcess(d, live, paused, null, snapshot);
    }

    /**
     * @param incoming a saved state to restore, or null
     * @param loadvm   the internal snapshot to load before the CPUs run, or null
     */
    private void startProcess(QemuDomain d, DomainDef live, boolean paused, QemuIncoming incoming, String loadvm) {
        startProcess(d, live, paused, incoming, loadvm, false);
    }

    /**
     * qemuProcessStart(VIR_QEMU_PROCESS_START_PAUSED) as a snapshot delete calls it for a
     * shut-off guest: QEMU runs paused (reason user) only for the block jobs, with no lifecycle
     * event, as libvirt raises none there. Job held.
     */
    void startPausedQuietly(QemuDomain d) {
        DomainDef def;
        synchronized (d) {
            def = d.persistentDef.copy();
        }
        startProcess(d, def, true, null, null, true);
    }

    /** qemuProcessStop(VIR_DOMAIN_SHUTOFF_SHUTDOWN) after {@link #startPausedQuietly}: no event. Job held. */
    void stopQuietly(QemuDomain d) {
        stopForSnapshot(d, StateReason.Shutoff.SHUTDOWN, -1);
    }

    private void startProcess(QemuDomain d, DomainDef live, boolean paused, QemuIncoming incoming, String loadvm,
                              boolean quiet) {
        synchronized (d) { // every start path checks first; this one guards the status file (qemuProcessInit's)
            if (d.liveDef != null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "VM is already active");
            }
        }
        QemuVolumeFiles volumes = QemuVolumeFiles.translate(live, storage);
        QemuDiskSources.checkAtStart(live, volumes);
        QemuDeviceAliases.assign(live);
        QemuDiskSources.markLive(live);
        QemuDomainXml.makeLive(live, domains.allocateId());
        EmulatorCaps caps = EmulatorCaps.of(live.emulator());
        String cpuModel = QemuCommandLine.cpuModel(live);
        if (!DomainCapabilitiesXml.isCustomModel(caps, cpuModel)) {
            throw VirException.internalError(VirErrorDomain.QEMU, "Unknown CPU model " + cpuModel);
        }
        int nodeIndex = Math.max(live.disks().size(), QemuOverlays.maxIndex(live));
        writeStartingStatus(d, live, nodeIndex, quiet);
        QemuLauncher.Launched l;
        try {
            l = QemuLauncher.launch(live, paths, runAs,
                    caps.major() + "." + caps.minor() + "." + caps.micro() + caps.packageVersion(), volumes,
                    incoming != null ? QemuIncoming.ARGS : List.of());
        } catch (RuntimeException e) { // the launcher left no process: nor does the status file stay
            deleteStatus(d, live.name());
            throw e;
        }
        if (runAs.highPrivileges()) {
            LOG.log(System.Logger.Level.WARNING, "Domain id={0} name=''{1}'' uuid={2} is tainted: {3}", live.id(),
                    live.name(), io.jvirtd.model.domain.Uuids.format(d.uuid), Taints.NAMES.get(Taints.HIGH_PRIVILEGES));
        }
        QmpMonitor mon = null;
        try {
            // before the monitor's first round trip, which may hold the cont: no vCPU has run yet
            QemuCgroup cgroup = cgroups.place(live, l.pid());
            synchronized (d) {
                d.cgroup = cgroup;
                if (runAs.highPrivileges()) { // the launcher logged it
                    d.taint |= 1 << Taints.HIGH_PRIVILEGES;
                }
                d.liveDef = live;
                domains.setRunId(d, live.id());
                // QemuDiskArgs numbered every disk 1..N, markLive their backing images N+1..
                d.nodeIndex = nodeIndex;
                d.pid = l.pid();
                d.state = DomainState.PAUSED;
                d.reason = StateReason.Paused.STARTING_UP;
                d.gotShutdown = false;
                d.destroying = false;
                d.fakeReboot = false;
                d.runningReason = loadvm != null ? StateReason.Running.FROM_SNAPSHOT : StateReason.Running.BOOTED;
                d.pausedReason = -1;
                d.forSnapshotDelete = quiet; // in every status file of this run, the first included
                d.starting = true; // until the start's own last status write
            }
            QemuCgroupTuning.applyAtStart(d, live); // <cputune>, <memtune>... on the groups, vCPUs not run yet
            // One round trip: the negotiation, the pty query and cont travel together.
            mon = QmpMonitor.open(live.name(), l.monitor(), loop, listener(d));
            CompletableFuture<Object> chardevs = mon.send("query-chardev", null);
            QemuMemory.AtStart balloon = QemuMemory.setUpAtStart(mon, live);
            Map<String, CompletableFuture<Object>> linksDown = QemuNetArgs.setLinksDown(mon, live);
            Map<String, Object> actions = QemuLifecycleActions.atStart(live); // before the guest can reboot
            CompletableFuture<Object> setAction = actions == null ? null : mon.send("set-action", actions);
            // the disks' <iotune> (qemuProcessSetupDiskThrottling), before the CPUs run
            List<CompletableFuture<Object>> throttles = QemuBlockIoTune.sendAtStart(mon, live);
            // online hot-pluggable vCPUs are device_add'ed before the guest runs
            boolean bootVcpus = QemuVcpuHotplug.hasBootHotplug(live);
            CompletableFuture<Object> cont = paused || incoming != null || loadvm != null || bootVcpus ? null
                    : mon.send("cont", null);
            mon.awaitNegotiated(MONITOR_TIMEOUT_MILLIS);
            synchronized (d) {
                d.monitor = mon;
            }
            Object chardevAnswer = mon.await(chardevs, "query-chardev", MONITOR_TIMEOUT_MILLIS);
            synchronized (d) { // live is d.liveDef now: status writes copy it under this monitor
                learnPtys(live, chardevAnswer);
            }
            QemuMemory.finishStart(d, mon, balloon, live);
            QemuNetArgs.awaitLinksDown(mon, linksDown, MONITOR_TIMEOUT_MILLIS);
            if (setAction != null) {
                mon.await(setAction, "set-action", MONITOR_TIMEOUT_MILLIS);
            }
            QemuBlockIoTune.awaitAtStart(mon, throttles, MONITOR_TIMEOUT_MILLIS);
            if (bootVcpus) {
                QemuVcpuHotplug.atStart(live, mon);
                QemuCgroupTuning.placeNewThreads(d, l.pid());
                QemuCgroupTuning.applyAtStart(d, live); // again, for the new vCPUs' groups
                if (!paused && incoming == null && loadvm == null) {
                    cont = mon.send("cont", null);
                }
            }
            QemuVcpuPins.applyAtStart(live, l.pid(), mon); // <cputune> pins on the vCPU and main threads
            QemuIoThreads.applyAtStart(live, mon);
            if (loadvm != null) {
                QemuSnapshots.loadvm(mon, loadvm);
                revertedStart(d, mon, paused);
                return;
            }
            if (cont != null) {
                mon.await(cont, "cont", MONITOR_TIMEOUT_MILLIS);
            }
            if (incoming != null) {
                incoming.load(mon, l.runDir());
                restored(d, mon, paused, incoming.wasRunning());
                return;
            }
            if (quiet) {
                synchronized (d) {
                    d.reason = StateReason.Paused.USER;
                    d.starting = false;
                }
                saveStatusOrFail(d);
                return;
            }
            onEventThread(() -> {
                synchronized (d) {
                    d.starting = false;
                    if (paused) {
                        d.reason = StateReason.Paused.USER;
                    } else if (d.state != DomainState.RUNNING) { // RESUME not seen yet: same change
                        d.state = DomainState.RUNNING;
                        d.reason = StateReason.Running.BOOTED;
                        d.runningReason = -1;
                        raise(d, RESUMED, RESUMED_UNPAUSED);
                    }
                }
                saveStatusOrFail(d); // the start's last write: its failure fails the start (qemuProcessFinishStartup)
                raise(d, STARTED, STARTED_BOOTED);
                if (paused) {
                    raise(d, SUSPENDED, SUSPENDED_PAUSED);
                }
            });
        } catch (RuntimeException e) {
            ProcessHandle.of(l.pid()).ifPresent(ProcessHandle::destroyForcibly);
            if (mon != null) {
                mon.close();
            }
            synchronized (d) {
                d.liveDef = null;
                d.monitor = null;
                d.cgroup = null;
                domains.setRunId(d, -1);
                d.pid = -1;
                d.state = DomainState.SHUTOFF;
                d.reason = StateReason.Shutoff.FAILED;
                d.forSnapshotDelete = false;
                d.starting = false;
            }
            QemuLauncher.cleanup(l.runDir(), paths.pidFile(live.name()));
            cgroups.removeGroupOf(live);
            deleteStatus(d, live.name());
            throw e;
        }
    }

    /**
     * libvirt's "early domain status" (qemuProcessLaunch), written before QEMU is spawned at all
     * so that no kill of the daemon can leave a QEMU nobody knows about: state paused, reason
     * "starting up" (the mark of a start not finished, until the start's own status write
     * replaces it), pid 0 (not known yet: QEMU daemonises itself), the monitor socket, and the
     * domain name, which gives the pid file that QEMU's command line names. A restart that finds
     * this file kills that QEMU ({@link #abandonStart}). Fails the start when it cannot be
     * written, as libvirt's does. Job held.
     */
    private void writeStartingStatus(QemuDomain d, DomainDef live, int nodeIndex, boolean forSnapshotDelete) {
        Path file = paths.statusFile(live.name());
        d.statusWrite.lock();
        try {
            Files.createDirectories(paths.stateDir());
            StatusFile.write(file, DomainState.PAUSED, StateReason.Paused.STARTING_UP, 0, 0,
                    paths.runDir(live.id(), live.name()).resolve("monitor.sock"), nodeIndex, List.of(),
                    List.of(), forSnapshotDelete, false, live);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "cannot save file '" + file + "'", e.getMessage());
        } finally {
            d.statusWrite.unlock();
        }
    }

    /** The state is loaded: STARTED_RESTORED, then {@code cont} (RESUME) or SUSPENDED. Job held. */
    private void restored(QemuDomain d, QmpMonitor mon, boolean paused, boolean wasRunning) {
        boolean resume = wasRunning && !paused;
        onEventThread(() -> {
            synchronized (d) {
                d.reason = StateReason.Paused.MIGRATION; // libvirt: an incoming start stays paused so
                d.runningReason = StateReason.Running.RESTORED;
                d.starting = resume; // without cont, the write below is the start's last
            }
            if (!resume) {
                saveStatusOrFail(d);
            }
            raise(d, STARTED, STARTED_RESTORED);
            if (!resume) {
                raise(d, SUSPENDED, paused ? SUSPENDED_PAUSED : SUSPENDED_RESTORED);
            }
        });
        if (resume) { // its RESUME event makes the state change and RESUMED(from snapshot), as libvirt's
            mon.execute("cont", null, MONITOR_TIMEOUT_MILLIS);
            onEventThread(() -> {
                synchronized (d) {
                    if (d.liveDef == null) {
                        return;
                    }
                    d.starting = false; // the RESUME event's write still said "starting up": this one is the last
                    if (d.state != DomainState.RUNNING) {
                        d.state = DomainState.RUNNING;
                        d.reason = StateReason.Running.RESTORED;
                        d.runningReason = -1;
                        raise(d, RESUMED, RESUMED_FROM_SNAPSHOT);
                    }
                }
                saveStatusOrFail(d);
            });
        }
    }

    /** The end of a revert's start: its events, then the CPUs run unless {@code paused}. Job held. */
    private void revertedStart(QemuDomain d, QmpMonitor mon, boolean paused) {
        onEventThread(() -> {
            if (paused) {
                synchronized (d) {
                    d.reason = StateReason.Paused.FROM_SNAPSHOT;
                    d.starting = false; // no cont: this write is the start's last
                }
            }
            saveStatusOrFail(d);
            raise(d, STARTED, STARTED_FROM_SNAPSHOT);
            if (paused) {
                raise(d, SUSPENDED, SUSPENDED_FROM_SNAPSHOT);
            }
        });
        if (!paused) {
            mon.execute("cont", null, MONITOR_TIMEOUT_MILLIS); // its RESUME: "Resumed Snapshot"
            onEventThread(() -> {
                synchronized (d) {
                    d.starting = false;
                }
                saveStatusOrFail(d);
            });
        }
    }

    /** The pty paths from {@code query-chardev}'s answer {@code r}. */
    @SuppressWarnings("unchecked")
    private static void learnPtys(DomainDef live, Object r) {
        if (!(r instanceof List<?> list)) {
            return;
        }
        for (Object o : list) {
            Map<String, Object> c = (Map<String, Object>) o;
            String label = String.valueOf(c.get("label"));
            String file = String.valueOf(c.get("filename"));
            if (label.startsWith("charserial") && file.startsWith("pty:")) {
                QemuDomainXml.setPty(live, Integer.parseInt(label.substring("charserial".length())), file.substring(4));
                ConsoleNatives.loadInBackground(); // a console may be opened on it soon
            }
        }
    }

    // ================================================================== run state

    void suspend(DomainRef ref) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            QmpMonitor mon = runningMonitor(d);
            synchronized (d) {
                if (d.state == DomainState.PAUSED) {
                    return;
                }
                d.pausedReason = StateReason.Paused.USER;
            }
            mon.execute("stop", null, MONITOR_TIMEOUT_MILLIS);
            onEventThread(() -> {
                synchronized (d) {
                    if (d.liveDef == null || d.state != DomainState.RUNNING) {
                        return;
                    }
                    d.state = DomainState.PAUSED;
                    d.reason = StateReason.Paused.USER;
                    d.pausedReason = -1;
                    raise(d, SUSPENDED, SUSPENDED_PAUSED);
                }
                saveStatus(d);
            });
        } finally {
            d.endJob();
        }
    }

    void resume(DomainRef ref) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            QmpMonitor mon = runningMonitor(d);
            synchronized (d) {
                if (d.state == DomainState.RUNNING) {
                    return;
                }
                d.runningReason = StateReason.Running.UNPAUSED;
            }
            mon.execute("cont", null, MONITOR_TIMEOUT_MILLIS);
            onEventThread(() -> {
                synchronized (d) {
                    if (d.liveDef == null || d.state == DomainState.RUNNING) {
                        return;
                    }
                    d.state = DomainState.RUNNING;
                    d.reason = StateReason.Running.UNPAUSED;
                    d.runningReason = -1;
                    raise(d, RESUMED, RESUMED_UNPAUSED);
                }
                saveStatus(d);
            });
        } finally {
            d.endJob();
        }
    }

    /** virDomainShutdown: the ACPI power button; the guest's SHUTDOWN then applies on_poweroff. */
    void shutdown(DomainRef ref) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            QmpMonitor mon = runningMonitor(d);
            synchronized (d) {
                d.fakeReboot = false;
            }
            mon.execute("system_powerdown", null, MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endJob();
        }
    }

    /** virDomainReboot, ACPI: libvirt's "fake reboot" (powerdown, guest SHUTDOWN, reset, cont). */
    void reboot(DomainRef ref) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            QmpMonitor mon = runningMonitor(d);
            synchronized (d) {
                d.fakeReboot = true;
            }
            mon.execute("system_powerdown", null, MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endJob();
        }
    }

    void reset(DomainRef ref) {
        QemuDomain d = domains.get(ref);
        d.beginJob();
        try {
            runningMonitor(d).execute("system_reset", null, MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endJob();
        }
    }

    /**
     * virDomainDestroyFlags: SIGTERM, a grace period, then SIGKILL (not with {@code graceful}),
     * as libvirt; QEMU emits SHUTDOWN(host-signal) and closes its monitor, which is expected.
     */
    void destroy(DomainRef ref, boolean graceful) {
        QemuDomain d = domains.get(ref);
        long pid;
        synchronized (d) {
            if (d.liveDef == null) {
                throw notRunning();
            }
            d.destroying = true;
            pid = d.pid;
        }
        QmpMonitor mon;
        synchronized (d) {
            mon = d.monitor;
        }
        ProcessHandle ph = ProcessHandle.of(pid).orElse(null);
        if (ph != null && ProcState.isAlive(pid)) {
            ph.destroy();
            if (!awaitDeath(pid, TERM_GRACE_MILLIS)) {
                if (graceful) {
                    synchronized (d) {
                        d.destroying = false;
                    }
                    throw VirException.systemError(VirErrorDomain.QEMU, 16,
                            "Failed to terminate process " + pid + " with SIGTERM", "Device or resource busy");
                }
                ph.destroyForcibly();
                awaitDeath(pid, KILL_WAIT_MILLIS);
            }
        }
        if (mon != null) {
            // QEMU's last words (SHUTDOWN host-signal) precede the EOF on the socket, and the
            // loop hands both to the qemu-event thread before this wait ends: so the
            // stop below comes after them, as libvirtd's events do.
            mon.awaitClose(KILL_WAIT_MILLIS);
        }
        try {
            d.beginDestroyJob(); // VIR_JOB_DESTROY: not held up by a snapshot delete's async job
        } catch (VirException e) {
            // QEMU is dead and its EOF ignored (destroying): shut off all the same, then say
            // why the call failed, as libvirt's EOF handler stops a domain its destroy left
            onEventThread(() -> stopped(d, StateReason.Shutoff.DESTROYED, STOPPED_DESTROYED));
            throw e;
        }
        try {
            onEventThread(() -> stopped(d, StateReason.Shutoff.DESTROYED, STOPPED_DESTROYED));
        } finally {
            d.endDestroyJob();
        }
    }

    /**
     * qemuProcessStop for a snapshot (revert, or create with halt): the monitor closed first, so
     * QEMU's last events are not reported (libvirt holds the domain while it kills), then QEMU
     * killed (SIGTERM, SIGKILL after the grace period), then "Stopped Snapshot". Job held.
     */
    void stopFromSnapshot(QemuDomain d) {
        stopForSnapshot(d, StateReason.Shutoff.FROM_SNAPSHOT, STOPPED_FROM_SNAPSHOT);
    }

    private void stopForSnapshot(QemuDomain d, int shutoffReason, int eventDetail) {
        long pid;
        QmpMonitor mon;
        synchronized (d) {
            if (d.liveDef == null) {
                return;
            }
            d.destroying = true;
            pid = d.pid;
            mon = d.monitor;
        }
        if (mon != null) {
            mon.close();
        }
        ProcessHandle ph = ProcessHandle.of(pid).orElse(null);
        if (ph != null && ProcState.isAlive(pid)) {
            ph.destroy();
            if (!awaitDeath(pid, TERM_GRACE_MILLIS)) {
                ph.destroyForcibly();
                awaitDeath(pid, KILL_WAIT_MILLIS);
            }
        }
        onEventThread(() -> stopped(d, shutoffReason, eventDetail));
    }

    /** Dead = gone or a zombie (this machine's init reaps orphans only every second or so). */
    static boolean awaitDeath(long pid, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (ProcState.isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5); // no notification exists for a process that is not our child
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static QmpMonitor runningMonitor(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                throw notRunning();
            }
            return d.monitor;
        }
    }

    /** The daemon's event loop (consoles' output is read there). */
    DriverEventLoop loop() {
        return loop;
    }

    static VirException notRunning() {
        return VirException.operationInvalid(VirErrorDomain.QEMU, "domain is not running");
    }

    // ================================================================== monitor events (qemu-event thread)

    private QmpMonitor.Listener listener(QemuDomain d) {
        return new QmpMonitor.Listener() {
            private QmpMonitor self() {
                synchronized (d) {
                    return d.monitor;
                }
            }

            @Override
            public void onRawEvent(Map<String, Object> message) {
                if (QemuMonitorEvents.wanted(events)) { // else not even the hop to the event thread
                    eventThread.execute(() -> QemuMonitorEvents.relay(events, d.ref(), message));
                }
            }

            @Override
            public void onEvent(String event, Map<String, Object> data, long micros) {
                eventThread.execute(() -> handleEvent(d, event, data));
            }

            @Override
            public void onClose(boolean byUs) {
                if (!byUs) {
                    eventThread.execute(() -> handleEof(d));
                }
            }

            @Override
            public String toString() {
                return "events of " + self();
            }
        };
    }

    private void handleEvent(QemuDomain d, String event, Map<String, Object> data) {
        if (event.equals("BALLOON_CHANGE")) {
            QemuMemory.onBalloonChange(this, d, data);
            return;
        }
        if (event.startsWith("DEVICE_")) {
            hotplug.onEvent(d, event, data);
            return;
        }
        if (event.equals("JOB_STATUS_CHANGE")) {
            blockJobs.onStatusChange(d, data);
            diskJobs.onStatusChange(d, data);
            return;
        }
        if (event.equals("BLOCK_WRITE_THRESHOLD")) {
            thresholds.onEvent(d, data);
            return;
        }
        if (event.equals("MIGRATION_PASS")) {
            onMigrationPass(d, data);
            return;
        }
        boolean save = false;
        boolean kill = false;
        boolean reboot = false;
        long pid;
        QmpMonitor mon;
        synchronized (d) {
            if (d.liveDef == null) {
                return;
            }
            pid = d.pid;
            mon = d.monitor;
            switch (event) {
                case "STOP" -> {
                    if (d.state == DomainState.RUNNING) {
                        d.state = DomainState.PAUSED;
                        d.reason = d.pausedReason >= 0 ? d.pausedReason
                                : d.gotShutdown ? StateReason.Paused.SHUTTING_DOWN : StateReason.Paused.UNKNOWN;
                        d.pausedReason = -1;
                        raise(d, SUSPENDED, SUSPENDED_PAUSED);
                        save = true;
                    }
                }
                case "RESUME" -> {
                    if (d.state != DomainState.RUNNING) {
                        d.state = DomainState.RUNNING;
                        d.reason = d.runningReason >= 0 ? d.runningReason : StateReason.Running.UNPAUSED;
                        d.runningReason = -1;
                        // libvirt's qemuDomainRunningReasonToResumeEvent: a restore or a revert resumes "from snapshot"
                        raise(d, RESUMED, d.reason == StateReason.Running.RESTORED
                                || d.reason == StateReason.Running.FROM_SNAPSHOT ? RESUMED_FROM_SNAPSHOT
                                : RESUMED_UNPAUSED);
                        save = true;
                    }
                }
                case "SHUTDOWN" -> {
                    if (d.state == DomainState.SHUTDOWN) {
                        return; // libvirt ignores a repeated SHUTDOWN (the host-signal after our SIGTERM)
                    }
                    Object guestFlag = data.get("guest");
                    boolean guest = Boolean.TRUE.equals(guestFlag);
                    if (d.fakeReboot && guest) {
                        d.fakeReboot = false;
                        d.runningReason = StateReason.Running.BOOTED;
                        reboot = true;
                    } else {
                        // Also while destroying: libvirtd reports QEMU's host-signal SHUTDOWN
                        // ("Shutdown Finished after host request") before "Stopped Destroyed".
                        d.gotShutdown = true;
                        d.state = DomainState.SHUTDOWN;
                        d.reason = StateReason.Shutdown.UNKNOWN;
                        raise(d, SHUTDOWN, guest ? SHUTDOWN_GUEST
                                : Boolean.FALSE.equals(guestFlag) ? SHUTDOWN_HOST : SHUTDOWN_FINISHED);
                        kill = !d.destroying && ("destroy".equals(d.liveDef.onPoweroff()) || !guest);
                        save = true;
                    }
                }
                default -> { }
            }
        }
        if (save) {
            saveStatus(d);
        }
        if (kill) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // its monitor EOF ends the domain
        }
        if (reboot && mon != null) {
            mon.send("system_reset", null);
            mon.send("cont", null);
        }
    }

    /** QEMU closed its monitor: it shut down (after SHUTDOWN) or crashed. */
    private void handleEof(QemuDomain d) {
        boolean shutdown;
        long pid;
        synchronized (d) {
            if (d.liveDef == null || d.destroying) {
                return;
            }
            shutdown = d.gotShutdown;
            pid = d.pid;
        }
        if (!awaitDeath(pid, KILL_WAIT_MILLIS)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            awaitDeath(pid, KILL_WAIT_MILLIS);
        }
        if (!shutdown) {
            LOG.log(Level.WARNING, "Monitor connection of {0} closed without SHUTDOWN event; assuming the domain crashed",
                    d.name());
        }
        stopped(d, shutdown ? StateReason.Shutoff.SHUTDOWN : StateReason.Shutoff.CRASHED,
                shutdown ? STOPPED_SHUTDOWN : STOPPED_FAILED);
    }

    /**
     * The domain's QEMU is gone: clean its files, shut off, tell listeners ({@code eventDetail}
     * -1: none). qemu-event thread.
     */
    void stopped(QemuDomain d, int shutoffReason, int eventDetail) {
        stopped(d, shutoffReason, eventDetail, false);
    }

    /** @param keepFiles the status file, pid file and run folder stay (a QEMU that would not die still has them) */
    private void stopped(QemuDomain d, int shutoffReason, int eventDetail, boolean keepFiles) {
        DomainDef live;
        // Held from clearing liveDef until this run's files are gone: this runs without the
        // job, so once liveDef is null a worker may start the domain again, and that start's
        // "starting up" status file (written under statusWrite) and pid file must come after
        // these deletes, not be deleted by them.
        d.statusWrite.lock();
        try {
            live = endRun(d, shutoffReason, keepFiles);
        } finally {
            d.statusWrite.unlock();
        }
        if (live == null) {
            return;
        }
        hotplug.forget(d);
        blockJobs.domainGone(d);
        if (eventDetail >= 0) {
            raise(new DomainRef(live.name(), d.uuid, DomainRef.NO_ID), STOPPED, eventDetail);
        }
    }

    /**
     * {@link #stopped}'s part under {@code d.statusWrite}: shut off in memory, then the run's
     * monitor closed and (unless {@code keepFiles}) its status file, pid file and run folder gone.
     * Returns the run's live definition, or null when it was shut off already.
     */
    private DomainDef endRun(QemuDomain d, int shutoffReason, boolean keepFiles) {
        QmpMonitor mon;
        DomainDef live;
        boolean transientGone;
        synchronized (d) {
            if (d.liveDef == null) {
                return null;
            }
            mon = d.monitor;
            live = d.liveDef;
            d.liveDef = null;
            d.monitor = null;
            d.cgroup = null;
            d.blockCommits = List.of(); // its block jobs went with QEMU
            d.thresholdWithIndex.clear(); // and its write thresholds
            d.diskJobs = Map.of();
            d.forSnapshotDelete = false;
            d.starting = false;
            domains.setRunId(d, -1);
            d.pid = -1;
            d.state = DomainState.SHUTOFF;
            d.reason = shutoffReason;
            d.destroying = false;
            d.gotShutdown = false;
            d.taint = 0;
            d.nodeIndex = 0;
            transientGone = d.persistentDef == null;
            if (transientGone) {
                domains.remove(d, live.name());
            }
        }
        if (transientGone) {
            QemuSnapshots.discardAllMetadata(paths, d, live.name()); // qemuDomainRemoveInactive
        }
        if (mon != null) {
            mon.close();
        }
        if (!keepFiles) {
            deleteStatus(d, live.name());
            QemuLauncher.cleanup(paths.runDir(live.id(), live.name()), paths.pidFile(live.name()));
            cgroups.removeGroupOf(live); // qemuRemoveCgroup; also the group of a guest found dead at start
        }
        return live;
    }

    // ================================================================== status, events, helpers

    /**
     * Writes a persistent definition to its config file, atomically (libvirt's
     * virDomainDefSave). The caller holds the domain's {@link QemuDomain#configWrite} (define,
     * the snapshot commit, {@link #savePersistent}, {@link #editPersistent}).
     */
    void saveConfig(DomainDef def) {
        try {
            AtomicFiles.write(paths.configFile(def.name()), def.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE));
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5,
                    "cannot save config file '" + paths.configFile(def.name()) + "'", e.getMessage());
        }
    }

    /**
     * Makes {@code next} the domain's persistent definition: its config file, then memory, both
     * under {@link QemuDomain#configWrite}, so that a define (which takes no job) comes wholly
     * before or wholly after, and file and memory never disagree; the later writer wins, as
     * libvirt's virDomainDefSave then virDomainObjAssignDef under the domain's lock. Nothing
     * happens when the domain has no persistent definition (any more: every writer that can
     * take it away holds configWrite too). Job held.
     */
    void savePersistent(QemuDomain d, DomainDef next) {
        d.configWrite.lock();
        try {
            synchronized (d) {
                if (d.persistentDef == null) {
                    return;
                }
            }
            saveConfig(next);
            synchronized (d) {
                d.persistentDef = next;
            }
        } finally {
            d.configWrite.unlock();
        }
    }

    /**
     * Changes the domain's persistent definition in place with {@code edit} (under its
     * monitor), then writes it to its config file, both under {@link QemuDomain#configWrite}
     * as {@link #savePersistent}. Nothing happens when the domain has no persistent definition.
     * Job held.
     */
    void editPersistent(QemuDomain d, java.util.function.Consumer<DomainDef> edit) {
        d.configWrite.lock();
        try {
            DomainDef def;
            synchronized (d) {
                def = d.persistentDef;
                if (def == null) {
                    return;
                }
                edit.accept(def);
            }
            saveConfig(def);
        } finally {
            d.configWrite.unlock();
        }
    }

    /** Writes the running domain's status file (its live definition, state, pid). Any thread but the loop. */
    void saveStatus(QemuDomain d) {
        try {
            writeStatus(d);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot write status file of {0}: {1}", d.ref().name(), e.getMessage());
        }
    }

    /**
     * {@link #saveStatus} for a write that what follows depends on (the record of a snapshot
     * delete, before QEMU gets its jobs; a start's last write, without which a restart would
     * kill the guest as an unfinished start): fails with libvirt's error for a file it cannot save.
     */
    void saveStatusOrFail(QemuDomain d) {
        try {
            writeStatus(d);
        } catch (IOException e) {
            String file;
            synchronized (d) {
                file = d.liveDef == null ? "" : paths.statusFile(d.liveDef.name()).toString();
            }
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "cannot save file '" + file + "'", e.getMessage());
        }
    }

    private void writeStatus(QemuDomain d) throws IOException {
        assert !Thread.holdsLock(d) : "status file written under the domain's monitor";
        d.statusWrite.lock(); // writers one at a time: the file never goes back to an older copy
        try {
            DomainDef live;
            DomainState state;
            int reason;
            long pid;
            int taint;
            int nodeIndex;
            List<BlockCommitRecord> commits;
            Map<String, DiskJob> diskJobs;
            boolean forSnapshotDelete;
            boolean saveJob;
            synchronized (d) {
                if (d.liveDef == null || d.detached) {
                    return;
                }
                live = d.liveDef.copy();
                commits = d.blockCommits;
                diskJobs = d.diskJobs;
                forSnapshotDelete = d.forSnapshotDelete;
                saveJob = d.currentJob != null && d.currentJob.operation() == QemuJobData.OPERATION_SAVE;
                // a start not over yet stays on record as one, RESUME or not (QemuDomain.starting)
                state = d.starting ? DomainState.PAUSED : d.state;
                reason = d.starting ? StateReason.Paused.STARTING_UP : d.reason;
                pid = d.pid;
                taint = d.taint;
                nodeIndex = d.nodeIndex;
            }
            StatusFile.write(paths.statusFile(live.name()), state, reason, pid, taint,
                    paths.runDir(live.id(), live.name()).resolve("monitor.sock"), nodeIndex, commits, diskJobs.values(),
                    forSnapshotDelete, saveJob, live);
        } finally {
            d.statusWrite.unlock();
        }
    }

    /** Removes a stopped domain's status file after any status write in progress (no stale file comes back). */
    private void deleteStatus(QemuDomain d, String name) {
        d.statusWrite.lock();
        try {
            deleteQuietly(paths.statusFile(name));
        } finally {
            d.statusWrite.unlock();
        }
    }

    /**
     * qemuProcessHandleMigrationPass: QEMU began another pass over the guest's RAM during an
     * async job's migration (a save): the migration-iteration event. qemu-event thread.
     */
    private void onMigrationPass(QemuDomain d, Map<String, Object> data) {
        DomainRef ref;
        synchronized (d) {
            if (d.currentJob == null || d.liveDef == null) {
                return; // libvirt ignores a pass outside an async job
            }
            ref = d.ref();
        }
        Object pass = data.get("pass");
        events.post(new DomainEvent.MigrationIteration(ref, pass instanceof Number n ? n.intValue() : 0));
        events.dispatch();
    }

    void raise(QemuDomain d, int event, int detail) {
        raise(d.ref(), event, detail);
    }

    void raise(DomainRef ref, int event, int detail) {
        events.post(new DomainEvent.Lifecycle(ref, event, detail));
        events.dispatch();
    }

    /** Runs {@code r} on the qemu-event thread after every event queued so far; waits for it. Workers only. */
    void onEventThread(Runnable r) {
        try {
            eventThread.submit(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VirException.internalError(VirErrorDomain.QEMU, "interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove {0}: {1}", p, e.getMessage());
        }
    }

    // ================================================================== daemon start and stop

    /** Reads persistent definitions, then reattaches to every guest a status file names. */
    void loadAndReattach() {
        for (Path f : xmlFiles(paths.configDir())) {
            try {
                DomainDef def = parse(Files.readString(f));
                QemuDomain d = domains.addOrFind(def, false);
                synchronized (d) {
                    d.autostart = Files.exists(paths.autostartLink(def.name()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "cannot load domain config {0}: {1}", f, e.getMessage());
            }
        }
        // Every monitor at once: each connect queues the negotiation and query-status (one
        // round trip per guest), all in flight together; then the answers are taken in turn,
        // under one deadline, so a hung QEMU delays the start by at most MONITOR_TIMEOUT_MILLIS.
        List<Reattaching> inFlight = new ArrayList<>();
        for (Path f : xmlFiles(paths.stateDir())) {
            Reattaching r = beginReattach(f);
            if (r != null) {
                inFlight.add(r);
            }
        }
        long deadline = System.nanoTime() + MONITOR_TIMEOUT_MILLIS * 1_000_000L;
        for (Reattaching r : inFlight) {
            finishReattach(r, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        }
    }

    /** A guest whose monitor is connected and whose query-status is on its way. */
    private record Reattaching(QemuDomain d, StatusFile.Status status, QmpMonitor mon,
                               CompletableFuture<Object> queryStatus) {
    }

    /** Rebuilds the domain from its status file and opens its monitor; null when it is already settled. */
    private Reattaching beginReattach(Path statusFile) {
        StatusFile.Status s;
        try {
            s = StatusFile.read(statusFile);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot read status file {0}: {1}", statusFile, e.getMessage());
            return null;
        }
        DomainDef live = s.liveDef();
        domains.reserveIdsThrough(live.id());
        QemuDomain d = domains.byUuidOrNull(live.uuid());
        if (d == null) {
            d = domains.addOrFind(live.copy(), false);
            synchronized (d) {
                d.persistentDef = null; // transient: no config file named it
                d.startingDef = live;
            }
        }
        synchronized (d) {
            d.liveDef = live;
            domains.setRunId(d, live.id());
            d.pid = s.pid();
            d.state = s.state();
            d.reason = s.reason();
            d.taint = s.taint(); // as virDomainObjParseXML: kept quietly, no second log line
            d.nodeIndex = Math.max(s.nodeIndex(), QemuOverlays.maxIndex(live)); // an older file has no counter
            d.blockCommits = s.commits(); // a snapshot delete to finish once the snapshots are loaded
            d.diskJobs = QemuDiskJobs.byDisk(s.diskJobs()); // clients' block jobs, found again (QemuDiskJobs.recover)
            d.forSnapshotDelete = s.forSnapshotDelete(); // and a QEMU that runs only for it, to stop
            d.startingDef = null;
            d.detached = false;
        }
        final QemuDomain dom = d;
        if (s.state() == DomainState.PAUSED && s.reason() == StateReason.Paused.STARTING_UP) {
            abandonStart(dom, live);
            return null;
        }
        if (!ProcState.isAlive(s.pid()) || !isQemu(s.pid(), live.emulator())) {
            LOG.log(Level.WARNING, "domain {0} died while the daemon was away", live.name());
            onEventThread(() -> stopped(dom, StateReason.Shutoff.CRASHED, STOPPED_FAILED));
            return null;
        }
        QemuCgroup cgroup = cgroups.find(live); // qemuConnectCgroup: the group its start made
        synchronized (d) {
            d.cgroup = cgroup;
        }
        try {
            QmpMonitor mon = QmpMonitor.open(live.name(), s.monitor(), loop, listener(d));
            CompletableFuture<Object> status = mon.send("query-status", null);
            synchronized (d) {
                d.monitor = mon;
            }
            return new Reattaching(d, s, mon, status);
        } catch (RuntimeException e) {
            failReattach(d, s, e);
            return null;
        }
    }

    /** Takes the guest's query-status answer: its state now (a changed one is saved). */
    private void finishReattach(Reattaching r, long timeoutMillis) {
        QemuDomain d = r.d();
        StatusFile.Status s = r.status();
        try {
            r.mon().awaitNegotiated(timeoutMillis);
            Object st = r.mon().await(r.queryStatus(), "query-status", timeoutMillis);
            String status = st instanceof Map<?, ?> m ? String.valueOf(m.get("status")) : "";
            switch (status) {
                case "running" -> setState(d, DomainState.RUNNING,
                        s.state() == DomainState.RUNNING ? s.reason() : StateReason.Running.UNPAUSED);
                case "shutdown" -> { // powered off while we were away: finish it (SIGTERM, then EOF)
                    synchronized (d) {
                        d.gotShutdown = true;
                        d.state = DomainState.SHUTDOWN;
                        d.reason = StateReason.Shutdown.UNKNOWN;
                    }
                    ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroy);
                }
                default -> setState(d, DomainState.PAUSED,
                        s.state() == DomainState.PAUSED ? s.reason() : StateReason.Paused.UNKNOWN);
            }
            if (s.saveJob()) {
                recoverSave(d, r.mon(), s.liveDef().name());
            }
            boolean changed;
            synchronized (d) {
                // a save's record goes with the write: its job ended with the daemon that ran it
                changed = d.state != s.state() || d.reason != s.reason() || s.saveJob();
            }
            if (changed) { // as it was: the file already says so (no write, no fsync)
                saveStatus(d);
            }
            hotplug.reconcile(d, r.mon()); // devices unplugged while we were away
        } catch (RuntimeException e) {
            failReattach(d, s, e);
            return;
        }
        if (ConsoleDevice.hasPty(s.liveDef())) {
            ConsoleNatives.loadInBackground(); // a console may be opened on it soon
        }
        try {
            hotplug.vcpus.refreshAtReattach(d, r.mon()); // vCPUs QEMU let go while we were away
        } catch (RuntimeException e) { // the guest runs on: keep the status file's view
            LOG.log(Level.WARNING, "cannot refresh the vCPUs of {0}: {1}", s.liveDef().name(), e.getMessage());
        }
    }

    /**
     * A status file still "starting up": the daemon died during a start (boot, restore, managed
     * save, snapshot revert, a snapshot delete's paused QEMU). As libvirt's qemuProcessReconnect
     * ("wasn't fully started yet, killing it"): its QEMU is killed, whatever step of its start
     * it is in, and the domain ends shut off — reason "daemon" when there was a QEMU to kill (as
     * libvirt's, whose monitor was reached), "crashed" when it had died already, "unknown" when
     * it was never spawned — with no lifecycle event (libvirt raises none there); a transient
     * domain is gone. libvirt keeps a QEMU it finds running (its {@code cont} is a start's last
     * step); jvirtd's {@code cont} travels with the start's first monitor round trip, so a
     * running QEMU does not mean the start was over, and it is killed too. Daemon start.
     */
    private void abandonStart(QemuDomain d, DomainDef live) {
        Path pidFile = paths.pidFile(live.name());
        // not the pid file, which QEMU removes when it exits normally: the run folder, which the
        // launcher makes just before it spawns QEMU and which only the cleanup after QEMU removes
        boolean spawned = Files.isDirectory(paths.runDir(live.id(), live.name()));
        LOG.log(Level.WARNING, "domain {0} was not fully started yet, killing it", live.name());
        UnfinishedStart.Outcome out = UnfinishedStart.kill(pidFile);
        boolean survived = out == UnfinishedStart.Outcome.SURVIVED;
        if (survived) { // its files stay: the next daemon start tries again
            LOG.log(Level.ERROR, "cannot kill the QEMU of domain {0}''s unfinished start; keeping its status file",
                    live.name());
        }
        int reason = out != UnfinishedStart.Outcome.NONE ? StateReason.Shutoff.DAEMON
                : spawned ? StateReason.Shutoff.CRASHED : StateReason.Shutoff.UNKNOWN;
        onEventThread(() -> stopped(d, reason, -1, survived));
    }

    /**
     * libvirt's qemuProcessRecoverJob for VIR_ASYNC_JOB_SAVE: the daemon went away during a
     * save, whose writer of the file went with it. QEMU's migration is cancelled (it failed
     * when the stream closed, or it still waits before switchover), and a guest the save
     * paused (reason save, or unknown when the daemon died before it recorded the pause) runs
     * again, reason "save canceled"; a guest paused before the save stays paused. The save's
     * temporary file stays beside its target (libvirt's partial image stays too). Daemon start.
     */
    private void recoverSave(QemuDomain d, QmpMonitor mon, String name) {
        try {
            MigrationFile.cancelInterrupted(mon);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot cancel the interrupted save of domain {0}: {1}", name, e.getMessage());
        }
        synchronized (d) {
            if (d.state != DomainState.PAUSED
                    || d.reason != StateReason.Paused.SAVE && d.reason != StateReason.Paused.UNKNOWN) {
                return;
            }
            d.runningReason = StateReason.Running.SAVE_CANCELED; // for the RESUME event, should it come first
        }
        try {
            mon.execute("cont", null, MONITOR_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            synchronized (d) {
                d.runningReason = -1;
            }
            LOG.log(Level.WARNING, "Could not resume domain ''{0}'' after migration to file: {1}", name,
                    e.getMessage());
            return;
        }
        synchronized (d) {
            if (d.state != DomainState.RUNNING) { // else the RESUME event made it so already
                d.state = DomainState.RUNNING;
                d.reason = StateReason.Running.SAVE_CANCELED;
            }
            d.runningReason = -1;
        }
    }

    private void failReattach(QemuDomain d, StatusFile.Status s, RuntimeException e) {
        LOG.log(Level.ERROR, "cannot reattach to domain {0}: {1}", s.liveDef().name(), e.getMessage());
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
        onEventThread(() -> stopped(d, StateReason.Shutoff.CRASHED, STOPPED_FAILED));
    }

    private static void setState(QemuDomain d, DomainState state, int reason) {
        synchronized (d) {
            d.state = state;
            d.reason = reason;
        }
    }

    /** Guards against a recycled pid: the process must still run the domain's emulator. */
    private static boolean isQemu(long pid, String emulator) {
        String argv0 = ProcState.argv0(pid);
        return argv0 != null && (argv0.equals(emulator) || argv0.contains("qemu"));
    }

    /** Starts the persistent domains marked autostart that are not running (after reattach). */
    void autostart() {
        QemuSaveRestore saves = new QemuSaveRestore(this);
        for (QemuDomain d : domains.all()) {
            boolean start;
            synchronized (d) {
                start = d.autostart && d.liveDef == null && d.persistentDef != null;
            }
            if (start) {
                try {
                    saves.start(d.ref(), false, false); // from its managed save image if it has one, as libvirt
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "cannot autostart domain {0}: {1}", d.name(), e.getMessage());
                }
            }
        }
    }

    void setAutostart(DomainRef ref, boolean on) {
        QemuDomain d = domains.get(ref);
        String name;
        synchronized (d) {
            if (d.persistentDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot set autostart for transient domain");
            }
            name = d.persistentDef.name();
        }
        try {
            Path link = paths.autostartLink(name);
            if (on) {
                Files.createDirectories(link.getParent());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, paths.configFile(name));
                }
            } else {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to change autostart of " + name,
                    e.getMessage());
        }
        synchronized (d) {
            d.autostart = on;
        }
    }

    /** Daemon shutdown: close every monitor; the guests keep running and are reattached next time. */
    void detachAll() {
        // first the removals, which may still use a monitor and write a status file
        if (!hotplug.shutdown(1_000)) {
            LOG.log(Level.WARNING, "the qemu-unplug thread did not end");
        }
        for (QemuDomain d : domains.all()) {
            QmpMonitor mon;
            synchronized (d) {
                mon = d.monitor;
                d.monitor = null; // the status file stays as written: the next start reattaches
                d.detached = d.liveDef != null; // its guest is the next daemon's to reattach
            }
            if (mon != null) {
                mon.close();
            }
        }
    }

    private static List<Path> xmlFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path p : s) {
                if (!p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot list {0}: {1}", dir, e.getMessage());
        }
        return out;
    }
}
