package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The locking rules of the storage and node-device families (docs/architecture.md §1): a
 * client's XML is not parsed under the host-wide storage lock, and a node device is destroyed
 * (and its DELETED event posted) once however many clients race.
 */
class FamilyLockingTest {

    private final DomainTestSupport support = new DomainTestSupport();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void poolXmlIsParsedBeforeTheHostWideStorageLock() throws Exception {
        MockConnection c = (MockConnection) support.connectDefault();
        StoragePools pools = c.host().storagePools();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = other.submit(() -> {
                pools.lock();
                try {
                    held.countDown();
                    release.await();
                } finally {
                    pools.unlock();
                }
                return null;
            });
            held.await();
            // a malformed XML is refused without waiting for the lock another client holds
            VirException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(VirException.class, () -> c.storage().storagePoolDefineXML("<pool", 0)));
            assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
            e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(VirException.class, () -> c.storage().storagePoolCreateXML("<pool", 0)));
            assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void racingDestroysOfOneVhbaRemoveItOnceWithOneEvent() throws Exception {
        Path file = Files.writeString(dir.resolve("node.xml"), MockHostDriverTest.resource("testdefault.xml"));
        NodeDeviceOps devs = new MockHostDriver().open(URI.create("test://" + file), "test://" + file, false)
                .orElseThrow().nodeDevices();
        List<NodeDeviceEvent> deleted = new CopyOnWriteArrayList<>();
        devs.connectNodeDeviceEventRegisterAny(null, NodeDeviceEvent.ID_LIFECYCLE, e -> {
            if (e instanceof NodeDeviceEvent.Lifecycle l && l.event() == NodeDeviceEvent.DELETED) {
                deleted.add(e);
            }
        });
        String vhba = "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'>"
                + "<wwnn>2000000012345678</wwnn><wwpn>1000000012345678</wwpn></capability></capability></device>";
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 1; round <= 50; round++) {
                NodeDeviceRef dev = devs.nodeDeviceCreateXML(vhba, 0);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> all = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    all.add(pool.submit(() -> {
                        go.await();
                        try {
                            devs.nodeDeviceDestroy(dev);
                        } catch (VirException e) {
                            assertEquals(VirErrorNumber.NO_NODE_DEVICE.number(), e.code());
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : all) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertEquals(round, deleted.size(), "DELETED events after round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
