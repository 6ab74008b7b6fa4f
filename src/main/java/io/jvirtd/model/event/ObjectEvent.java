package io.jvirtd.model.event;

/**
 * An event about one object of a host (libvirt's {@code virObjectEvent}): a domain, network,
 * storage pool or node device event. Each family numbers its event ids from 0; a callback is
 * registered for one family and one id. Immutable.
 */
public interface ObjectEvent {

    /** The family's event id ({@code VIR_*_EVENT_ID_*}) this event is delivered under. */
    int eventId();
}
