/**
 * libvirt's secret driver (src/secret/secret_driver.c of libvirt 9.0): secrets defined, looked up,
 * listed and undefined, their values set and read, persistent ones kept in owner-only files,
 * events to registered clients. Served on the QEMU driver's connections, as libvirtd serves its
 * secret driver beside the QEMU driver.
 */
package io.jvirtd.driver.secret;
