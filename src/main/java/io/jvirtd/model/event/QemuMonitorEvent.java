package io.jvirtd.model.event;

import io.jvirtd.model.domain.DomainRef;

import java.util.Objects;

/**
 * An event a QEMU guest's QMP monitor sent, relayed as it came (libvirt's
 * {@code virDomainQemuMonitorEvent}, delivered through virConnectDomainQemuMonitorEventRegister):
 * the event's name, QEMU's timestamp as it sent it ({@code seconds} -1 and {@code micros} 0 when it
 * sent none) and its {@code data} member as compact JSON, null when the event had none. Its own
 * family with the one event id 0; callback ids come from the host's shared counter, as in libvirt.
 * Immutable.
 */
public record QemuMonitorEvent(DomainRef domain, String event, long seconds, int micros, String details)
        implements ObjectEvent {

    public QemuMonitorEvent {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(event, "event");
    }

    @Override
    public int eventId() {
        return 0;
    }
}
