package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_DEVICE_CAPS_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_NODE_DEVICE_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * The remote program's calls on node devices, with the public API's checks of libvirt 9.0
 * (libvirt-nodedev.c) before the driver is called and libvirtd's list maxima. A device travels
 * by name; like libvirtd (get_nonnull_node_device_name) the daemon makes a handle from the name
 * without a lookup, except for virNodeDeviceGetParent, whose hand-written dispatcher looks the
 * device up first and answers "no parent" (null) instead of the driver's error. Read-only denial
 * is generic (RemoteProgram). The hypervisor-driver calls (detach, reattach, reset) stay unbound:
 * the test driver lacks them. Stateless; worker threads.
 */
final class NodeDeviceCalls {

    private static final VirErrorDomain N = VirErrorDomain.NODEDEV;

    private NodeDeviceCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(NODE_NUM_OF_DEVICES, NodeNumOfDevicesArgs.class, NodeNumOfDevicesRet.class,
                (s, a) -> new NodeNumOfDevicesRet(ops(s).nodeNumOfDevices(a.cap(), a.flags())));
        t.bind(NODE_LIST_DEVICES, NodeListDevicesArgs.class, NodeListDevicesRet.class, (s, a) -> {
            ListArgs.maxnames(a.maxnames(), "REMOTE_NODE_DEVICE_LIST_MAX", REMOTE_NODE_DEVICE_LIST_MAX);
            ApiChecks.nonNegative(a.maxnames(), "maxnames", "virNodeListDevices", N);
            return new NodeListDevicesRet(ListArgs.first(
                    ops(s).nodeListDevices(a.cap(), a.maxnames(), a.flags()), a.maxnames()));
        });
        t.bind(CONNECT_LIST_ALL_NODE_DEVICES, ConnectListAllNodeDevicesArgs.class,
                ConnectListAllNodeDevicesRet.class, (s, a) -> {
                    List<NodeDeviceRef> all = ops(s).connectListAllNodeDevices(a.flags());
                    ListArgs.tooMany("node_devices", all.size(), REMOTE_NODE_DEVICE_LIST_MAX);
                    return new ConnectListAllNodeDevicesRet(
                            a.need_results() != 0 ? Handles.wireAll(all, Handles::wire) : List.of(), all.size());
                });
        t.bind(NODE_DEVICE_LOOKUP_BY_NAME, NodeDeviceLookupByNameArgs.class, NodeDeviceLookupByNameRet.class,
                (s, a) -> new NodeDeviceLookupByNameRet(Handles.wire(ops(s).nodeDeviceLookupByName(a.name()))));
        t.bind(NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN, NodeDeviceLookupScsiHostByWwnArgs.class,
                NodeDeviceLookupScsiHostByWwnRet.class, (s, a) -> new NodeDeviceLookupScsiHostByWwnRet(
                        Handles.wire(ops(s).nodeDeviceLookupSCSIHostByWWN(a.wwnn(), a.wwpn(), a.flags()))));
        t.bind(NODE_DEVICE_GET_XML_DESC, NodeDeviceGetXmlDescArgs.class, NodeDeviceGetXmlDescRet.class,
                (s, a) -> new NodeDeviceGetXmlDescRet(ops(s).nodeDeviceGetXMLDesc(dev(a.name()), a.flags())));
        t.bind(NODE_DEVICE_GET_PARENT, NodeDeviceGetParentArgs.class, NodeDeviceGetParentRet.class, (s, a) -> {
            NodeDeviceRef dev = ops(s).nodeDeviceLookupByName(a.name());
            String parent;
            try {
                parent = ops(s).nodeDeviceGetParent(dev);
            } catch (VirException e) {
                parent = null;
            }
            return new NodeDeviceGetParentRet(parent);
        });
        t.bind(NODE_DEVICE_NUM_OF_CAPS, NodeDeviceNumOfCapsArgs.class, NodeDeviceNumOfCapsRet.class,
                (s, a) -> new NodeDeviceNumOfCapsRet(ops(s).nodeDeviceNumOfCaps(dev(a.name()))));
        t.bind(NODE_DEVICE_LIST_CAPS, NodeDeviceListCapsArgs.class, NodeDeviceListCapsRet.class, (s, a) -> {
            ListArgs.maxnames(a.maxnames(), "REMOTE_NODE_DEVICE_CAPS_LIST_MAX", REMOTE_NODE_DEVICE_CAPS_LIST_MAX);
            ApiChecks.nonNegative(a.maxnames(), "maxnames", "virNodeDeviceListCaps", N);
            return new NodeDeviceListCapsRet(ListArgs.first(
                    ops(s).nodeDeviceListCaps(dev(a.name()), a.maxnames()), a.maxnames()));
        });
        t.bind(NODE_DEVICE_CREATE_XML, NodeDeviceCreateXmlArgs.class, NodeDeviceCreateXmlRet.class,
                (s, a) -> new NodeDeviceCreateXmlRet(Handles.wire(ops(s).nodeDeviceCreateXML(a.xml_desc(),
                        a.flags()))));
        t.bind(NODE_DEVICE_DESTROY, NodeDeviceDestroyArgs.class, Void.class, (s, a) -> {
            ops(s).nodeDeviceDestroy(dev(a.name()));
            return null;
        });
        t.bind(NODE_DEVICE_DEFINE_XML, NodeDeviceDefineXmlArgs.class, NodeDeviceDefineXmlRet.class,
                (s, a) -> new NodeDeviceDefineXmlRet(Handles.wire(ops(s).nodeDeviceDefineXML(a.xml_desc(),
                        a.flags()))));
        t.bind(NODE_DEVICE_UNDEFINE, NodeDeviceUndefineArgs.class, Void.class, (s, a) -> {
            ops(s).nodeDeviceUndefine(dev(a.name()), a.flags());
            return null;
        });
        t.bind(NODE_DEVICE_CREATE, NodeDeviceCreateArgs.class, Void.class, (s, a) -> {
            ops(s).nodeDeviceCreate(dev(a.name()), a.flags());
            return null;
        });
        t.bind(NODE_DEVICE_GET_AUTOSTART, NodeDeviceGetAutostartArgs.class, NodeDeviceGetAutostartRet.class,
                (s, a) -> new NodeDeviceGetAutostartRet(ops(s).nodeDeviceGetAutostart(dev(a.name())) ? 1 : 0));
        t.bind(NODE_DEVICE_SET_AUTOSTART, NodeDeviceSetAutostartArgs.class, Void.class, (s, a) -> {
            ops(s).nodeDeviceSetAutostart(dev(a.name()), a.autostart() != 0);
            return null;
        });
        t.bind(NODE_DEVICE_IS_PERSISTENT, NodeDeviceIsPersistentArgs.class, NodeDeviceIsPersistentRet.class,
                (s, a) -> new NodeDeviceIsPersistentRet(ops(s).nodeDeviceIsPersistent(dev(a.name())) ? 1 : 0));
        t.bind(NODE_DEVICE_IS_ACTIVE, NodeDeviceIsActiveArgs.class, NodeDeviceIsActiveRet.class,
                (s, a) -> new NodeDeviceIsActiveRet(ops(s).nodeDeviceIsActive(dev(a.name())) ? 1 : 0));
    }

    private static NodeDeviceOps ops(RemoteSession s) {
        return s.connection().nodeDevices();
    }

    /** get_nonnull_node_device_name: a handle from the name alone. */
    private static NodeDeviceRef dev(String name) {
        return new NodeDeviceRef(name);
    }
}
