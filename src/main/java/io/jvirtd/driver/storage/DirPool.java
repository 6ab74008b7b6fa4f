package io.jvirtd.driver.storage;

import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StorageVolDef;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolRef;

import java.util.Map;
import java.util.TreeMap;

/**
 * One {@code dir} pool (libvirt's virStoragePoolObj) and its volumes. Guarded by its own
 * monitor: every call holds it while it looks at or changes the pool, including the short file
 * work of a refresh; long volume work (copies, uploads) runs without it, the volume marked
 * {@code building} or {@code inUse} meanwhile, as libvirt drops the pool lock for them.
 */
final class DirPool {

    StoragePoolDef def;
    /** The definition that replaces def when the pool stops. */
    StoragePoolDef newDef;
    boolean active;
    boolean persistent;
    boolean autostart;
    /** Volume builds running without the lock (libvirt's asyncjobs): no refresh or stop meanwhile. */
    int asyncJobs;
    final Map<String, Vol> volumes = new TreeMap<>();

    /** A volume and what libvirt keeps beside its definition. */
    static final class Vol {
        final StorageVolDef def;
        /** Upload/download/wipe/resize streams or jobs using the file. */
        int inUse;
        /** Being created (its file is being written). */
        boolean building;

        Vol(StorageVolDef def) {
            this.def = def;
        }
    }

    DirPool(StoragePoolDef def) {
        this.def = def;
    }

    String name() {
        return def.name();
    }

    StoragePoolRef ref() {
        return new StoragePoolRef(def.name(), def.uuid());
    }

    StorageVolRef volRef(StorageVolDef v) {
        return new StorageVolRef(def.name(), v.name(), v.key());
    }

    Vol volumeByKey(String key) {
        for (Vol v : volumes.values()) {
            if (v.def.key().equals(key)) {
                return v;
            }
        }
        return null;
    }

    Vol volumeByPath(String path) {
        for (Vol v : volumes.values()) {
            if (v.def.path().equals(path)) {
                return v;
            }
        }
        return null;
    }
}
