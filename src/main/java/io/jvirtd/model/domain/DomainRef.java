package io.jvirtd.model.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A domain handle as the public API passes it to a driver (libvirt's {@code virDomainPtr}
 * content): name, 16-byte UUID and id ({@code -1} when the domain is not running).
 *
 * <p>Drivers resolve a ref by its UUID first, as libvirt's test driver does, and return fresh
 * refs from lookups, define and create. Immutable: the UUID array is copied in and out, and
 * {@link #equals} compares its content.
 */
public record DomainRef(String name, byte[] uuid, int id) {

    /** The id of a domain that is not running. */
    public static final int NO_ID = -1;

    public DomainRef {
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

    /** Whether the UUID is {@code other}'s bytes, without copying it (event filters ask this per listener). */
    public boolean hasUuid(byte[] other) {
        return Arrays.equals(uuid, other);
    }

    /** The UUID in libvirt's text form ({@code 6695eb01-f6a4-8304-79aa-97f2502e193f}). */
    public String uuidString() {
        return Uuids.format(uuid);
    }

    /** Whether the domain was running when the ref was made. */
    public boolean isActive() {
        return id != NO_ID;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainRef r && r.id == id && r.name.equals(name)
                && Arrays.equals(r.uuid, uuid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uuid) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return "DomainRef[" + name + ", " + uuidString() + ", id=" + id + "]";
    }
}
