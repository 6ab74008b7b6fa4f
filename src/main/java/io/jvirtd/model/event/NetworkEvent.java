package io.jvirtd.model.event;

import io.jvirtd.model.network.NetworkRef;

import java.util.Objects;

/**
 * A network event. libvirt 9.0 has one id, {@code VIR_NETWORK_EVENT_ID_LIFECYCLE}: a
 * {@code virNetworkEventLifecycleType} (defined 0, undefined 1, started 2, stopped 3) with detail
 * 0. Immutable.
 */
public record NetworkEvent(NetworkRef network, int event, int detail) implements ObjectEvent {

    public static final int ID_LIFECYCLE = 0;
    /** {@code VIR_NETWORK_EVENT_ID_LAST} in libvirt 9.0. */
    public static final int ID_LAST = 1;

    public static final int DEFINED = 0;
    public static final int UNDEFINED = 1;
    public static final int STARTED = 2;
    public static final int STOPPED = 3;

    public NetworkEvent {
        Objects.requireNonNull(network, "network");
    }

    @Override
    public int eventId() {
        return ID_LIFECYCLE;
    }
}
