package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What libvirt 9.0 does with the disk images at start, before QEMU runs
 * (qemuDomainDetermineDiskChain): each source must be there, or the start fails with libvirt's
 * "Cannot access storage file '...' (as uid:U, gid:G)" (SYSTEM_ERROR from the storage
 * driver's domain); a qcow2 image's header is read for a backing file: a plain image's format
 * node says {@code "backing":null}, an overlay's (an external snapshot's) chain is read
 * ({@link QcowBacking}) and shown as libvirt shows it, nested {@code <backingStore>} elements,
 * while QEMU opens the backing files the header names. The live XML then shows each source's
 * node index and the empty {@code <backingStore/>} that ends its chain ({@link #markLive}).
 *
 * <p>Blocking file I/O: a worker thread, never the event loop. Stateless.
 */
final class QemuDiskSources {

    private static final int QCOW_MAGIC = 0x514649fb; // "QFI\xfb"

    private QemuDiskSources() {
    }

    /** {@link #checkAtStart(DomainDef, long, long)} for QEMU run as the daemon's own user. */
    static void checkAtStart(DomainDef def) {
        checkAtStart(def, QemuVolumeFiles.NONE);
    }

    /** @param volumes the files of the volume disks, translated through their pools */
    static void checkAtStart(DomainDef def, QemuVolumeFiles volumes) {
        long[] ids = ownIds();
        checkAtStart(def, volumes, ids[0], ids[1]);
    }

    /** The daemon's uid and gid (QEMU runs as the daemon's user), -1 when unknown. */
    private static long[] ownIds() {
        try {
            return new long[] {((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue(),
                    ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue()};
        } catch (IOException | UnsupportedOperationException e) {
            return new long[] {-1, -1};
        }
    }

    /** @param uid the user QEMU runs as, and {@code gid} its group (for the error text) */
    static void checkAtStart(DomainDef def, long uid, long gid) {
        checkAtStart(def, QemuVolumeFiles.NONE, uid, gid);
    }

    private static void checkAtStart(DomainDef def, QemuVolumeFiles volumes, long uid, long gid) {
        for (DeviceDef disk : def.disks()) {
            String path = volumes.file(disk);
            if (path != null) {
                checkOne(disk, path, uid, gid);
            }
        }
    }

    /** The start check of one disk's image {@code path} (also a hot-plugged disk's, or a new medium's). */
    static void checkOne(DeviceDef disk, String path) {
        long[] ids = ownIds();
        checkOne(disk, path, ids[0], ids[1]);
    }

    private static void checkOne(DeviceDef disk, String path, long uid, long gid) {
        Path p = Path.of(path);
        String context = "Cannot access storage file '" + path + "' (as uid:" + uid + ", gid:" + gid + ")";
        boolean backed;
        try (InputStream in = Files.newInputStream(p)) {
            backed = "qcow2".equals(disk.node().childAttr("driver", "type")) && hasBackingFile(in);
        } catch (NoSuchFileException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 2, context, "No such file or directory");
        } catch (AccessDeniedException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 13, context, "Permission denied");
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 5, context, String.valueOf(e.getMessage()));
        }
        if (backed) {
            try {
                setBackingStore(disk, QcowBacking.chain(p));
            } catch (NoSuchFileException e) {
                throw VirException.systemError(VirErrorDomain.STORAGE, 2, "Cannot access backing file '"
                        + e.getFile() + "' of storage file '" + path + "' (as uid:" + uid + ", gid:" + gid + ")",
                        "No such file or directory");
            } catch (IOException e) {
                throw VirException.systemError(VirErrorDomain.STORAGE, 5, context, String.valueOf(e.getMessage()));
            }
        }
    }

    /** The disk's {@code <backingStore>} chain (libvirt's live form, indexes set by {@link #markLive}). */
    static void setBackingStore(DeviceDef disk, List<QcowBacking.Layer> chain) {
        disk.node().remove("backingStore");
        XmlNode parent = disk.node();
        for (QcowBacking.Layer l : chain) {
            XmlNode b = new XmlNode("backingStore").attr("type", "file");
            b.add(new XmlNode("format").attr("type", l.format()));
            b.add(new XmlNode("source").attr("file", l.path()));
            parent.add(b);
            parent = b;
        }
        parent.add(new XmlNode("backingStore"));
    }

    /** Whether the disk's XML names a backing file (an overlay's chain). */
    static boolean hasBacking(DeviceDef disk) {
        XmlNode b = disk.node().child("backingStore");
        return b != null && b.child("source") != null;
    }

    /** The qcow2 header's backing_file_offset (bytes 8-15) is not 0. */
    static boolean hasBackingFile(InputStream in) throws IOException {
        byte[] head = in.readNBytes(16);
        if (head.length < 16) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        return b.getInt(0) == QCOW_MAGIC && b.getLong(8) != 0;
    }

    /**
     * The live XML's view of the images libvirt opened: {@code <source ... index='N'/>} (the
     * node number of {@link QemuDiskArgs}) and {@code <backingStore/>}; an empty cdrom shows
     * no format.
     */
    static void markLive(DomainDef def) {
        List<DeviceDef> disks = def.disks();
        int nextIndex = disks.size() + 1; // backing images after every top image
        for (int i = 0; i < disks.size(); i++) {
            DeviceDef disk = disks.get(i);
            XmlNode src = disk.node().child("source");
            if (src == null) {
                XmlNode drv = disk.node().child("driver");
                if (drv != null) {
                    drv.attr("type", null);
                }
                continue;
            }
            src.attr("index", Integer.toString(disks.size() - i));
            if (disk.node().child("backingStore") == null) {
                disk.node().add(new XmlNode("backingStore"));
            }
            for (XmlNode b = disk.node().child("backingStore"); b != null && b.child("source") != null;
                    b = b.child("backingStore")) {
                b.attr("index", Integer.toString(nextIndex++));
            }
            disk.sortCanonical();
        }
    }
}
