/**
 * Node device handles and the records node-device APIs answer with (libvirt's
 * {@code virNodeDevice*}), shared by the SPI, the drivers and the daemon. All immutable.
 */
package io.jvirtd.model.nodedev;
