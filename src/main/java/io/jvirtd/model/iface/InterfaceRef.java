package io.jvirtd.model.iface;

import java.util.Objects;

/**
 * A host interface handle as the public API passes it to a driver (libvirt's
 * {@code virInterfacePtr} content): name and MAC address text (may be empty). Drivers resolve
 * it by name.
 */
public record InterfaceRef(String name, String mac) {

    public InterfaceRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
    }
}
