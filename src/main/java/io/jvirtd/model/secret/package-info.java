/**
 * Secret handles (libvirt's {@code virSecret*}), shared by the SPI, the secret driver and the
 * daemon. All immutable.
 */
package io.jvirtd.model.secret;
