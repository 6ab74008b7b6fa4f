/**
 * The driver SPI: what the daemon's program layer calls and a hypervisor driver implements.
 *
 * <p>{@link io.jvirtd.model.spi.ConnectionDriver} opens connections for URIs it owns;
 * {@link io.jvirtd.model.spi.HypervisorConnection} is one open connection. Methods map 1:1 to
 * libvirt public APIs and default to libvirt's answer for a driver that lacks them, so drivers
 * implement only what they support. Failures are {@link io.jvirtd.model.VirException}s.
 *
 * <p>Layering: this package and {@code io.jvirtd.model} import nothing from
 * {@code io.jvirtd.rpc}, {@code io.jvirtd.protocol} or {@code io.jvirtd.daemon}.
 */
package io.jvirtd.model.spi;
