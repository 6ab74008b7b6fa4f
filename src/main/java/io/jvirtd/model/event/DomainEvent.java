package io.jvirtd.model.event;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.domain.DomainRef;

import java.util.List;
import java.util.Objects;

/**
 * A domain event: one record per libvirt event id ({@code VIR_DOMAIN_EVENT_ID_*}) with the payload
 * libvirt's callback for that id receives. {@link #domain()} is the domain as it was when the
 * event happened (its id is the running id, -1 once stopped, as libvirt's event object holds it).
 * Immutable.
 */
public sealed interface DomainEvent extends ObjectEvent {

    int ID_LIFECYCLE = 0;
    int ID_REBOOT = 1;
    int ID_RTC_CHANGE = 2;
    int ID_WATCHDOG = 3;
    int ID_IO_ERROR = 4;
    int ID_GRAPHICS = 5;
    int ID_IO_ERROR_REASON = 6;
    int ID_CONTROL_ERROR = 7;
    int ID_BLOCK_JOB = 8;
    int ID_DISK_CHANGE = 9;
    int ID_TRAY_CHANGE = 10;
    int ID_PMWAKEUP = 11;
    int ID_PMSUSPEND = 12;
    int ID_BALLOON_CHANGE = 13;
    int ID_PMSUSPEND_DISK = 14;
    int ID_DEVICE_REMOVED = 15;
    int ID_BLOCK_JOB_2 = 16;
    int ID_TUNABLE = 17;
    int ID_AGENT_LIFECYCLE = 18;
    int ID_DEVICE_ADDED = 19;
    int ID_MIGRATION_ITERATION = 20;
    int ID_JOB_COMPLETED = 21;
    int ID_DEVICE_REMOVAL_FAILED = 22;
    int ID_METADATA_CHANGE = 23;
    int ID_BLOCK_THRESHOLD = 24;
    int ID_MEMORY_FAILURE = 25;
    int ID_MEMORY_DEVICE_SIZE_CHANGE = 26;
    /** {@code VIR_DOMAIN_EVENT_ID_LAST}: valid ids are below it. */
    int ID_LAST = 27;

    /** The domain the event is about. */
    DomainRef domain();

    /** The {@code VIR_DOMAIN_EVENT_ID_*} this event is delivered under. */
    @Override
    int eventId();

    /** ID_LIFECYCLE: a virDomainEventType and its detail (see {@link LifecycleCodes}). */
    record Lifecycle(DomainRef domain, int event, int detail) implements DomainEvent {
        public Lifecycle {
            Objects.requireNonNull(domain, "domain");
        }

        @Override
        public int eventId() {
            return ID_LIFECYCLE;
        }
    }

