package io.jvirtd.model;

/**
 * libvirt's {@code virDrvFeature} numbers, asked with CONNECT_SUPPORTS_FEATURE (docs/protocol.md
 * §14). Unknown numbers are answered with 0, never an error, so this is a lookup aid only.
 */
public enum DriverFeature {
    MIGRATION_V1(1),
    REMOTE(2),
    MIGRATION_V2(3),
    MIGRATION_P2P(4),
    MIGRATION_DIRECT(5),
    MIGRATION_V3(6),
    MIGRATE_CHANGE_PROTECTION(7),
    FD_PASSING(8),
    TYPED_PARAM_STRING(9),
    /** Answered by the daemon (it runs the keepalive program), not by drivers. */
    PROGRAM_KEEPALIVE(10),
    XML_MIGRATABLE(11),
    MIGRATION_OFFLINE(12),
    MIGRATION_PARAMS(13),
    /** Answered by the daemon, not by drivers. */
    REMOTE_EVENT_CALLBACK(14),
    /** Answered by the daemon, not by drivers. */
    REMOTE_CLOSE_CALLBACK(15),
    NETWORK_UPDATE_HAS_CORRECT_ORDER(16);

    private final int number;

    DriverFeature(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The feature with this number, or {@code null} if unknown. */
    public static DriverFeature byNumber(int number) {
        for (DriverFeature f : values()) {
            if (f.number == number) {
                return f;
            }
        }
        return null;
    }
}
