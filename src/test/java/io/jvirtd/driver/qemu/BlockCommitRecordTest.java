package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.domain.DomainState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot delete under way in the status file (libvirt's {@code <blockjobs>} shape) reads
 * back as it was written; QEMU's block graph answer lists the images its drives read.
 */
class BlockCommitRecordTest {

    private static final String DOMAIN = "<domain type='qemu' id='3'><name>rec</name>"
            + "<uuid>6d5a9a7c-0b3e-4a43-8f38-2f4d3c1d2e10</uuid><memory unit='MiB'>16</memory>"
            + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices/></domain>";

    @Test
    void theRecordSurvivesTheStatusFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rec.xml");
        List<BlockCommitRecord> commits = List.of(
                new BlockCommitRecord("commit-vda-libvirt-2-format", "vda", "/i/o'1.qcow2", "/i/base.qcow2", true,
                        "e1", null, false, false),
                new BlockCommitRecord("commit-vdb-libvirt-5-format", "vdb", "/i/b1.qcow2", "/i/b0.qcow2", false,
                        "e1", "e0", true, true));
        StatusFile.write(f, DomainState.RUNNING, 1, 4242, 0, dir.resolve("monitor.sock"), 6, commits, List.of(), false, false,
                QemuLifecycle.parse(DOMAIN));
        String text = Files.readString(f);
        assertTrue(text.contains("<blockjobs active='yes'>"), text);
        assertTrue(text.contains("<blockjob name='commit-vda-libvirt-2-format' type='active-commit' state='running'>"),
                text);
        StatusFile.Status s = StatusFile.read(f);
        assertEquals(commits, s.commits());
        assertEquals(6, s.nodeIndex());

        StatusFile.write(f, DomainState.RUNNING, 1, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(), List.of(), false, false,
                QemuLifecycle.parse(DOMAIN));
        assertFalse(Files.readString(f).contains("blockjobs"));
        assertEquals(List.of(), StatusFile.read(f).commits());
    }

    /** A QEMU started only for a snapshot delete says so from its first status file on: a restart stops it. */
    @Test
    void aQemuStartedForASnapshotDeleteIsMarked(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rec.xml");
        StatusFile.write(f, DomainState.PAUSED, 1, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(), List.of(), true, false,
                QemuLifecycle.parse(DOMAIN));
        assertTrue(Files.readString(f).contains("<snapshotDelete stopQemu='yes'/>"), Files.readString(f));
        assertTrue(StatusFile.read(f).forSnapshotDelete());

        StatusFile.write(f, DomainState.PAUSED, 1, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(), List.of(), false, false,
                QemuLifecycle.parse(DOMAIN));
        assertFalse(Files.readString(f).contains("snapshotDelete"));
        assertFalse(StatusFile.read(f).forSnapshotDelete());
    }

    /** A save under way is on record (libvirt's async job in its status file): a restart cancels it. */
    @Test
    void aSaveUnderWayIsMarked(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rec.xml");
        StatusFile.write(f, DomainState.PAUSED, 3, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(), List.of(), false, true,
                QemuLifecycle.parse(DOMAIN));
        String text = Files.readString(f);
        assertTrue(text.contains("<domstatus state='paused' reason='save' pid='4242'>"), text);
        assertTrue(text.contains("<job type='none' async='save'/>"), text);
        assertTrue(StatusFile.read(f).saveJob());

        StatusFile.write(f, DomainState.PAUSED, 3, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(), List.of(), false, false,
                QemuLifecycle.parse(DOMAIN));
        assertFalse(Files.readString(f).contains("<job"));
        assertFalse(StatusFile.read(f).saveJob());
    }

    /** A {@code <blockjob>} that is not a delete's record (another daemon's, a hand edit) is skipped, not fatal. */
    @Test
    void aForeignBlockJobDoesNotFailTheStatusFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rec.xml");
        BlockCommitRecord ours = new BlockCommitRecord("commit-vda-libvirt-2-format", "vda", "/i/o.qcow2",
                "/i/base.qcow2", true, "e1", null, false, false);
        StatusFile.write(f, DomainState.RUNNING, 1, 4242, 0, dir.resolve("monitor.sock"), 6, List.of(ours), List.of(), false,
                false, QemuLifecycle.parse(DOMAIN));
        String text = Files.readString(f).replace("<blockjobs active='yes'>\n", "<blockjobs active='yes'>\n"
                + "    <blockjob name='pull-vdb-libvirt-7-format' type='pull' state='running'>\n"
                + "      <disk dst='vdb' mirror='no'/>\n    </blockjob>\n    <blockjob name='odd'/>\n");
        assertTrue(text.contains("type='pull'"), text);
        Files.writeString(f, text);

        StatusFile.Status s = StatusFile.read(f);

        assertEquals(List.of(ours), s.commits());
        assertEquals(4242, s.pid());
        assertEquals("rec", s.liveDef().name());
    }

    @Test
    void theImagesInUseAreEveryDrivesChain() {
        Object queryBlock = List.of(
                Map.of("device", "", "qdev", "vda", "inserted", Map.of("image", Map.of("filename", "/i/top.qcow2",
                        "backing-image", Map.of("filename", "/i/mid.qcow2", "backing-image",
                                Map.of("filename", "/i/base.qcow2"))))),
                Map.of("device", "", "qdev", "ide0-1-0")); // an empty cdrom drive
        assertEquals(Set.of("/i/top.qcow2", "/i/mid.qcow2", "/i/base.qcow2"), QemuBlockGraph.imagesOf(queryBlock));
    }
}
