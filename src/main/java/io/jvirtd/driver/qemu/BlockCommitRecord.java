package io.jvirtd.driver.qemu;

import org.w3c.dom.Element;

/**
 * One block-commit of an external snapshot's delete, as the status file keeps it while the
 * delete runs, so that a daemon restarted in the middle finishes it (libvirt keeps its block
 * jobs in the status XML the same way: {@code <blockjobs active='yes'>} with one
 * {@code <blockjob name= type= state=>} each, its disk and its chain, and re-reads QEMU's jobs
 * on reconnect). Written before the job starts; {@code done} once its disk's chain dropped the
 * overlay; the whole list goes once the snapshot's metadata is gone.
 *
 * @param job        QEMU's job id (libvirt's commit-DST-NODE)
 * @param dst        the disk's target
 * @param top        the overlay's path, committed and removed
 * @param base       the image below it, which takes its data
 * @param active     an active-layer commit (the overlay is the disk's top image)
 * @param snapshot   the snapshot being deleted
 * @param parentSnap the nearest ancestor snapshot of the disk (its in-progress mark), or null
 * @param stopQemu   QEMU was started paused just for the delete and stops after it
 * @param done       the commit finished and the chains say so
 */
record BlockCommitRecord(String job, String dst, String top, String base, boolean active, String snapshot,
                         String parentSnap, boolean stopQemu, boolean done) {

    BlockCommitRecord finished() {
        return new BlockCommitRecord(job, dst, top, base, active, snapshot, parentSnap, stopQemu, true);
    }

    QemuSnapshotCommit.Item item() {
        return new QemuSnapshotCommit.Item(dst, top, base, parentSnap);
    }

    /** {@code <blockjob>} in libvirt's shape, with what finishing the snapshot delete needs. */
    void formatInto(StringBuilder b, String indent) {
        b.append(indent).append("<blockjob name='").append(QemuDomainXml.attr(job)).append("' type='")
                .append(active ? "active-commit" : "commit").append("' state='").append(done ? "concluded" : "running")
                .append("'>\n");
        b.append(indent).append("  <disk dst='").append(QemuDomainXml.attr(dst)).append("'/>\n");
        b.append(indent).append("  <commit top='").append(QemuDomainXml.attr(top)).append("' base='")
                .append(QemuDomainXml.attr(base)).append("' deleteCommittedImages='yes'/>\n");
        b.append(indent).append("  <snapshot name='").append(QemuDomainXml.attr(snapshot)).append('\'');
        if (parentSnap != null) {
            b.append(" parent='").append(QemuDomainXml.attr(parentSnap)).append('\'');
        }
        if (stopQemu) {
            b.append(" stopQemu='yes'");
        }
        b.append("/>\n");
        b.append(indent).append("</blockjob>\n");
    }

    static BlockCommitRecord parse(Element e) {
        Element disk = child(e, "disk");
        Element commit = child(e, "commit");
        Element snap = child(e, "snapshot");
        if (disk == null || commit == null || snap == null) {
            throw new IllegalArgumentException("<blockjob name='" + e.getAttribute("name") + "'> is incomplete");
        }
        String parent = snap.getAttribute("parent");
        return new BlockCommitRecord(e.getAttribute("name"), disk.getAttribute("dst"), commit.getAttribute("top"),
                commit.getAttribute("base"), "active-commit".equals(e.getAttribute("type")), snap.getAttribute("name"),
                parent.isEmpty() ? null : parent, "yes".equals(snap.getAttribute("stopQemu")),
                "concluded".equals(e.getAttribute("state")));
    }

    private static Element child(Element e, String name) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && name.equals(c.getLocalName() != null ? c.getLocalName() : c.getTagName())) {
                return c;
            }
        }
        return null;
    }
}
