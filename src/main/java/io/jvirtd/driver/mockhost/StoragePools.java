package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StorageVolDef;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The storage pools of one test host with their volumes (libvirt's {@code virStoragePoolObjList}
 * and each pool's {@code virStorageVolObjList}), kept in creation order.
 *
 * <p>Thread safety: worker threads of every connection to the host share this object. One lock,
 * {@link #lock}, guards the list and every pool and volume in it (membership, definitions,
 * state, the allocation bookkeeping). Every storage call holds it for bookkeeping only: a
 * client's XML is parsed before it is taken, nothing blocks under it, and events are posted
 * under it and dispatched after it is released. Callers use {@link #lock}/{@code unlock} around
 * every access. Lock order: this lock, then the node devices' ({@link VportHook} runs under it
 * and takes {@link NodeDevList}'s monitor); the node devices never call back into storage.
 */
final class StoragePools {

    /** test_driver.c's defaultPoolCap: 100 GiB. */
    static final long DEFAULT_POOL_CAP = 100L * 1024 * 1024 * 1024;
    /** test_driver.c's defaultPoolAlloc. */
    static final long DEFAULT_POOL_ALLOC = 0;

    /**
     * How an fc_host pool gets and loses its vHBA (test_driver.c's testCreateVport and
     * testDestroyVport, which copy node device scsi_host11 to scsi_host12 and remove it again).
     * The node-device family provides it; without one the host behaves as libvirt's does with
     * no scsi_host11.
     */
    interface VportHook {
        /** Creates the vHBA; false when there is nothing to copy (libvirt then sets no error). */
        boolean create(String wwnn, String wwpn);

        /** Removes the vHBA scsi_host12 with its DELETED event; VirException when it is missing. */
        void destroy();
    }

    private static final VportHook NO_VPORTS = new VportHook() {
        @Override
        public boolean create(String wwnn, String wwpn) {
            return false;
        }

        @Override
        public void destroy() {
            throw VirException.of(VirErrorNumber.NO_NODE_DEVICE, VirErrorDomain.TEST,
                    "no node device with matching name 'scsi_host12'");
        }
    };

    private volatile VportHook vports = NO_VPORTS;

    final ReentrantLock lock = new ReentrantLock();
    /** By UUID text, in creation order. Guarded by lock. */
    private final Map<String, Pool> byUuid = new LinkedHashMap<>();

    /** One pool (virStoragePoolObj). Guarded by the list's lock. */
    static final class Pool {
        StoragePoolDef def;
        /** The definition that replaces def when the pool stops (kept, as libvirt keeps it). */
        StoragePoolDef newDef;
        boolean active;
        /** libvirt's "has a config file": persistent. */
        boolean persistent;
        boolean autostart;
        /** By name, in creation order. */
        final Map<String, StorageVolDef> volumes = new LinkedHashMap<>();

        Pool(StoragePoolDef def) {
            this.def = def;
        }

        StoragePoolRef ref() {
            return new StoragePoolRef(def.name(), def.uuid());
        }

        StorageVolRef volRef(StorageVolDef v) {
            return new StorageVolRef(def.name(), v.name(), v.key());
        }

        /** testStoragePoolObjSetDefaults: default sizes and a config file (persistent). */
        void setDefaults() {
            def.setSizes(DEFAULT_POOL_CAP, DEFAULT_POOL_ALLOC, DEFAULT_POOL_CAP - DEFAULT_POOL_ALLOC);
            persistent = true;
        }

        /**
         * virStoragePoolObjAddVol: false (and nothing added) when the key, name or path is taken
         * or missing.
         */
        boolean addVolume(StorageVolDef v) {
            if (v.key() == null || v.name() == null || v.path() == null || volumes.containsKey(v.name())) {
                return false;
            }
            for (StorageVolDef o : volumes.values()) {
                if (o.key().equals(v.key()) || o.path().equals(v.path())) {
                    return false;
                }
            }
            volumes.put(v.name(), v);
            return true;
        }

        StorageVolDef volumeByKey(String key) {
            for (StorageVolDef v : volumes.values()) {
                if (v.key().equals(key)) {
                    return v;
                }
            }
            return null;
        }

        StorageVolDef volumeByPath(String path) {
            for (StorageVolDef v : volumes.values()) {
                if (v.path().equals(path)) {
                    return v;
                }
            }
            return null;
        }
    }

    VportHook vports() {
        return vports;
    }

    /** Installs the node-device family's vHBA hook (once, while the host is built). */
    void setVportHook(VportHook hook) {
        this.vports = hook;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    Pool byUuid(byte[] uuid) {
        assert lock.isHeldByCurrentThread();
        return byUuid.get(Uuids.format(uuid));
    }

    Pool byName(String name) {
        assert lock.isHeldByCurrentThread();
        for (Pool p : byUuid.values()) {
            if (p.def.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Every pool in creation order (a copy). */
    List<Pool> all() {
        assert lock.isHeldByCurrentThread();
        return new ArrayList<>(byUuid.values());
    }

    int size() {
        assert lock.isHeldByCurrentThread();
        return byUuid.size();
    }

    void add(Pool p) {
        assert lock.isHeldByCurrentThread();
        byUuid.put(Uuids.format(p.def.uuid()), p);
    }

    void remove(Pool p) {
        assert lock.isHeldByCurrentThread();
        byUuid.remove(Uuids.format(p.def.uuid()));
    }

    /**
     * virStoragePoolObjListAdd: a new pool, or the existing one of the same UUID and name with
     * its definition replaced (or queued as next definition while it runs).
     */
    Pool listAdd(StoragePoolDef def, boolean checkLive) {
        assert lock.isHeldByCurrentThread();
        for (Pool p : all()) {
            if (!p.def.name().equals(def.name()) && p.def.sourceConflicts(def)) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.STORAGE,
                        "Storage source conflict with pool: '" + p.def.name() + "'");
            }
        }
        Pool existing = byUuid(def.uuid());
        if (existing != null) {
            if (!existing.def.name().equals(def.name())) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.STORAGE, "pool '"
                        + existing.def.name() + "' is already defined with uuid " + Uuids.format(existing.def.uuid()));
            }
            if (checkLive && existing.active) {
                throw VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.STORAGE,
                        "pool is already active as '" + existing.def.name() + "'");
            }
            if (existing.active) {
                existing.newDef = def;
            } else {
                existing.def = def;
            }
            return existing;
        }
        Pool other = byName(def.name());
        if (other != null) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.STORAGE, "pool '" + def.name()
                    + "' already exists with uuid " + Uuids.format(other.def.uuid()));
        }
        Pool p = new Pool(def);
        add(p);
        return p;
    }
}
