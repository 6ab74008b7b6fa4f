package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirException;
import io.jvirtd.model.event.DomainEvent;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The pure parts of {@link QemuBlockThreshold}: {@code vda} / {@code vda[N]} to the storage
 * node with libvirt 9.0's errors, QEMU's BLOCK_WRITE_THRESHOLD to libvirt's events (both names,
 * or only the indexed one), and the threshold domstats reports from query-named-block-nodes.
 */
class QemuBlockThresholdTest {

    private static QemuDomain running() {
        QemuDomain d = new QemuDomain(1, new byte[16]);
        d.liveDef = QemuLifecycle.parse("<domain type='qemu'><name>t</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source file='/i/a.qcow2' index='3'/><target dev='vda' bus='virtio'/></disk></devices></domain>");
        return d;
    }

    @Test
    void deviceStringsNameTheTopImagesStorageNode() {
        QemuDomain d = running();
        assertEquals("libvirt-3-storage", QemuBlockThreshold.storageNode(d.liveDef, "vda"));
        assertEquals("libvirt-3-storage", QemuBlockThreshold.storageNode(d.liveDef, "vda[3]"));
        assertEquals("invalid argument: failed to find disk 'vda[1]'", assertThrows(VirException.class,
                () -> QemuBlockThreshold.storageNode(d.liveDef, "vda[1]")).getMessage());
        assertEquals("invalid argument: failed to find disk 'vdb'", assertThrows(VirException.class,
                () -> QemuBlockThreshold.storageNode(d.liveDef, "vdb[3]")).getMessage());
        assertEquals("invalid argument: failed to parse block device 'vda[x'", assertThrows(VirException.class,
                () -> QemuBlockThreshold.storageNode(d.liveDef, "vda[x")).getMessage());
    }

    @Test
    void theEventNamesTheDeviceAndTheImageUnlessSetWithAnIndex() {
        QemuDomain d = running();
        Map<String, Object> data = Map.of("node-name", "libvirt-3-storage", "write-threshold", 1048576,
                "amount-exceeded", 1376256);
        assertEquals(List.of(new DomainEvent.BlockThreshold(d.ref(), "vda", "/i/a.qcow2", 1048576, 1376256),
                new DomainEvent.BlockThreshold(d.ref(), "vda[3]", "/i/a.qcow2", 1048576, 1376256)),
                QemuBlockThreshold.events(d, data));
        d.thresholdWithIndex.add("libvirt-3-storage");
        assertEquals(List.of(new DomainEvent.BlockThreshold(d.ref(), "vda[3]", "/i/a.qcow2", 1048576, 1376256)),
                QemuBlockThreshold.events(d, data));
        assertEquals(List.of(), QemuBlockThreshold.events(d, Map.of("node-name", "libvirt-9-storage",
                "write-threshold", 1, "amount-exceeded", 1)));
    }

    @Test
    void domstatsReadsTheStorageNodesThreshold() {
        BlockStatsAnswers a = BlockStatsAnswers.parse(List.of(), List.of(
                Map.of("node-name", "libvirt-3-format", "write_threshold", 0),
                Map.of("node-name", "libvirt-3-storage", "write_threshold", 1048576)));
        assertEquals(1048576, a.writeThreshold("libvirt-3-storage"));
        assertEquals(0, a.writeThreshold("libvirt-3-format"));
    }
}
