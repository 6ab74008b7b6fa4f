package io.jvirtd.driver.storage;

import static io.jvirtd.driver.storage.DirStorage.S;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StoragePoolCapsXml;
import io.jvirtd.model.conf.StoragePoolType;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.StorageOps;
import io.jvirtd.model.storage.PoolListFilter;
import io.jvirtd.model.storage.StoragePoolInfo;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's storage calls on the host's {@code dir} pools: storage_driver.c's pool entry
 * points with their checks, errors (domain STORAGE) and events; volume calls are
 * {@link DirVolumeOps}'. Thread-safe: the state is {@link DirStorage}'s; this object only tracks
 * the connection's event callbacks.
 */
public final class DirStorageOps implements StorageOps {

    /** VIR_STORAGE_POOL_BUILD_OVERWRITE / NO_OVERWRITE. */
    private static final int BUILD_OVERWRITE = 1 << 2;
    private static final int BUILD_NO_OVERWRITE = 1 << 3;
    /** VIR_STORAGE_POOL_CREATE_WITH_BUILD, _OVERWRITE, _NO_OVERWRITE. */
    private static final int CREATE_WITH_BUILD = 1;
    private static final int CREATE_WITH_BUILD_OVERWRITE = 1 << 1;
    private static final int CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2;
    /** VIR_STORAGE_XML_INACTIVE. */
    private static final int XML_INACTIVE = 1;

    private final DirStorage st;
    private final DirVolumeOps volumes;
    private final List<Integer> callbacks = new ArrayList<>();

    DirStorageOps(DirStorage st) {
        this.st = st;
        this.volumes = new DirVolumeOps(st);
    }

    // ---- listing ----

    @Override
    public int connectNumOfStoragePools() {
        return names(true, Integer.MAX_VALUE).size();
    }

    @Override
    public int connectNumOfDefinedStoragePools() {
        return names(false, Integer.MAX_VALUE).size();
    }

    @Override
    public List<String> connectListStoragePools(int maxnames) {
        return names(true, maxnames);
    }

    @Override
    public List<String> connectListDefinedStoragePools(int maxnames) {
        return names(false, maxnames);
    }

    private List<String> names(boolean active, int max) {
        List<String> out = new ArrayList<>();
        for (DirPool p : st.all()) {
            synchronized (p) {
                if (p.active == active && out.size() < max) {
                    out.add(p.name());
                }
            }
        }
        return out;
    }

    @Override
    public List<StoragePoolRef> connectListAllStoragePools(int flags) {
        VirException.checkFlags(flags, PoolListFilter.ALL, S, "storageConnectListAllStoragePools");
        List<StoragePoolRef> out = new ArrayList<>();
        for (DirPool p : st.all()) {
            synchronized (p) {
                if (PoolListFilter.matches(flags, p.active, p.persistent, p.autostart, p.def.type())) {
                    out.add(p.ref());
                }
            }
        }
        return out;
    }

    @Override
    public int connectCountAllStoragePools(int flags) {
        return connectListAllStoragePools(flags).size();
    }

    // ---- lookups ----

    @Override
    public StoragePoolRef storagePoolLookupByName(String name) {
        DirPool p = st.byName(name);
        synchronized (p) {
            return p.ref();
        }
    }

