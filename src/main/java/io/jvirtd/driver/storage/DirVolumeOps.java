package io.jvirtd.driver.storage;

import static io.jvirtd.driver.storage.DirStorage.S;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolType;
import io.jvirtd.model.conf.StorageVolDef;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;
import io.jvirtd.model.stream.DataStream;

/**
 * The volume calls of storage_driver.c on {@code dir} pools: lookups, create (and create-from),
 * delete, wipe, resize, info, XML, upload and download, with libvirt's checks and errors. Long
 * file work runs without the pool's lock, the volume marked meanwhile ({@code building} while
 * it is created, {@code inUse} while another one is copied from it). Thread-safe; workers.
 */
final class DirVolumeOps {

    /** VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA, _REFLINK, _VALIDATE. */
    private static final int CREATE_PREALLOC_METADATA = 1;
    private static final int CREATE_REFLINK = 1 << 1;
    private static final int CREATE_VALIDATE = 1 << 2;
    /** VIR_VOL_XML_PARSE_NO_CAPACITY and _OPT_CAPACITY. */
    private static final int PARSE_NO_CAPACITY = 1;
    private static final int PARSE_OPT_CAPACITY = 1 << 1;
    /** VIR_STORAGE_VOL_RESIZE_ALLOCATE, _DELTA, _SHRINK. */
    private static final int RESIZE_ALLOCATE = 1;
    private static final int RESIZE_DELTA = 1 << 1;
    private static final int RESIZE_SHRINK = 1 << 2;
    /** VIR_STORAGE_VOL_GET_PHYSICAL. */
    private static final int GET_PHYSICAL = 1;
    /** VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM = VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM. */
    private static final int SPARSE_STREAM = 1;
    /** VIR_STORAGE_VOL_WIPE_ALG_LAST. */
    private static final int WIPE_ALG_LAST = 10;
    /** VIR_STORAGE_VOL_FILE. */
    private static final int VOL_FILE = 0;

    private final DirStorage st;

    DirVolumeOps(DirStorage st) {
        this.st = st;
    }

    /** virFileSanitizePath: no doubled or trailing slashes, no "/./". */
    static String sanitize(String path) {
        String s = path.replaceAll("/+", "/").replace("/./", "/");
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    // ---- lookups ----

    /** virStorageVolDefFromVol: the active pool named by the handle and the volume in it. Hold the pool. */
    private DirPool.Vol find(DirPool p, String name) {
        DirStorageOps.checkActive(p);
        DirPool.Vol v = p.volumes.get(name);
        if (v == null) {
            throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, S, "no storage vol with matching name '" + name + "'");
        }
        return v;
    }

    StorageVolRef lookupByName(StoragePoolRef pool, String name) {
        DirPool p = st.get(pool);
        synchronized (p) {
            return p.volRef(find(p, name).def);
        }
    }

