/**
 * libvirt's test driver: in-memory fake hosts with test_driver.c's semantics and answers.
 *
 * <p>{@link io.jvirtd.driver.test.TestDriver} routes {@code test://} URIs to a
 * {@code MockHost} (shared built-in host or private node-file host);
 * {@code TestConnection} answers the SPI calls from it. Imports only {@code io.jvirtd.model}.
 */
package io.jvirtd.driver.test;
