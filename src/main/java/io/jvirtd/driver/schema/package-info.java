/**
 * What the drivers share about the host's libvirt installation: its RELAX NG schemas
 * ({@link io.jvirtd.driver.schema.RelaxNgSchemas}), read at run time and checked with Jing.
 * Imports only {@code io.jvirtd.model} (and Jing).
 */
package io.jvirtd.driver.schema;
