package io.jvirtd.model.nwfilter;

import io.jvirtd.model.domain.Uuids;

import java.util.Arrays;
import java.util.Objects;

/**
 * A network filter handle (libvirt's {@code virNWFilterPtr} content): name and 16-byte UUID.
 * Immutable: the UUID is copied in and out and compared by content.
 */
public record NwfilterRef(String name, byte[] uuid) {

    public NwfilterRef {
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

    @Override
    public boolean equals(Object o) {
        return o instanceof NwfilterRef r && r.name.equals(name) && Arrays.equals(r.uuid, uuid);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(uuid);
    }

    @Override
    public String toString() {
        return "NwfilterRef[" + name + ", " + Uuids.format(uuid) + "]";
    }
}
