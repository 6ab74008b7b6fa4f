package io.jvirtd.model.network;

import io.jvirtd.model.domain.Uuids;

import java.util.Arrays;
import java.util.Objects;

/**
 * A network handle as the public API passes it to a driver (libvirt's {@code virNetworkPtr}
 * content): name and 16-byte UUID. Drivers resolve it by UUID, as libvirt's drivers do.
 * Immutable: the UUID is copied in and out and compared by content.
 */
public record NetworkRef(String name, byte[] uuid) {

    public NetworkRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        if (uuid.length != Uuids.LENGTH) {
            throw new IllegalArgumentException("a UUID has 16 bytes, got " + uuid.length);
        }
        uuid = uuid.clone();
    }

    @Override
    public byte[] uuid() {
        return uuid.clone();
    }

    /** The UUID in libvirt's text form. */
    public String uuidString() {
        return Uuids.format(uuid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkRef r && r.name.equals(name) && Arrays.equals(r.uuid, uuid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uuid) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkRef[" + name + ", " + uuidString() + "]";
    }
}
