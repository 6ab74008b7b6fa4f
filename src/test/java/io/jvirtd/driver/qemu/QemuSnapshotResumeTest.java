package io.jvirtd.driver.qemu;

import static io.jvirtd.driver.qemu.ScriptedQmp.fail;
import static io.jvirtd.driver.qemu.ScriptedQmp.jobStatus;
import static io.jvirtd.driver.qemu.ScriptedQmp.ok;
import static io.jvirtd.driver.qemu.ScriptedQmp.okAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.rpc.loop.EventLoop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external snapshot delete a killed daemon left half done, finished after the restart
 * against a QEMU whose answers are scripted ({@link ScriptedQmp}): each place the kill can
 * land (QEMU concluded the job, the job waits ready, the record already says done, the
 * record could not be written) ends the same way, deterministically, with no guest.
 */
@Timeout(60) // a wait the code gets wrong (a job nobody completes) fails instead of hanging for COMMIT_TIMEOUT
class QemuSnapshotResumeTest {

    private static final String JOB = "commit-vda-libvirt-2-format";

    @TempDir
    Path dir;
    private EventLoop loop;
    private ExecutorService eventThread;
    private QemuPaths paths;
    private QemuLifecycle life;
    private ScriptedQmp qmp;
    private QmpMonitor mon;
    private QemuDomain d;
    private String overlay;
    private String base;
    private String configXml;
    private final List<String> metadataWrites = new CopyOnWriteArrayList<>();

    private static String domain(String id, String disk) {
        return "<domain type='qemu'" + id + "><name>resume</name><uuid>6d5a9a7c-0b3e-4a43-8f38-2f4d3c1d2e11</uuid>"
                + "<memory unit='MiB'>16</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                + disk + "</devices></domain>";
    }

