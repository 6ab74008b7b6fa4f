package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainBlockJobInfo;
import io.jvirtd.model.domain.DomainState;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the client block jobs that need no QEMU: libvirt's translation of QEMU's job
 * progress (qemuBlockJobInfoTranslate), its chain lookup with its errors
 * (virStorageSourceChainLookup), and a job's record in the status file beside a snapshot
 * delete's.
 */
class QemuDiskJobsTest {

    private static final String DOMAIN = "<domain type='qemu' id='3'><name>bj</name>"
            + "<uuid>6d5a9a7c-0b3e-4a43-8f38-2f4d3c1d2e11</uuid><memory unit='MiB'>16</memory>"
            + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
            + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/s2.qcow2' index='3'/>"
            + "<backingStore type='file' index='2'><format type='qcow2'/><source file='/i/s1.qcow2'/>"
            + "<backingStore type='file' index='1'><format type='qcow2'/><source file='/i/disk.qcow2'/><backingStore/>"
            + "</backingStore></backingStore><target dev='vda' bus='virtio'/></disk></devices></domain>";

    private static Map<String, Object> raw(long offset, long len, Boolean ready, long speed) {
        Map<String, Object> m = new HashMap<>(Map.of("device", "commit-vda-libvirt-3-format", "offset", offset,
                "len", len, "speed", speed));
        if (ready != null) {
            m.put("ready", ready);
        }
        return m;
    }

    @Test
    void progressIsTranslatedAsLibvirtDoes() {
        // an active commit at its end but not ready yet is not reported at 100 %
        assertEquals(new DomainBlockJobInfo(4, 0, 99, 100), QemuDiskJobs.translate(4, raw(100, 100, false, 0), false));
        assertEquals(new DomainBlockJobInfo(4, 0, 100, 100), QemuDiskJobs.translate(4, raw(100, 100, true, 0), false));
        // nothing to copy: 0 of 1, or 1 of 1 once ready
        assertEquals(new DomainBlockJobInfo(4, 0, 0, 1), QemuDiskJobs.translate(4, raw(0, 0, false, 0), false));
        assertEquals(new DomainBlockJobInfo(4, 0, 1, 1), QemuDiskJobs.translate(4, raw(0, 0, true, 0), false));
        // bandwidth in MiB/s rounded up, or bytes/s
        assertEquals(10, QemuDiskJobs.translate(3, raw(5, 9, null, 10L << 20), false).bandwidth());
        assertEquals(2, QemuDiskJobs.translate(3, raw(5, 9, null, (1L << 20) + 1), false).bandwidth());
        assertEquals(10L << 20, QemuDiskJobs.translate(3, raw(5, 9, null, 10L << 20), true).bandwidth());
        // QEMU has it no more, its end not yet handled
        assertEquals(new DomainBlockJobInfo(3, 0, 0, 1), QemuDiskJobs.translate(3, null, false));
    }

    @Test
    void chainLookupFindsLayersAndFailsWithLibvirtsErrors() {
        DeviceDef disk = QemuLifecycle.parse(DOMAIN).disks().get(0);
        List<XmlNode> chain = QemuSnapshotCommit.layers(disk.node());
        assertEquals(3, chain.size());
        assertEquals(1, QemuDiskJobs.lookup(chain, -1, "/i/s1.qcow2", "vda"));
        assertEquals(2, QemuDiskJobs.lookup(chain, 0, null, "vda")); // no name: the bottom
        assertEquals(2, QemuDiskJobs.lookup(chain, 1, "vda[1]", "vda"));
        assertEquals(0, QemuDiskJobs.lookup(chain, -1, "vda[3]", "vda"));
        assertEquals("could not find image '/i/no.qcow2' in chain for 'vda'",
                message(() -> QemuDiskJobs.lookup(chain, -1, "/i/no.qcow2", "vda")));
        assertEquals("could not find image '/i/s2.qcow2' beneath '/i/s1.qcow2' in chain for 'vda'",
                message(() -> QemuDiskJobs.lookup(chain, 1, "/i/s2.qcow2", "vda")));
        assertEquals("could not find base image in chain for 'vda'",
                message(() -> QemuDiskJobs.lookup(chain, 2, null, "vda")));
        assertEquals("could not find backing store index '7' in chain for 'vda'",
                message(() -> QemuDiskJobs.lookup(chain, -1, "vda[7]", "vda")));
        assertEquals("requested target 'vdb' does not match target 'vda'",
                message(() -> QemuDiskJobs.lookup(chain, -1, "vdb[1]", "vda")));
    }

    private static String message(Runnable r) {
        return assertThrows(VirException.class, r::run).getMessage().replaceFirst("^invalid argument: ", "");
    }

    @Test
    void aJobSurvivesTheStatusFileBesideASnapshotDeletesCommit(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bj.xml");
        DiskJob job = new DiskJob("commit-vda-libvirt-3-format", "vda", DiskJob.TYPE_ACTIVE_COMMIT, "ready",
                "/i/s2.qcow2", "/i/disk.qcow2", true, false);
        List<BlockCommitRecord> commits = List.of(new BlockCommitRecord("commit-vdb-libvirt-5-format", "vdb",
                "/i/b1.qcow2", "/i/b0.qcow2", false, "e1", null, false, false));
        StatusFile.write(f, DomainState.RUNNING, 1, 4242, 0, dir.resolve("monitor.sock"), 6, commits, List.of(job),
                false, false, QemuLifecycle.parse(DOMAIN));
        StatusFile.Status s = StatusFile.read(f);
        assertEquals(commits, s.commits());
        assertEquals(List.of(job), s.diskJobs());
    }
}
