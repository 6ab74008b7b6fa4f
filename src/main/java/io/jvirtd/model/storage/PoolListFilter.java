package io.jvirtd.model.storage;

import io.jvirtd.model.conf.StoragePoolType;

/**
 * virStoragePoolObjMatch: whether a pool passes virConnectListAllStoragePools' filter flags
 * ({@code VIR_CONNECT_LIST_STORAGE_POOLS_*}), shared by every storage driver. Stateless.
 */
public final class PoolListFilter {

    /** VIR_CONNECT_LIST_STORAGE_POOLS_FILTERS_ALL: every flag a driver accepts. */
    public static final int ALL = 0xFFFFF;
    private static final int INACTIVE = 1;
    private static final int ACTIVE = 1 << 1;
    private static final int PERSISTENT = 1 << 2;
    private static final int TRANSIENT = 1 << 3;
    private static final int AUTOSTART = 1 << 4;
    private static final int NO_AUTOSTART = 1 << 5;
    private static final int TYPES = ALL & ~0x3F;

    private PoolListFilter() {
    }

    /** True when a pool in this state and of this type passes {@code flags}. */
    public static boolean matches(int flags, boolean active, boolean persistent, boolean autostart, StoragePoolType type) {
        return pair(flags, ACTIVE, INACTIVE, active) && pair(flags, PERSISTENT, TRANSIENT, persistent)
                && pair(flags, AUTOSTART, NO_AUTOSTART, autostart) && ((flags & TYPES) == 0 || (flags & typeFlag(type)) != 0);
    }

    private static boolean pair(int flags, int yes, int no, boolean value) {
        return (flags & (yes | no)) == 0 || ((flags & yes) != 0 && value) || ((flags & no) != 0 && !value);
    }

    /** The VIR_CONNECT_LIST_STORAGE_POOLS_<TYPE> bit of a pool type. */
    public static int typeFlag(StoragePoolType t) {
        int bit = switch (t) {
            case DIR -> 6;
            case FS -> 7;
            case NETFS -> 8;
            case LOGICAL -> 9;
            case DISK -> 10;
            case ISCSI -> 11;
            case SCSI -> 12;
            case MPATH -> 13;
            case RBD -> 14;
            case SHEEPDOG -> 15;
            case GLUSTER -> 16;
            case ZFS -> 17;
            case VSTORAGE -> 18;
            case ISCSI_DIRECT -> 19;
        };
        return 1 << bit;
    }
}
