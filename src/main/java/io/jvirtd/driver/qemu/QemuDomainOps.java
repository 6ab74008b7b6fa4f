package io.jvirtd.driver.qemu;

import static io.jvirtd.model.conf.DomainDef.XML_INACTIVE;
import static io.jvirtd.model.conf.DomainDef.XML_MIGRATABLE;
import static io.jvirtd.model.conf.DomainDef.XML_SECURE;
import static io.jvirtd.model.conf.DomainDef.XML_UPDATE_CPU;
import static io.jvirtd.model.domain.DomainFlags.ACPI_POWER_BTN;
import static io.jvirtd.model.domain.DomainFlags.DEFINE_VALIDATE;
import static io.jvirtd.model.domain.DomainFlags.DESTROY_GRACEFUL;
import static io.jvirtd.model.domain.DomainFlags.START_PAUSED;
import static io.jvirtd.model.domain.DomainFlags.START_VALIDATE;
import static io.jvirtd.model.domain.DomainFlags.UNDEFINE_ALL;
import static io.jvirtd.model.domain.DomainFlags.UNDEFINE_MANAGED_SAVE;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainBlockJobInfo;
import io.jvirtd.model.domain.DomainBlockStats;
import io.jvirtd.model.domain.DomainControlInfo;
import io.jvirtd.model.domain.DomainDiskError;
import io.jvirtd.model.domain.DomainInfo;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.domain.DomainTime;
import io.jvirtd.model.domain.FsInfo;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainJobInfo;
import io.jvirtd.model.domain.DomainJobStats;
import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainMemoryStat;
import io.jvirtd.model.domain.DomainCpuStats;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.DomainStatsRecord;
import io.jvirtd.model.domain.DomainVcpus;
import io.jvirtd.model.domain.IoThreadInfo;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.domain.PinInfo;
import io.jvirtd.model.domain.SchedulerType;
import io.jvirtd.model.domain.SecurityLabel;
import io.jvirtd.model.domain.Screenshot;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.QemuMonitorEvent;
import io.jvirtd.model.spi.DomainOps;
import io.jvirtd.model.stream.DataStream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The domain family of one client connection to the QEMU driver: the domain APIs it implements
 * so far, each a thin call into {@link QemuLifecycle} (snapshots into {@link QemuSnapshots},
 * IOThreads into {@link QemuIoThreads}, checkpoints and backups into {@link QemuCheckpoints}, ...);
 * the rest answer NO_SUPPORT through the SPI's defaults, as libvirtd's QEMU driver would for a
 * slot it leaves empty. Thread-safe (holds no state of its own but its event callbacks).
 */
final class QemuDomainOps implements DomainOps {

    private static final int CONSOLE_FORCE = 1;
    private static final int CONSOLE_SAFE = 2;

    private final QemuLifecycle life;
    private final QemuMemory memory;
    private final QemuStats stats;
    private final QemuDeviceStats devices;
    private final QemuVcpuInfo vcpus;
    private final QemuSaveRestore saves;
    private final QemuSnapshots snapshots;
    private final QemuMonitorCommands monitorCommands;
    private final QemuVcpuPins pins;
    private final QemuJobQueries jobs;
    private final QemuMetadata metadata;
    private final QemuGuestAgentCalls agent;
    private final QemuGuestControl control;
    private final QemuLifecycleActions lifecycleActions;
    private final QemuRename rename;
    private final QemuBlockIoTune blockIoTune;
    private final QemuCoreDump coreDumps;
    private final QemuIoThreads iothreads;
    private final QemuInterfaceTune ifaceTune;
    private final QemuPerf perf;
    private final QemuCheckpoints checkpoints;
    /** The event callbacks registered through this connection. Guarded by itself. */
    private final List<Integer> callbacks = new ArrayList<>();

    QemuDomainOps(QemuLifecycle life) {
        this.life = life;
        this.memory = new QemuMemory(life);
        this.stats = new QemuStats(life);
        this.devices = new QemuDeviceStats(life);
        this.vcpus = new QemuVcpuInfo(life);
        this.saves = new QemuSaveRestore(life);
        this.snapshots = new QemuSnapshots(life);
        this.monitorCommands = new QemuMonitorCommands(life);
        this.pins = new QemuVcpuPins(life);
        this.jobs = new QemuJobQueries(life.domains);
        this.metadata = new QemuMetadata(life);
        this.agent = new QemuGuestAgentCalls(life);
        this.control = new QemuGuestControl(life);
        this.lifecycleActions = new QemuLifecycleActions(life);
        this.rename = new QemuRename(life, snapshots);
        this.blockIoTune = new QemuBlockIoTune(life);
        this.coreDumps = new QemuCoreDump(life, saves);
        this.iothreads = new QemuIoThreads(life);
        this.ifaceTune = new QemuInterfaceTune(life);
        this.perf = new QemuPerf(life);
        this.checkpoints = new QemuCheckpoints(life);
    }

