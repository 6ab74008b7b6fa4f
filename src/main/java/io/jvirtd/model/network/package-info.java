/**
 * Virtual network handles and the records network APIs answer with (libvirt's
 * {@code virNetwork*}), shared by the SPI, the drivers and the daemon. All immutable.
 */
package io.jvirtd.model.network;
