package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.AtomicFiles;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainState;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A running domain's status file, what a restarted daemon reattaches from (libvirt's
 * /run/libvirt/qemu/NAME.xml): {@code <domstatus state= reason= pid=>} with the run's taint
 * flags ({@code <taint flag='custom-monitor'/>}, as virDomainObjFormat writes them), the monitor
 * socket, the blockdev node counter ({@code <nodename index='N'/>}, as libvirt's private status
 * data), whether QEMU runs only for a snapshot delete ({@code <snapshotDelete stopQemu='yes'/>}),
 * the block commits of a snapshot delete under way and the block jobs clients started ({@code <blockjobs>},
 * {@link BlockCommitRecord}, {@link DiskJob}) and the live domain XML. Written atomically (not forced to disk) after every state change of
 * a running domain.
 * Stateless; worker threads (file I/O).
 */
final class StatusFile {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");

    private static final List<String> STATES = List.of("nostate", "running", "blocked", "paused",
            "shutdown", "shutoff", "crashed", "pmsuspended");
    private static final List<String> RUNNING_REASONS = List.of("unknown", "booted", "migrated", "restored",
            "from snapshot", "unpaused", "migration canceled", "save canceled", "wakeup", "crashed",
            "post-copy", "post-copy failed");
    private static final List<String> PAUSED_REASONS = List.of("unknown", "user", "migration", "save", "dump",
            "ioerror", "watchdog", "from snapshot", "shutdown", "snapshot", "panicked", "starting up",
            "post-copy", "post-copy failed");
    private static final List<String> SHUTDOWN_REASONS = List.of("unknown", "user");

    /**
     * What reattach needs from a status file. {@code saveJob}: a save (libvirt's async job
     * VIR_ASYNC_JOB_SAVE) was under way, which a restart cancels (QemuLifecycle.recoverSave).
     */
    record Status(DomainState state, int reason, long pid, int taint, Path monitor, int nodeIndex,
                  List<BlockCommitRecord> commits, List<DiskJob> diskJobs, boolean forSnapshotDelete, boolean saveJob,
                  DomainDef liveDef) {
    }

    private StatusFile() {
    }

    static void write(Path file, DomainState state, int reason, long pid, int taint, Path monitor, int nodeIndex,
                      List<BlockCommitRecord> commits, java.util.Collection<DiskJob> diskJobs, boolean forSnapshotDelete,
                      boolean saveJob, DomainDef live)
            throws IOException {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!--\nWARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n")
                .append("OVERWRITTEN AND LOST. It is jvirtd's record of a running domain.\n-->\n\n");
        b.append("<domstatus state='").append(STATES.get(state.number())).append("' reason='")
                .append(QemuDomainXml.attr(reasonName(state, reason))).append("' pid='").append(pid).append("'>\n");
        for (int bit = 0; bit < Taints.NAMES.size(); bit++) {
            if ((taint & (1 << bit)) != 0) {
                b.append("  <taint flag='").append(Taints.NAMES.get(bit)).append("'/>\n");
            }
        }
        b.append("  <monitor path='").append(QemuDomainXml.attr(monitor.toString())).append("' type='unix'/>\n");
        b.append("  <nodename index='").append(nodeIndex).append("'/>\n");
        if (forSnapshotDelete) {
            b.append("  <snapshotDelete stopQemu='yes'/>\n");
        }
        if (saveJob) { // as libvirt's <job type='none' async='save'/> of an async job under way
            b.append("  <job type='none' async='save'/>\n");
        }
        if (!commits.isEmpty() || !diskJobs.isEmpty()) {
            b.append("  <blockjobs active='yes'>\n");
            for (BlockCommitRecord c : commits) {
                c.formatInto(b, "    ");
            }
            for (DiskJob j : diskJobs) {
                j.formatInto(b, "    ");
            }
            b.append("  </blockjobs>\n");
        }
        for (String line : live.format(DomainDef.XML_SECURE).split("\n")) {
            b.append("  ").append(line).append('\n');
        }
        b.append("</domstatus>\n");
        // Atomic but not forced to disk: it must survive a daemon crash (the rename does that),
        // not a power loss, after which no guest runs. An fsync here would cost every start
        // and every state change a disk flush, on the one qemu-event thread.
        AtomicFiles.write(file, b.toString(), false);
    }

