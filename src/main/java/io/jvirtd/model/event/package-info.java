/**
 * Object events: {@link io.jvirtd.model.event.DomainEvent} (one record per libvirt event id),
 * {@link io.jvirtd.model.event.NetworkEvent}, {@link io.jvirtd.model.event.StoragePoolEvent},
 * {@link io.jvirtd.model.event.NodeDeviceEvent}, and the per-host
 * {@link io.jvirtd.model.event.EventBus} drivers raise them on and the daemon listens to.
 */
package io.jvirtd.model.event;