    /** ID_REBOOT. */
    record Reboot(DomainRef domain) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_REBOOT;
        }
    }

    /** ID_RTC_CHANGE: the new offset from UTC, in seconds. */
    record RtcChange(DomainRef domain, long utcOffset) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_RTC_CHANGE;
        }
    }

    /** ID_WATCHDOG: a virDomainEventWatchdogAction. */
    record Watchdog(DomainRef domain, int action) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_WATCHDOG;
        }
    }

    /** ID_IO_ERROR: source path, device alias, virDomainEventIOErrorAction. */
    record IoError(DomainRef domain, String srcPath, String devAlias, int action) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_IO_ERROR;
        }
    }

    /** ID_IO_ERROR_REASON: as IoError plus libvirt's reason string. */
    record IoErrorReason(DomainRef domain, String srcPath, String devAlias, int action, String reason)
            implements DomainEvent {
        @Override
        public int eventId() {
            return ID_IO_ERROR_REASON;
        }
    }

    /** ID_GRAPHICS: phase, local and remote address, auth scheme, subject identities. */
    record Graphics(DomainRef domain, int phase, GraphicsAddress local, GraphicsAddress remote,
                    String authScheme, List<GraphicsIdentity> subject) implements DomainEvent {
        public Graphics {
            subject = List.copyOf(subject);
        }

        @Override
        public int eventId() {
            return ID_GRAPHICS;
        }
    }

    /** {@code virDomainEventGraphicsAddress}: family (0 IPv4, 1 IPv6, 2 unix), node, service. */
    record GraphicsAddress(int family, String node, String service) {
    }

    /** {@code virDomainEventGraphicsSubjectIdentity}. */
    record GraphicsIdentity(String type, String name) {
    }

    /** ID_CONTROL_ERROR. */
    record ControlError(DomainRef domain) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_CONTROL_ERROR;
        }
    }

    /** ID_BLOCK_JOB: disk path, virDomainBlockJobType, virConnectDomainEventBlockJobStatus. */
    record BlockJob(DomainRef domain, String path, int type, int status) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_BLOCK_JOB;
        }
    }

    /** ID_BLOCK_JOB_2: as BlockJob but naming the disk by its target ({@code dst}). */
    record BlockJob2(DomainRef domain, String dst, int type, int status) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_BLOCK_JOB_2;
        }
    }

    /** ID_DISK_CHANGE: old and new source (either may be null), alias, reason. */
    record DiskChange(DomainRef domain, String oldSrcPath, String newSrcPath, String devAlias,
                      int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_DISK_CHANGE;
        }
    }

    /** ID_TRAY_CHANGE: device alias and virDomainEventTrayChangeReason. */
    record TrayChange(DomainRef domain, String devAlias, int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_TRAY_CHANGE;
        }
    }

    /** ID_PMWAKEUP. */
    record PmWakeup(DomainRef domain, int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_PMWAKEUP;
        }
    }

    /** ID_PMSUSPEND. */
    record PmSuspend(DomainRef domain, int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_PMSUSPEND;
        }
    }

    /** ID_PMSUSPEND_DISK. */
    record PmSuspendDisk(DomainRef domain, int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_PMSUSPEND_DISK;
        }
    }

    /** ID_BALLOON_CHANGE: the new balloon size in KiB. */
    record BalloonChange(DomainRef domain, long actual) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_BALLOON_CHANGE;
        }
    }

    /** ID_DEVICE_REMOVED. */
    record DeviceRemoved(DomainRef domain, String devAlias) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_DEVICE_REMOVED;
        }
    }

    /** ID_DEVICE_ADDED. */
    record DeviceAdded(DomainRef domain, String devAlias) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_DEVICE_ADDED;
        }
    }

    /** ID_DEVICE_REMOVAL_FAILED. */
    record DeviceRemovalFailed(DomainRef domain, String devAlias) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_DEVICE_REMOVAL_FAILED;
        }
    }

    /** ID_TUNABLE: the changed tunables. */
    record Tunable(DomainRef domain, List<TypedParameter> params) implements DomainEvent {
        public Tunable {
            params = List.copyOf(params);
        }

        @Override
        public int eventId() {
            return ID_TUNABLE;
        }
    }

    /** ID_AGENT_LIFECYCLE: virConnectDomainEventAgentLifecycleState and reason. */
    record AgentLifecycle(DomainRef domain, int state, int reason) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_AGENT_LIFECYCLE;
        }
    }

    /** ID_MIGRATION_ITERATION. */
    record MigrationIteration(DomainRef domain, int iteration) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_MIGRATION_ITERATION;
        }
    }

    /** ID_JOB_COMPLETED: the job's statistics. */
    record JobCompleted(DomainRef domain, List<TypedParameter> params) implements DomainEvent {
        public JobCompleted {
            params = List.copyOf(params);
        }

        @Override
        public int eventId() {
            return ID_JOB_COMPLETED;
        }
    }

    /**
     * ID_METADATA_CHANGE: a virDomainMetadataType (0 description, 1 title, 2 element) and, for an
     * element, its namespace URI (null otherwise).
     */
    record MetadataChange(DomainRef domain, int type, String nsuri) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_METADATA_CHANGE;
        }
    }

    /** ID_BLOCK_THRESHOLD: device, path (may be null), threshold and excess in bytes. */
    record BlockThreshold(DomainRef domain, String dev, String path, long threshold, long excess)
            implements DomainEvent {
        @Override
        public int eventId() {
            return ID_BLOCK_THRESHOLD;
        }
    }

    /** ID_MEMORY_FAILURE: virDomainMemoryFailureRecipientType, ...ActionType, flags. */
    record MemoryFailure(DomainRef domain, int recipient, int action, int flags) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_MEMORY_FAILURE;
        }
    }

    /** ID_MEMORY_DEVICE_SIZE_CHANGE: device alias and new size in KiB. */
    record MemoryDeviceSizeChange(DomainRef domain, String alias, long size) implements DomainEvent {
        @Override
        public int eventId() {
            return ID_MEMORY_DEVICE_SIZE_CHANGE;
        }
    }
}
