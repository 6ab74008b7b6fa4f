package io.jvirtd.model.storage;

import java.util.Objects;

/**
 * A storage volume handle as the public API passes it to a driver (libvirt's
 * {@code virStorageVolPtr} content): the pool's name, the volume's name and its key (for the
 * test driver the volume's path). Drivers resolve it by pool and name, as libvirt's do.
 */
public record StorageVolRef(String pool, String name, String key) {

    public StorageVolRef {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
    }
}