    // ------------------------------------------------------------------ lists and lookups

    @Override
    public List<DomainRef> connectListAllDomains(int flags) {
        VirException.checkFlags(flags, DomainListFilter.ALL, VirErrorDomain.QEMU, "qemuConnectListAllDomains");
        List<DomainRef> out = new ArrayList<>();
        boolean askSaves = (flags & (DomainListFilter.MANAGEDSAVE | DomainListFilter.NO_MANAGEDSAVE)) != 0;
        for (QemuDomain d : life.domains.all()) {
            DomainListFilter.Facts facts;
            boolean managedSave = askSaves && saves.hasManagedSave(d); // a file test: before the lock
            synchronized (d) { // no checkpoints in this driver
                facts = new DomainListFilter.Facts(d.liveDef != null, d.persistentDef != null, d.state, managedSave,
                        d.autostart, QemuSnapshots.count(d), 0);
            }
            if (DomainListFilter.matches(facts, flags)) {
                out.add(d.ref());
            }
        }
        return out;
    }

    @Override
    public int[] connectListDomains(int maxids) {
        return life.domains.all().stream().filter(QemuDomain::isActive).mapToInt(d -> d.ref().id())
                .sorted().limit(maxids).toArray();
    }

    @Override
    public int connectNumOfDomains() {
        return (int) life.domains.all().stream().filter(QemuDomain::isActive).count();
    }

    @Override
    public List<String> connectListDefinedDomains(int maxnames) {
        return life.domains.all().stream().filter(d -> !d.isActive()).map(QemuDomain::name).sorted()
                .limit(maxnames).toList();
    }

    @Override
    public int connectNumOfDefinedDomains() {
        return (int) life.domains.all().stream().filter(d -> !d.isActive()).count();
    }

