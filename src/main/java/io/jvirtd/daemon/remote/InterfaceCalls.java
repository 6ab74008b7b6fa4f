package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_INTERFACE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * The remote program's calls on host interfaces, with the public API's checks of libvirt 9.0
 * (libvirt-interface.c) before the driver is called and libvirtd's list maxima. Interface
 * handles go to the driver as the client sent them (get_nonnull_interface makes no lookup).
 * Read-only denial is generic (RemoteProgram). Stateless; worker threads.
 */
final class InterfaceCalls {

    private static final VirErrorDomain I = VirErrorDomain.INTERFACE;

    private InterfaceCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_INTERFACES, Void.class, ConnectNumOfInterfacesRet.class,
                (s, a) -> new ConnectNumOfInterfacesRet(s.connection().interfaces().connectNumOfInterfaces()));
        t.bind(CONNECT_LIST_INTERFACES, ConnectListInterfacesArgs.class, ConnectListInterfacesRet.class, (s, a) -> {
            maxnames(a.maxnames());
            ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListInterfaces", I);
            return new ConnectListInterfacesRet(ListArgs.first(
                    s.connection().interfaces().connectListInterfaces(a.maxnames()), a.maxnames()));
        });
        t.bind(CONNECT_NUM_OF_DEFINED_INTERFACES, Void.class, ConnectNumOfDefinedInterfacesRet.class,
                (s, a) -> new ConnectNumOfDefinedInterfacesRet(
                        s.connection().interfaces().connectNumOfDefinedInterfaces()));
        t.bind(CONNECT_LIST_DEFINED_INTERFACES, ConnectListDefinedInterfacesArgs.class,
                ConnectListDefinedInterfacesRet.class, (s, a) -> {
                    maxnames(a.maxnames());
                    ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListDefinedInterfaces", I);
                    return new ConnectListDefinedInterfacesRet(ListArgs.first(
                            s.connection().interfaces().connectListDefinedInterfaces(a.maxnames()), a.maxnames()));
                });
        t.bind(CONNECT_LIST_ALL_INTERFACES, ConnectListAllInterfacesArgs.class, ConnectListAllInterfacesRet.class,
                (s, a) -> {
                    List<InterfaceRef> all = s.connection().interfaces().connectListAllInterfaces(a.flags());
                    ListArgs.tooMany("interfaces", all.size(), REMOTE_INTERFACE_LIST_MAX);
                    return new ConnectListAllInterfacesRet(
                            a.need_results() != 0 ? Handles.wireAll(all, Handles::wire) : List.of(), all.size());
                });
        t.bind(INTERFACE_LOOKUP_BY_NAME, InterfaceLookupByNameArgs.class, InterfaceLookupByNameRet.class,
                (s, a) -> new InterfaceLookupByNameRet(Handles.wire(
                        s.connection().interfaces().interfaceLookupByName(a.name()))));
        t.bind(INTERFACE_LOOKUP_BY_MAC_STRING, InterfaceLookupByMacStringArgs.class,
                InterfaceLookupByMacStringRet.class, (s, a) -> new InterfaceLookupByMacStringRet(Handles.wire(
                        s.connection().interfaces().interfaceLookupByMACString(a.mac()))));
        t.bind(INTERFACE_GET_XML_DESC, InterfaceGetXmlDescArgs.class, InterfaceGetXmlDescRet.class,
                (s, a) -> new InterfaceGetXmlDescRet(s.connection().interfaces().interfaceGetXMLDesc(
                        Handles.iface(a.iface()), a.flags())));
        t.bind(INTERFACE_DEFINE_XML, InterfaceDefineXmlArgs.class, InterfaceDefineXmlRet.class,
                (s, a) -> new InterfaceDefineXmlRet(Handles.wire(
                        s.connection().interfaces().interfaceDefineXML(a.xml(), a.flags()))));
        t.bind(INTERFACE_UNDEFINE, InterfaceUndefineArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceUndefine(Handles.iface(a.iface()));
            return null;
        });
        t.bind(INTERFACE_CREATE, InterfaceCreateArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceCreate(Handles.iface(a.iface()), a.flags());
            return null;
        });
        t.bind(INTERFACE_DESTROY, InterfaceDestroyArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceDestroy(Handles.iface(a.iface()), a.flags());
            return null;
        });
        t.bind(INTERFACE_IS_ACTIVE, InterfaceIsActiveArgs.class, InterfaceIsActiveRet.class,
                (s, a) -> new InterfaceIsActiveRet(
                        s.connection().interfaces().interfaceIsActive(Handles.iface(a.iface())) ? 1 : 0));
        t.bind(INTERFACE_CHANGE_BEGIN, InterfaceChangeBeginArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceChangeBegin(a.flags());
            return null;
        });
        t.bind(INTERFACE_CHANGE_COMMIT, InterfaceChangeCommitArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceChangeCommit(a.flags());
            return null;
        });
        t.bind(INTERFACE_CHANGE_ROLLBACK, InterfaceChangeRollbackArgs.class, Void.class, (s, a) -> {
            s.connection().interfaces().interfaceChangeRollback(a.flags());
            return null;
        });
    }

    /** The generated dispatcher's bound on the names a client may ask for. */
    private static void maxnames(int maxnames) {
        ListArgs.maxnames(maxnames, "REMOTE_INTERFACE_LIST_MAX", REMOTE_INTERFACE_LIST_MAX);
    }
}
