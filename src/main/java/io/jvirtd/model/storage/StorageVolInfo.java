package io.jvirtd.model.storage;

/**
 * virStorageVolGetInfo's answer: type ({@code virStorageVolType}: file 0, block 1, dir 2,
 * network 3, netdir 4, ploop 5) and sizes in bytes (unsigned).
 */
public record StorageVolInfo(int type, long capacity, long allocation) {
}
