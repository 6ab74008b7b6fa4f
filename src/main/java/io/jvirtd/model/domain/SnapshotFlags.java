package io.jvirtd.model.domain;

/**
 * The public flags of libvirt's snapshot calls (virDomainSnapshotCreateFlags,
 * virDomainSnapshotListFlags, virDomainSnapshotRevertFlags, virDomainSnapshotDeleteFlags,
 * virDomainSnapshotXMLFlags), shared by every driver that keeps snapshots.
 */
public final class SnapshotFlags {

    private SnapshotFlags() {
    }

    public static final int CREATE_REDEFINE = 1;
    public static final int CREATE_CURRENT = 1 << 1;
    public static final int CREATE_NO_METADATA = 1 << 2;
    public static final int CREATE_HALT = 1 << 3;
    public static final int CREATE_DISK_ONLY = 1 << 4;
    public static final int CREATE_REUSE_EXT = 1 << 5;
    public static final int CREATE_QUIESCE = 1 << 6;
    public static final int CREATE_ATOMIC = 1 << 7;
    public static final int CREATE_LIVE = 1 << 8;
    public static final int CREATE_VALIDATE = 1 << 9;

    public static final int LIST_ROOTS = 1;
    public static final int LIST_DESCENDANTS = 1;
    public static final int LIST_METADATA = 1 << 1;
    public static final int LIST_LEAVES = 1 << 2;
    public static final int LIST_NO_LEAVES = 1 << 3;
    public static final int LIST_NO_METADATA = 1 << 4;
    public static final int LIST_INACTIVE = 1 << 5;
    public static final int LIST_ACTIVE = 1 << 6;
    public static final int LIST_DISK_ONLY = 1 << 7;
    public static final int LIST_INTERNAL = 1 << 8;
    public static final int LIST_EXTERNAL = 1 << 9;
    public static final int LIST_TOPOLOGICAL = 1 << 10;
    public static final int FILTERS_METADATA = LIST_METADATA | LIST_NO_METADATA;
    public static final int FILTERS_LEAVES = LIST_LEAVES | LIST_NO_LEAVES;
    public static final int FILTERS_STATUS = LIST_INACTIVE | LIST_ACTIVE | LIST_DISK_ONLY;
    public static final int FILTERS_LOCATION = LIST_INTERNAL | LIST_EXTERNAL;
    public static final int FILTERS_ALL = FILTERS_METADATA | FILTERS_LEAVES | FILTERS_STATUS | FILTERS_LOCATION;

    public static final int REVERT_RUNNING = 1;
    public static final int REVERT_PAUSED = 1 << 1;
    public static final int REVERT_FORCE = 1 << 2;
    public static final int REVERT_RESET_NVRAM = 1 << 3;

    public static final int DELETE_CHILDREN = 1;
    public static final int DELETE_METADATA_ONLY = 1 << 1;
    public static final int DELETE_CHILDREN_ONLY = 1 << 2;

    public static final int XML_SECURE = 1;

    /** virDomainSnapshotState numbers the drivers look at. */
    public static final int STATE_RUNNING = 1;
    public static final int STATE_PAUSED = 3;
    public static final int STATE_SHUTDOWN = 4;
    public static final int STATE_SHUTOFF = 5;
    public static final int STATE_CRASHED = 6;
    public static final int STATE_DISK_SNAPSHOT = 8;
}
