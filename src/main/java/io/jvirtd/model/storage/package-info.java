/**
 * Storage pool and volume handles and the records storage APIs answer with (libvirt's
 * {@code virStoragePool*} and {@code virStorageVol*}), shared by the SPI, the drivers and the
 * daemon. All immutable.
 */
package io.jvirtd.model.storage;
