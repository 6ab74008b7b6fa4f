/** Handles of libvirt's network filter objects as the public API passes them to a driver. */
package io.jvirtd.model.nwfilter;
