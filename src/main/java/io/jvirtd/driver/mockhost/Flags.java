package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.model.domain.SnapshotFlags;

/**
 * The public flag values the test driver's domain calls check (libvirt-domain.h,
 * libvirt-domain-snapshot.h, libvirt-domain-checkpoint.h) that the QEMU driver does not share
 * (those are {@code DomainFlags}, {@code SnapshotFlags} and {@code DomainDef.XML_*} in the model;
 * the snapshot names here are aliases of {@code SnapshotFlags}). Constants only.
 */
final class Flags {

    private Flags() {
    }

    // virDomainModificationImpact
    static final int AFFECT_CURRENT = 0;
    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;
    static final int MEM_MAXIMUM = 4;
    static final int VCPU_MAXIMUM = 4;

    static final int TYPED_PARAM_STRING_OKAY = 4;

    /** DEFAULT(0) | ACPI_POWER_BTN | GUEST_AGENT | INITCTL | SIGNAL | PARAVIRT. */
    static final int REBOOT_ALL = 1 | 2 | 4 | 8 | 16;
    static final int TIME_SYNC = 1;
    static final int SAVE_BYPASS_CACHE = 1;
    static final int SAVE_RUNNING = 2;
    static final int SAVE_PAUSED = 4;
    static final int SAVE_IMAGE_XML_SECURE = 1;
    static final int DUMP_CRASH = 1;
    static final int CORE_DUMP_FORMAT_RAW = 0;
    static final int PASSWORD_ENCRYPTED = 1;
    static final int MEMORY_VIRTUAL = 1;
    static final int MEMORY_PHYSICAL = 2;
    static final int MESSAGE_DEPRECATION = 1;
    static final int MESSAGE_TAINTING = 2;
    /** VIR_DOMAIN_XML_COMMON_FLAGS: SECURE | INACTIVE | MIGRATABLE. */
    static final int XML_COMMON = 1 | 2 | 8;


    static final int STATS_STATE = 1;
    static final int STATS_IOTHREAD = 1 << 7;
    static final int STATS_NOWAIT = 1 << 29;
    static final int STATS_BACKING = 1 << 30;
    static final int STATS_ENFORCE = 1 << 31;

    // snapshots
    static final int SNAP_CREATE_REDEFINE = SnapshotFlags.CREATE_REDEFINE;
    static final int SNAP_CREATE_CURRENT = SnapshotFlags.CREATE_CURRENT;
    static final int SNAP_CREATE_HALT = SnapshotFlags.CREATE_HALT;
    static final int SNAP_CREATE_DISK_ONLY = SnapshotFlags.CREATE_DISK_ONLY;
    static final int SNAP_CREATE_QUIESCE = SnapshotFlags.CREATE_QUIESCE;
    static final int SNAP_CREATE_ATOMIC = SnapshotFlags.CREATE_ATOMIC;
    static final int SNAP_CREATE_LIVE = SnapshotFlags.CREATE_LIVE;
    static final int SNAP_CREATE_VALIDATE = SnapshotFlags.CREATE_VALIDATE;
    static final int SNAP_LIST_ROOTS = SnapshotFlags.LIST_ROOTS;
    static final int SNAP_LIST_DESCENDANTS = SnapshotFlags.LIST_DESCENDANTS;
    static final int SNAP_LIST_METADATA = SnapshotFlags.LIST_METADATA;
    static final int SNAP_LIST_LEAVES = SnapshotFlags.LIST_LEAVES;
    static final int SNAP_LIST_NO_LEAVES = SnapshotFlags.LIST_NO_LEAVES;
    static final int SNAP_LIST_NO_METADATA = SnapshotFlags.LIST_NO_METADATA;
    static final int SNAP_LIST_INACTIVE = SnapshotFlags.LIST_INACTIVE;
    static final int SNAP_LIST_ACTIVE = SnapshotFlags.LIST_ACTIVE;
    static final int SNAP_LIST_DISK_ONLY = SnapshotFlags.LIST_DISK_ONLY;
    static final int SNAP_LIST_INTERNAL = SnapshotFlags.LIST_INTERNAL;
    static final int SNAP_LIST_EXTERNAL = SnapshotFlags.LIST_EXTERNAL;
    static final int SNAP_LIST_TOPOLOGICAL = SnapshotFlags.LIST_TOPOLOGICAL;
    static final int SNAP_FILTERS_METADATA = SnapshotFlags.FILTERS_METADATA;
    static final int SNAP_FILTERS_LEAVES = SnapshotFlags.FILTERS_LEAVES;
    static final int SNAP_FILTERS_STATUS = SnapshotFlags.FILTERS_STATUS;
    static final int SNAP_FILTERS_LOCATION = SnapshotFlags.FILTERS_LOCATION;
    static final int SNAP_FILTERS_ALL = SnapshotFlags.FILTERS_ALL;
    static final int SNAP_REVERT_RUNNING = SnapshotFlags.REVERT_RUNNING;
    static final int SNAP_REVERT_PAUSED = SnapshotFlags.REVERT_PAUSED;
    static final int SNAP_REVERT_FORCE = SnapshotFlags.REVERT_FORCE;
    static final int SNAP_DELETE_CHILDREN = SnapshotFlags.DELETE_CHILDREN;
    static final int SNAP_DELETE_CHILDREN_ONLY = SnapshotFlags.DELETE_CHILDREN_ONLY;
    static final int SNAP_XML_SECURE = SnapshotFlags.XML_SECURE;

    // checkpoints
    static final int CKPT_CREATE_REDEFINE = 1;
    static final int CKPT_CREATE_QUIESCE = 1 << 1;
    static final int CKPT_LIST_ROOTS = 1;
    static final int CKPT_LIST_DESCENDANTS = 1;
    static final int CKPT_LIST_TOPOLOGICAL = 1 << 1;
    static final int CKPT_LIST_LEAVES = 1 << 2;
    static final int CKPT_LIST_NO_LEAVES = 1 << 3;
    static final int CKPT_FILTERS_ALL = CKPT_LIST_LEAVES | CKPT_LIST_NO_LEAVES;
    static final int CKPT_XML_SECURE = 1;
    static final int CKPT_XML_NO_DOMAIN = 1 << 1;
    static final int CKPT_XML_SIZE = 1 << 2;
    static final int CKPT_DELETE_CHILDREN = 1;
    static final int CKPT_DELETE_METADATA_ONLY = 1 << 1;
    static final int CKPT_DELETE_CHILDREN_ONLY = 1 << 2;

    // virDomainMomentObjList's own flags
    static final int MOMENT_LIST_ROOTS = Moments.LIST_ROOTS;
    static final int MOMENT_LIST_DESCENDANTS = Moments.LIST_DESCENDANTS;
    static final int MOMENT_LIST_TOPOLOGICAL = Moments.LIST_TOPOLOGICAL;
    static final int MOMENT_LIST_LEAVES = Moments.LIST_LEAVES;
    static final int MOMENT_LIST_NO_LEAVES = Moments.LIST_NO_LEAVES;
    static final int MOMENT_LIST_METADATA = Moments.LIST_METADATA;
    static final int MOMENT_LIST_NO_METADATA = Moments.LIST_NO_METADATA;
}
