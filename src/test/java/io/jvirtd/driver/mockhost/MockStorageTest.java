package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.StorageOps;
import io.jvirtd.model.storage.StoragePoolInfo;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * test_driver.c's storage semantics: allocation bookkeeping, lifecycle and its events, the
 * list filters, the pool list's duplicate rules and node-file loading.
 */
class MockStorageTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final long CAP = 100 * GIB;

    private final DomainTestSupport support = new DomainTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    private StorageOps storage() {
        return support.connectDefault().storage();
    }

    private static String vol(String name, String capacity, String allocation) {
        return "<volume><name>" + name + "</name><capacity unit='bytes'>" + capacity + "</capacity>"
                + (allocation == null ? "" : "<allocation unit='bytes'>" + allocation + "</allocation>")
                + "</volume>";
    }

    private static String dirPool(String name, String path) {
        return "<pool type='dir'><name>" + name + "</name><target><path>" + path + "</path></target></pool>";
    }

    @Test
    void volumesCountAgainstTheirPool() {
        StorageOps s = storage();
        StoragePoolRef pool = s.storagePoolLookupByName("default-pool");
        StorageVolRef a = s.storageVolCreateXML(pool, vol("a.img", String.valueOf(2 * GIB), String.valueOf(GIB)), 0);
        assertEquals(new StorageVolRef("default-pool", "a.img", "/default-pool/a.img"), a);
        assertEquals("/default-pool/a.img", s.storageVolGetPath(a));
        assertEquals(new StorageVolInfo(0, 2 * GIB, GIB), s.storageVolGetInfo(a));
        assertEquals(new StoragePoolInfo(2, CAP, GIB, CAP - GIB), s.storagePoolGetInfo(pool));

        StorageVolRef b = s.storageVolCreateXMLFrom(pool, vol("b.img", String.valueOf(3 * GIB), null), a, 0);
        assertEquals(new StoragePoolInfo(2, CAP, 4 * GIB, CAP - 4 * GIB), s.storagePoolGetInfo(pool));
        assertEquals(List.of("a.img", "b.img"), s.storagePoolListVolumes(pool, 10));
        assertEquals(List.of("a.img"), s.storagePoolListVolumes(pool, 1));

        s.storageVolDelete(a, 0);
        assertEquals(new StoragePoolInfo(2, CAP, 3 * GIB, CAP - 3 * GIB), s.storagePoolGetInfo(pool));
        assertEquals(List.of(b), s.storagePoolListAllVolumes(pool, 0));
        assertEquals(b, s.storageVolLookupByKey("/default-pool/b.img"));
        assertEquals(b, s.storageVolLookupByPath("/default-pool/b.img"));
        assertEquals("default-pool", s.storagePoolLookupByVolume(b).name());
    }

    @Test
    void aVolumeTooBigForThePoolIsRefused() {
        StorageOps s = storage();
        StoragePoolRef pool = s.storagePoolLookupByName("default-pool");
        s.storageVolCreateXML(pool, vol("a", String.valueOf(60 * GIB), null), 0);
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST,
                "internal error: Not enough free space in pool for volume 'b'",
                () -> s.storageVolCreateXML(pool, vol("b", String.valueOf(41 * GIB), null), 0));
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.TEST,
                "operation failed: storage vol already exists",
                () -> s.storageVolCreateXML(pool, vol("a", "1", null), 0));
        s.storageVolCreateXML(pool, vol("c", String.valueOf(40 * GIB), null), 0);
        assertEquals(0, s.storagePoolGetInfo(pool).available());
    }

    @Test
    void theCloneIsLookedUpInTheTargetPool() {
        StorageOps s = storage();
        StoragePoolRef other = s.storagePoolCreateXML(dirPool("other", "/other"), 0);
        StorageVolRef src = s.storageVolCreateXML(other, vol("src", "10", null), 0);
        StoragePoolRef pool = s.storagePoolLookupByName("default-pool");
        assertError(VirErrorNumber.NO_STORAGE_VOL, VirErrorDomain.TEST,
                "Storage volume not found: no storage vol with matching name 'src'",
                () -> s.storageVolCreateXMLFrom(pool, vol("copy", "10", null), src, 0));
    }

    @Test
    void lifecycleRaisesTheTestDriversEvents() {
        HypervisorConnection c = support.connectDefault();
        StorageOps s = c.storage();
        List<String> seen = new ArrayList<>();
        s.connectStoragePoolEventRegisterAny(null, StoragePoolEvent.ID_LIFECYCLE,
                e -> seen.add(e.pool().name() + ":" + ((StoragePoolEvent.Lifecycle) e).event()));
        s.connectStoragePoolEventRegisterAny(null, StoragePoolEvent.ID_REFRESH, e -> seen.add(e.pool().name() + ":refresh"));
        StoragePoolRef p = s.storagePoolDefineXML(dirPool("p", "/p"), 0);
        assertFalse(s.storagePoolIsActive(p));
        assertTrue(s.storagePoolIsPersistent(p));
        s.storagePoolBuild(p, 0);
        s.storagePoolCreate(p, 0);
        s.storagePoolRefresh(p, 0);
        s.storagePoolDestroy(p);
        s.storagePoolDelete(p, 0);
        s.storagePoolUndefine(p);
        assertEquals(List.of("p:0", "p:4", "p:2", "p:refresh", "p:3", "p:5", "p:1"), seen);
        assertError(VirErrorNumber.NO_STORAGE_POOL, VirErrorDomain.TEST,
                "Storage pool not found: no storage pool with matching name 'p'", () -> s.storagePoolLookupByName("p"));
    }

    @Test
    void stateChecksUseLibvirtsMessages() {
        StorageOps s = storage();
        StoragePoolRef pool = s.storagePoolLookupByName("default-pool");
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: storage pool 'default-pool' is active", () -> s.storagePoolBuild(pool, 0));
        s.storagePoolDestroy(pool);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: storage pool 'default-pool' is not active",
                () -> s.storagePoolNumOfVolumes(pool));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: storage pool is not active", () -> s.storagePoolListAllVolumes(pool, 0));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x1) in function testStoragePoolGetXMLDesc", () -> s.storagePoolGetXMLDesc(pool, 1));
    }

    @Test
    void createXmlOfADefinedPoolMakesItTransient() {
        StorageOps s = storage();
        StoragePoolRef p = s.storagePoolDefineXML(dirPool("p", "/p"), 0);
        s.storagePoolCreateXML(dirPool("p", "/q").replace("<name>p</name>",
                "<name>p</name><uuid>" + p.uuidString() + "</uuid>"), 0);
        assertFalse(s.storagePoolIsPersistent(p));
        assertTrue(s.storagePoolGetXMLDesc(p, 0).contains("<path>/q</path>"));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST, "invalid argument: pool has no config file",
                () -> s.storagePoolSetAutostart(p, true));
        s.storagePoolDestroy(p);
        assertEquals(List.of("default-pool"), s.connectListAllStoragePools(0).stream().map(StoragePoolRef::name).toList());
    }

    @Test
    void redefiningARunningPoolKeepsItsDefinitionButResetsItsSizes() {
        StorageOps s = storage();
        StoragePoolRef pool = s.storagePoolLookupByName("default-pool");
        s.storageVolCreateXML(pool, vol("a", "1000", null), 0);
        assertEquals(1000, s.storagePoolGetInfo(pool).allocation());
        String xml = "<pool type='dir'><name>default-pool</name><uuid>" + pool.uuidString()
                + "</uuid><target><path>/elsewhere</path></target></pool>";
        s.storagePoolDefineXML(xml, 0);
        assertEquals(0, s.storagePoolGetInfo(pool).allocation());
        assertTrue(s.storagePoolGetXMLDesc(pool, 0).contains("<path>/default-pool</path>"));
    }

    @Test
    void duplicatesAreRefusedAsTheListDoes() {
        StorageOps s = storage();
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.STORAGE,
                "operation failed: Storage source conflict with pool: 'default-pool'",
                () -> s.storagePoolDefineXML(dirPool("x", "/default-pool"), 0));
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.STORAGE,
                "operation failed: pool 'default-pool' is already defined with uuid dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566",
                () -> s.storagePoolDefineXML("<pool type='dir'><name>other</name>"
                        + "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid><target><path>/o</path></target></pool>", 0));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.STORAGE,
                "Requested operation is not valid: pool is already active as 'default-pool'",
                () -> s.storagePoolCreateXML("<pool type='dir'><name>default-pool</name>"
                        + "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid><target><path>/o</path></target></pool>", 0));
    }

    @Test
    void listFiltersFollowVirStoragePoolObjMatch() {
        StorageOps s = storage();
        s.storagePoolDefineXML("<pool type='logical'><source><name>vg</name><device path='/dev/a'/></source></pool>", 0);
        s.storagePoolCreateXML(dirPool("t", "/t"), 0);
        s.storagePoolSetAutostart(s.storagePoolLookupByName("default-pool"), true);
        assertEquals(List.of("default-pool", "t"), names(s.connectListAllStoragePools(2)));
        assertEquals(List.of("vg"), names(s.connectListAllStoragePools(1)));
        assertEquals(List.of("t"), names(s.connectListAllStoragePools(1 << 3)));
        assertEquals(List.of("default-pool"), names(s.connectListAllStoragePools(1 << 4)));
        assertEquals(List.of("vg"), names(s.connectListAllStoragePools(1 << 9)));
        assertEquals(List.of("default-pool", "t"), names(s.connectListAllStoragePools(1 << 6)));
        assertEquals(List.of(), names(s.connectListAllStoragePools(1 << 7)));
        assertEquals(3, s.connectCountAllStoragePools(1 << 7));
        assertEquals(2, s.connectNumOfStoragePools());
        assertEquals(List.of("vg"), s.connectListDefinedStoragePools(5));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x100000) in function testConnectListAllStoragePools",
                () -> s.connectListAllStoragePools(1 << 20));
    }

    private static List<String> names(List<StoragePoolRef> refs) {
        return refs.stream().map(StoragePoolRef::name).toList();
    }

    @Test
    void sourceDiscoveryGivesTheCannedAnswers() {
        StorageOps s = storage();
        assertTrue(s.connectFindStoragePoolSources("logical", null, 0).contains("testvg2"));
        assertEquals("<sources>\n  <source>\n    <host name='nas'/>\n    <dir path='/testshare'/>\n"
                        + "    <format type='nfs'/>\n  </source>\n</sources>\n",
                s.connectFindStoragePoolSources("netfs", "<source><host name='nas'/></source>", 0));
        assertError(VirErrorNumber.NO_SUPPORT, VirErrorDomain.TEST,
                "this function is not supported by the connection driver: pool type 'iscsi' does not support source discovery",
                () -> s.connectFindStoragePoolSources("iscsi", null, 0));
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST, "internal error: unknown storage pool type dir",
                () -> s.connectFindStoragePoolSources("dir", null, 0));
    }

    @Test
    void nodeFilePoolsCarryTheirVolumes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vol.xml"), "<volume><name>f</name><capacity>30</capacity></volume>");
        Path node = dir.resolve("node.xml");
        Files.writeString(node, "<node><pool type='dir'><name>p</name><target><path>/p</path></target>"
                + "<volume><name>a</name><capacity>100</capacity><allocation>10</allocation></volume>"
                + "<volume><name>b</name><key>k</key><capacity>5</capacity><target><path>/x/b</path></target></volume>"
                + "<volume file='vol.xml'/></pool></node>");
        StorageOps s = support.connect("test://" + node).storage();
        StoragePoolRef p = s.storagePoolLookupByName("p");
        assertEquals(new StoragePoolInfo(2, CAP, 45, CAP - 45), s.storagePoolGetInfo(p));
        assertTrue(s.storagePoolIsPersistent(p));
        assertEquals(List.of("a", "b", "f"), s.storagePoolListVolumes(p, 10));
        assertEquals("b", s.storageVolLookupByKey("k").name());
        assertEquals("b", s.storageVolLookupByPath("/x/b").name());
        assertEquals("/p/f", s.storageVolLookupByName(p, "f").key());
    }
}
