package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NodeDeviceCaps;
import io.jvirtd.model.conf.NodeDeviceDef;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node devices of one test-driver host (test_driver.c's {@code devs}, a
 * virNodeDeviceObjList): definitions by name, the lookups of virnodedeviceobj.c (by capability,
 * by an FC parent's WWNs or fabric) and the mock vHBA the test driver makes for
 * virNodeDeviceCreateXML and for scsi storage pools (testNodeDeviceMockCreateVport: a copy of
 * {@code scsi_host11} named {@code scsi_host12}).
 *
 * <p>Thread safety: worker threads of every connection to the host call in at once; the map is
 * guarded by this object's monitor, held for bookkeeping only. Lifecycle events are posted on
 * the host's bus under the monitor and dispatched after it is released. Definitions are
 * immutable, so they are formatted outside the monitor. libvirt lists devices in its hash
 * table's (random) order; here they list in definition order.
 */
final class NodeDevList {

    /** VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_CAP: the 22 capability bits. */
    static final int FILTERS_CAP = (1 << 22) - 1;

    /** The device testNodeDeviceMockCreateVport copies, and the name it gives the copy. */
    private static final String VPORT_TEMPLATE = "scsi_host11";
    private static final String VPORT_NAME = "scsi_host12";

    private final EventBus events;
    /** Guarded by this. */
    private final Map<String, NodeDeviceDef> devs = new LinkedHashMap<>();

    NodeDevList(EventBus events) {
        this.events = events;
    }

    /** virNodeDeviceObjListAssignDef: adds, or replaces the definition of that name. */
    synchronized void assign(NodeDeviceDef def) {
        devs.put(def.name(), def);
    }

    /** testNodeDeviceObjFindByName's error. */
    static VirException noDevice(String name) {
        return VirException.of(VirErrorNumber.NO_NODE_DEVICE, VirErrorDomain.TEST,
                "no node device with matching name '" + name + "'");
    }

    synchronized NodeDeviceDef find(String name) {
        NodeDeviceDef d = devs.get(name);
        if (d == null) {
            throw noDevice(name);
        }
        return d;
    }

    /** virNodeDeviceObjListNumOfDevices. */
    synchronized int count(String capOrNull) {
        int n = 0;
        for (NodeDeviceDef d : devs.values()) {
            if (capOrNull == null || d.hasCap(capOrNull)) {
                n++;
            }
        }
        return n;
    }

    /** virNodeDeviceObjListGetNames. */
    synchronized List<String> names(String capOrNull, int maxnames) {
        List<String> out = new ArrayList<>();
        for (NodeDeviceDef d : devs.values()) {
            if (out.size() >= maxnames) {
                break;
            }
            if (capOrNull == null || d.hasCap(capOrNull)) {
                out.add(d.name());
            }
        }
        return out;
    }

    /**
     * virNodeDeviceObjListExport with capability filter bits (bit n = capability type n). The
     * test driver's objects are never marked active, which only matters to the active/inactive
     * bits its flag check refuses anyway.
     */
    synchronized List<NodeDeviceRef> listAll(int flags) {
        List<NodeDeviceRef> out = new ArrayList<>();
        for (NodeDeviceDef d : devs.values()) {
            if ((flags & FILTERS_CAP) != 0 && !matchesCap(d, flags)) {
                continue;
            }
            out.add(new NodeDeviceRef(d.name()));
        }
        return out;
    }

    private static boolean matchesCap(NodeDeviceDef d, int flags) {
        for (int t = 0; t < 22; t++) {
            if ((flags & (1 << t)) != 0 && d.hasCap(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * virNodeDeviceObjListGetParentHost for a device to create: the parent named, or the one with
     * those WWNs, or with that fabric, or else any vport-capable device; it must have vport_ops.
     */
    synchronized long parentHost(NodeDeviceDef def) {
        NodeDeviceDef parent = null;
        if (def.parent() != null) {
            parent = devs.get(def.parent());
        } else if (def.parentWwnn() != null && def.parentWwpn() != null) {
            for (NodeDeviceDef d : devs.values()) {
                NodeDeviceCaps.ScsiHost fc = d.fcHost();
                if (fc != null && def.parentWwnn().equals(fc.wwnn()) && def.parentWwpn().equals(fc.wwpn())
                        && d.vportHost() != null) {
                    parent = d;
                    break;
                }
            }
        } else if (def.parentFabricWwn() != null) {
            for (NodeDeviceDef d : devs.values()) {
                NodeDeviceCaps.ScsiHost fc = d.fcHost();
                if (fc != null && def.parentFabricWwn().equals(fc.fabricWwn()) && d.vportHost() != null) {
                    parent = d;
                    break;
                }
            }
        } else {
            for (NodeDeviceDef d : devs.values()) {
                if (d.hasCap("vports")) {
                    parent = d;
                    break;
                }
            }
            if (parent == null) {
                throw VirException.internalError(VirErrorDomain.NODEDEV, "Could not find any vport capable device");
            }
        }
        if (parent == null) {
            throw VirException.internalError(VirErrorDomain.NODEDEV,
                    "Could not find parent device for '" + def.name() + "'");
        }
        NodeDeviceCaps.ScsiHost vport = parent.vportHost();
        if (vport == null) {
            throw VirException.internalError(VirErrorDomain.NODEDEV,
                    "Parent device " + parent.name() + " is not capable of vport operations");
        }
        return vport.host();
    }

    /**
     * testNodeDeviceMockCreateVport: {@code scsi_host12}, a copy of {@code scsi_host11} with the
     * given WWNs, replacing any earlier one; its CREATED event is posted, not dispatched (the
     * caller dispatches once it holds no lock).
     *
     * @return the new device's name, or null when there is no {@code scsi_host11} (libvirt then
     *         fails without setting an error)
     */
    String createVportPosted(String wwnn, String wwpn) {
        NodeDeviceDef template;
        synchronized (this) {
            template = devs.get(VPORT_TEMPLATE);
        }
        if (template == null) {
            return null;
        }
        NodeDeviceDef vhba = template.mockVport(VPORT_NAME, wwnn, wwpn);
        synchronized (this) {
            devs.put(vhba.name(), vhba);
            events.post(new NodeDeviceEvent.Lifecycle(new NodeDeviceRef(vhba.name()), NodeDeviceEvent.CREATED, 0));
        }
        return vhba.name();
    }

    /**
     * testDestroyVport (scsi storage pools): removes {@code scsi_host12}, posting its DELETED
     * event for the caller to dispatch; NO_NODE_DEVICE when it is not there.
     */
    synchronized void destroyVportPosted() {
        if (devs.remove(VPORT_NAME) == null) {
            throw noDevice(VPORT_NAME);
        }
        events.post(new NodeDeviceEvent.Lifecycle(new NodeDeviceRef(VPORT_NAME), NodeDeviceEvent.DELETED, 0));
    }

    /**
     * The hook scsi storage pools create and remove their vHBA through (testCreateVport and
     * testDestroyVport). The storage family calls it under its pool lock and dispatches the
     * posted events after releasing it; lock order is pools, then this list.
     */
    StoragePools.VportHook vportHook() {
        return new StoragePools.VportHook() {
            @Override
            public boolean create(String wwnn, String wwpn) {
                return createVportPosted(wwnn, wwpn) != null;
            }

            @Override
            public void destroy() {
                destroyVportPosted();
            }
        };
    }

    /**
     * testNodeDeviceDestroy: an FC HBA whose parent exists is removed (DELETED event). For any
     * other device libvirt reports an error but still returns success, so nothing happens.
     */
    void destroy(String name) {
        synchronized (this) {
            // one hold: two racing destroys of one device must not both remove it and post DELETED
            NodeDeviceDef def = find(name);
            if (def.fcHost() == null || def.parent() == null || !devs.containsKey(def.parent())) {
                return;
            }
            devs.remove(name);
            events.post(new NodeDeviceEvent.Lifecycle(new NodeDeviceRef(name), NodeDeviceEvent.DELETED, 0));
        }
        events.dispatch();
    }

}
