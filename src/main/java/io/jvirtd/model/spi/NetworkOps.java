package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.network.NetworkRef;

import java.util.List;
import java.util.function.Consumer;

/**
 * The virtual network part of a driver (libvirt's {@code virNetworkDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#networks()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#NETWORK}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface NetworkOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    NetworkOps NONE = new NetworkOps() {
    };

    /**
     * virConnectNetworkEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectNetworkEventRegisterAny(NetworkRef filterOrNull, int eventId, Consumer<NetworkEvent> listener) {
        throw unsupported("virConnectNetworkEventRegisterAny");
    }

    /** virConnectNetworkEventDeregisterAny: a callback of this connection. */
    default void connectNetworkEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectNetworkEventDeregisterAny");
    }

    /** {@code VIR_CONNECT_LIST_NETWORKS_*} filter bits of virConnectListAllNetworks. */
    int LIST_INACTIVE = 1;
    int LIST_ACTIVE = 2;
    int LIST_PERSISTENT = 4;
    int LIST_TRANSIENT = 8;
    int LIST_AUTOSTART = 16;
    int LIST_NO_AUTOSTART = 32;
    /** VIR_NETWORK_CREATE_VALIDATE / VIR_NETWORK_DEFINE_VALIDATE. */
    int VALIDATE = 1;
    /** VIR_NETWORK_XML_INACTIVE. */
    int XML_INACTIVE = 1;
    /** virNetworkUpdateFlags: AFFECT_CURRENT 0, LIVE 1, CONFIG 2. */
    int UPDATE_AFFECT_LIVE = 1;
    int UPDATE_AFFECT_CONFIG = 2;

    /** virConnectNumOfNetworks: active networks. */
    default int connectNumOfNetworks() {
        throw unsupported("virConnectNumOfNetworks");
    }

    /** virConnectListNetworks: names of at most {@code maxnames} active networks. */
    default List<String> connectListNetworks(int maxnames) {
        throw unsupported("virConnectListNetworks");
    }

    /** virConnectNumOfDefinedNetworks: inactive networks. */
    default int connectNumOfDefinedNetworks() {
        throw unsupported("virConnectNumOfDefinedNetworks");
    }

    /** virConnectListDefinedNetworks: names of at most {@code maxnames} inactive networks. */
    default List<String> connectListDefinedNetworks(int maxnames) {
        throw unsupported("virConnectListDefinedNetworks");
    }

    /** virConnectListAllNetworks with {@code LIST_*} filter flags. */
    default List<NetworkRef> connectListAllNetworks(int flags) {
        throw unsupported("virConnectListAllNetworks");
    }

    /** virNetworkLookupByUUID. */
    default NetworkRef networkLookupByUUID(byte[] uuid) {
        throw unsupported("virNetworkLookupByUUID");
    }

    /** virNetworkLookupByName. */
    default NetworkRef networkLookupByName(String name) {
        throw unsupported("virNetworkLookupByName");
    }

    /** virNetworkCreateXML: a transient, running network. */
    default NetworkRef networkCreateXML(String xml) {
        throw unsupported("virNetworkCreateXML");
    }

    /** virNetworkCreateXMLFlags ({@link #VALIDATE}). */
    default NetworkRef networkCreateXMLFlags(String xml, int flags) {
        throw unsupported("virNetworkCreateXMLFlags");
    }

    /** virNetworkDefineXML: defines (or redefines) a persistent network. */
    default NetworkRef networkDefineXML(String xml) {
        throw unsupported("virNetworkDefineXML");
    }

    /** virNetworkDefineXMLFlags ({@link #VALIDATE}). */
    default NetworkRef networkDefineXMLFlags(String xml, int flags) {
        throw unsupported("virNetworkDefineXMLFlags");
    }

    /** virNetworkUndefine. */
    default void networkUndefine(NetworkRef net) {
        throw unsupported("virNetworkUndefine");
    }

    /** virNetworkUpdate (command and section in the fixed, correct order). */
    default void networkUpdate(NetworkRef net, int command, int section, int parentIndex, String xml, int flags) {
        throw unsupported("virNetworkUpdate");
    }

    /** virNetworkCreate: starts a defined network. */
    default void networkCreate(NetworkRef net) {
        throw unsupported("virNetworkCreate");
    }

    /** virNetworkDestroy. */
    default void networkDestroy(NetworkRef net) {
        throw unsupported("virNetworkDestroy");
    }

    /** virNetworkGetXMLDesc ({@link #XML_INACTIVE}). */
    default String networkGetXMLDesc(NetworkRef net, int flags) {
        throw unsupported("virNetworkGetXMLDesc");
    }

    /** virNetworkGetBridgeName. */
    default String networkGetBridgeName(NetworkRef net) {
        throw unsupported("virNetworkGetBridgeName");
    }

    /** virNetworkGetAutostart. */
    default boolean networkGetAutostart(NetworkRef net) {
        throw unsupported("virNetworkGetAutostart");
    }

    /** virNetworkSetAutostart. */
    default void networkSetAutostart(NetworkRef net, boolean autostart) {
        throw unsupported("virNetworkSetAutostart");
    }

    /** virNetworkIsActive. */
    default boolean networkIsActive(NetworkRef net) {
        throw unsupported("virNetworkIsActive");
    }

    /** virNetworkIsPersistent. */
    default boolean networkIsPersistent(NetworkRef net) {
        throw unsupported("virNetworkIsPersistent");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.NETWORK, apiName);
    }
}
