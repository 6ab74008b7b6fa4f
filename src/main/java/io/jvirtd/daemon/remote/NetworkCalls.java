package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * The remote program's calls on networks, with the public API's checks of libvirt 9.0
 * (src/libvirt-network.c) and libvirtd's wire limits before the driver is called. What the
 * test driver lacks (DHCP leases, network ports) stays unbound and answers NO_SUPPORT as
 * libvirtd does. Stateless; worker threads.
 */
final class NetworkCalls {

    private static final VirErrorDomain N = VirErrorDomain.NETWORK;

    private NetworkCalls() {
    }

    static void bind(ProcedureTable t) {
        listing(t);
        lookups(t);
        definition(t);
        state(t);
    }

    private static void listing(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_NETWORKS, Void.class, ConnectNumOfNetworksRet.class,
                (s, a) -> new ConnectNumOfNetworksRet(s.connection().networks().connectNumOfNetworks()));
        t.bind(CONNECT_NUM_OF_DEFINED_NETWORKS, Void.class, ConnectNumOfDefinedNetworksRet.class,
                (s, a) -> new ConnectNumOfDefinedNetworksRet(
                        s.connection().networks().connectNumOfDefinedNetworks()));
        t.bind(CONNECT_LIST_NETWORKS, ConnectListNetworksArgs.class, ConnectListNetworksRet.class, (s, a) -> {
            maxnames(a.maxnames(), "virConnectListNetworks");
            return new ConnectListNetworksRet(
                    ListArgs.first(s.connection().networks().connectListNetworks(a.maxnames()), a.maxnames()));
        });
        t.bind(CONNECT_LIST_DEFINED_NETWORKS, ConnectListDefinedNetworksArgs.class,
                ConnectListDefinedNetworksRet.class, (s, a) -> {
                    maxnames(a.maxnames(), "virConnectListDefinedNetworks");
                    return new ConnectListDefinedNetworksRet(
                            ListArgs.first(s.connection().networks().connectListDefinedNetworks(a.maxnames()), a.maxnames()));
                });
        t.bind(CONNECT_LIST_ALL_NETWORKS, ConnectListAllNetworksArgs.class, ConnectListAllNetworksRet.class,
                (s, a) -> {
                    List<NetworkRef> nets = s.connection().networks().connectListAllNetworks(a.flags());
                    ListArgs.tooMany("networks", nets.size(), RemoteLimits.REMOTE_NETWORK_LIST_MAX);
                    return new ConnectListAllNetworksRet(
                            a.need_results() != 0 ? Handles.wireAll(nets, Handles::wire) : List.of(), nets.size());
                });
    }

    /**
     * libvirtd's wire limit (the generated dispatcher's VIR_ERR_RPC "maxnames > ..."), then
     * virCheckNonNegativeArgGoto(maxnames).
     */
    private static void maxnames(int maxnames, String api) {
        ListArgs.maxnames(maxnames, "REMOTE_NETWORK_LIST_MAX", RemoteLimits.REMOTE_NETWORK_LIST_MAX);
        ApiChecks.nonNegative(maxnames, "maxnames", api, N);
    }

    private static void lookups(ProcedureTable t) {
        t.bind(NETWORK_LOOKUP_BY_NAME, NetworkLookupByNameArgs.class, NetworkLookupByNameRet.class,
                (s, a) -> new NetworkLookupByNameRet(
                        Handles.wire(s.connection().networks().networkLookupByName(a.name()))));
        t.bind(NETWORK_LOOKUP_BY_UUID, NetworkLookupByUuidArgs.class, NetworkLookupByUuidRet.class,
                (s, a) -> new NetworkLookupByUuidRet(
                        Handles.wire(s.connection().networks().networkLookupByUUID(a.uuid()))));
    }

    private static void definition(ProcedureTable t) {
        t.bind(NETWORK_CREATE_XML, NetworkCreateXmlArgs.class, NetworkCreateXmlRet.class,
                (s, a) -> new NetworkCreateXmlRet(Handles.wire(s.connection().networks().networkCreateXML(a.xml()))));
        t.bind(NETWORK_CREATE_XML_FLAGS, NetworkCreateXmlFlagsArgs.class, NetworkCreateXmlFlagsRet.class,
                (s, a) -> new NetworkCreateXmlFlagsRet(
                        Handles.wire(s.connection().networks().networkCreateXMLFlags(a.xml(), a.flags()))));
        t.bind(NETWORK_DEFINE_XML, NetworkDefineXmlArgs.class, NetworkDefineXmlRet.class,
                (s, a) -> new NetworkDefineXmlRet(Handles.wire(s.connection().networks().networkDefineXML(a.xml()))));
        t.bind(NETWORK_DEFINE_XML_FLAGS, NetworkDefineXmlFlagsArgs.class, NetworkDefineXmlFlagsRet.class,
                (s, a) -> new NetworkDefineXmlFlagsRet(
                        Handles.wire(s.connection().networks().networkDefineXMLFlags(a.xml(), a.flags()))));
        t.bind(NETWORK_UNDEFINE, NetworkUndefineArgs.class, Void.class, (s, a) -> {
            s.connection().networks().networkUndefine(Handles.net(a.net()));
            return null;
        });
        t.bind(NETWORK_UPDATE, NetworkUpdateArgs.class, Void.class, (s, a) -> {
            s.connection().networks().networkUpdate(Handles.net(a.net()), a.command(), a.section(),
                    a.parentIndex(), a.xml(), a.flags());
            return null;
        });
        t.bind(NETWORK_GET_XML_DESC, NetworkGetXmlDescArgs.class, NetworkGetXmlDescRet.class,
                (s, a) -> new NetworkGetXmlDescRet(
                        s.connection().networks().networkGetXMLDesc(Handles.net(a.net()), a.flags())));
    }

    private static void state(ProcedureTable t) {
        t.bind(NETWORK_CREATE, NetworkCreateArgs.class, Void.class, (s, a) -> {
            s.connection().networks().networkCreate(Handles.net(a.net()));
            return null;
        });
        t.bind(NETWORK_DESTROY, NetworkDestroyArgs.class, Void.class, (s, a) -> {
            s.connection().networks().networkDestroy(Handles.net(a.net()));
            return null;
        });
        t.bind(NETWORK_GET_BRIDGE_NAME, NetworkGetBridgeNameArgs.class, NetworkGetBridgeNameRet.class,
                (s, a) -> new NetworkGetBridgeNameRet(
                        s.connection().networks().networkGetBridgeName(Handles.net(a.net()))));
        t.bind(NETWORK_GET_AUTOSTART, NetworkGetAutostartArgs.class, NetworkGetAutostartRet.class,
                (s, a) -> new NetworkGetAutostartRet(
                        s.connection().networks().networkGetAutostart(Handles.net(a.net())) ? 1 : 0));
        t.bind(NETWORK_SET_AUTOSTART, NetworkSetAutostartArgs.class, Void.class, (s, a) -> {
            s.connection().networks().networkSetAutostart(Handles.net(a.net()), a.autostart() != 0);
            return null;
        });
        t.bind(NETWORK_IS_ACTIVE, NetworkIsActiveArgs.class, NetworkIsActiveRet.class,
                (s, a) -> new NetworkIsActiveRet(s.connection().networks().networkIsActive(Handles.net(a.net())) ? 1 : 0));
        t.bind(NETWORK_IS_PERSISTENT, NetworkIsPersistentArgs.class, NetworkIsPersistentRet.class,
                (s, a) -> new NetworkIsPersistentRet(
                        s.connection().networks().networkIsPersistent(Handles.net(a.net())) ? 1 : 0));
    }
}
