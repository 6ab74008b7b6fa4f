package io.jvirtd.driver.mockhost;

/**
 * The public flag values the test driver's domain calls check (libvirt-domain.h,
 * libvirt-domain-snapshot.h, libvirt-domain-checkpoint.h) that the QEMU driver does not share
 * (those are {@code DomainFlags} and {@code DomainDef.XML_*} in the model). Constants only.
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
    static final int SNAP_CREATE_REDEFINE = 1;
    static final int SNAP_CREATE_CURRENT = 1 << 1;
    static final int SNAP_CREATE_HALT = 1 << 3;
    static final int SNAP_CREATE_DISK_ONLY = 1 << 4;
    static final int SNAP_CREATE_QUIESCE = 1 << 6;
    static final int SNAP_CREATE_ATOMIC = 1 << 7;
    static final int SNAP_CREATE_LIVE = 1 << 8;
    static final int SNAP_CREATE_VALIDATE = 1 << 9;
    static final int SNAP_LIST_ROOTS = 1;
    static final int SNAP_LIST_DESCENDANTS = 1;
    static final int SNAP_LIST_METADATA = 1 << 1;
    static final int SNAP_LIST_LEAVES = 1 << 2;
    static final int SNAP_LIST_NO_LEAVES = 1 << 3;
    static final int SNAP_LIST_NO_METADATA = 1 << 4;
    static final int SNAP_LIST_INACTIVE = 1 << 5;
    static final int SNAP_LIST_ACTIVE = 1 << 6;
    static final int SNAP_LIST_DISK_ONLY = 1 << 7;
    static final int SNAP_LIST_INTERNAL = 1 << 8;
    static final int SNAP_LIST_EXTERNAL = 1 << 9;
    static final int SNAP_LIST_TOPOLOGICAL = 1 << 10;
    static final int SNAP_FILTERS_METADATA = SNAP_LIST_METADATA | SNAP_LIST_NO_METADATA;
    static final int SNAP_FILTERS_LEAVES = SNAP_LIST_LEAVES | SNAP_LIST_NO_LEAVES;
    static final int SNAP_FILTERS_STATUS = SNAP_LIST_INACTIVE | SNAP_LIST_ACTIVE | SNAP_LIST_DISK_ONLY;
    static final int SNAP_FILTERS_LOCATION = SNAP_LIST_INTERNAL | SNAP_LIST_EXTERNAL;
    static final int SNAP_FILTERS_ALL = SNAP_FILTERS_METADATA | SNAP_FILTERS_LEAVES
            | SNAP_FILTERS_STATUS | SNAP_FILTERS_LOCATION;
    static final int SNAP_REVERT_RUNNING = 1;
    static final int SNAP_REVERT_PAUSED = 1 << 1;
    static final int SNAP_REVERT_FORCE = 1 << 2;
    static final int SNAP_DELETE_CHILDREN = 1;
    static final int SNAP_DELETE_CHILDREN_ONLY = 1 << 2;
    static final int SNAP_XML_SECURE = 1;

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
    static final int MOMENT_LIST_ROOTS = 1;
    static final int MOMENT_LIST_DESCENDANTS = 1;
    static final int MOMENT_LIST_TOPOLOGICAL = 1 << 1;
    static final int MOMENT_LIST_LEAVES = 1 << 2;
    static final int MOMENT_LIST_NO_LEAVES = 1 << 3;
    static final int MOMENT_LIST_METADATA = 1 << 4;
    static final int MOMENT_LIST_NO_METADATA = 1 << 5;
}
