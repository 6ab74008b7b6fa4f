package io.jvirtd.model.domain;

/**
 * The reason numbers of each {@link DomainState} (libvirt's {@code virDomain*Reason} enums), as
 * int constants because the wire and {@link DomainStateReason} carry them as ints.
 */
public final class StateReason {

    private StateReason() {
    }

    /** {@code virDomainRunningReason}. */
    public static final class Running {
        public static final int UNKNOWN = 0;
        public static final int BOOTED = 1;
        public static final int MIGRATED = 2;
        public static final int RESTORED = 3;
        public static final int FROM_SNAPSHOT = 4;
        public static final int UNPAUSED = 5;
        public static final int MIGRATION_CANCELED = 6;
        public static final int SAVE_CANCELED = 7;
        public static final int WAKEUP = 8;
        public static final int CRASHED = 9;
        public static final int POSTCOPY = 10;
        public static final int POSTCOPY_FAILED = 11;

        private Running() {
        }
    }

    /** {@code virDomainPausedReason}. */
    public static final class Paused {
        public static final int UNKNOWN = 0;
        public static final int USER = 1;
        public static final int MIGRATION = 2;
        public static final int SAVE = 3;
        public static final int DUMP = 4;
        public static final int IOERROR = 5;
        public static final int WATCHDOG = 6;
        public static final int FROM_SNAPSHOT = 7;
        public static final int SHUTTING_DOWN = 8;
        public static final int SNAPSHOT = 9;
        public static final int CRASHED = 10;
        public static final int STARTING_UP = 11;
        public static final int POSTCOPY = 12;
        public static final int POSTCOPY_FAILED = 13;

        private Paused() {
        }
    }

    /** {@code virDomainShutdownReason}. */
    public static final class Shutdown {
        public static final int UNKNOWN = 0;
        public static final int USER = 1;

        private Shutdown() {
        }
    }

    /** {@code virDomainShutoffReason}. */
    public static final class Shutoff {
        public static final int UNKNOWN = 0;
        public static final int SHUTDOWN = 1;
        public static final int DESTROYED = 2;
        public static final int CRASHED = 3;
        public static final int MIGRATED = 4;
        public static final int SAVED = 5;
        public static final int FAILED = 6;
        public static final int FROM_SNAPSHOT = 7;
        public static final int DAEMON = 8;

        private Shutoff() {
        }
    }

    /** {@code virDomainCrashedReason}. */
    public static final class Crashed {
        public static final int UNKNOWN = 0;
        public static final int PANICKED = 1;

        private Crashed() {
        }
    }

    /** {@code virDomainPMSuspendedReason}. */
    public static final class PmSuspended {
        public static final int UNKNOWN = 0;

        private PmSuspended() {
        }
    }
}
