package io.jvirtd.driver.storage;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolType;
import io.jvirtd.model.conf.StorageVolDef;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The file work of a {@code dir} pool's volumes, as libvirt's storage_util.c does it: scan a
 * file into a volume definition (virStorageBackendRefreshVolTargetUpdate), create raw files and
 * qcow2 images (qemu-img create), copy one into another (vol-create-from), delete, wipe, resize.
 * Stateless but for the qemu-img runner; worker threads only (blocking file I/O and processes).
 */
final class VolumeFiles {

    /** VIR_STORAGE_DEFAULT_VOL_PERM_MODE. */
    static final int DEFAULT_VOL_MODE = 0600;
    private static final VirErrorDomain S = VirErrorDomain.STORAGE;

    private final QemuImg qemuImg;

    VolumeFiles(QemuImg qemuImg) {
        this.qemuImg = qemuImg;
    }

    /**
     * The volume {@code name} in folder {@code dir}, as a refresh finds it; null for what libvirt
     * silently skips (anything but a regular file: folders, sockets, dangling links).
     */
    StorageVolDef scan(StoragePoolType type, Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        StorageVolDef v = StorageVolDef.found(type, name, dir + "/" + name);
        update(v, true);
        return v;
    }

    /**
     * Reads sizes, format, owner, mode and times of {@code v}'s file again (libvirt's
     * refreshVol); {@code header} also takes compat level, cluster size and features from a
     * qcow2 header, which libvirt reads only when it scans the pool.
     */
    void update(StorageVolDef v, boolean header) {
        Path p = Path.of(v.path());
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastAccessTime,lastModifiedTime,ctime");
        } catch (IOException e) {
            throw systemError("cannot stat file '" + v.path() + "'", e);
        }
        QemuImg.Info info = qemuImg.info(v.path());
        long size = (Long) a.get("size");
        String format = info.format();
        long capacity = "raw".equals(format) ? size : info.virtualSize();
        long[] times = new long[6];
        put(times, 0, (FileTime) a.get("lastAccessTime"));
        put(times, 2, (FileTime) a.get("lastModifiedTime"));
        put(times, 4, (FileTime) a.get("ctime"));
        v.setScanned(capacity, info.actualSize(), size, format, (Integer) a.get("mode") & 0777,
                ((Integer) a.get("uid")).longValue(), ((Integer) a.get("gid")).longValue(), times);
        if ("qcow2".equals(format) && header) {
            List<String> features = null;
            if (!"0.10".equals(info.compat())) {
                features = new ArrayList<>();
                if (info.lazyRefcounts()) {
                    features.add("lazy_refcounts");
                }
                if (info.extendedL2()) {
                    features.add("extended_l2");
                }
            }
            v.setQcow2("0.10".equals(info.compat()) ? null : info.compat(), info.clusterSize(), features);
            if (info.backingFile() != null) {
                v.setBacking(info.backingFile(), info.backingFormat() == null ? "raw" : info.backingFormat());
            }
        }
    }

    private static void put(long[] times, int at, FileTime t) {
        long nanos = t.to(TimeUnit.NANOSECONDS);
        times[at] = Math.floorDiv(nanos, 1_000_000_000L);
        times[at + 1] = Math.floorMod(nanos, 1_000_000_000L);
    }

    /**
     * virStorageBackendVolBuildLocal: creates {@code v}'s file, raw (storageBackendCreateRaw:
     * allocation bytes reserved, then cut to the capacity) or qcow2 (qemu-img create), or a copy
     * of {@code from} (vol-create-from). The file must not exist; on failure nothing is left.
     */
    void build(StorageVolDef v, StorageVolDef from, String fromFormat) {
        String format = v.targetFormat();
        Path p = Path.of(v.path());
        int mode = v.requestedMode() == -1 ? DEFAULT_VOL_MODE : v.requestedMode();
        boolean created = false;
        try {
            if ("raw".equals(format) && (from == null || "raw".equals(fromFormat))) {
                if (v.backingPath() != null) {
                    throw VirException.of(VirErrorNumber.NO_SUPPORT, S, "backing storage not supported for raw volumes");
                }
                if (v.hasEncryption()) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, S,
                            "storage pool does not support encrypted volumes");
                }
                createFile(p, mode);
                created = true;
                if (from != null) {
                    copySparse(Path.of(from.path()), p);
                } else {
                    allocate(p, Math.min(v.allocation(), v.capacity()));
                }
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    if (from == null || f.length() < v.capacity()) {
                        f.setLength(v.capacity());
                    }
                }
            } else if ("raw".equals(format) || "qcow2".equals(format) || "qcow".equals(format)) {
                List<String> argv = new ArrayList<>();
                argv.add(qemuImg.binary());
                if (from != null) {
                    argv.addAll(List.of("convert", "-f", fromFormat, "-O", format));
                } else {
                    argv.addAll(List.of("create", "-f", format));
                    if (v.backingPath() != null) {
                        argv.addAll(List.of("-b", v.backingPath(), "-F", backingFormat(v)));
                    }
                }
                if ("qcow2".equals(format)) {
                    argv.addAll(List.of("-o", qcow2Options(v)));
                }
                if (from != null) {
                    argv.add(from.path());
                }
                argv.add(v.path());
                if (from == null) {
                    argv.add(Long.toUnsignedString((v.capacity() + 1023) / 1024) + "K");
                }
                created = true; // qemu-img may leave a partial file behind
                qemuImg.run(argv, from == null);
                Files.setPosixFilePermissions(p, permissions(mode));
            } else {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, S,
                        "format of volume '" + v.name() + "' (" + format + ") is not supported");
            }
        } catch (IOException e) {
            deleteQuietly(p, created);
            throw systemError("cannot create volume '" + v.path() + "'", e);
        } catch (RuntimeException e) {
            deleteQuietly(p, created);
            throw e;
        }
    }

    /** storageBackendCreateQemuImgOpts: compat (0.10 unless asked), and the features asked for. */
    private static String qcow2Options(StorageVolDef v) {
        String compat = v.compat() == null ? "0.10" : v.compat();
        StringBuilder o = new StringBuilder("compat=" + compat);
        List<String> features = v.features();
        if (features != null) {
            for (String f : features) {
                if (compat.equals("0.10")) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, S, f.equals("lazy_refcounts")
                            ? "lazy_refcounts not supported with compat level 0.10"
                            : "'extended_l2' not supported with compat level 0.10");
                }
                o.append(f.equals("lazy_refcounts") ? ",lazy_refcounts" : ",extended_l2=on");
            }
        }
        return o.toString();
    }

    private static String backingFormat(StorageVolDef v) {
        return "raw";
    }

    private static void createFile(Path p, int mode) throws IOException {
        try {
            Files.newByteChannel(p, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)).close();
            Files.setPosixFilePermissions(p, permissions(mode));
        } catch (FileAlreadyExistsException e) {
            throw VirException.systemError(S, 17, "Failed to create file '" + p + "'", "File exists");
        }
    }

    /** posix_fallocate as libvirt's safezero does it; with util-linux's fallocate, else zeros written. */
    private void allocate(Path p, long bytes) throws IOException {
        if (bytes <= 0) {
            return;
        }
        if (Files.isExecutable(Path.of("/usr/bin/fallocate"))) {
            qemuImg.run(List.of("/usr/bin/fallocate", "-l", Long.toString(bytes), p.toString()), true);
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1024 * 1024);
            for (long done = 0; done < bytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - done));
                done += ch.write(zeros, done);
            }
        }
    }

    /** virStorageBackendCopyToFD with want_sparse: zero blocks become holes. */
    private static void copySparse(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
            FileChannel oc = out.getChannel();
            ByteBuffer buf = ByteBuffer.allocate(1024 * 1024);
            byte[] zeros = new byte[VolumeStream.BLOCK];
            long pos = 0;
            for (int n; (n = in.read(buf.clear(), pos)) > 0; ) {
                for (int off = 0; off < n; off += VolumeStream.BLOCK) {
                    int len = Math.min(VolumeStream.BLOCK, n - off);
                    if (java.util.Arrays.mismatch(buf.array(), off, off + len, zeros, 0, len) >= 0) {
                        oc.write(ByteBuffer.wrap(buf.array(), off, len), pos + off);
                    }
                }
                pos += n;
            }
            out.setLength(pos);
        }
    }

    /** virStorageBackendVolDeleteLocal: unlink the file. */
    void delete(StorageVolDef v) {
        try {
            Files.delete(Path.of(v.path()));
        } catch (NoSuchFileException e) {
            // libvirt ignores ENOENT here
        } catch (IOException e) {
            throw systemError("cannot unlink file '" + v.path() + "'", e);
        }
    }

    /**
     * virStorageBackendVolWipeLocal with algorithm zero on a file: its size stays, its content
     * becomes zeros without taking room (storageBackendVolZeroSparseFileLocal).
     */
    void wipe(StorageVolDef v) {
        try (RandomAccessFile f = new RandomAccessFile(v.path(), "rw")) {
            long size = f.length();
            f.setLength(0);
            f.setLength(size);
        } catch (IOException e) {
            throw systemError("Failed to truncate volume with path '" + v.path() + "' to 0 bytes", e);
        }
    }

    /** virStorageBackendVolResizeLocal: raw by ftruncate (or allocated), others by qemu-img resize. */
    void resize(StorageVolDef v, long capacity, boolean allocate, boolean shrink) {
        if ("raw".equals(v.targetFormat())) {
            try (RandomAccessFile f = new RandomAccessFile(v.path(), "rw")) {
                long old = f.length();
                f.setLength(capacity);
                if (allocate && capacity > old) {
                    allocate(Path.of(v.path()), capacity);
                }
            } catch (IOException e) {
                throw systemError("Failed to truncate file '" + v.path() + "'", e);
            }
            return;
        }
        if (allocate) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, S, "preallocate is only supported for raw type volume");
        }
        List<String> argv = new ArrayList<>(List.of(qemuImg.binary(), "resize"));
        if (shrink) {
            argv.add("--shrink");
        }
        argv.add(v.path());
        argv.add(Long.toUnsignedString(capacity));
        qemuImg.run(argv, true);
    }

    private static void deleteQuietly(Path p, boolean created) {
        if (created) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the create failed already; that error is the one to report
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    /** virReportSystemError for a failed file operation, with the C library's text. */
    static VirException systemError(String context, IOException e) {
        if (e instanceof NoSuchFileException) {
            return VirException.systemError(S, 2, context, "No such file or directory");
        }
        if (e instanceof AccessDeniedException) {
            return VirException.systemError(S, 13, context, "Permission denied");
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return VirException.systemError(S, 39, context, "Directory not empty");
        }
        if (e instanceof FileAlreadyExistsException) {
            return VirException.systemError(S, 17, context, "File exists");
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return VirException.systemError(S, 20, context, "Not a directory");
        }
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() != null ? e.getMessage() : "Input/output error";
        return VirException.systemError(S, 5, context, reason);
    }

    static boolean exists(String path) {
        return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
    }
}
