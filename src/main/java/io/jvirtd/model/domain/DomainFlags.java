package io.jvirtd.model.domain;

/**
 * The public flag values of libvirt-domain.h that every driver's define, start, undefine,
 * shutdown and destroy calls check (the XML format flags are {@code DomainDef.XML_*}).
 * Constants only.
 */
public final class DomainFlags {

    private DomainFlags() {
    }

    /** VIR_DOMAIN_START_PAUSED. */
    public static final int START_PAUSED = 1;
    /** VIR_DOMAIN_START_VALIDATE: check the XML against domain.rng first. */
    public static final int START_VALIDATE = 1 << 4;
    /** VIR_DOMAIN_DEFINE_VALIDATE: check the XML against domain.rng first. */
    public static final int DEFINE_VALIDATE = 1;
    /** VIR_DOMAIN_UNDEFINE_MANAGED_SAVE. */
    public static final int UNDEFINE_MANAGED_SAVE = 1;
    /** VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA. */
    public static final int UNDEFINE_SNAPSHOTS_METADATA = 1 << 1;
    /**
     * Every virDomainUndefineFlagsValues: MANAGED_SAVE, SNAPSHOTS_METADATA, NVRAM,
     * KEEP_NVRAM, CHECKPOINTS_METADATA, TPM, KEEP_TPM.
     */
    public static final int UNDEFINE_ALL = 0x7f;
    /** VIR_DOMAIN_DESTROY_GRACEFUL. */
    public static final int DESTROY_GRACEFUL = 1;
    /** VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN (the same value as VIR_DOMAIN_REBOOT_ACPI_POWER_BTN). */
    public static final int ACPI_POWER_BTN = 1;
}
