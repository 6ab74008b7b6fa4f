/**
 * Domain handles, states and the records domain APIs answer with (libvirt's {@code virDomain*}
 * structs), shared by the SPI, the drivers and the daemon. All immutable.
 */
package io.jvirtd.model.domain;
