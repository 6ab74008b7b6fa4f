package io.jvirtd.driver.qemu;

import org.w3c.dom.Element;

/**
 * A block job a client started on a disk (virDomainBlockCommit ...), as libvirt's
 * qemuBlockJobData keeps it: QEMU's job id, the disk, the job type (virDomainBlockJobType),
 * libvirt's job state ({@code running}, {@code ready}, {@code pivoting}, {@code aborting}), the
 * images it works on and whether the committed ones are deleted after. Kept in the status file
 * ({@code <blockjob>} without the {@code <snapshot>} of a {@link BlockCommitRecord}) so a
 * restarted daemon finds the job again and finishes it ({@link QemuDiskJobs#recover}).
 * Immutable; a change replaces it in {@link QemuDomain#diskJobs}.
 *
 * @param sync an API call that holds the domain's job waits for the job's end and finishes it
 *             itself (libvirt's qemuBlockJobSyncBegin); not kept in the status file
 */
record DiskJob(String name, String dst, int type, String state, String top, String base, boolean delete,
               boolean sync) {

    static final int TYPE_PULL = 1;
    static final int TYPE_COPY = 2;
    static final int TYPE_COMMIT = 3;
    static final int TYPE_ACTIVE_COMMIT = 4;

    DiskJob withState(String s, boolean nowSync) {
        return new DiskJob(name, dst, type, s, top, base, delete, nowSync);
    }

    private static final java.util.List<String> TYPES = java.util.List.of("", "pull", "copy", "commit",
            "active-commit");

    void formatInto(StringBuilder b, String indent) {
        b.append(indent).append("<blockjob name='").append(QemuDomainXml.attr(name)).append("' type='")
                .append(TYPES.get(type)).append("' state='").append(state).append("'>\n");
        b.append(indent).append("  <disk dst='").append(QemuDomainXml.attr(dst)).append("'/>\n");
        b.append(indent).append("  <commit top='").append(QemuDomainXml.attr(top)).append("' base='")
                .append(QemuDomainXml.attr(base)).append('\'');
        if (delete) {
            b.append(" deleteCommittedImages='yes'");
        }
        b.append("/>\n");
        b.append(indent).append("</blockjob>\n");
    }

    /** Whether {@code e} is a client's job (no {@code <snapshot>}: not a snapshot delete's commit). */
    static boolean isDiskJob(Element e) {
        return e.getElementsByTagName("snapshot").getLength() == 0;
    }

    static DiskJob parse(Element e) {
        Element disk = (Element) e.getElementsByTagName("disk").item(0);
        Element commit = (Element) e.getElementsByTagName("commit").item(0);
        int type = TYPES.indexOf(e.getAttribute("type"));
        if (disk == null || commit == null || type <= 0) {
            throw new IllegalArgumentException("<blockjob name='" + e.getAttribute("name") + "'> is incomplete");
        }
        return new DiskJob(e.getAttribute("name"), disk.getAttribute("dst"), type, e.getAttribute("state"),
                commit.getAttribute("top"), commit.getAttribute("base"),
                "yes".equals(commit.getAttribute("deleteCommittedImages")), false);
    }
}
