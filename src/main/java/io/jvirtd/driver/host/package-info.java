/**
 * What a {@code qemu:///system} connection answers about the host itself, as libvirtd 9.0 does beside
 * its QEMU driver: memory facts from /proc and sysfs ({@link io.jvirtd.driver.host.HostMemory}, libvirt's
 * virhostmem.c), the host's network interfaces as libvirt's read-only udev interface backend lists them
 * ({@link io.jvirtd.driver.host.HostInterfaces}), the node devices of libvirt's udev node-device driver
 * read from sysfs ({@link io.jvirtd.driver.host.HostNodeDevices}), a network driver with no networks
 * ({@link io.jvirtd.driver.host.NoNetworks}) and an nwfilter driver with no filters
 * ({@link io.jvirtd.driver.host.NoNwfilters}). Every class reads below a root folder ("/" for the real
 * host) so that tests run them over a fake tree.
 */
package io.jvirtd.driver.host;
