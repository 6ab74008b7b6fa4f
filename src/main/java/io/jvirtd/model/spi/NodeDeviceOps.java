package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;

import java.util.List;
import java.util.function.Consumer;

/**
 * The node device part of a driver (libvirt's {@code virNodeDeviceDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#nodeDevices()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#NODEDEV}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface NodeDeviceOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    NodeDeviceOps NONE = new NodeDeviceOps() {
    };

    /**
     * virConnectNodeDeviceEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectNodeDeviceEventRegisterAny(NodeDeviceRef filterOrNull, int eventId, Consumer<NodeDeviceEvent> listener) {
        throw unsupported("virConnectNodeDeviceEventRegisterAny");
    }

    /** virConnectNodeDeviceEventDeregisterAny: a callback of this connection. */
    default void connectNodeDeviceEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectNodeDeviceEventDeregisterAny");
    }

    /** virNodeNumOfDevices: devices with capability {@code capOrNull} (any when null). */
    default int nodeNumOfDevices(String capOrNull, int flags) {
        throw unsupported("virNodeNumOfDevices");
    }

    /** virNodeListDevices: at most {@code maxnames} names of devices with that capability. */
    default List<String> nodeListDevices(String capOrNull, int maxnames, int flags) {
        throw unsupported("virNodeListDevices");
    }

    /** virConnectListAllNodeDevices with VIR_CONNECT_LIST_NODE_DEVICES_* filter flags. */
    default List<NodeDeviceRef> connectListAllNodeDevices(int flags) {
        throw unsupported("virConnectListAllNodeDevices");
    }

    /** virNodeDeviceLookupByName. */
    default NodeDeviceRef nodeDeviceLookupByName(String name) {
        throw unsupported("virNodeDeviceLookupByName");
    }

    /** virNodeDeviceLookupSCSIHostByWWN. */
    default NodeDeviceRef nodeDeviceLookupSCSIHostByWWN(String wwnn, String wwpn, int flags) {
        throw unsupported("virNodeDeviceLookupSCSIHostByWWN");
    }

    /** virNodeDeviceGetXMLDesc. */
    default String nodeDeviceGetXMLDesc(NodeDeviceRef dev, int flags) {
        throw unsupported("virNodeDeviceGetXMLDesc");
    }

    /** virNodeDeviceGetParent through the driver: the parent's name; an error when there is none. */
    default String nodeDeviceGetParent(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceGetParent");
    }

    /** virNodeDeviceNumOfCaps. */
    default int nodeDeviceNumOfCaps(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceNumOfCaps");
    }

    /** virNodeDeviceListCaps: at most {@code maxnames} capability names. */
    default List<String> nodeDeviceListCaps(NodeDeviceRef dev, int maxnames) {
        throw unsupported("virNodeDeviceListCaps");
    }

    /** virNodeDeviceCreateXML: creates a transient device. */
    default NodeDeviceRef nodeDeviceCreateXML(String xml, int flags) {
        throw unsupported("virNodeDeviceCreateXML");
    }

    /** virNodeDeviceDestroy. */
    default void nodeDeviceDestroy(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceDestroy");
    }

    /** virNodeDeviceDefineXML: defines a persistent device. */
    default NodeDeviceRef nodeDeviceDefineXML(String xml, int flags) {
        throw unsupported("virNodeDeviceDefineXML");
    }

    /** virNodeDeviceUndefine. */
    default void nodeDeviceUndefine(NodeDeviceRef dev, int flags) {
        throw unsupported("virNodeDeviceUndefine");
    }

    /** virNodeDeviceCreate: starts a defined device. */
    default void nodeDeviceCreate(NodeDeviceRef dev, int flags) {
        throw unsupported("virNodeDeviceCreate");
    }

    /** virNodeDeviceGetAutostart. */
    default boolean nodeDeviceGetAutostart(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceGetAutostart");
    }

    /** virNodeDeviceSetAutostart. */
    default void nodeDeviceSetAutostart(NodeDeviceRef dev, boolean autostart) {
        throw unsupported("virNodeDeviceSetAutostart");
    }

    /** virNodeDeviceIsPersistent. */
    default boolean nodeDeviceIsPersistent(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceIsPersistent");
    }

    /** virNodeDeviceIsActive. */
    default boolean nodeDeviceIsActive(NodeDeviceRef dev) {
        throw unsupported("virNodeDeviceIsActive");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.NODEDEV, apiName);
    }
}