    @BeforeEach
    void setUp() throws Exception {
        loop = new EventLoop("test-loop");
        loop.start();
        eventThread = Executors.newSingleThreadExecutor();
        paths = QemuPaths.under(dir);
        Files.createDirectories(paths.configDir());
        Files.createDirectories(paths.stateDir());
        life = new QemuLifecycle(paths, new QemuDomains(), new EventBus(), new LoopForDrivers(loop), eventThread,
                null, null, null, null);
        overlay = Files.writeString(dir.resolve("ov.qcow2"), "overlay").toString();
        base = Files.writeString(dir.resolve("base.qcow2"), "base").toString();
        d = null;
        String live = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + overlay + "' index='2'/>"
                + "<backingStore type='file' index='1'><format type='qcow2'/><source file='" + base + "'/>"
                + "<backingStore/></backingStore><target dev='vda' bus='virtio'/><alias name='virtio-disk0'/></disk>";
        String config = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='" + overlay + "'/><target dev='vda' bus='virtio'/></disk>";
        SnapshotDef parent = SnapshotDef.parse("<domainsnapshot><name>s0</name><disks>"
                + "<disk name='vda' snapshot='external'><source file='" + base + "'/></disk></disks></domainsnapshot>",
                0, QemuXmlOptions.OPTIONS);
        configXml = domain("", config);
        d = life.domains.addOrFind(QemuLifecycle.parse(configXml), false); // a define finds it by its uuid
        synchronized (d) {
            d.liveDef = DomainDef.parse(domain(" id='3'", live), DomainDef.PARSE_STATUS, QemuXmlOptions.OPTIONS);
            d.snapshots.add("s0", parent, null);
        }
        qmp = new ScriptedQmp(dir.resolve("qmp.sock"));
        QmpMonitor.Listener listener = new QmpMonitor.Listener() {
            @Override
            public void onEvent(String event, Map<String, Object> data, long micros) {
                if (event.equals("JOB_STATUS_CHANGE")) {
                    life.blockJobs.onStatusChange(d, data);
                }
            }

            @Override
            public void onClose(boolean byUs) {
            }
        };
        mon = QmpMonitor.connect("resume", dir.resolve("qmp.sock"), new LoopForDrivers(loop), listener, 5000);
        synchronized (d) {
            d.monitor = mon;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        mon.close();
        qmp.close();
        eventThread.shutdownNow();
        loop.quit();
        assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
    }

    private BlockCommitRecord record(boolean done) {
        return new BlockCommitRecord(JOB, "vda", overlay, base, true, "s1", "s0", false, done);
    }

    /** As the reattach leaves it: the record read back from the status file, the parent marked. */
    private List<BlockCommitRecord> recorded(boolean done) {
        List<BlockCommitRecord> records = List.of(record(done));
        synchronized (d) {
            d.blockCommits = records;
            d.snapshots.find("s0").def.disks().get(0).setDeleteInProgress(true);
        }
        return records;
    }

    private static Map<String, Object> job(String status, String error) {
        return error == null ? Map.of("id", JOB, "type", "commit", "status", status)
                : Map.of("id", JOB, "type", "commit", "status", status, "error", error);
    }

    /**
     * QEMU's graph after the commit: the drive reads the base; the overlay's nodes are still
     * there until blockdev-del closes them (each when {@code closes}).
     */
    private void afterTheCommit() {
        afterTheCommit(true);
    }

    private void afterTheCommit(boolean closes) {
        afterTheCommit(closes, new AtomicReference<>(false));
    }

    /** @param filter while true, the running commit's filter node sits on the overlay, listed first */
    private void afterTheCommit(boolean closes, AtomicReference<Boolean> filter) {
        Set<String> closed = ConcurrentHashMap.newKeySet();
        Map<String, Object> commitTop = Map.of("node-name", "#block391", "drv", "commit_top", "file", overlay);
        List<Map<String, Object>> nodes = List.of(
                commitTop,
                Map.of("node-name", "libvirt-2-format", "drv", "qcow2", "file", overlay),
                Map.of("node-name", "libvirt-2-storage", "drv", "file", "file", overlay),
                Map.of("node-name", "libvirt-1-format", "drv", "qcow2", "file", base),
                Map.of("node-name", "libvirt-1-storage", "drv", "file", "file", base));
        qmp.on("query-block", ok(List.of(Map.of("device", "", "qdev", "vda",
                        "inserted", Map.of("image", Map.of("filename", base))))))
                .on("query-named-block-nodes", args -> ok(nodes.stream()
                        .filter(n -> n != commitTop || filter.get())
                        .filter(n -> !closed.contains(String.valueOf(n.get("node-name")))).toList()))
                .on("job-dismiss", ok(Map.of()))
                .on("blockdev-del", args -> {
                    if (!closes) {
                        return fail("Node " + args.get("node-name") + " is in use");
                    }
                    closed.add(String.valueOf(args.get("node-name")));
                    return ok(Map.of());
                });
    }

    private String liveSource() {
        synchronized (d) {
            return d.liveDef.disks().stream().filter(x -> "vda".equals(x.diskTarget())).findFirst()
                    .map(DeviceDef::sourcePath).orElse(null);
        }
    }

    private boolean parentMarked() {
        synchronized (d) {
            return d.snapshots.find("s0").def.disks().get(0).deleteInProgress();
        }
    }

    /** The state a finished commit leaves: QEMU, the files and the marks all without the overlay. */
    private void assertCommittedAway() throws Exception {
        assertEquals(base, liveSource());
        assertFalse(Files.exists(Path.of(overlay)), "the overlay file is removed");
        String config = Files.readString(paths.configFile("resume"));
        assertFalse(config.contains("ov.qcow2"), config);
        assertTrue(config.contains(base), config);
        String status = Files.readString(paths.statusFile("resume"));
        assertFalse(status.contains("<source file='" + overlay + "'"), status); // the record still names it
        assertTrue(status.contains("state='concluded'"), status);
        assertFalse(parentMarked(), "the parent's in-progress mark is cleared");
        assertTrue(metadataWrites.contains("s0"), metadataWrites.toString());
        assertFalse(life.blockJobs.hasActive(d));
        assertEquals(0, qmp.count("block-job-cancel"), qmp.commands.toString());
    }

    /** Killed after job-complete went out, before job-dismiss: QEMU concluded the job without error. */
    @Test
    void aJobQemuConcludedWithoutErrorIsCommittedNotFailed() throws Exception {
        qmp.on("query-jobs", ok(List.of(job("concluded", null))));
        afterTheCommit();

        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);

        assertCommittedAway();
        assertEquals(1, qmp.count("job-dismiss"), qmp.commands.toString());
        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-format\"}"), qmp.commands.toString());
    }

    /** A job QEMU concluded with an error failed: dismissed, nothing committed away, the delete fails. */
    @Test
    void aJobQemuConcludedWithAnErrorFailsTheDelete() {
        qmp.on("query-jobs", ok(List.of(job("concluded", "Input/output error"))));
        qmp.on("query-block", ok(List.of(Map.of("device", "", "qdev", "vda", "inserted",
                Map.of("image", Map.of("filename", overlay, "backing-image", Map.of("filename", base)))))));
        qmp.on("job-dismiss", ok(Map.of()));

        VirException e = assertThrows(VirException.class,
                () -> new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add));

        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertEquals(1, qmp.count("job-dismiss"), qmp.commands.toString());
        assertEquals(overlay, liveSource());
        assertTrue(Files.exists(Path.of(overlay)));
        assertFalse(life.blockJobs.hasActive(d));
        synchronized (d) {
            assertTrue(d.blockCommits.isEmpty());
        }
    }

    /**
     * Concluded without error but the guest still on the overlay: an active commit cancelled
     * once ready (a delete failing, killed before it forgot its record) does not pivot. The
     * overlay must stay, in the chains and on disk.
     */
    @Test
    void aJobConcludedWithoutPivotLeavesTheOverlay() {
        qmp.on("query-jobs", ok(List.of(job("concluded", null))));
        qmp.on("query-block", ok(List.of(Map.of("device", "", "qdev", "vda", "inserted",
                Map.of("image", Map.of("filename", overlay, "backing-image", Map.of("filename", base)))))));
        qmp.on("job-dismiss", ok(Map.of()));

        VirException e = assertThrows(VirException.class,
                () -> new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add));

        assertTrue(e.getMessage().contains("job was cancelled"), e.getMessage());
        assertEquals(overlay, liveSource());
        assertTrue(Files.exists(Path.of(overlay)));
        assertFalse(Files.exists(paths.configFile("resume")), "the config is not rewritten");
        assertFalse(life.blockJobs.hasActive(d));
    }

    /** Killed while the active commit waited ready: job-complete, its events, then the same end. */
    @Test
    void aJobFoundReadyIsCompleted() throws Exception {
        AtomicReference<String> status = new AtomicReference<>("ready");
        qmp.on("query-jobs", args -> ok(List.of(job(status.get(), null))));
        afterTheCommit();
        qmp.on("job-complete", args -> {
            status.set("concluded");
            return okAfter(Map.of(), List.of(jobStatus(JOB, "waiting"), jobStatus(JOB, "pending"),
                    jobStatus(JOB, "concluded")));
        });

        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);

        assertCommittedAway();
        assertEquals(1, qmp.count("job-complete"), qmp.commands.toString());
        assertEquals(1, qmp.count("job-dismiss"), qmp.commands.toString());
    }

    /**
     * A job found ready after the restart: the node names are read while the commit's filter
     * node (commit_top, listed first, with the overlay's file name) is still there; the nodes
     * closed once it is over must be the overlay's own (libvirt-2-*), and its file then goes.
     * Before, the filter's name was taken, no blockdev-del went out, and the file was removed
     * under QEMU's open nodes.
     */
    @Test
    void aJobFoundReadyHasTheOverlaysOwnNodesClosedNotTheCommitFilters() throws Exception {
        AtomicReference<String> status = new AtomicReference<>("ready");
        AtomicReference<Boolean> filter = new AtomicReference<>(true);
        qmp.on("query-jobs", args -> ok(List.of(job(status.get(), null))));
        afterTheCommit(true, filter);
        qmp.on("job-complete", args -> {
            status.set("concluded");
            filter.set(false);
            return okAfter(Map.of(), List.of(jobStatus(JOB, "waiting"), jobStatus(JOB, "pending"),
                    jobStatus(JOB, "concluded")));
        });

        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);

        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-format\"}"), qmp.commands.toString());
        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-storage\"}"), qmp.commands.toString());
        assertCommittedAway();
    }

    /** Killed after the record said done, before the overlay file went and the mark was cleared. */
    @Test
    void aDoneRecordsOverlayFileAndMarkAreCleanedUp() throws Exception {
        qmp.on("query-jobs", ok(List.of()));
        afterTheCommit();
        synchronized (d) { // the chains already without the overlay, as the done record's status file has them
            DeviceDef disk = d.liveDef.disks().get(0);
            disk.node().child("source").attr("file", base);
            disk.node().remove("backingStore");
        }
        Files.writeString(paths.configFile("resume"), "<domain/>"); // written before the record said done

        new QemuSnapshotCommit(life).resume(d, recorded(true), metadataWrites::add);

        assertFalse(Files.exists(Path.of(overlay)), "the overlay file is removed");
        assertFalse(parentMarked(), "the parent's in-progress mark is cleared");
        assertTrue(metadataWrites.contains("s0"), metadataWrites.toString());
        assertEquals("<domain/>", Files.readString(paths.configFile("resume")), "the config is not written again");
        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-format\"}"), qmp.commands.toString());
    }

    /**
     * The config is written before anything says the chain lost the overlay: when it cannot be
     * written the live chain (and so the status file) still names the overlay, and the record
     * is not marked done; before, the status file said done first and a kill left the config
     * naming the overlay for good.
     */
    @Test
    void theConfigIsWrittenBeforeTheChainDropsTheOverlay() throws Exception {
        qmp.on("query-jobs", ok(List.of(job("concluded", null))));
        afterTheCommit();
        Files.createDirectories(paths.configFile("resume").resolve("in-the-way")); // the rename onto it fails
        List<BlockCommitRecord> records = recorded(false);

        assertThrows(VirException.class, () -> new QemuSnapshotCommit(life).resume(d, records, metadataWrites::add));

        assertEquals(overlay, liveSource());
        assertTrue(Files.exists(Path.of(overlay)));
        assertTrue(parentMarked(), "a failed delete leaves the mark, as libvirt does");
    }

    /** The record of the delete cannot be written: the delete fails before QEMU gets any job. */
    @Test
    void aRecordThatCannotBeWrittenFailsTheDeleteBeforeAnyBlockCommit() throws Exception {
        qmp.on("query-named-block-nodes", ok(List.of(
                Map.of("node-name", "libvirt-2-format", "drv", "qcow2", "file", overlay),
                Map.of("node-name", "libvirt-1-format", "drv", "qcow2", "file", base))));
        qmp.on("block-commit", ok(Map.of()));
        Files.createDirectories(paths.statusFile("resume").resolve("in-the-way")); // the rename onto it fails

        VirException e = assertThrows(VirException.class, () -> new QemuSnapshotCommit(life).commit(d, "s1",
                List.of(new QemuSnapshotCommit.Item("vda", overlay, base, "s0")), false, metadataWrites::add));

        assertTrue(e.getMessage().startsWith("cannot save file '" + paths.statusFile("resume") + "': "),
                e.getMessage());
        assertEquals(0, qmp.count("block-commit"), qmp.commands.toString());
        assertFalse(parentMarked());
        assertFalse(life.blockJobs.hasActive(d));
        synchronized (d) {
            assertTrue(d.blockCommits.isEmpty());
        }
    }

    /**
     * A resume that fails before any job is started (here QEMU's block graph cannot be read)
     * leaves no job expected: else hasActive would refuse every later external snapshot
     * delete of the domain until the next restart.
     */
    @Test
    void aFailedResumeLeavesNoJobExpected() {
        qmp.on("query-jobs", ok(List.of()));
        qmp.on("query-block", fail("cannot read the block graph"));

        VirException e = assertThrows(VirException.class,
                () -> new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add));

        assertTrue(e.getMessage().contains("cannot read the block graph"), e.getMessage());
        assertFalse(life.blockJobs.hasActive(d));
        synchronized (d) {
            assertTrue(d.blockCommits.isEmpty());
        }
    }

    /**
     * A done record found after a restart whose overlay QEMU still has nodes on (their
     * blockdev-del fails): the file stays, as it would under an open node. On the code before,
     * query-block alone decided, which shows only what the drives read, and the file went.
     */
    @Test
    void aDoneRecordsOverlayStaysWhileQemuStillHasANodeOnIt() throws Exception {
        qmp.on("query-jobs", ok(List.of()));
        afterTheCommit(false);
        synchronized (d) { // the chains already without the overlay, as the done record's status file has them
            DeviceDef disk = d.liveDef.disks().get(0);
            disk.node().child("source").attr("file", base);
            disk.node().remove("backingStore");
        }

        new QemuSnapshotCommit(life).resume(d, recorded(true), metadataWrites::add);

        assertTrue(Files.exists(Path.of(overlay)), "the overlay file QEMU still has open is kept");
        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-format\"}"), qmp.commands.toString());
    }

    /**
     * A commit that ended while the daemon was away, its status file already written with the
     * chains without the overlay but the record not done yet: QEMU's nodes of the overlay are
     * closed and the file removed. On the code before, the nodes stayed open, so the overlay
     * file was kept for good.
     */
    @Test
    void aCommitEndedAwayWithTheChainsUpdatedHasTheOverlaysNodesClosedAndItsFileRemoved() throws Exception {
        qmp.on("query-jobs", ok(List.of()));
        afterTheCommit(true);
        synchronized (d) {
            DeviceDef disk = d.liveDef.disks().get(0);
            disk.node().child("source").attr("file", base);
            disk.node().remove("backingStore");
        }

        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);

        assertTrue(qmp.commands.contains("blockdev-del {\"node-name\":\"libvirt-2-format\"}"), qmp.commands.toString());
        assertFalse(Files.exists(Path.of(overlay)), "the overlay file is removed");
        String status = Files.readString(paths.statusFile("resume"));
        assertTrue(status.contains("state='concluded'"), status);
    }

    /**
     * A commit QEMU concluded while the daemon was away is brought in line (chains, config),
     * but its overlay's file is kept while QEMU cannot close the nodes on it.
     */
    @Test
    void aConcludedCommitsOverlayStaysWhileQemuStillHasANodeOnIt() throws Exception {
        qmp.on("query-jobs", ok(List.of(job("concluded", null))));
        afterTheCommit(false);

        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);

        assertEquals(base, liveSource());
        String config = Files.readString(paths.configFile("resume"));
        assertFalse(config.contains("ov.qcow2"), config);
        assertTrue(Files.exists(Path.of(overlay)), "the overlay file QEMU still has open is kept");
    }

    /**
     * A define (no job, as libvirt's) that comes while the commit brings the config in line
     * waits for it and then wins, in memory and in the file alike (libvirt: the later writer
     * of vm->newDef under the domain lock). The order is made certain with the lock's queue:
     * the test holds it, the commit queues first, the define second. Before, the commit
     * wrote its config over the define's file while memory kept the define's definition.
     */
    @Test
    void aDefineDuringTheCommitsConfigUpdateWinsInMemoryAndFile() throws Exception {
        TestGuests.qemu(); // define asks the emulator for its capabilities
        String defined = configXml.replace("16</memory>", "32</memory>");
        inOrder(() -> resume(), () -> life.define(defined, false));

        String file = Files.readString(paths.configFile("resume"));
        assertTrue(file.contains("<memory unit='KiB'>32768</memory>"), file);
        assertTrue(file.contains(overlay), "the define's own disk, as it gave it: " + file);
        assertEquals(file, inMemory());
    }

    /**
     * A define just before the commit's config update: the commit updates the new definition
     * (its disk names the same top as the guest's), in memory and file alike.
     */
    @Test
    void aDefineBeforeTheCommitsConfigUpdateIsUpdatedByIt() throws Exception {
        TestGuests.qemu(); // define asks the emulator for its capabilities
        String defined = configXml.replace("16</memory>", "32</memory>");
        inOrder(() -> life.define(defined, false), () -> resume());

        String file = Files.readString(paths.configFile("resume"));
        assertTrue(file.contains("<memory unit='KiB'>32768</memory>"), file);
        assertFalse(file.contains(overlay), file);
        assertTrue(file.contains(base), file);
        assertEquals(file, inMemory());
    }

    private void resume() {
        new QemuSnapshotCommit(life).resume(d, recorded(false), metadataWrites::add);
    }

    private String inMemory() {
        synchronized (d) {
            return d.persistentDef.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE);
        }
    }

    /**
     * Runs {@code first} and {@code second} so that both wait for the domain's config lock,
     * queued in that order ({@link LockQueue}), after QEMU's answers for a resumed commit.
     */
    private void inOrder(Runnable first, Runnable second) throws Exception {
        qmp.on("query-jobs", ok(List.of(job("concluded", null))));
        afterTheCommit();
        LockQueue.inOrder(d.configWrite, first, second);
    }
}
