package io.jvirtd.model.nodedev;

import java.util.Objects;

/**
 * A node device handle as the public API passes it to a driver (libvirt's
 * {@code virNodeDevicePtr} content): its name, by which drivers resolve it.
 */
public record NodeDeviceRef(String name) {

    public NodeDeviceRef {
        Objects.requireNonNull(name, "name");
    }
}