    @Override
    public StoragePoolRef storagePoolLookupByUUID(byte[] uuid) {
        DirPool p = st.byUuidOrNull(uuid);
        if (p == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, S, "no storage pool with matching uuid '"
                    + io.jvirtd.model.domain.Uuids.format(uuid) + "'");
        }
        synchronized (p) {
            return p.ref();
        }
    }

    @Override
    public StoragePoolRef storagePoolLookupByVolume(StorageVolRef vol) {
        return storagePoolLookupByName(vol.pool());
    }

    @Override
    public StoragePoolRef storagePoolLookupByTargetPath(String path) {
        String clean = DirVolumeOps.sanitize(path);
        for (DirPool p : st.all()) {
            synchronized (p) {
                if (p.active && clean.equals(DirVolumeOps.sanitize(p.def.targetPath()))) {
                    return p.ref();
                }
            }
        }
        throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, S, "no storage pool with matching target path '" + path + "'");
    }

    // ---- definition and lifecycle ----

    private static StoragePoolDef parseDir(String xml, int flags) {
        StoragePoolDef def = StoragePoolDef.parse(xml, flags);
        if (def.type() != StoragePoolType.DIR) {
            throw VirException.internalError(S, "missing backend for pool type " + def.type().ordinal());
        }
        return def;
    }

    @Override
    public StoragePoolRef storagePoolDefineXML(String xml, int flags) {
        VirException.checkFlags(flags, StoragePoolDef.DEFINE_VALIDATE, S, "storagePoolDefineXML");
        StoragePoolDef def = parseDir(xml, flags);
        DirPool p = st.addOrUpdate(def, false);
        boolean created = p.def == def; // a new pool, not a new definition of one we have
        synchronized (p) {
            try {
                st.files.saveConfig(def);
            } catch (VirException e) {
                if (created) {
                    st.remove(p);
                }
                throw e;
            }
            if (!created && p.active) {
                p.newDef = def;
            } else {
                p.def = def;
            }
            p.persistent = true;
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.DEFINED, 0));
        return p.ref();
    }

    @Override
    public StoragePoolRef storagePoolCreateXML(String xml, int flags) {
        VirException.checkFlags(flags, CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE, S,
                "storagePoolCreateXML");
        checkExclusive(flags, CREATE_WITH_BUILD_OVERWRITE, CREATE_WITH_BUILD_NO_OVERWRITE);
        StoragePoolDef def = parseDir(xml, 0);
        DirPool p = st.addOrUpdate(def, true);
        synchronized (p) {
            boolean fresh = !p.persistent;
            try {
                if ((flags & (CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE)) != 0) {
                    build(p);
                }
                st.files.saveState(p.def);
                st.refresh(p);
            } catch (VirException e) {
                st.files.deleteState(p.name());
                if (fresh) {
                    st.remove(p);
                }
                throw e;
            }
            p.active = true;
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STARTED, 0));
        return p.ref();
    }

    @Override
    public void storagePoolBuild(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, BUILD_OVERWRITE | BUILD_NO_OVERWRITE, S, "storagePoolBuild");
        checkExclusive(flags, BUILD_OVERWRITE, BUILD_NO_OVERWRITE);
        DirPool p = st.get(pool);
        synchronized (p) {
            if (p.active) {
                throw VirException.operationInvalid(S, "storage pool '" + p.name() + "' is already active");
            }
            build(p);
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.CREATED, 0));
    }

    /** virStorageBackendBuildLocal: the folder with its parents, in the requested (or default) mode. */
    private static void build(DirPool p) {
        String target = p.def.targetPath();
        int slash = target.lastIndexOf('/');
        if (slash < 0) {
            throw VirException.invalidArg(S, "path '" + target + "' is not absolute");
        }
        Path dir = Path.of(target);
        boolean existed = Files.exists(dir);
        try {
            if (slash > 0) {
                Files.createDirectories(dir.getParent());
            }
            if (!existed) {
                Files.createDirectory(dir);
            }
            int mode = p.def.targetMode();
            if (mode == -1 && !existed) {
                mode = DirStorage.DEFAULT_POOL_MODE;
            }
            if (mode != -1) {
                Files.setPosixFilePermissions(dir, VolumeFiles.permissions(mode));
            }
        } catch (IOException e) {
            throw VolumeFiles.systemError("cannot create path '" + target + "'", e);
        }
    }

    private static void checkExclusive(int flags, int a, int b) {
        if ((flags & a) != 0 && (flags & b) != 0) {
            throw VirException.invalidArg(S, "Flags '" + flagName(a) + "' and '" + flagName(b) + "' are mutually exclusive");
        }
    }

    private static String flagName(int f) {
        return switch (f) {
            case BUILD_OVERWRITE -> "VIR_STORAGE_POOL_BUILD_OVERWRITE";
            case BUILD_NO_OVERWRITE -> "VIR_STORAGE_POOL_BUILD_NO_OVERWRITE";
            case CREATE_WITH_BUILD_OVERWRITE -> "VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE";
            default -> "VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE";
        };
    }

    @Override
    public void storagePoolUndefine(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            if (p.active) {
                throw VirException.operationInvalid(S, "storage pool '" + p.name() + "' is still active");
            }
            if (p.asyncJobs > 0) {
                throw VirException.internalError(S, "pool '" + p.name() + "' has asynchronous jobs running.");
            }
            if (!p.persistent) {
                throw VirException.internalError(S, "pool has no config file");
            }
            st.files.deleteConfig(p.name());
            st.remove(p);
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.UNDEFINED, 0));
    }

    @Override
    public void storagePoolCreate(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE, S,
                "storagePoolCreate");
        checkExclusive(flags, CREATE_WITH_BUILD_OVERWRITE, CREATE_WITH_BUILD_NO_OVERWRITE);
        DirPool p = st.get(pool);
        synchronized (p) {
            if (p.active) {
                throw VirException.operationInvalid(S, "storage pool '" + p.name() + "' is already active");
            }
            if (flags != 0) {
                build(p);
            }
            try {
                st.files.saveState(p.def);
                st.refresh(p);
            } catch (VirException e) {
                st.files.deleteState(p.name());
                throw e;
            }
            p.active = true;
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STARTED, 0));
    }

    @Override
    public void storagePoolDestroy(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            checkActive(p);
            if (p.asyncJobs > 0) {
                throw VirException.internalError(S, "pool '" + p.name() + "' has asynchronous jobs running.");
            }
            stop(p);
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STOPPED, 0));
    }

    /** The pool stops: no volumes, no state file; a transient one is gone, a pending definition applies. */
    private void stop(DirPool p) {
        p.active = false;
        p.volumes.clear();
        st.files.deleteState(p.name());
        if (!p.persistent) {
            st.remove(p);
        } else if (p.newDef != null) {
            p.def = p.newDef;
            p.newDef = null;
        }
    }

    @Override
    public void storagePoolDelete(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, S, "virStorageBackendDeleteLocal");
        DirPool p = st.get(pool);
        synchronized (p) {
            if (p.active) {
                throw VirException.operationInvalid(S, "storage pool '" + p.name() + "' is still active");
            }
            if (p.asyncJobs > 0) {
                throw VirException.internalError(S, "pool '" + p.name() + "' has asynchronous jobs running.");
            }
            try {
                Files.delete(Path.of(p.def.targetPath()));
            } catch (IOException e) {
                throw VolumeFiles.systemError("failed to remove pool '" + p.def.targetPath() + "'", e);
            }
        }
        st.raise(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.DELETED, 0));
    }

    @Override
    public void storagePoolRefresh(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, S, "storagePoolRefresh");
        DirPool p = st.get(pool);
        StoragePoolEvent event;
        VirException failure = null;
        synchronized (p) {
            checkActive(p);
            if (p.asyncJobs > 0) {
                throw VirException.internalError(S, "pool '" + p.name() + "' has asynchronous jobs running.");
            }
            try {
                st.refresh(p);
                event = new StoragePoolEvent.Refresh(p.ref());
            } catch (VirException e) {
                // storagePoolRefresh: a pool that cannot be refreshed stops
                stop(p);
                failure = e;
                event = new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STOPPED, 0);
            }
        }
        st.raise(event);
        if (failure != null) {
            throw failure;
        }
    }

    static void checkActive(DirPool p) {
        if (!p.active) {
            throw VirException.operationInvalid(S, "storage pool '" + p.name() + "' is not active");
        }
    }

    // ---- state ----

    @Override
    public StoragePoolInfo storagePoolGetInfo(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            return new StoragePoolInfo(p.active ? StoragePoolInfo.RUNNING : StoragePoolInfo.INACTIVE,
                    p.def.capacity(), p.def.allocation(), p.def.available());
        }
    }

    /** storageConnectGetStoragePoolCapabilities: libvirt's document with only {@code dir} loaded. */
    @Override
    public String connectGetStoragePoolCapabilities(int flags) {
        VirException.checkFlags(flags, 0, S, "storageConnectGetStoragePoolCapabilities");
        return StoragePoolCapsXml.format(java.util.Set.of(StoragePoolType.DIR));
    }

    @Override
    public String storagePoolGetXMLDesc(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, XML_INACTIVE, S, "storagePoolGetXMLDesc");
        DirPool p = st.get(pool);
        StoragePoolDef d;
        synchronized (p) {
            d = ((flags & XML_INACTIVE) != 0 && p.newDef != null ? p.newDef : p.def).copy();
        }
        return d.format();
    }

    @Override
    public boolean storagePoolGetAutostart(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            return p.autostart;
        }
    }

    @Override
    public void storagePoolSetAutostart(StoragePoolRef pool, boolean autostart) {
        DirPool p = st.get(pool);
        synchronized (p) {
            if (!p.persistent) {
                throw VirException.internalError(S, "pool has no config file");
            }
            if (p.autostart != autostart) {
                st.files.setAutostart(p.name(), autostart);
                p.autostart = autostart;
            }
        }
    }

    @Override
    public boolean storagePoolIsActive(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            return p.active;
        }
    }

    @Override
    public boolean storagePoolIsPersistent(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            return p.persistent;
        }
    }

    @Override
    public int storagePoolNumOfVolumes(StoragePoolRef pool) {
        DirPool p = st.get(pool);
        synchronized (p) {
            checkActive(p);
            return p.volumes.size();
        }
    }

    @Override
    public List<String> storagePoolListVolumes(StoragePoolRef pool, int maxnames) {
        DirPool p = st.get(pool);
        synchronized (p) {
            checkActive(p);
            List<String> out = new ArrayList<>();
            for (String n : p.volumes.keySet()) {
                if (out.size() == maxnames) {
                    break;
                }
                out.add(n);
            }
            return out;
        }
    }

    @Override
    public List<StorageVolRef> storagePoolListAllVolumes(StoragePoolRef pool, int flags) {
        VirException.checkFlags(flags, 0, S, "storagePoolListAllVolumes");
        DirPool p = st.get(pool);
        synchronized (p) {
            checkActive(p);
            List<StorageVolRef> out = new ArrayList<>();
            for (DirPool.Vol v : p.volumes.values()) {
                out.add(p.volRef(v.def));
            }
            return out;
        }
    }

    @Override
    public int storagePoolCountAllVolumes(StoragePoolRef pool, int flags) {
        return storagePoolListAllVolumes(pool, flags).size();
    }

    // ---- volumes ----

    @Override
    public StorageVolRef storageVolLookupByName(StoragePoolRef pool, String name) {
        return volumes.lookupByName(pool, name);
    }

    @Override
    public StorageVolRef storageVolLookupByKey(String key) {
        return volumes.lookupByKey(key);
    }

    @Override
    public StorageVolRef storageVolLookupByPath(String path) {
        return volumes.lookupByPath(path);
    }

    @Override
    public StorageVolRef storageVolCreateXML(StoragePoolRef pool, String xml, int flags) {
        return volumes.create(pool, xml, null, flags);
    }

    @Override
    public StorageVolRef storageVolCreateXMLFrom(StoragePoolRef pool, String xml, StorageVolRef clone, int flags) {
        return volumes.create(pool, xml, clone, flags);
    }

    @Override
    public void storageVolDelete(StorageVolRef vol, int flags) {
        volumes.delete(vol, flags);
    }

    @Override
    public void storageVolWipe(StorageVolRef vol, int flags) {
        volumes.wipe(vol, 0, flags);
    }

    @Override
    public void storageVolWipePattern(StorageVolRef vol, int algorithm, int flags) {
        volumes.wipe(vol, algorithm, flags);
    }

    @Override
    public StorageVolInfo storageVolGetInfo(StorageVolRef vol) {
        return volumes.info(vol, 0);
    }

    @Override
    public StorageVolInfo storageVolGetInfoFlags(StorageVolRef vol, int flags) {
        return volumes.info(vol, flags);
    }

    @Override
    public String storageVolGetXMLDesc(StorageVolRef vol, int flags) {
        return volumes.xml(vol, flags);
    }

    @Override
    public String storageVolGetPath(StorageVolRef vol) {
        return volumes.path(vol);
    }

    @Override
    public void storageVolResize(StorageVolRef vol, long capacity, int flags) {
        volumes.resize(vol, capacity, flags);
    }

    @Override
    public DataStream storageVolUpload(StorageVolRef vol, long offset, long length, int flags) {
        return volumes.upload(vol, offset, length, flags);
    }

    @Override
    public DataStream storageVolDownload(StorageVolRef vol, long offset, long length, int flags) {
        return volumes.download(vol, offset, length, flags);
    }

    // ---- events ----

    @Override
    public int connectStoragePoolEventRegisterAny(StoragePoolRef filterOrNull, int eventId,
                                                  Consumer<StoragePoolEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        int id = st.events.register(StoragePoolEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.pool().uuid()), listener);
        synchronized (callbacks) {
            callbacks.add(id);
        }
        return id;
    }

    @Override
    public void connectStoragePoolEventDeregisterAny(int callbackId) {
        synchronized (callbacks) {
            if (!callbacks.remove(Integer.valueOf(callbackId))) {
                throw VirException.invalidArg(S, "could not find event callback " + callbackId + " for deletion");
            }
        }
        st.events.deregister(callbackId);
    }

    /** The connection closes: its event callbacks go. */
    public void close() {
        List<Integer> ids;
        synchronized (callbacks) {
            ids = new ArrayList<>(callbacks);
            callbacks.clear();
        }
        for (int id : ids) {
            st.events.deregister(id);
        }
    }
}
