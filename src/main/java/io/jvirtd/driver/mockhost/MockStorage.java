package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.mockhost.StoragePools.Pool;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StoragePoolType;
import io.jvirtd.model.conf.StorageVolDef;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.StorageOps;
import io.jvirtd.model.storage.StoragePoolInfo;
import io.jvirtd.model.storage.PoolListFilter;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One connection's view of its host's storage pools and volumes: test_driver.c's storage entry
 * points (testStorageDriver), with their checks, errors (domain TEST for the driver's own,
 * STORAGE for the XML and the pool list's), events and allocation bookkeeping.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's
 * {@link StoragePools}, whose one lock every method holds while it looks or changes; events are
 * posted under it and dispatched after it is released.
 */
final class MockStorage implements StorageOps {

    private static final VirErrorDomain T = VirErrorDomain.TEST;

    private static final int LIST_FILTERS_ALL = PoolListFilter.ALL;

    /** VIR_STORAGE_VOL_CREATE_VALIDATE. */
    private static final int VOL_CREATE_VALIDATE = 1 << 2;

    static final String LOGICAL_SOURCES = "<sources>\n"
            + "  <source>\n"
            + "    <device path='/dev/sda20'/>\n"
            + "    <name>testvg1</name>\n"
            + "    <format type='lvm2'/>\n"
            + "  </source>\n"
            + "  <source>\n"
            + "    <device path='/dev/sda21'/>\n"
            + "    <name>testvg2</name>\n"
            + "    <format type='lvm2'/>\n"
            + "  </source>\n"
            + "</sources>\n";

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    MockStorage(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    private StoragePools pools() {
        return host.storagePools();
    }

    // ---- locking helpers ------------------------------------------------------------------------

    private <R> R locked(Supplier<R> body) {
        StoragePools pools = pools();
        pools.lock();
        try {
            return body.get();
        } finally {
            pools.unlock();
            host.events().dispatch();
        }
    }

    private void lockedRun(Runnable body) {
        locked(() -> {
            body.run();
            return null;
        });
    }

    private void post(StoragePoolEvent e) {
        host.events().post(e);
    }

    // ---- lookups (testStoragePoolObjFind*) ------------------------------------------------------

    private Pool byName(String name) {
        Pool p = pools().byName(name);
        if (p == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, T, "no storage pool with matching name '" + name + "'");
        }
        return p;
    }

    private Pool activeByName(String name) {
        Pool p = byName(name);
        if (!p.active) {
            throw VirException.operationInvalid(T, "storage pool '" + name + "' is not active");
        }
        return p;
    }

    private Pool inactiveByName(String name) {
        Pool p = byName(name);
        if (p.active) {
            throw VirException.operationInvalid(T, "storage pool '" + name + "' is active");
        }
        return p;
    }

    private Pool byUuid(byte[] uuid) {
        Pool p = pools().byUuid(uuid);
        if (p == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, T,
                    "no storage pool with matching uuid '" + Uuids.format(uuid) + "'");
        }
        return p;
    }

    private static StorageVolDef volByName(Pool p, String name) {
        StorageVolDef v = p.volumes.get(name);
        if (v == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, T, "no storage vol with matching name '" + name + "'");
        }
        return v;
    }

    // ---- listing --------------------------------------------------------------------------------

    @Override
    public int connectNumOfStoragePools() {
        return locked(() -> count(true));
    }

    @Override
    public int connectNumOfDefinedStoragePools() {
        return locked(() -> count(false));
    }

    private int count(boolean active) {
        int n = 0;
        for (Pool p : pools().all()) {
            if (p.active == active) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<String> connectListStoragePools(int maxnames) {
        return locked(() -> names(true, maxnames));
    }

    @Override
    public List<String> connectListDefinedStoragePools(int maxnames) {
        return locked(() -> names(false, maxnames));
    }

    private List<String> names(boolean active, int maxnames) {
        List<String> out = new ArrayList<>();
        for (Pool p : pools().all()) {
            if (out.size() == maxnames) {
                break;
            }
            if (p.active == active) {
                out.add(p.def.name());
            }
        }
        return out;
    }

    @Override
    public List<StoragePoolRef> connectListAllStoragePools(int flags) {
        VirException.checkFlags(flags, LIST_FILTERS_ALL, T, "testConnectListAllStoragePools");
        return locked(() -> {
            List<StoragePoolRef> out = new ArrayList<>();
            for (Pool p : pools().all()) {
                if (matches(p, flags)) {
                    out.add(p.ref());
                }
            }
            return out;
        });
    }

    @Override
    public int connectCountAllStoragePools(int flags) {
        VirException.checkFlags(flags, LIST_FILTERS_ALL, T, "testConnectListAllStoragePools");
        return locked(() -> pools().size());
    }

    /** virStoragePoolObjMatch. */
    private static boolean matches(Pool p, int flags) {
        return PoolListFilter.matches(flags, p.active, p.persistent, p.autostart, p.def.type());
    }

    @Override
    public String connectFindStoragePoolSources(String type, String srcSpecOrNull, int flags) {
        VirException.checkFlags(flags, 0, T, "testConnectFindStoragePoolSources");
        StoragePoolType t = StoragePoolType.fromXml(type);
        if (t == StoragePoolType.DIR) {
            // virStoragePoolTypeFromString gives 0 for "dir", which the test driver takes as failure
            throw VirException.internalError(T, "unknown storage pool type " + type);
        }
        StoragePoolDef.Source source = null;
        if (srcSpecOrNull != null) {
            if (t == null) {
                throw VirException.internalError(VirErrorDomain.STORAGE, "missing backend for pool type -1");
            }
            source = StoragePoolDef.parseSourceString(srcSpecOrNull, t);
        }
        if (t == StoragePoolType.LOGICAL) {
            return LOGICAL_SOURCES;
        }
        if (t == StoragePoolType.NETFS) {
            if (source == null || source.hosts().isEmpty()) {
                throw VirException.invalidArg(T, "hostname must be specified for netfs sources");
            }
            return StoragePoolDef.formatSourceList(StoragePoolType.NETFS,
                    List.of(StoragePoolDef.netfsSource(source.hosts().get(0).name(), "/testshare", "nfs")));
        }
        throw VirException.of(VirErrorNumber.NO_SUPPORT, T, "pool type '" + type + "' does not support source discovery");
    }

    // ---- pool lookups ---------------------------------------------------------------------------

    @Override
    public StoragePoolRef storagePoolLookupByName(String name) {
        return locked(() -> byName(name).ref());
    }

    @Override
    public StoragePoolRef storagePoolLookupByUUID(byte[] uuid) {
        return locked(() -> byUuid(uuid).ref());
    }

    @Override
    public StoragePoolRef storagePoolLookupByVolume(StorageVolRef vol) {
        return storagePoolLookupByName(vol.pool());
    }

    // ---- pool definition and lifecycle ----------------------------------------------------------

    @Override
    public StoragePoolRef storagePoolCreateXML(String xml, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolCreateXML");
        StoragePoolDef def = StoragePoolDef.parse(xml, 0);   // client XML: parsed before the host-wide lock
        return locked(() -> {
            Pool p = pools().listAdd(def, true);
            String wwnn = p.def.source().fcWwnn();
            if (wwnn != null && !pools().vports().create(wwnn, p.def.source().fcWwpn())) {
                pools().remove(p);
                throw VirException.unknownCause();
            }
            p.setDefaults();
            p.persistent = false;
            p.active = true;
            post(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STARTED, 0));
            return p.ref();
        });
    }

    @Override
    public StoragePoolRef storagePoolDefineXML(String xml, int flags) {
        VirException.checkFlags(flags, StoragePoolDef.DEFINE_VALIDATE, T, "testStoragePoolDefineXML");
        StoragePoolDef def = StoragePoolDef.parse(xml, flags, host.schemas());   // client XML: parsed before the host-wide lock
        def.setSizes(StoragePools.DEFAULT_POOL_CAP, StoragePools.DEFAULT_POOL_ALLOC,
                StoragePools.DEFAULT_POOL_CAP - StoragePools.DEFAULT_POOL_ALLOC);
        return locked(() -> {
            Pool p = pools().listAdd(def, false);
            post(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.DEFINED, 0));
            p.setDefaults();
            return p.ref();
        });
    }

    @Override
    public void storagePoolUndefine(StoragePoolRef pool) {
        lockedRun(() -> {
            Pool p = inactiveByName(pool.name());
            post(new StoragePoolEvent.Lifecycle(pool, StoragePoolEvent.UNDEFINED, 0));
            pools().remove(p);
        });
    }

    @Override
    public void storagePoolBuild(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolBuild");
        lockedRun(() -> {
            inactiveByName(pool.name());
            post(new StoragePoolEvent.Lifecycle(pool, StoragePoolEvent.CREATED, 0));
        });
    }

    @Override
    public void storagePoolCreate(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolCreate");
        lockedRun(() -> {
            Pool p = inactiveByName(pool.name());
            p.active = true;
            post(new StoragePoolEvent.Lifecycle(pool, StoragePoolEvent.STARTED, 0));
        });
    }

    @Override
    public void storagePoolDestroy(StoragePoolRef pool) {
        lockedRun(() -> {
            Pool p = activeByName(pool.name());
            p.active = false;
            if (p.def.source().fcWwnn() != null) {
                pools().vports().destroy();
            }
            post(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STOPPED, 0));
            if (!p.persistent) {
                pools().remove(p);
            }
        });
    }

    @Override
    public void storagePoolDelete(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolDelete");
        lockedRun(() -> {
            inactiveByName(pool.name());
            post(new StoragePoolEvent.Lifecycle(pool, StoragePoolEvent.DELETED, 0));
        });
    }

    @Override
    public void storagePoolRefresh(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolRefresh");
        lockedRun(() -> {
            activeByName(pool.name());
            post(new StoragePoolEvent.Refresh(pool));
        });
    }

    // ---- pool state -----------------------------------------------------------------------------

    @Override
    public StoragePoolInfo storagePoolGetInfo(StoragePoolRef pool) {
        return locked(() -> {
            Pool p = byName(pool.name());
            return new StoragePoolInfo(p.active ? StoragePoolInfo.RUNNING : StoragePoolInfo.INACTIVE,
                    p.def.capacity(), p.def.allocation(), p.def.available());
        });
    }

    @Override
    public String storagePoolGetXMLDesc(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolGetXMLDesc");
        return locked(() -> byName(pool.name()).def.copy()).format();
    }

    @Override
    public boolean storagePoolGetAutostart(StoragePoolRef pool) {
        return locked(() -> {
            Pool p = byName(pool.name());
            return p.persistent && p.autostart;
        });
    }

    @Override
    public void storagePoolSetAutostart(StoragePoolRef pool, boolean autostart) {
        lockedRun(() -> {
            Pool p = byName(pool.name());
            if (!p.persistent) {
                throw VirException.invalidArg(T, "pool has no config file");
            }
            p.autostart = autostart;
        });
    }

    @Override
    public boolean storagePoolIsActive(StoragePoolRef pool) {
        return locked(() -> byUuid(pool.uuid()).active);
    }

    @Override
    public boolean storagePoolIsPersistent(StoragePoolRef pool) {
        return locked(() -> byUuid(pool.uuid()).persistent);
    }

    @Override
    public int storagePoolNumOfVolumes(StoragePoolRef pool) {
        return locked(() -> activeByName(pool.name()).volumes.size());
    }

    @Override
    public List<String> storagePoolListVolumes(StoragePoolRef pool, int maxnames) {
        return locked(() -> {
            List<String> out = new ArrayList<>();
            for (String name : activeByName(pool.name()).volumes.keySet()) {
                if (out.size() == maxnames) {
                    break;
                }
                out.add(name);
            }
            return out;
        });
    }

    @Override
    public List<StorageVolRef> storagePoolListAllVolumes(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolListAllVolumes");
        return locked(() -> {
            Pool p = activeByUuid(pool);
            List<StorageVolRef> out = new ArrayList<>();
            for (StorageVolDef v : p.volumes.values()) {
                out.add(p.volRef(v));
            }
            return out;
        });
    }

    @Override
    public int storagePoolCountAllVolumes(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, T, "testStoragePoolListAllVolumes");
        return locked(() -> activeByUuid(pool).volumes.size());
    }

    private Pool activeByUuid(StoragePoolRef pool) {
        Pool p = byUuid(pool.uuid());
        if (!p.active) {
            throw VirException.operationInvalid(T, "storage pool is not active");
        }
        return p;
    }

    // ---- volumes --------------------------------------------------------------------------------

    @Override
    public StorageVolRef storageVolLookupByName(StoragePoolRef pool, String name) {
        return locked(() -> {
            Pool p = activeByName(pool.name());
            return p.volRef(volByName(p, name));
        });
    }

    @Override
    public StorageVolRef storageVolLookupByKey(String key) {
        return locked(() -> {
            for (Pool p : pools().all()) {
                StorageVolDef v = p.active ? p.volumeByKey(key) : null;
                if (v != null) {
                    return p.volRef(v);
                }
            }
            throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, T, "no storage vol with matching key '" + key + "'");
        });
    }

    @Override
    public StorageVolRef storageVolLookupByPath(String path) {
        return locked(() -> {
            for (Pool p : pools().all()) {
                StorageVolDef v = p.active ? p.volumeByPath(path) : null;
                if (v != null) {
                    return p.volRef(v);
                }
            }
            throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, T, "no storage vol with matching path '" + path + "'");
        });
    }

    @Override
    public StorageVolRef storageVolCreateXML(StoragePoolRef pool, String xml, int flags) {
        VirException.checkFlags(flags, VOL_CREATE_VALIDATE, T, "testStorageVolCreateXML");
        return createVolume(pool, xml, null, flags);
    }

    @Override
    public StorageVolRef storageVolCreateXMLFrom(StoragePoolRef pool, String xml, StorageVolRef clone, int flags) {
        VirException.checkFlags(flags, VOL_CREATE_VALIDATE, T, "testStorageVolCreateXMLFrom");
        return createVolume(pool, xml, clone, flags);
    }

    /**
     * testStorageVolCreateXML / testStorageVolCreateXMLFrom (the clone is looked up in {@code pool}).
     * The client's XML is parsed between two holds of the host-wide lock, not under it: the first
     * finds the active pool (its errors come first, as in libvirt) and its type, which the parse
     * needs; the second looks again and parses again only if the pool changed type meanwhile.
     */
    private StorageVolRef createVolume(StoragePoolRef pool, String xml, StorageVolRef clone, int flags) {
        int parseFlags = (flags & VOL_CREATE_VALIDATE) != 0 ? StorageVolDef.PARSE_VALIDATE : 0;
        StoragePoolType type = locked(() -> activeByName(pool.name()).def.type());
        StorageVolDef parsed = StorageVolDef.parse(type, xml, parseFlags, host.schemas());
        return locked(() -> {
            Pool p = activeByName(pool.name());
            StorageVolDef vol = p.def.type() == type ? parsed : StorageVolDef.parse(p.def.type(), xml, parseFlags, host.schemas());
            if (p.volumes.containsKey(vol.name())) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, T, "storage vol already exists");
            }
            if (clone != null && !p.volumes.containsKey(clone.name())) {
                throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, T,
                        "no storage vol with matching name '" + clone.name() + "'");
            }
            if (Long.compareUnsigned(p.def.allocation() + vol.allocation(), p.def.capacity()) > 0) {
                throw VirException.internalError(T, "Not enough free space in pool for volume '" + vol.name() + "'");
            }
            vol.setPath(volumePath(p, vol.name()));
            vol.setKey(vol.path());
            if (!p.addVolume(vol)) {
                throw VirException.unknownCause();
            }
            long alloc = p.def.allocation() + vol.allocation();
            p.def.setSizes(p.def.capacity(), alloc, p.def.capacity() - alloc);
            return p.volRef(vol);
        });
    }


    /** target path + "/" + name, with C's "(null)" for a pool without a target path. */
    static String volumePath(Pool p, String name) {
        String target = p.def.targetPath();
        return (target == null ? "(null)" : target) + "/" + name;
    }

    @Override
    public void storageVolDelete(StorageVolRef vol, int flags) {
        VirException.checkFlags(flags, 0, T, "testStorageVolDelete");
        lockedRun(() -> {
            Pool p = activeByName(vol.pool());
            StorageVolDef v = volByName(p, vol.name());
            long alloc = p.def.allocation() - v.allocation();
            p.def.setSizes(p.def.capacity(), alloc, p.def.capacity() - alloc);
            p.volumes.remove(v.name());
        });
    }

    @Override
    public StorageVolInfo storageVolGetInfo(StorageVolRef vol) {
        return locked(() -> {
            Pool p = activeByName(vol.pool());
            StorageVolDef v = volByName(p, vol.name());
            return new StorageVolInfo(p.def.type().volKind().number(), v.capacity(), v.allocation());
        });
    }

    @Override
    public String storageVolGetXMLDesc(StorageVolRef vol, int flags) {
        VirException.checkFlags(flags, 0, T, "testStorageVolGetXMLDesc");
        return locked(() -> volByName(activeByName(vol.pool()), vol.name()).format());
    }

    @Override
    public String storageVolGetPath(StorageVolRef vol) {
        return locked(() -> volByName(activeByName(vol.pool()), vol.name()).path());
    }

    // ---- events ---------------------------------------------------------------------------------

    @Override
    public int connectStoragePoolEventRegisterAny(StoragePoolRef filterOrNull, int eventId,
                                                  Consumer<StoragePoolEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        return callbacks.track(host.events().register(StoragePoolEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.pool().uuid()), listener));
    }

    @Override
    public void connectStoragePoolEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