    StorageVolRef lookupByKey(String key) {
        for (DirPool p : st.all()) {
            synchronized (p) {
                DirPool.Vol v = p.active ? p.volumeByKey(key) : null;
                if (v != null) {
                    return p.volRef(v.def);
                }
            }
        }
        throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, S, "no storage vol with matching key " + key);
    }

    StorageVolRef lookupByPath(String path) {
        String clean = sanitize(path);
        for (DirPool p : st.all()) {
            synchronized (p) {
                DirPool.Vol v = p.active ? p.volumeByPath(clean) : null;
                if (v != null) {
                    return p.volRef(v.def);
                }
            }
        }
        throw VirException.of(VirErrorNumber.NO_STORAGE_VOL, S, "no storage vol with matching path '" + path + "'");
    }

    // ---- create ----

    /** storageVolCreateXML, or storageVolCreateXMLFrom when {@code cloneRef} is set. */
    StorageVolRef create(StoragePoolRef pool, String xml, StorageVolRef cloneRef, int flags) {
        boolean from = cloneRef != null;
        VirException.checkFlags(flags, CREATE_PREALLOC_METADATA | CREATE_VALIDATE | (from ? CREATE_REFLINK : 0), S,
                from ? "storageVolCreateXMLFrom" : "storageVolCreateXML");
        int parseFlags = (from ? PARSE_NO_CAPACITY : PARSE_OPT_CAPACITY)
                | ((flags & CREATE_VALIDATE) != 0 ? StorageVolDef.PARSE_VALIDATE : 0);
        DirPool p = st.get(pool);
        synchronized (p) {
            DirStorageOps.checkActive(p);
        }
        DirPool srcPool = null;
        DirPool.Vol src = null;
        if (from) {
            srcPool = st.byName(cloneRef.pool());
            synchronized (srcPool) {
                src = find(srcPool, cloneRef.name());
            }
        }
        StorageVolDef def = StorageVolDef.parse(StoragePoolType.DIR, xml, parseFlags);
        if ((flags & CREATE_PREALLOC_METADATA) != 0 && "raw".equals(def.targetFormat())) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, S, "metadata preallocation is not supported for raw volumes");
        }
        String srcFormat = null;
        StorageVolDef srcDef = null;
        DirPool.Vol vol;
        synchronized (p) {
            DirStorageOps.checkActive(p);
            if (p.volumes.containsKey(def.name())) {
                throw from ? VirException.internalError(S, "storage volume name '" + def.name() + "' already in use.")
                        : VirException.of(VirErrorNumber.STORAGE_VOL_EXIST, S, "'" + def.name() + "'");
            }
            if (def.name().contains("/")) {
                throw VirException.operationInvalid(S, "volume name '" + def.name() + "' cannot contain '/'");
            }
            String path = p.def.targetPath() + "/" + def.name();
            if (VolumeFiles.exists(path)) {
                throw VirException.operationInvalid(S, "volume target path '" + path + "' already exists");
            }
            def.setPath(path);
            def.setKey(path);
            vol = new DirPool.Vol(def);
            vol.building = true;
            p.volumes.put(def.name(), vol);
            p.asyncJobs++;
        }
        if (from) {
            synchronized (srcPool) {
                if (src.building) {
                    abandon(p, vol);
                    throw VirException.operationInvalid(S, "volume '" + src.def.name() + "' is still being allocated.");
                }
                src.inUse++;
                srcDef = src.def;
                srcFormat = src.def.targetFormat();
            }
        }
        try {
            st.volumeFiles.build(def, srcDef, srcFormat);
        } catch (RuntimeException e) {
            abandon(p, vol);
            throw e;
        } finally {
            if (from) {
                synchronized (srcPool) {
                    src.inUse--;
                }
            }
        }
        synchronized (p) {
            vol.building = false;
            p.asyncJobs--;
            try {
                st.volumeFiles.update(def, false);
                st.updateSizes(p);
            } catch (VirException e) {
                p.volumes.remove(def.name());
                st.volumeFiles.delete(def);
                throw e;
            }
            return p.volRef(def);
        }
    }

    private static void abandon(DirPool p, DirPool.Vol vol) {
        synchronized (p) {
            p.volumes.remove(vol.def.name(), vol);
            p.asyncJobs--;
        }
    }

    // ---- volume state ----

    /** The volume, checked not to be busy (in use, or still being created). Hold the pool. */
    private DirPool.Vol idle(DirPool p, String name) {
        DirPool.Vol v = find(p, name);
        if (v.inUse > 0) {
            throw VirException.operationInvalid(S, "volume '" + name + "' is still in use.");
        }
        if (v.building) {
            throw VirException.operationInvalid(S, "volume '" + name + "' is still being allocated.");
        }
        return v;
    }

    void delete(StorageVolRef ref, int flags) {
        VirException.checkFlags(flags, 0, S, "virStorageBackendVolDeleteLocal");
        DirPool p = st.byName(ref.pool());
        synchronized (p) {
            DirPool.Vol v = idle(p, ref.name());
            st.volumeFiles.delete(v.def);
            p.volumes.remove(ref.name());
            st.updateSizes(p);
        }
    }

    void wipe(StorageVolRef ref, int algorithm, int flags) {
        VirException.checkFlags(flags, 0, S, "storageVolWipePattern");
        if (Integer.compareUnsigned(algorithm, WIPE_ALG_LAST) >= 0) {
            throw VirException.invalidArg(S, "wiping algorithm " + algorithm + " not supported");
        }
        DirPool p = st.byName(ref.pool());
        DirPool.Vol v;
        synchronized (p) {
            v = idle(p, ref.name());
            if (algorithm != 0) {
                throw VirException.systemError(VirErrorDomain.NONE, 2, "Cannot find 'scrub' in path",
                        "No such file or directory");
            }
            v.inUse++;
        }
        try {
            st.volumeFiles.wipe(v.def);
        } finally {
            synchronized (p) {
                v.inUse--;
                st.volumeFiles.update(v.def, false);
            }
        }
    }

    StorageVolInfo info(StorageVolRef ref, int flags) {
        VirException.checkFlags(flags, GET_PHYSICAL, S, "storageVolGetInfoFlags");
        DirPool p = st.byName(ref.pool());
        synchronized (p) {
            DirPool.Vol v = find(p, ref.name());
            if (!v.building) {
                st.volumeFiles.update(v.def, false);
            }
            long alloc = (flags & GET_PHYSICAL) != 0 ? physical(v.def) : v.def.allocation();
            return new StorageVolInfo(VOL_FILE, v.def.capacity(), alloc);
        }
    }

    private static long physical(StorageVolDef d) {
        try {
            return java.nio.file.Files.size(java.nio.file.Path.of(d.path()));
        } catch (java.io.IOException e) {
            return d.allocation();
        }
    }

    String xml(StorageVolRef ref, int flags) {
        VirException.checkFlags(flags, 0, S, "storageVolGetXMLDesc");
        DirPool p = st.byName(ref.pool());
        synchronized (p) {
            DirPool.Vol v = find(p, ref.name());
            if (!v.building) {
                st.volumeFiles.update(v.def, false);
            }
            return v.def.format();
        }
    }

    String path(StorageVolRef ref) {
        DirPool p = st.byName(ref.pool());
        synchronized (p) {
            return find(p, ref.name()).def.path();
        }
    }

    void resize(StorageVolRef ref, long capacity, int flags) {
        VirException.checkFlags(flags, RESIZE_ALLOCATE | RESIZE_DELTA | RESIZE_SHRINK, S, "storageVolResize");
        DirPool p = st.byName(ref.pool());
        synchronized (p) {
            DirPool.Vol v = idle(p, ref.name());
            StorageVolDef d = v.def;
            long abs;
            if ((flags & RESIZE_DELTA) != 0) {
                abs = (flags & RESIZE_SHRINK) != 0 ? d.capacity() - unsignedMin(capacity, d.capacity())
                        : d.capacity() + capacity;
            } else {
                abs = capacity;
            }
            if (Long.compareUnsigned(abs, d.allocation()) < 0 && (flags & RESIZE_SHRINK) == 0) {
                throw VirException.invalidArg(S, "can't shrink capacity below existing allocation");
            }
            if (Long.compareUnsigned(abs, d.capacity()) < 0 && (flags & RESIZE_SHRINK) == 0) {
                throw VirException.invalidArg(S,
                        "Can't shrink capacity below current capacity unless shrink flag explicitly specified");
            }
            long delta = (flags & RESIZE_ALLOCATE) != 0 ? abs - d.allocation() : 0;
            if (Long.compareUnsigned(delta, p.def.available()) > 0 && delta > 0) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, S, "Not enough space left in storage pool");
            }
            st.volumeFiles.resize(d, abs, (flags & RESIZE_ALLOCATE) != 0, (flags & RESIZE_SHRINK) != 0);
            st.volumeFiles.update(d, false);
            st.updateSizes(p);
        }
    }

    private static long unsignedMin(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? a : b;
    }

    // ---- streams ----

    /**
     * storageVolUpload: a stream writing the volume's file; when it closes the pool is
     * refreshed and a refresh event raised (virStorageVolPoolRefreshThread).
     */
    DataStream upload(StorageVolRef ref, long offset, long length, int flags) {
        VirException.checkFlags(flags, SPARSE_STREAM, S, "virStorageBackendVolUploadLocal");
        DirPool p = st.byName(ref.pool());
        String path;
        synchronized (p) {
            path = idle(p, ref.name()).def.path();
        }
        return VolumeStream.upload(path, offset, length, () -> refreshAfterUpload(p));
    }

    private void refreshAfterUpload(DirPool p) {
        StoragePoolEvent event = null;
        synchronized (p) {
            if (p.active && p.asyncJobs == 0) {
                try {
                    st.refresh(p);
                } catch (VirException e) {
                    p.volumes.clear(); // libvirt logs it and leaves the pool as the refresh left it
                }
                event = new StoragePoolEvent.Refresh(p.ref());
            }
        }
        if (event != null) {
            st.raise(event);
        }
    }

    DataStream download(StorageVolRef ref, long offset, long length, int flags) {
        VirException.checkFlags(flags, SPARSE_STREAM, S, "virStorageBackendVolDownloadLocal");
        DirPool p = st.byName(ref.pool());
        String path;
        synchronized (p) {
            path = idle(p, ref.name()).def.path();
        }
        return VolumeStream.download(path, offset, length, (flags & SPARSE_STREAM) != 0, () -> {
        });
    }
}
