package io.jvirtd.model.nwfilter;

import java.util.Objects;

/**
 * A network filter binding handle (libvirt's {@code virNWFilterBindingPtr} content): the port
 * device it filters and the filter's name.
 */
public record NwfilterBindingRef(String portdev, String filtername) {

    public NwfilterBindingRef {
        Objects.requireNonNull(portdev, "portdev");
        Objects.requireNonNull(filtername, "filtername");
    }
}
