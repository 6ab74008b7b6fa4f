/**
 * Host interface handles and the records interface APIs answer with (libvirt's
 * {@code virInterface*}), shared by the SPI, the drivers and the daemon. All immutable.
 */
package io.jvirtd.model.iface;