    static Status read(Path file) {
        Element root = VirXml.parseFile(file, file.toString(), "domstatus", VirErrorDomain.QEMU).getDocumentElement();
        DomainState state = DomainState.byNumber(Math.max(0, STATES.indexOf(root.getAttribute("state"))));
        int reason = reasonNumber(state, root.getAttribute("reason"));
        long pid = Long.parseLong(root.getAttribute("pid"));
        int taint = 0;
        Path monitor = null;
        int nodeIndex = 0; // a file written before the counter was kept: the live XML's numbers rule
        List<BlockCommitRecord> commits = new java.util.ArrayList<>();
        List<DiskJob> diskJobs = new java.util.ArrayList<>();
        boolean forSnapshotDelete = false;
        boolean saveJob = false;
        DomainDef def = null;
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                switch (VirXml.localName(e)) {
                    case "taint" -> taint |= taintBit(e.getAttribute("flag"));
                    case "monitor" -> monitor = Path.of(e.getAttribute("path"));
                    case "nodename" -> nodeIndex = Integer.parseInt(e.getAttribute("index"));
                    case "snapshotDelete" -> forSnapshotDelete = "yes".equals(e.getAttribute("stopQemu"));
                    case "job" -> saveJob = "save".equals(e.getAttribute("async"));
                    case "blockjobs" -> {
                        for (Node j = e.getFirstChild(); j != null; j = j.getNextSibling()) {
                            if (j instanceof Element je && "blockjob".equals(VirXml.localName(je))) {
                                commitRecord(file, je, commits, diskJobs);
                            }
                        }
                    }
                    case "domain" -> def = DomainDef.fromElement(e, DomainDef.PARSE_STATUS, QemuXmlOptions.OPTIONS);
                    default -> { }
                }
            }
        }
        if (monitor == null || def == null) {
            throw new IllegalArgumentException("status file " + file + " lacks <monitor> or <domain>");
        }
        return new Status(state, reason, pid, taint, monitor, nodeIndex, List.copyOf(commits), List.copyOf(diskJobs),
                forSnapshotDelete, saveJob, def);
    }

    /**
     * One {@code <blockjob>} into {@code commits}; one that is not a snapshot delete's record
     * (another daemon's job, a hand edit) is logged and skipped: the guest is reattached all
     * the same, never left unmanaged because of it.
     */
    private static void commitRecord(Path file, Element job, List<BlockCommitRecord> commits, List<DiskJob> diskJobs) {
        try {
            if (DiskJob.isDiskJob(job)) {
                diskJobs.add(DiskJob.parse(job));
                return;
            }
            commits.add(BlockCommitRecord.parse(job));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "status file {0}: skipping block job: {1}", file, e.getMessage());
        }
    }

    /** A taint flag's bit; an unknown name (a newer daemon's) counts for nothing rather than failing the reattach. */
    private static int taintBit(String name) {
        int bit = Taints.NAMES.indexOf(name);
        return bit < 0 ? 0 : 1 << bit;
    }

    private static List<String> reasons(DomainState s) {
        return switch (s) {
            case RUNNING -> RUNNING_REASONS;
            case PAUSED -> PAUSED_REASONS;
            case SHUTDOWN -> SHUTDOWN_REASONS;
            default -> List.of("unknown");
        };
    }

    private static String reasonName(DomainState s, int reason) {
        List<String> r = reasons(s);
        return reason >= 0 && reason < r.size() ? r.get(reason) : "unknown";
    }

    private static int reasonNumber(DomainState s, String name) {
        return Math.max(0, reasons(s).indexOf(name));
    }
}
