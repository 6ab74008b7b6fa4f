/**
 * The driver's end of a data stream (libvirt's {@code virStream} as a driver implements it):
 * what volume upload and download, screenshots and consoles give or take bytes through. The
 * daemon moves the bytes to and from the wire; drivers never see packets.
 */
package io.jvirtd.model.stream;
