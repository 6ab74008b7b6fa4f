package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A worker changes the running definition after QEMU did its part (hot-plug, media change,
 * snapshot overlays) while the QEMU event thread changed it meanwhile (BALLOON_CHANGE sets the
 * current memory in place under the domain's monitor, as QemuMemory.onBalloonChange does). The
 * worker's change must land on the definition as it is now, not on the copy it read before:
 * swapping in that copy, as the driver did, undid the balloon change.
 */
class LiveDefEditsTest {

    private static final String DOMAIN = "<domain type='qemu'><name>edits</name><memory unit='MiB'>64</memory>"
            + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
            + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/a.qcow2'/>"
            + "<target dev='vda' bus='virtio'/></disk>"
            + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/b.qcow2'/>"
            + "<target dev='vdc' bus='virtio'/></disk>"
            + "<interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/>"
            + "</interface>"
            + "</devices></domain>";

    private static final long BALLOONED_KIB = 32 * 1024;

    private static QemuDomain running() {
        QemuDomain d = new QemuDomain(1, new byte[16]);
        d.liveDef = QemuLifecycle.parse(DOMAIN);
        d.liveDef.interfaces().get(0).setAlias("net0"); // as the start names it
        return d;
    }

    /** What the event thread does on BALLOON_CHANGE. */
    private static void balloonChange(QemuDomain d) {
        synchronized (d) {
            d.liveDef.setCurrentMemoryKiB(BALLOONED_KIB);
        }
    }

    @Test
    void anAttachedDiskAndABalloonChangeMeanwhileBothStay() {
        QemuDomain d = running();
        DomainDef read = d.liveCopy(); // the worker's view while QEMU plugs the disk
        QemuDeviceXml.Parsed dev = QemuDeviceXml.parse("<disk type='file'><source file='/new.raw'/>"
                + "<target dev='vdb'/></disk>");
        DomainDef joined = QemuDeviceXml.withDevice(read, dev);
        DeviceDef disk = QemuDeviceXml.added(joined, dev).copy();
        balloonChange(d);
        assertTrue(d.editLive(now -> QemuHotplug.insertDisk(now, disk, joined)));

        DomainDef now = d.liveCopy();
        assertEquals(BALLOONED_KIB, now.currentMemoryKiB(), "the balloon change stays");
        assertEquals("/new.raw", QemuDeviceXml.disk(now, "vdb").sourcePath());
        assertEquals(3, now.disks().size());
        assertNotEquals(BALLOONED_KIB, read.currentMemoryKiB(), "the copy the worker read had not seen it");
    }

    @Test
    void aRemovedDeviceAndABalloonChangeMeanwhileBothStay() {
        QemuDomain d = running();
        balloonChange(d);
        DeviceDef[] gone = new DeviceDef[1];
        assertTrue(d.editLive(now -> gone[0] = QemuHotplug.removeByAlias(now, "net0")));
        assertEquals("net0", gone[0].alias());
        DomainDef now = d.liveCopy();
        assertTrue(now.interfaces().isEmpty());
        assertEquals(BALLOONED_KIB, now.currentMemoryKiB());
        assertTrue(d.editLive(def -> assertNull(QemuHotplug.removeByAlias(def, "net0"))), "an unknown alias is no change");
    }

    @Test
    void aChangedMediumAndABalloonChangeMeanwhileBothStay() {
        QemuDomain d = running();
        DeviceDef medium = QemuDeviceXml.added(QemuDeviceXml.withDevice(d.liveCopy(),
                QemuDeviceXml.parse("<disk type='file'><driver name='qemu' type='raw'/><source file='/c.raw'/>"
                        + "<target dev='vdz'/></disk>")), QemuDeviceXml.parse("<disk><target dev='vdz'/></disk>"));
        balloonChange(d);
        d.editLive(now -> QemuHotplug.setMedium(QemuDeviceXml.disk(now, "vdc"), medium, true, 9));
        DomainDef now = d.liveCopy();
        assertEquals("/c.raw", QemuDeviceXml.disk(now, "vdc").sourcePath());
        assertEquals("9", QemuDeviceXml.disk(now, "vdc").node().childAttr("source", "index"));
        assertEquals(BALLOONED_KIB, now.currentMemoryKiB());
    }

    @Test
    void snapshotOverlaysComeIntoTheDefinitionAsItIsNow() {
        QemuDomain d = running();
        DomainDef edited = d.liveCopy(); // what QemuOverlays.createLive changes while QEMU works
        QemuDeviceXml.disk(edited, "vda").node().child("source").attr("file", "/a.snap");
        edited.setCurrentMemoryKiB(1024); // not a disk: must not come along
        balloonChange(d);
        d.editLive(now -> QemuOverlays.takeDisks(now, edited, List.of("vda")));

        DomainDef now = d.liveCopy();
        assertEquals("/a.snap", QemuDeviceXml.disk(now, "vda").sourcePath());
        assertEquals("/b.qcow2", QemuDeviceXml.disk(now, "vdc").sourcePath());
        assertEquals(List.of("vda", "vdc"), now.disks().stream().map(DeviceDef::diskTarget).toList());
        assertEquals(BALLOONED_KIB, now.currentMemoryKiB());
        // and the edited disk is not shared with the copy the worker keeps
        QemuDeviceXml.disk(edited, "vda").node().child("source").attr("file", "/elsewhere");
        assertEquals("/a.snap", QemuDeviceXml.disk(d.liveCopy(), "vda").sourcePath());
    }

    @Test
    void nothingChangesOnceTheDomainStopped() {
        QemuDomain d = new QemuDomain(2, new byte[16]);
        assertNull(d.liveCopy());
        assertFalse(d.editLive(now -> {
            throw new AssertionError("not called");
        }));
    }
}
