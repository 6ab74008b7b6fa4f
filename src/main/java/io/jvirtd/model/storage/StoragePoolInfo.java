package io.jvirtd.model.storage;

/**
 * virStoragePoolGetInfo's answer: state ({@code virStoragePoolState}: inactive 0, building 1,
 * running 2, degraded 3, inaccessible 4) and sizes in bytes (unsigned).
 */
public record StoragePoolInfo(int state, long capacity, long allocation, long available) {

    public static final int INACTIVE = 0;
    public static final int RUNNING = 2;
}
