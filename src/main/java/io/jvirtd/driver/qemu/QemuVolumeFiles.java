package io.jvirtd.driver.qemu;

import io.jvirtd.driver.storage.DirStorage;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.HashMap;
import java.util.Map;

/**
 * The files behind a domain's {@code <disk type='volume'>} disks, as libvirt 9.0 translates them
 * at start (virDomainDiskTranslateSourcePool) through the storage driver the connection serves:
 * each volume of a dir pool is a file, opened like a file disk. The translation is runtime state
 * only: the XML keeps {@code <source pool volume>} (libvirt formats a volume source by its pool
 * and volume, whatever file it resolved to), and nothing reads the file after QEMU has it open,
 * so a reattached guest needs no translation again.
 *
 * <p>Immutable once built; any thread. {@link #translate} asks the storage driver (its locks):
 * a worker thread, never the event loop.
 */
final class QemuVolumeFiles {

    /** No volume disks translated: every disk's file is its {@code <source file>}. */
    static final QemuVolumeFiles NONE = new QemuVolumeFiles(Map.of());

    /** Disk target (unique in a domain) → the volume's file. */
    private final Map<String, String> byTarget;

    private QemuVolumeFiles(Map<String, String> byTarget) {
        this.byTarget = byTarget;
    }

    /**
     * Resolves every volume disk of {@code def}; the first that does not resolve fails with
     * libvirt's error (in libvirt's order: the pool, then the volume, then the {@code mode}).
     */
    static QemuVolumeFiles translate(DomainDef def, DirStorage storage) {
        Map<String, String> files = new HashMap<>();
        for (DeviceDef disk : def.disks()) {
            XmlNode src = disk.node().child("source");
            if ("volume".equals(disk.type()) && src != null) {
                files.put(disk.diskTarget(), volumeFile(disk, storage));
            }
        }
        return files.isEmpty() ? NONE : new QemuVolumeFiles(Map.copyOf(files));
    }

    /** The file of one volume disk (with a source), through its pool; libvirt's errors as {@link #translate}. */
    static String volumeFile(DeviceDef disk, DirStorage storage) {
        XmlNode src = disk.node().child("source");
        String file = storage.volumeFile(src.attr("pool"), src.attr("volume"));
        if (src.attr("mode") != null) { // host or direct: an iscsi pool's choice, never a dir pool's
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "disk source mode is only valid when storage pool is of iscsi type");
        }
        return file;
    }

    /** The file QEMU opens for {@code disk} (null: an empty drive), volumes translated now. */
    static String fileNow(DeviceDef disk, DirStorage storage) {
        return "volume".equals(disk.type()) && disk.node().child("source") != null
                ? volumeFile(disk, storage) : disk.sourcePath();
    }

    /** The file QEMU opens for {@code disk}, or null for an empty drive. */
    String file(DeviceDef disk) {
        return "volume".equals(disk.type()) ? byTarget.get(disk.diskTarget()) : disk.sourcePath();
    }
}
