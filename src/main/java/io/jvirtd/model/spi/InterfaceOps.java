package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.iface.InterfaceRef;

import java.util.List;

/**
 * The host interface part of a driver (libvirt's {@code virInterfaceDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#interfaces()}; the same rules apply as there:
 * one method per public libvirt API, named in its doc, every default answering as libvirt does
 * when the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#INTERFACE}), thread-safe implementations, {@link VirException} for
 * every failure a client should see.
 */
public interface InterfaceOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    InterfaceOps NONE = new InterfaceOps() {
    };

    /** virConnectNumOfInterfaces: the active interfaces. */
    default int connectNumOfInterfaces() {
        throw unsupported("virConnectNumOfInterfaces");
    }

    /** virConnectListInterfaces: at most {@code maxnames} active interface names. */
    default List<String> connectListInterfaces(int maxnames) {
        throw unsupported("virConnectListInterfaces");
    }

    /** virConnectNumOfDefinedInterfaces: the inactive interfaces. */
    default int connectNumOfDefinedInterfaces() {
        throw unsupported("virConnectNumOfDefinedInterfaces");
    }

    /** virConnectListDefinedInterfaces: at most {@code maxnames} inactive interface names. */
    default List<String> connectListDefinedInterfaces(int maxnames) {
        throw unsupported("virConnectListDefinedInterfaces");
    }

    /** virConnectListAllInterfaces with VIR_CONNECT_LIST_INTERFACES_* filter flags. */
    default List<InterfaceRef> connectListAllInterfaces(int flags) {
        throw unsupported("virConnectListAllInterfaces");
    }

    /** virInterfaceLookupByName. */
    default InterfaceRef interfaceLookupByName(String name) {
        throw unsupported("virInterfaceLookupByName");
    }

    /** virInterfaceLookupByMACString. */
    default InterfaceRef interfaceLookupByMACString(String mac) {
        throw unsupported("virInterfaceLookupByMACString");
    }

    /** virInterfaceGetXMLDesc. */
    default String interfaceGetXMLDesc(InterfaceRef iface, int flags) {
        throw unsupported("virInterfaceGetXMLDesc");
    }

    /** virInterfaceDefineXML: defines or replaces an interface. */
    default InterfaceRef interfaceDefineXML(String xml, int flags) {
        throw unsupported("virInterfaceDefineXML");
    }

    /** virInterfaceUndefine. */
    default void interfaceUndefine(InterfaceRef iface) {
        throw unsupported("virInterfaceUndefine");
    }

    /** virInterfaceCreate: brings an inactive interface up. */
    default void interfaceCreate(InterfaceRef iface, int flags) {
        throw unsupported("virInterfaceCreate");
    }

    /** virInterfaceDestroy: takes an active interface down. */
    default void interfaceDestroy(InterfaceRef iface, int flags) {
        throw unsupported("virInterfaceDestroy");
    }

    /** virInterfaceIsActive. */
    default boolean interfaceIsActive(InterfaceRef iface) {
        throw unsupported("virInterfaceIsActive");
    }

    /** virInterfaceChangeBegin: snapshots the interface configuration. */
    default void interfaceChangeBegin(int flags) {
        throw unsupported("virInterfaceChangeBegin");
    }

    /** virInterfaceChangeCommit: drops the snapshot. */
    default void interfaceChangeCommit(int flags) {
        throw unsupported("virInterfaceChangeCommit");
    }

    /** virInterfaceChangeRollback: restores the snapshot. */
    default void interfaceChangeRollback(int flags) {
        throw unsupported("virInterfaceChangeRollback");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.INTERFACE, apiName);
    }
}
