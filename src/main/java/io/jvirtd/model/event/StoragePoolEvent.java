package io.jvirtd.model.event;

import io.jvirtd.model.storage.StoragePoolRef;

import java.util.Objects;

/**
 * A storage pool event: lifecycle ({@code virStoragePoolEventLifecycleType}: defined 0,
 * undefined 1, started 2, stopped 3, created 4, deleted 5; detail 0) or refresh. Immutable.
 */
public sealed interface StoragePoolEvent extends ObjectEvent {

    int ID_LIFECYCLE = 0;
    int ID_REFRESH = 1;
    /** {@code VIR_STORAGE_POOL_EVENT_ID_LAST} in libvirt 9.0. */
    int ID_LAST = 2;

    int DEFINED = 0;
    int UNDEFINED = 1;
    int STARTED = 2;
    int STOPPED = 3;
    int CREATED = 4;
    int DELETED = 5;

    /** The pool the event is about. */
    StoragePoolRef pool();

    /** ID_LIFECYCLE. */
    record Lifecycle(StoragePoolRef pool, int event, int detail) implements StoragePoolEvent {
        public Lifecycle {
            Objects.requireNonNull(pool, "pool");
        }

        @Override
        public int eventId() {
            return ID_LIFECYCLE;
        }
    }

    /** ID_REFRESH: the pool was refreshed. */
    record Refresh(StoragePoolRef pool) implements StoragePoolEvent {
        public Refresh {
            Objects.requireNonNull(pool, "pool");
        }

        @Override
        public int eventId() {
            return ID_REFRESH;
        }
    }
}
