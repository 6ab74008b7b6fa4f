package io.jvirtd.model.event;

import io.jvirtd.model.nodedev.NodeDeviceRef;

import java.util.Objects;

/**
 * A node device event: lifecycle ({@code virNodeDeviceEventLifecycleType}: created 0,
 * deleted 1, defined 2, undefined 3; detail 0) or update. Immutable.
 */
public sealed interface NodeDeviceEvent extends ObjectEvent {

    int ID_LIFECYCLE = 0;
    int ID_UPDATE = 1;
    /** {@code VIR_NODE_DEVICE_EVENT_ID_LAST} in libvirt 9.0. */
    int ID_LAST = 2;

    int CREATED = 0;
    int DELETED = 1;
    int DEFINED = 2;
    int UNDEFINED = 3;

    /** The device the event is about. */
    NodeDeviceRef device();

    /** ID_LIFECYCLE. */
    record Lifecycle(NodeDeviceRef device, int event, int detail) implements NodeDeviceEvent {
        public Lifecycle {
            Objects.requireNonNull(device, "device");
        }

        @Override
        public int eventId() {
            return ID_LIFECYCLE;
        }
    }

    /** ID_UPDATE: the device's configuration changed. */
    record Update(NodeDeviceRef device) implements NodeDeviceEvent {
        public Update {
            Objects.requireNonNull(device, "device");
        }

        @Override
        public int eventId() {
            return ID_UPDATE;
        }
    }
}
