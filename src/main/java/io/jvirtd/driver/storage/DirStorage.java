package io.jvirtd.driver.storage;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StoragePoolType;
import io.jvirtd.model.conf.StorageVolDef;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.storage.StoragePoolRef;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * libvirt's storage driver for {@code dir} pools (storage_driver.c with storage_backend_fs.c's
 * dir backend) on the host: pools are folders, volumes the regular files in them. It keeps the
 * pools, their definitions on disk ({@link PoolFiles}) and their events, and serves every
 * connection of the hypervisor driver that owns it through {@link #connection}.
 *
 * <p>Threads: calls come from workers. The pool list is guarded by this object's monitor, held
 * only to look up, add or remove a pool; each pool by its own (see {@link DirPool}). Lock order:
 * a pool, then this list; events are posted and dispatched after locks are released.
 */
public final class DirStorage {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.storage");
    static final VirErrorDomain S = VirErrorDomain.STORAGE;
    /** VIR_STORAGE_DEFAULT_POOL_PERM_MODE. */
    static final int DEFAULT_POOL_MODE = 0711;

    private final List<DirPool> pools = new ArrayList<>();
    final PoolFiles files;
    final VolumeFiles volumeFiles;
    final EventBus events;

    /**
     * @param configDir persistent pool definitions and autostart links
     * @param stateDir  the state of running pools, read back after a restart
     * @param events    the host's event bus (callback ids shared with the other families)
     * @param qemuImg   the qemu-img binary
     */
    public DirStorage(Path configDir, Path stateDir, EventBus events, String qemuImg) {
        this.files = new PoolFiles(configDir, stateDir);
        this.volumeFiles = new VolumeFiles(new QemuImg(qemuImg));
        this.events = events;
    }

    /** The storage calls of one connection. */
    public DirStorageOps connection() {
        return new DirStorageOps(this);
    }

    /**
     * Daemon start (storageStateInitialize): loads the persistent pools and the state of the
     * running ones, refreshes those (a pool whose folder vanished stops), then starts the
     * autostart pools that are not running.
     */
    public void start() {
        for (PoolFiles.Saved s : files.loadConfigs()) {
            if (s.def().type() != StoragePoolType.DIR) {
                LOG.log(Level.WARNING, "storage pool ''{0}'': only dir pools are served", s.def().name());
                continue;
            }
            DirPool p = new DirPool(s.def());
            p.persistent = true;
            p.autostart = s.autostart();
            add(p);
        }
        for (StoragePoolDef d : files.loadStates()) {
            DirPool p = byUuidOrNull(d.uuid());
            if (p == null && d.type() == StoragePoolType.DIR) {
                p = new DirPool(d);
                add(p);
            }
            if (p == null) {
                continue;
            }
            synchronized (p) {
                try {
                    refresh(p);
                    p.active = true;
                } catch (VirException e) {
                    LOG.log(Level.WARNING, "Failed to restart storage pool ''{0}'': {1}", p.name(), e.getMessage());
                    files.deleteState(p.name());
                    if (!p.persistent) {
                        remove(p);
                    }
                }
            }
        }
        for (DirPool p : all()) {
            synchronized (p) {
                if (!p.autostart || p.active) {
                    continue;
                }
                try {
                    files.saveState(p.def);
                    refresh(p);
                    p.active = true;
                } catch (VirException e) {
                    files.deleteState(p.name());
                    LOG.log(Level.WARNING, "Failed to autostart storage pool ''{0}'': {1}", p.name(), e.getMessage());
                }
            }
        }
    }

    // ---- the list ----

    synchronized List<DirPool> all() {
        return new ArrayList<>(pools);
    }

    synchronized void add(DirPool p) {
        pools.add(p);
    }

    synchronized void remove(DirPool p) {
        pools.remove(p);
    }

    synchronized DirPool byUuidOrNull(byte[] uuid) {
        for (DirPool p : pools) {
            if (java.util.Arrays.equals(p.def.uuid(), uuid)) {
                return p;
            }
        }
        return null;
    }

    synchronized DirPool byNameOrNull(String name) {
        for (DirPool p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** storagePoolObjFindByUUID: the pool a handle names. */
    DirPool get(StoragePoolRef ref) {
        DirPool p = byUuidOrNull(ref.uuid());
        if (p == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, S,
                    "no storage pool with matching uuid '" + ref.uuidString() + "' (" + ref.name() + ")");
        }
        return p;
    }

    /** virStoragePoolObjFindByName with libvirt's error. */
    DirPool byName(String name) {
        DirPool p = byNameOrNull(name);
        if (p == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_POOL, S, "no storage pool with matching name '" + name + "'");
        }
        return p;
    }

    /**
     * The file behind a domain disk's {@code <source pool volume>} (libvirt's
     * virDomainStorageSourceTranslateSourcePool for a dir pool, whose volumes are files): the
     * pool must exist and be active, the volume must be in it. Libvirt's errors: an unknown pool
     * (NO_STORAGE_POOL), "storage pool 'P' containing volume 'V' is not active" (CONFIG_UNSUPPORTED
     * from the domain code), an unknown volume (NO_STORAGE_VOL). Any worker thread.
     */
    public String volumeFile(String pool, String volume) {
        DirPool p = byName(pool);
        synchronized (p) {
            if (!p.active) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "storage pool '%s' containing volume '%s' is not active", pool, volume);
            }
            DirPool.Vol v = p.volumes.get(volume);
            if (v == null) {
                throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, S, "no storage vol with matching name '" + volume + "'");
            }
            return v.def.path();
        }
    }

    /**
     * virStoragePoolObjListAdd: a new pool, or the one of the same UUID and name with its
     * definition replaced (or queued for when it stops). Under the list's monitor.
     */
    synchronized DirPool addOrUpdate(StoragePoolDef def, boolean refuseActive) {
        for (DirPool p : pools) {
            if (!p.name().equals(def.name()) && p.def.sourceConflicts(def)) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, S, "Storage source conflict with pool: '"
                        + p.name() + "'");
            }
        }
        DirPool same = byUuidOrNull(def.uuid());
        if (same != null) {
            if (!same.name().equals(def.name())) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, S, "pool '" + same.name()
                        + "' is already defined with uuid " + Uuids.format(same.def.uuid()));
            }
            if (refuseActive && same.active) {
                throw VirException.of(VirErrorNumber.OPERATION_INVALID, S, "pool is already active as '"
                        + same.name() + "'");
            }
            return same;
        }
        DirPool named = byNameOrNull(def.name());
        if (named != null) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, S, "pool '" + def.name()
                    + "' already exists with uuid " + Uuids.format(named.def.uuid()));
        }
        DirPool p = new DirPool(def);
        pools.add(p);
        return p;
    }

    // ---- pool work, under the pool's monitor ----

    /**
     * virStorageBackendRefreshLocal: the volumes are the regular files of the folder, the sizes
     * those of its file system (capacity f_blocks, available f_bfree, allocation the difference).
     * On failure the pool keeps no volumes; the caller stops it.
     */
    void refresh(DirPool p) {
        assert Thread.holdsLock(p);
        p.volumes.clear();
        String target = p.def.targetPath();
        Path dir = Path.of(target);
        if (!Files.isDirectory(dir)) {
            throw VirException.systemError(S, 2, "cannot open directory '" + target + "'", "No such file or directory");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                names.add(f.getFileName().toString());
            }
        } catch (IOException e) {
            throw VolumeFiles.systemError("cannot open directory '" + target + "'", e);
        }
        names.sort(null);
        for (String name : names) {
            if (name.chars().anyMatch(c -> c < 0x20)) {
                continue; // libvirt ignores files with control characters
            }
            StorageVolDef v;
            try {
                v = volumeFiles.scan(p.def.type(), dir, name);
            } catch (VirException e) {
                p.volumes.clear();
                throw e;
            }
            if (v != null) {
                p.volumes.put(name, new DirPool.Vol(v));
            }
        }
        updateSizes(p);
    }

    /** The pool's sizes and folder permissions from its file system. */
    void updateSizes(DirPool p) {
        String target = p.def.targetPath();
        try {
            Path dir = Path.of(target);
            FileStore fs = Files.getFileStore(dir);
            long capacity = fs.getTotalSpace();
            long available = fs.getUnallocatedSpace();
            p.def.setSizes(capacity, capacity - available, available);
            Map<String, Object> a = Files.readAttributes(dir, "unix:mode,uid,gid");
            p.def.setTargetPerms((Integer) a.get("mode") & 0777, ((Integer) a.get("uid")).longValue(),
                    ((Integer) a.get("gid")).longValue());
        } catch (IOException e) {
            throw VolumeFiles.systemError("cannot statvfs path '" + target + "'", e);
        }
    }

    /** Posts and delivers a pool event (call with no lock held). */
    void raise(StoragePoolEvent e) {
        events.raise(e);
    }
}
