package io.jvirtd.model.event;

/**
 * The codes a {@link DomainEvent.Lifecycle} carries: libvirt's {@code virDomainEventType} and the
 * detail enum of each type ({@code virDomainEvent*DetailType}).
 */
public final class LifecycleCodes {

    public static final int DEFINED = 0;
    public static final int UNDEFINED = 1;
    public static final int STARTED = 2;
    public static final int SUSPENDED = 3;
    public static final int RESUMED = 4;
    public static final int STOPPED = 5;
    public static final int SHUTDOWN = 6;
    public static final int PMSUSPENDED = 7;
    public static final int CRASHED = 8;

    public static final int DEFINED_ADDED = 0;
    public static final int DEFINED_UPDATED = 1;
    public static final int DEFINED_RENAMED = 2;
    public static final int DEFINED_FROM_SNAPSHOT = 3;

    public static final int UNDEFINED_REMOVED = 0;
    public static final int UNDEFINED_RENAMED = 1;

    public static final int STARTED_BOOTED = 0;
    public static final int STARTED_MIGRATED = 1;
    public static final int STARTED_RESTORED = 2;
    public static final int STARTED_FROM_SNAPSHOT = 3;
    public static final int STARTED_WAKEUP = 4;

    public static final int SUSPENDED_PAUSED = 0;
    public static final int SUSPENDED_MIGRATED = 1;
    public static final int SUSPENDED_IOERROR = 2;
    public static final int SUSPENDED_WATCHDOG = 3;
    public static final int SUSPENDED_RESTORED = 4;
    public static final int SUSPENDED_FROM_SNAPSHOT = 5;
    public static final int SUSPENDED_API_ERROR = 6;
    public static final int SUSPENDED_POSTCOPY = 7;
    public static final int SUSPENDED_POSTCOPY_FAILED = 8;

    public static final int RESUMED_UNPAUSED = 0;
    public static final int RESUMED_MIGRATED = 1;
    public static final int RESUMED_FROM_SNAPSHOT = 2;
    public static final int RESUMED_POSTCOPY = 3;
    public static final int RESUMED_POSTCOPY_FAILED = 4;

    public static final int STOPPED_SHUTDOWN = 0;
    public static final int STOPPED_DESTROYED = 1;
    public static final int STOPPED_CRASHED = 2;
    public static final int STOPPED_MIGRATED = 3;
    public static final int STOPPED_SAVED = 4;
    public static final int STOPPED_FAILED = 5;
    public static final int STOPPED_FROM_SNAPSHOT = 6;

    public static final int SHUTDOWN_FINISHED = 0;
    public static final int SHUTDOWN_GUEST = 1;
    public static final int SHUTDOWN_HOST = 2;

    public static final int PMSUSPENDED_MEMORY = 0;
    public static final int PMSUSPENDED_DISK = 1;

    public static final int CRASHED_PANICKED = 0;
    public static final int CRASHED_CRASHLOADED = 1;

    private LifecycleCodes() {
    }
}
