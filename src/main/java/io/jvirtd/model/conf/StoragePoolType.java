package io.jvirtd.model.conf;

import java.util.List;

/**
 * The storage pool types of libvirt 9.0 ({@code virStoragePoolType}, in its order) with what
 * storage_conf.c's {@code poolTypeInfo} table says about each: which source elements the type
 * uses (and so parses as mandatory and prints), its source format names and default, and the
 * volume format names and default of its volumes. Immutable.
 */
public enum StoragePoolType {
    DIR("dir", 0, null, null, FileFormats.FILE, "raw", VolKind.FILE),
    FS("fs", Src.DEVICE, List.of("auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2",
            "vfat", "hfs+", "xfs", "ocfs2", "vmfs"), "auto", FileFormats.FILE, "raw", VolKind.FILE),
    NETFS("netfs", Src.HOST | Src.DIR, List.of("auto", "nfs", "glusterfs", "cifs"), "auto",
            FileFormats.FILE, "raw", VolKind.FILE),
    LOGICAL("logical", Src.NAME | Src.DEVICE, List.of("unknown", "lvm2"), "lvm2", null, null, VolKind.BLOCK),
    DISK("disk", Src.DEVICE, List.of("unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2"),
            "unknown", FileFormats.DISK, "none", VolKind.BLOCK),
    ISCSI("iscsi", Src.HOST | Src.DEVICE | Src.INITIATOR_IQN, null, null, null, null, VolKind.BLOCK),
    ISCSI_DIRECT("iscsi-direct", Src.HOST | Src.DEVICE | Src.NETWORK | Src.INITIATOR_IQN, null, null, null, null,
            VolKind.NETWORK),
    SCSI("scsi", Src.ADAPTER, null, null, null, null, VolKind.BLOCK),
    MPATH("mpath", 0, null, null, null, null, VolKind.BLOCK),
    RBD("rbd", Src.HOST | Src.NETWORK | Src.NAME, null, null, FileFormats.FILE, "raw", VolKind.NETWORK),
    SHEEPDOG("sheepdog", Src.HOST | Src.NETWORK | Src.NAME, null, null, null, null, VolKind.NETWORK),
    GLUSTER("gluster", Src.HOST | Src.NETWORK | Src.NAME | Src.DIR, null, null, FileFormats.FILE, "raw",
            VolKind.NETWORK),
    ZFS("zfs", Src.NAME | Src.DEVICE, null, null, null, null, VolKind.BLOCK),
    VSTORAGE("vstorage", Src.NAME, null, null, FileFormats.FILE, "raw", VolKind.FILE);

    /** The mandatory-source bits of storage_conf.c ({@code VIR_STORAGE_POOL_SOURCE_*}). */
    static final class Src {
        static final int HOST = 1;
        static final int DEVICE = 1 << 1;
        static final int DIR = 1 << 2;
        static final int ADAPTER = 1 << 3;
        static final int NAME = 1 << 4;
        static final int INITIATOR_IQN = 1 << 5;
        static final int NETWORK = 1 << 6;

        private Src() {
        }
    }

    /** Volume format name lists. */
    static final class FileFormats {
        /** virStorageFileFormat ("none" is refused when parsing a volume). */
        static final List<String> FILE = List.of("none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc",
                "vdi", "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk");
        /** virStorageVolFormatDisk. */
        static final List<String> DISK = List.of("none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm",
                "linux-raid", "extended");

        private FileFormats() {
        }
    }

    /** What virStorageVolGetInfo reports as a volume's type in a pool of this type (test driver). */
    public enum VolKind {
        FILE(0), BLOCK(1), DIR(2), NETWORK(3);

        private final int number;

        VolKind(int number) {
            this.number = number;
        }

        /** The {@code virStorageVolType} value. */
        public int number() {
            return number;
        }
    }

    private final String xmlName;
    final int sourceFlags;
    /** Source format names in enum order, or null when the type has none. */
    final List<String> poolFormats;
    final String defaultPoolFormat;
    /** Volume format names in enum order, or null when the type's volumes have none. */
    final List<String> volFormats;
    final String defaultVolFormat;
    private final VolKind volKind;

    StoragePoolType(String xmlName, int sourceFlags, List<String> poolFormats, String defaultPoolFormat,
                    List<String> volFormats, String defaultVolFormat, VolKind volKind) {
        this.xmlName = xmlName;
        this.sourceFlags = sourceFlags;
        this.poolFormats = poolFormats;
        this.defaultPoolFormat = defaultPoolFormat;
        this.volFormats = volFormats;
        this.defaultVolFormat = defaultVolFormat;
        this.volKind = volKind;
    }

    /** The name in XML and on virsh's command line, e.g. {@code iscsi-direct}. */
    public String xmlName() {
        return xmlName;
    }

    /** The {@code virStoragePoolType} value. */
    public int number() {
        return ordinal();
    }

    /** The volume type the test driver reports for volumes of a pool of this type. */
    public VolKind volKind() {
        return volKind;
    }

    boolean has(int srcFlag) {
        return (sourceFlags & srcFlag) != 0;
    }

    /** virStoragePoolTypeFromString, or null. */
    public static StoragePoolType fromXml(String name) {
        for (StoragePoolType t : values()) {
            if (t.xmlName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
