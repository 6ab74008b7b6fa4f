package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The pieces of hot-plug that need no QEMU: a device parsed in the context of the definition it
 * joins gets a define's defaults and the first free PCI slot; libvirt's interface lookup errors;
 * and the DEVICE_DELETED hand-over between a waiting detach and a late event.
 */
class QemuHotplugPartsTest {

    private static final String DOMAIN = "<domain type='qemu'><name>parts</name><memory unit='MiB'>16</memory>"
            + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
            + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/a.qcow2'/>"
            + "<target dev='vda' bus='virtio'/></disk>"
            + "<interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/></interface>"
            + "</devices></domain>";

    @Test
    void aDeviceJoinsWithADefinesDefaultsAndTheNextFreeSlot() {
        DomainDef def = QemuLifecycle.parse(DOMAIN);
        // net0 took slot 2, the balloon 3, vda 4 (libvirt's order): the new disk gets 5
        QemuDeviceXml.Parsed dev = QemuDeviceXml.parse("<disk type='file'><source file='/b.raw'/>"
                + "<target dev='vdb'/></disk>");
        DomainDef joined = QemuDeviceXml.withDevice(def, dev);
        DeviceDef vdb = QemuDeviceXml.added(joined, dev);
        assertEquals("virtio", vdb.diskBus());
        assertEquals("0x05", vdb.address().attr("slot"));
        assertEquals("virtio-disk1", QemuDeviceAliases.diskAlias(vdb));
        assertEquals(1, def.disks().size(), "the base is not changed");
        assertEquals(2, joined.disks().size());
    }

    @Test
    void interfacesAreFoundAsLibvirtFindsThem() {
        DomainDef def = QemuLifecycle.parse(DOMAIN);
        assertEquals("52:54:00:00:00:01", QemuDeviceXml.findInterface(def,
                QemuDeviceXml.parse("<interface type='user'><mac address='52:54:00:00:00:01'/></interface>")).macAddress());
        VirException e = assertThrows(VirException.class, () -> QemuDeviceXml.findInterface(def,
                QemuDeviceXml.parse("<interface type='user'><mac address='52:54:00:00:00:02'/></interface>")));
        assertEquals(VirErrorNumber.DEVICE_MISSING, e.errorNumber());
        assertEquals("no device found at address '(<null>)' matching MAC address '52:54:00:00:00:02' and alias "
                + "'(<null>)'", e.getMessage().substring(e.getMessage().indexOf("no device")));
        e = assertThrows(VirException.class, () -> QemuDeviceXml.parse("<gadget/>"));
        assertTrue(e.getMessage().endsWith("unknown device type 'gadget'"), e.getMessage());
    }

    @Test
    void aDeletedEventGoesToTheWaiterOrToTheLateRemovalNeverBoth() throws Exception {
        QemuDeviceWaits waits = new QemuDeviceWaits();
        QemuDomain d = new QemuDomain(1, new byte[16]);

        waits.expectDeleted(d, "virtio-disk1"); // the event overtakes device_del's reply
        assertTrue(waits.signalDeleted(d, "virtio-disk1"));
        assertTrue(waits.awaitDeleted(d, "virtio-disk1", 1));

        waits.expectDeleted(d, "net0"); // the guest does not let go: pending, a late event is not the waiter's
        long t0 = System.nanoTime();
        assertFalse(waits.awaitDeleted(d, "net0", 50));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
        assertFalse(waits.signalDeleted(d, "net0"), "a late DEVICE_DELETED goes to the late removal");

        waits.expectDeleted(d, "net1"); // signalled from another thread while the caller waits
        CompletableFuture.runAsync(() -> waits.signalDeleted(d, "net1"));
        assertTrue(waits.awaitDeleted(d, "net1", 10_000));

        waits.expectDeleted(d, "net2"); // device_del failed after the event came
        waits.signalDeleted(d, "net2");
        assertTrue(waits.cancelDeleted(d, "net2"));
    }

    @Test
    void theUnplugThreadEndsWhenTheDriverStops() throws Exception {
        QemuHotplug hotplug = new QemuHotplug(null, null);
        QemuDomain d = new QemuDomain(1, new byte[16]);
        d.beginJob(); // a late removal queued now waits for the domain's job on the qemu-unplug thread
        hotplug.onEvent(d, "DEVICE_DELETED", java.util.Map.of("device", "virtio-disk1"));
        long t0 = System.nanoTime();
        assertTrue(hotplug.shutdown(200), "the qemu-unplug thread ended (interrupted in its job wait)");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(QemuDomain.JOB_WAIT_SECONDS));
        // an event after the stop is left to the next start's reattach, without an exception
        hotplug.onEvent(d, "DEVICE_DELETED", java.util.Map.of("device", "net0"));
        d.endJob();
    }

    @Test
    void trayStateFollowsTheEvents() {
        QemuDeviceWaits waits = new QemuDeviceWaits();
        QemuDomain d = new QemuDomain(1, new byte[16]);
        CompletableFuture<Void> opened = waits.expectTrayOpen(d, "ide0-1-0");
        waits.trayMoved(d, "ide0-1-0", true);
        assertTrue(opened.isDone());
        assertTrue(waits.trayOpen(d, "ide0-1-0"));
        waits.trayMoved(d, "ide0-1-0", false);
        assertFalse(waits.trayOpen(d, "ide0-1-0"));
        waits.trayMoved(d, "ide0-1-0", true);
        waits.forget(d);
        assertFalse(waits.trayOpen(d, "ide0-1-0"), "a stopped domain's trays are forgotten");
    }
}