    @Override
    public DomainRef domainLookupByName(String name) {
        QemuDomain d = life.domains.byName(name);
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.QEMU,
                    "no domain with matching name '" + name + "'");
        }
        return d.ref();
    }

    @Override
    public DomainRef domainLookupByUUID(byte[] uuid) {
        QemuDomain d = life.domains.byUuidOrNull(uuid);
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.QEMU,
                    "no domain with matching uuid '" + io.jvirtd.model.domain.Uuids.format(uuid) + "'");
        }
        return d.ref();
    }

    @Override
    public DomainRef domainLookupByID(int id) {
        QemuDomain d = life.domains.byId(id);
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.QEMU,
                    "no domain with matching id " + id);
        }
        return d.ref();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public DomainRef domainDefineXML(String xml) {
        return life.define(xml, false);
    }

    @Override
    public DomainRef domainDefineXMLFlags(String xml, int flags) {
        VirException.checkFlags(flags, DEFINE_VALIDATE, VirErrorDomain.QEMU, "qemuDomainDefineXMLFlags");
        return life.define(xml, (flags & DEFINE_VALIDATE) != 0);
    }

    @Override
    public void domainUndefine(DomainRef dom) {
        snapshots.beforeUndefine(dom, 0);
        life.undefine(dom);
    }

    @Override
    public void domainUndefineFlags(DomainRef dom, int flags) {
        // managed save, snapshot and NVRAM flags: this driver keeps none of those, so they change nothing
        VirException.checkFlags(flags, UNDEFINE_ALL, VirErrorDomain.QEMU, "qemuDomainUndefineFlags");
        snapshots.beforeUndefine(dom, flags);
        life.undefine(dom, (flags & UNDEFINE_MANAGED_SAVE) != 0);
    }

    @Override
    public DomainRef domainCreate(DomainRef dom) {
        return saves.start(dom, false, false);
    }

    @Override
    public DomainRef domainCreateWithFlags(DomainRef dom, int flags) {
        VirException.checkFlags(flags, START_PAUSED | QemuSaveRestore.START_BYPASS_CACHE | QemuSaveRestore.START_FORCE_BOOT,
                VirErrorDomain.QEMU, "qemuDomainCreateWithFlags");
        return saves.start(dom, (flags & START_PAUSED) != 0, (flags & QemuSaveRestore.START_FORCE_BOOT) != 0);
    }

    @Override
    public DomainRef domainCreateXML(String xml, int flags) {
        VirException.checkFlags(flags, START_PAUSED | START_VALIDATE, VirErrorDomain.QEMU, "qemuDomainCreateXML");
        return life.createXml(xml, (flags & START_PAUSED) != 0, (flags & START_VALIDATE) != 0);
    }

    @Override
    public void domainSuspend(DomainRef dom) {
        life.suspend(dom);
    }

    @Override
    public void domainResume(DomainRef dom) {
        life.resume(dom);
    }

    @Override
    public void domainShutdown(DomainRef dom) {
        life.shutdown(dom);
    }

    @Override
    public void domainShutdownFlags(DomainRef dom, int flags) {
        VirException.checkFlags(flags, ACPI_POWER_BTN, VirErrorDomain.QEMU, "qemuDomainShutdownFlags");
        life.shutdown(dom);
    }

    @Override
    public void domainReboot(DomainRef dom, int flags) {
        VirException.checkFlags(flags, ACPI_POWER_BTN, VirErrorDomain.QEMU, "qemuDomainReboot");
        life.reboot(dom);
    }

    @Override
    public void domainReset(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainReset");
        life.reset(dom);
    }

    @Override
    public void domainDestroy(DomainRef dom) {
        life.destroy(dom, false);
    }

    @Override
    public void domainDestroyFlags(DomainRef dom, int flags) {
        VirException.checkFlags(flags, DESTROY_GRACEFUL, VirErrorDomain.QEMU, "qemuDomainDestroyFlags");
        life.destroy(dom, (flags & DESTROY_GRACEFUL) != 0);
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public DomainJobInfo domainGetJobInfo(DomainRef dom) {
        return jobs.info(dom);
    }

    @Override
    public DomainJobStats domainGetJobStats(DomainRef dom, int flags) {
        return jobs.stats(dom, flags);
    }

    @Override
    public void domainAbortJob(DomainRef dom) {
        jobs.abort(dom, 0);
    }

    @Override
    public void domainAbortJobFlags(DomainRef dom, int flags) {
        jobs.abort(dom, flags);
    }

    // ------------------------------------------------------------------ save and restore

    @Override
    public void domainSave(DomainRef dom, String to) {
        saves.save(dom, to, null, 0);
    }

    @Override
    public void domainSaveFlags(DomainRef dom, String to, String dxml, int flags) {
        saves.save(dom, to, dxml, flags);
    }

    @Override
    public void domainSaveParams(DomainRef dom, List<TypedParameter> params, int flags) {
        saves.saveParams(dom, params, flags);
    }

    @Override
    public void domainRestore(String from) {
        saves.restore(from, null, 0);
    }

    @Override
    public void domainRestoreFlags(String from, String dxml, int flags) {
        saves.restore(from, dxml, flags);
    }

    @Override
    public void domainRestoreParams(List<TypedParameter> params, int flags) {
        saves.restoreParams(params, flags);
    }

    @Override
    public String domainSaveImageGetXMLDesc(String file, int flags) {
        return saves.imageXml(file, flags);
    }

    @Override
    public void domainSaveImageDefineXML(String file, String dxml, int flags) {
        saves.imageDefine(file, dxml, flags);
    }

    @Override
    public void domainManagedSave(DomainRef dom, int flags) {
        saves.managedSave(dom, flags);
    }

    @Override
    public boolean domainHasManagedSaveImage(DomainRef dom, int flags) {
        return saves.hasManagedSave(dom, flags);
    }

    @Override
    public void domainManagedSaveRemove(DomainRef dom, int flags) {
        saves.managedSaveRemove(dom, flags);
    }

    @Override
    public String domainManagedSaveGetXMLDesc(DomainRef dom, int flags) {
        return saves.managedSaveXml(dom, flags);
    }

    @Override
    public void domainManagedSaveDefineXML(DomainRef dom, String dxml, int flags) {
        saves.managedSaveDefine(dom, dxml, flags);
    }

    // ------------------------------------------------------------------ queries

    @Override
    public DomainInfo domainGetInfo(DomainRef dom) {
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            DomainDef def = d.def();
            long cpu = d.liveDef != null ? ProcState.cpuTimeNanos(d.pid) : 0;
            return new DomainInfo(d.state, def.memoryKiB(), def.currentMemoryKiB(), def.vcpusMax(), cpu);
        }
    }

    @Override
    public DomainStateReason domainGetState(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetState");
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            return new DomainStateReason(d.state, d.reason);
        }
    }

    @Override
    public String domainGetXMLDesc(DomainRef dom, int flags) {
        VirException.checkFlags(flags, XML_SECURE | XML_INACTIVE | XML_UPDATE_CPU | XML_MIGRATABLE,
                VirErrorDomain.QEMU, "qemuDomainGetXMLDesc");
        QemuDomain d = life.domains.get(dom);
        DomainDef def;
        synchronized (d) {
            def = ((flags & XML_INACTIVE) != 0 && d.persistentDef != null ? d.persistentDef : d.def()).copy();
        }
        return def.format(flags);
    }

    @Override
    public DataStream domainOpenConsole(DomainRef dom, String devName, int flags) {
        VirException.checkFlags(flags, CONSOLE_FORCE | CONSOLE_SAFE, VirErrorDomain.QEMU, "qemuDomainOpenConsole");
        QemuDomain d = life.domains.get(dom);
        String path;
        String name;
        synchronized (d) {
            if (d.liveDef == null) {
                // virDomainObjCheckActive's error, which is the domain config's, not the driver's
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            path = ConsoleDevice.ptyPath(d.liveDef, devName);
            name = d.liveDef.name();
        }
        // CONSOLE_SAFE needs nothing more: one client per pty is always enforced (ConsoleHolders)
        return d.consoles.open(path, name, (flags & CONSOLE_FORCE) != 0, life.loop());
    }

    /**
     * qemuDomainGetSecurityLabel with the security drivers this driver stacks (none, then dac):
     * the primary's process label, and the none driver's is empty and not enforcing, running or
     * not. virsh dominfo asks for it once virNodeGetSecurityModel names a model.
     */
    @Override
    public SecurityLabel domainGetSecurityLabel(DomainRef dom) {
        life.domains.get(dom);
        return new SecurityLabel("", false);
    }

    @Override
    public String domainGetOSType(DomainRef dom) {
        life.domains.get(dom);
        return "hvm";
    }

    @Override
    public boolean domainIsActive(DomainRef dom) {
        return life.domains.get(dom).isActive();
    }

    @Override
    public boolean domainIsPersistent(DomainRef dom) {
        return life.domains.get(dom).isPersistent();
    }

    @Override
    public boolean domainIsUpdated(DomainRef dom) {
        life.domains.get(dom);
        return false;
    }

    @Override
    public boolean domainGetAutostart(DomainRef dom) {
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            return d.autostart;
        }
    }

    @Override
    public void domainSetAutostart(DomainRef dom, boolean autostart) {
        life.setAutostart(dom, autostart);
    }

    @Override
    public long domainGetMaxMemory(DomainRef dom) {
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            return d.def().memoryKiB();
        }
    }

    @Override
    public int domainGetVcpusFlags(DomainRef dom, int flags) {
        return vcpus.vcpusFlags(dom, flags);
    }

    @Override
    public void domainSetVcpus(DomainRef dom, int nvcpus) {
        life.hotplug.vcpus.setVcpus(dom, nvcpus, AffectedDefs.AFFECT_LIVE); // qemuDomainSetVcpus
    }

    @Override
    public void domainSetVcpusFlags(DomainRef dom, int nvcpus, int flags) {
        life.hotplug.vcpus.setVcpus(dom, nvcpus, flags);
    }

    @Override
    public void domainSetVcpu(DomainRef dom, String cpumap, int state, int flags) {
        life.hotplug.vcpus.setVcpu(dom, cpumap, state, flags);
    }

    @Override
    public int domainGetMaxVcpus(DomainRef dom) {
        return domainGetVcpusFlags(dom, AffectedDefs.AFFECT_LIVE | QemuVcpuInfo.VCPU_MAXIMUM);
    }

    // ------------------------------------------------------------------ memory (QemuMemory)

    @Override
    public void domainSetMemory(DomainRef dom, long kib) {
        memory.setMemory(dom, kib, AffectedDefs.AFFECT_LIVE);
    }

    @Override
    public void domainSetMaxMemory(DomainRef dom, long kib) {
        memory.setMemory(dom, kib, QemuMemory.MEM_MAXIMUM);
    }

    @Override
    public void domainSetMemoryFlags(DomainRef dom, long kib, int flags) {
        memory.setMemory(dom, kib, flags);
    }

    @Override
    public void domainSetMemoryStatsPeriod(DomainRef dom, int period, int flags) {
        memory.setStatsPeriod(dom, period, flags);
    }

    @Override
    public List<DomainMemoryStat> domainMemoryStats(DomainRef dom, int nrStats, int flags) {
        return memory.stats(dom, nrStats, flags);
    }

    // ------------------------------------------------------------------ statistics (QemuStats, ...)

    @Override
    public List<DomainStatsRecord> connectGetAllDomainStats(List<DomainRef> doms, int stats, int flags) {
        return this.stats.all(doms, stats, flags);
    }

    @Override
    public DomainBlockStats domainBlockStats(DomainRef dom, String path) {
        return devices.blockStats(dom, path);
    }

    // ------------------------------------------------------------------ block jobs (QemuDiskJobs)

    @Override
    public void domainBlockCommit(DomainRef dom, String disk, String base, String top, long bandwidth, int flags) {
        life.diskJobs.commit(dom, disk, base, top, bandwidth, flags);
    }

    @Override
    public DomainBlockJobInfo domainGetBlockJobInfo(DomainRef dom, String disk, int flags) {
        return life.diskJobs.info(dom, disk, flags);
    }

    @Override
    public void domainBlockJobSetSpeed(DomainRef dom, String disk, long bandwidth, int flags) {
        life.diskJobs.setSpeed(dom, disk, bandwidth, flags);
    }

    @Override
    public void domainBlockJobAbort(DomainRef dom, String disk, int flags) {
        life.diskJobs.abort(dom, disk, flags);
    }

    @Override
    public DomainInterfaceStats domainInterfaceStats(DomainRef dom, String device) {
        return devices.interfaceStats(dom, device);
    }

    @Override
    public DomainBlockInfo domainGetBlockInfo(DomainRef dom, String path, int flags) {
        return devices.blockInfo(dom, path, flags);
    }

    @Override
    public DomainVcpus domainGetVcpus(DomainRef dom, int maxinfo, int maplen) {
        return vcpus.vcpus(dom, maxinfo, maplen);
    }

    // ------------------------------------------------------------------ devices (QemuHotplug)

    @Override
    public void domainAttachDevice(DomainRef dom, String xml) {
        life.hotplug.attach(dom, xml, QemuHotplug.AFFECT_LIVE); // qemuDomainAttachDevice
    }

    @Override
    public void domainAttachDeviceFlags(DomainRef dom, String xml, int flags) {
        life.hotplug.attach(dom, xml, flags);
    }

    @Override
    public void domainDetachDevice(DomainRef dom, String xml) {
        life.hotplug.detach(dom, xml, QemuHotplug.AFFECT_LIVE); // qemuDomainDetachDevice
    }

    @Override
    public void domainDetachDeviceFlags(DomainRef dom, String xml, int flags) {
        life.hotplug.detach(dom, xml, flags);
    }

    @Override
    public void domainUpdateDeviceFlags(DomainRef dom, String xml, int flags) {
        life.hotplug.update(dom, xml, flags);
    }

    @Override
    public void domainDetachDeviceAlias(DomainRef dom, String alias, int flags) {
        life.hotplug.detachAlias(dom, alias, flags);
    }

    // ------------------------------------------------------------------ snapshots (QemuSnapshots)

    @Override
    public SnapshotRef domainSnapshotCreateXML(DomainRef dom, String xml, int flags) {
        return snapshots.create(dom, xml, flags);
    }

    @Override
    public String domainSnapshotGetXMLDesc(SnapshotRef snap, int flags) {
        return snapshots.xmlDesc(snap, flags);
    }

    @Override
    public int domainSnapshotNum(DomainRef dom, int flags) {
        return snapshots.num(dom, flags);
    }

    @Override
    public List<String> domainSnapshotListNames(DomainRef dom, int maxnames, int flags) {
        return snapshots.listNames(dom, maxnames, flags);
    }

    @Override
    public List<SnapshotRef> domainListAllSnapshots(DomainRef dom, int flags) {
        return snapshots.listAll(dom, flags);
    }

    @Override
    public int domainSnapshotNumChildren(SnapshotRef snap, int flags) {
        return snapshots.numChildren(snap, flags);
    }

    @Override
    public List<String> domainSnapshotListChildrenNames(SnapshotRef snap, int maxnames, int flags) {
        return snapshots.listChildrenNames(snap, maxnames, flags);
    }

    @Override
    public List<SnapshotRef> domainSnapshotListAllChildren(SnapshotRef snap, int flags) {
        return snapshots.listAllChildren(snap, flags);
    }

    @Override
    public SnapshotRef domainSnapshotLookupByName(DomainRef dom, String name, int flags) {
        return snapshots.lookupByName(dom, name, flags);
    }

    @Override
    public boolean domainHasCurrentSnapshot(DomainRef dom, int flags) {
        return snapshots.hasCurrent(dom, flags);
    }

    @Override
    public SnapshotRef domainSnapshotGetParent(SnapshotRef snap, int flags) {
        return snapshots.parent(snap, flags);
    }

    @Override
    public SnapshotRef domainSnapshotCurrent(DomainRef dom, int flags) {
        return snapshots.current(dom, flags);
    }

    @Override
    public boolean domainSnapshotIsCurrent(SnapshotRef snap, int flags) {
        return snapshots.isCurrent(snap, flags);
    }

    @Override
    public boolean domainSnapshotHasMetadata(SnapshotRef snap, int flags) {
        return snapshots.hasMetadata(snap, flags);
    }

    @Override
    public void domainRevertToSnapshot(SnapshotRef snap, int flags) {
        snapshots.revert(snap, flags);
    }

    @Override
    public void domainSnapshotDelete(SnapshotRef snap, int flags) {
        snapshots.delete(snap, flags);
    }

    // ------------------------------------------------------------------ pinning and scheduler

    @Override
    public void domainPinVcpu(DomainRef dom, int vcpu, byte[] cpumap) {
        pins.pinVcpu(dom, vcpu, cpumap, QemuVcpuPins.AFFECT_LIVE);
    }

    @Override
    public void domainPinVcpuFlags(DomainRef dom, int vcpu, byte[] cpumap, int flags) {
        pins.pinVcpu(dom, vcpu, cpumap, flags);
    }

    @Override
    public PinInfo domainGetVcpuPinInfo(DomainRef dom, int ncpumaps, int maplen, int flags) {
        return pins.vcpuPinInfo(dom, ncpumaps, maplen, flags);
    }

    @Override
    public void domainPinEmulator(DomainRef dom, byte[] cpumap, int flags) {
        pins.pinEmulator(dom, cpumap, flags);
    }

    @Override
    public PinInfo domainGetEmulatorPinInfo(DomainRef dom, int maplen, int flags) {
        return pins.emulatorPinInfo(dom, maplen, flags);
    }

    // ------------------------------------------------------------------ interface and block tuning

    @Override
    public List<TypedParameter> domainGetInterfaceParameters(DomainRef dom, String device, int flags) {
        return ifaceTune.get(dom, device, flags);
    }

    @Override
    public void domainSetInterfaceParameters(DomainRef dom, String device, List<TypedParameter> params, int flags) {
        ifaceTune.set(dom, device, params, flags);
    }

    @Override
    public void domainSetBlockThreshold(DomainRef dom, String dev, long threshold, int flags) {
        life.thresholds.set(dom, dev, threshold, flags);
    }

    @Override
    public List<TypedParameter> domainGetPerfEvents(DomainRef dom, int flags) {
        return perf.get(dom, flags);
    }

    @Override
    public void domainSetPerfEvents(DomainRef dom, List<TypedParameter> params, int flags) {
        perf.set(dom, params, flags);
    }

    @Override
    public void domainStartDirtyRateCalc(DomainRef dom, int seconds, int flags) {
        QemuDirtyRate.start(life, dom, seconds, flags);
    }

    /** qemuDomainGetLaunchSecurityInfo: no launch security (SEV) in this driver's guests, so nothing. */
    @Override
    public List<TypedParameter> domainGetLaunchSecurityInfo(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 4, VirErrorDomain.QEMU, "qemuDomainGetLaunchSecurityInfo");
        life.domains.get(dom);
        return List.of();
    }

    // ------------------------------------------------------------------ guest agent calls (no agent: QemuAgent)


    @Override
    public List<String> domainAuthorizedSSHKeysGet(DomainRef dom, String user, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainAuthorizedSSHKeysGet");
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    @Override
    public void domainAuthorizedSSHKeysSet(DomainRef dom, String user, List<String> keys, int flags) {
        VirException.checkFlags(flags, 1 | 2, VirErrorDomain.QEMU, "qemuDomainAuthorizedSSHKeysSet"); // APPEND, REMOVE
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    // ------------------------------------------------------------------ checkpoints and backups (QemuCheckpoints)

    @Override
    public CheckpointRef domainCheckpointCreateXML(DomainRef dom, String xml, int flags) {
        return checkpoints.create(dom, xml, flags);
    }

    @Override
    public String domainCheckpointGetXMLDesc(CheckpointRef checkpoint, int flags) {
        throw checkpoints.unknown(checkpoint);
    }

    @Override
    public List<CheckpointRef> domainListAllCheckpoints(DomainRef dom, int flags) {
        return checkpoints.listAll(dom, flags);
    }

    @Override
    public List<CheckpointRef> domainCheckpointListAllChildren(CheckpointRef checkpoint, int flags) {
        return checkpoints.listAllChildren(checkpoint, flags);
    }

    @Override
    public CheckpointRef domainCheckpointLookupByName(DomainRef dom, String name, int flags) {
        return checkpoints.lookupByName(dom, name, flags);
    }

    @Override
    public CheckpointRef domainCheckpointGetParent(CheckpointRef checkpoint, int flags) {
        throw checkpoints.unknown(checkpoint);
    }

    @Override
    public void domainCheckpointDelete(CheckpointRef checkpoint, int flags) {
        throw checkpoints.unknown(checkpoint);
    }

    @Override
    public void domainBackupBegin(DomainRef dom, String backupXml, String checkpointXml, int flags) {
        checkpoints.backupBegin(dom, backupXml, checkpointXml, flags);
    }

    @Override
    public String domainBackupGetXMLDesc(DomainRef dom, int flags) {
        return checkpoints.backupXml(dom, flags);
    }

    // ------------------------------------------------------------------ IOThreads (QemuIoThreads)

    @Override
    public List<IoThreadInfo> domainGetIOThreadInfo(DomainRef dom, int flags) {
        return iothreads.info(dom, flags);
    }

    @Override
    public void domainAddIOThread(DomainRef dom, int iothreadId, int flags) {
        iothreads.add(dom, iothreadId, flags);
    }

    @Override
    public void domainDelIOThread(DomainRef dom, int iothreadId, int flags) {
        iothreads.delete(dom, iothreadId, flags);
    }

    @Override
    public void domainPinIOThread(DomainRef dom, int iothreadId, byte[] cpumap, int flags) {
        iothreads.pin(dom, iothreadId, cpumap, flags);
    }

    @Override
    public void domainSetIOThreadParams(DomainRef dom, int iothreadId, List<TypedParameter> params, int flags) {
        iothreads.setParams(dom, iothreadId, params, flags);
    }

    @Override
    public SchedulerType domainGetSchedulerType(DomainRef dom) {
        return QemuScheduler.type(life.domains.get(dom));
    }

    @Override
    public List<TypedParameter> domainGetSchedulerParameters(DomainRef dom) {
        return QemuScheduler.parameters(life.domains.get(dom), 0);
    }

    @Override
    public List<TypedParameter> domainGetSchedulerParametersFlags(DomainRef dom, int flags) {
        return QemuScheduler.parameters(life.domains.get(dom), flags);
    }

    // ------------------------------------------------------------------ core dumps and memory peek

    @Override
    public void domainCoreDump(DomainRef dom, String to, int flags) {
        coreDumps.dump(dom, to, 0, flags);
    }

    @Override
    public void domainCoreDumpWithFormat(DomainRef dom, String to, int format, int flags) {
        coreDumps.dump(dom, to, format, flags);
    }

    @Override
    public byte[] domainMemoryPeek(DomainRef dom, long start, int size, int flags) {
        return QemuMemoryPeek.peek(life, dom, start, size, flags);
    }

    // ------------------------------------------------------------------ block I/O tuning

    @Override
    public List<TypedParameter> domainGetBlockIoTune(DomainRef dom, String disk, int flags) {
        return blockIoTune.get(dom, disk, flags);
    }

    @Override
    public void domainSetBlockIoTune(DomainRef dom, String disk, List<TypedParameter> params, int flags) {
        blockIoTune.set(dom, disk, params, flags);
    }

    @Override
    public void domainSetSchedulerParameters(DomainRef dom, List<TypedParameter> params) {
        QemuScheduler.set(life, dom, params, 0);
    }

    @Override
    public void domainSetSchedulerParametersFlags(DomainRef dom, List<TypedParameter> params, int flags) {
        QemuScheduler.set(life, dom, params, flags);
    }

    @Override
    public DomainCpuStats domainGetCPUStats(DomainRef dom, int nparams, int startCpu, int ncpus, int flags) {
        VirException.checkFlags(flags, 4, VirErrorDomain.QEMU, "qemuDomainGetCPUStats");
        return QemuCgroupTuning.cpuStats(life.domains.get(dom), nparams, startCpu, ncpus);
    }

    @Override
    public List<TypedParameter> domainGetMemoryParameters(DomainRef dom, int flags) {
        return QemuMemtune.get(life.domains.get(dom), flags);
    }

    @Override
    public void domainSetMemoryParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        QemuMemtune.set(life, dom, params, flags);
    }

    @Override
    public List<TypedParameter> domainGetNumaParameters(DomainRef dom, int flags) {
        return QemuNumatune.get(life.domains.get(dom), flags);
    }

    @Override
    public void domainSetNumaParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        QemuNumatune.set(life, dom, params, flags);
    }

    @Override
    public List<TypedParameter> domainGetBlkioParameters(DomainRef dom, int flags) {
        return QemuBlkiotune.get(life.domains.get(dom), flags);
    }

    @Override
    public void domainSetBlkioParameters(DomainRef dom, List<TypedParameter> params, int flags) {
        QemuBlkiotune.set(life, dom, params, flags);
    }

    /** libvirt's QEMU driver answers the count queries before it looks at the domain. */
    @Override
    public int domainGetParametersCount(String api, DomainRef dom, int flags) {
        return switch (api) {
            case "virDomainGetMemoryParameters" -> 3;
            case "virDomainGetBlkioParameters" -> QemuBlkiotune.COUNT;
            case "virDomainGetNumaParameters" -> 2;
            case "virDomainGetBlockIoTune" -> blockIoTune.count(dom, flags);
            default -> DomainOps.super.domainGetParametersCount(api, dom, flags);
        };
    }

    @Override
    public Screenshot domainScreenshot(DomainRef dom, int screen, int flags) {
        return QemuScreenshot.take(life, dom, screen, flags);
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public String domainGetMetadata(DomainRef dom, int type, String uri, int flags) {
        return metadata.get(dom, type, uri, flags);
    }

    @Override
    public void domainSetMetadata(DomainRef dom, int type, String metadata, String key, String uri, int flags) {
        this.metadata.set(dom, type, metadata, key, uri, flags);
    }

    // ------------------------------------------------------------------ guest-agent calls (no agent channel)

    @Override
    public DomainTime domainGetTime(DomainRef dom, int flags) {
        return agent.getTime(dom, flags);
    }

    @Override
    public void domainSetTime(DomainRef dom, long seconds, int nseconds, int flags) {
        agent.setTime(dom, flags);
    }

    @Override
    public void domainSetUserPassword(DomainRef dom, String user, String password, int flags) {
        agent.setUserPassword(dom, flags);
    }

    @Override
    public int domainFSFreeze(DomainRef dom, List<String> mountpoints, int flags) {
        return agent.fsFreeze(dom, flags);
    }

    @Override
    public int domainFSThaw(DomainRef dom, List<String> mountpoints, int flags) {
        return agent.fsThaw(dom, mountpoints, flags);
    }

    @Override
    public void domainFSTrim(DomainRef dom, String mountPoint, long minimum, int flags) {
        agent.fsTrim(dom, mountPoint, flags);
    }

    @Override
    public List<FsInfo> domainGetFSInfo(DomainRef dom, int flags) {
        return agent.fsInfo(dom, flags);
    }

    @Override
    public String domainGetHostname(DomainRef dom, int flags) {
        return agent.hostname(dom, flags);
    }

    @Override
    public List<DomainInterface> domainInterfaceAddresses(DomainRef dom, int source, int flags) {
        return agent.interfaceAddresses(dom, source, flags);
    }

    @Override
    public List<TypedParameter> domainGetGuestInfo(DomainRef dom, int types, int flags) {
        return agent.guestInfo(dom, types, flags);
    }

    @Override
    public List<TypedParameter> domainGetGuestVcpus(DomainRef dom, int flags) {
        return agent.guestVcpus(dom, flags);
    }

    @Override
    public void domainSetGuestVcpus(DomainRef dom, String cpumap, int state, int flags) {
        agent.setGuestVcpus(dom, cpumap, state, flags);
    }

    // ------------------------------------------------------------------ keys, NMI, control, disk errors

    @Override
    public void domainSendKey(DomainRef dom, int codeset, int holdtime, int[] keycodes, int flags) {
        control.sendKey(dom, codeset, holdtime, keycodes, flags);
    }

    @Override
    public void domainInjectNMI(DomainRef dom, int flags) {
        control.injectNmi(dom, flags);
    }

    @Override
    public DomainControlInfo domainGetControlInfo(DomainRef dom, int flags) {
        return control.controlInfo(dom, flags);
    }

    @Override
    public List<DomainDiskError> domainGetDiskErrors(DomainRef dom, int maxerrors, int flags) {
        return control.diskErrors(dom, maxerrors, flags);
    }

    @Override
    public void domainRename(DomainRef dom, String newName, int flags) {
        rename.rename(dom, newName, flags);
    }

    @Override
    public void domainSetLifecycleAction(DomainRef dom, int type, int action, int flags) {
        lifecycleActions.set(dom, type, action, flags);
    }

    // ------------------------------------------------------------------ libvirt-qemu and messages

    @Override
    public String domainQemuMonitorCommand(DomainRef dom, String cmd, int flags) {
        return monitorCommands.monitorCommand(dom, cmd, flags);
    }

    @Override
    public String domainQemuAgentCommand(DomainRef dom, String cmd, int timeout, int flags) {
        return monitorCommands.agentCommand(dom, cmd, timeout, flags);
    }

    @Override
    public List<String> domainGetMessages(DomainRef dom, int flags) {
        return monitorCommands.messages(dom, flags);
    }

    @Override
    public int connectDomainQemuMonitorEventRegister(DomainRef domOrNull, String eventOrNull, int flags,
                                                     Consumer<QemuMonitorEvent> listener) {
        int id = QemuMonitorEvents.register(life.events, domOrNull, eventOrNull, flags, listener);
        synchronized (callbacks) {
            callbacks.add(id);
        }
        return id;
    }

    @Override
    public void connectDomainQemuMonitorEventDeregister(int callbackId) {
        connectDomainEventDeregisterAny(callbackId);
    }

    // ------------------------------------------------------------------ events

    @Override
    public int connectDomainEventRegisterAny(DomainRef domOrNull, int eventId, Consumer<DomainEvent> listener) {
        int id = life.events.register(eventId, domOrNull, listener);
        synchronized (callbacks) {
            callbacks.add(id);
        }
        return id;
    }

    @Override
    public void connectDomainEventDeregisterAny(int callbackId) {
        life.events.deregister(callbackId);
        synchronized (callbacks) {
            callbacks.remove(Integer.valueOf(callbackId));
        }
    }

    /** Drops the event callbacks of this connection (it closes). */
    void close() {
        List<Integer> ids;
        synchronized (callbacks) {
            ids = new ArrayList<>(callbacks);
            callbacks.clear();
        }
        for (int id : ids) {
            try {
                life.events.deregister(id);
            } catch (VirException e) {
                // already gone
            }
        }
    }
}
