/**
 * Domain events: {@link io.jvirtd.model.event.DomainEvent} (one record per libvirt event id) and
 * the per-host {@link io.jvirtd.model.event.EventBus} drivers raise them on and the daemon
 * listens to.
 */
package io.jvirtd.model.event;
