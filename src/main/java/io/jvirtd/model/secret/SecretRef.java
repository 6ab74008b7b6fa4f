package io.jvirtd.model.secret;

import io.jvirtd.model.domain.Uuids;

import java.util.Arrays;
import java.util.Objects;

/**
 * A secret handle as the public API passes it to a driver (libvirt's {@code virSecretPtr}
 * content): 16-byte UUID, usage type ({@code virSecretUsageType}) and usage id (empty for usage
 * "none", as libvirt's {@code virGetSecret} makes it). Drivers resolve it by UUID. Immutable.
 */
public record SecretRef(byte[] uuid, int usageType, String usageId) {

    /** {@code virSecretUsageType}: none, volume, ceph, iscsi, tls, vtpm. */
    public static final int USAGE_NONE = 0;
    public static final int USAGE_VOLUME = 1;
    public static final int USAGE_CEPH = 2;
    public static final int USAGE_ISCSI = 3;
    public static final int USAGE_TLS = 4;
    public static final int USAGE_VTPM = 5;

    public SecretRef {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(usageId, "usageId");
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
        return o instanceof SecretRef r && Arrays.equals(r.uuid, uuid) && r.usageType == usageType
                && r.usageId.equals(usageId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uuid) * 31 + usageId.hashCode();
    }

    @Override
    public String toString() {
        return "SecretRef[" + uuidString() + ", " + usageType + ", " + usageId + "]";
    }
}
