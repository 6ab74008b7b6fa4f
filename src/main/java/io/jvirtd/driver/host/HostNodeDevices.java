package io.jvirtd.driver.host;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NodeDeviceDef;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * libvirt's node device driver (node_device_driver.c) over what {@link SysfsDevices} reads: lists,
 * lookups, XML, parent and capabilities of the devices sysfs shows, all active; the computer is
 * persistent and autostarted, as libvirt's udev driver marks it. Creating, defining and destroying
 * devices (mediated devices, vHBAs), the SCSI host lookup by WWN and device events are not built:
 * they keep the SPI's NO_SUPPORT.
 *
 * <p>Stateless: every call reads sysfs again, so the answers follow hotplug without a udev
 * monitor. Thread-safe; calls block on file reads, worker threads only.
 */
public final class HostNodeDevices implements NodeDeviceOps {

    private static final VirErrorDomain N = VirErrorDomain.NODEDEV;
    /** VIR_CONNECT_LIST_NODE_DEVICES_CAP_* bits (bit n = capability type n). */
    private static final int FILTERS_CAP = (1 << 22) - 1;
    private static final int LIST_INACTIVE = 1 << 30;
    private static final int LIST_ACTIVE = 1 << 31;

    private final SysfsDevices sysfs;

    HostNodeDevices(SysfsDevices sysfs) {
        this.sysfs = sysfs;
    }

    private NodeDeviceDef find(String name) {
        NodeDeviceDef d = sysfs.scan().get(name);
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_NODE_DEVICE, N, "no node device with matching name '" + name + "'");
        }
        return d;
    }

    private List<String> names(String capOrNull) {
        List<String> out = new ArrayList<>();
        for (NodeDeviceDef d : sysfs.scan().values()) {
            if (capOrNull == null || d.hasCap(capOrNull)) {
                out.add(d.name());
            }
        }
        return out;
    }

    @Override
    public int nodeNumOfDevices(String capOrNull, int flags) {
        VirException.checkFlags(flags, 0, N, "nodeNumOfDevices");
        return names(capOrNull).size();
    }

    @Override
    public List<String> nodeListDevices(String capOrNull, int maxnames, int flags) {
        VirException.checkFlags(flags, 0, N, "nodeListDevices");
        List<String> all = names(capOrNull);
        return all.size() > maxnames ? all.subList(0, Math.max(maxnames, 0)) : all;
    }

    /** nodeConnectListAllNodeDevices: every device is active, none is inactive. */
    @Override
    public List<NodeDeviceRef> connectListAllNodeDevices(int flags) {
        VirException.checkFlags(flags, FILTERS_CAP | LIST_INACTIVE | LIST_ACTIVE, N, "nodeConnectListAllNodeDevices");
        List<NodeDeviceRef> out = new ArrayList<>();
        if ((flags & (LIST_ACTIVE | LIST_INACTIVE)) == LIST_INACTIVE) {
            return out;
        }
        for (Map.Entry<String, NodeDeviceDef> e : sysfs.scan().entrySet()) {
            if ((flags & FILTERS_CAP) != 0 && !matchesCap(e.getValue(), flags)) {
                continue;
            }
            out.add(new NodeDeviceRef(e.getKey()));
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

    @Override
    public NodeDeviceRef nodeDeviceLookupByName(String name) {
        return new NodeDeviceRef(find(name).name());
    }

    @Override
    public String nodeDeviceGetXMLDesc(NodeDeviceRef dev, int flags) {
        VirException.checkFlags(flags, 0, N, "nodeDeviceGetXMLDesc");
        return find(dev.name()).format();
    }

    @Override
    public String nodeDeviceGetParent(NodeDeviceRef dev) {
        NodeDeviceDef d = find(dev.name());
        if (d.parent() == null) {
            throw VirException.internalError(N, "no parent for this device");
        }
        return d.parent();
    }

    @Override
    public int nodeDeviceNumOfCaps(NodeDeviceRef dev) {
        return find(dev.name()).capNames().size();
    }

    @Override
    public List<String> nodeDeviceListCaps(NodeDeviceRef dev, int maxnames) {
        List<String> caps = find(dev.name()).capNames();
        return caps.size() > maxnames ? caps.subList(0, Math.max(maxnames, 0)) : caps;
    }

    @Override
    public boolean nodeDeviceIsActive(NodeDeviceRef dev) {
        find(dev.name());
        return true;
    }

    @Override
    public boolean nodeDeviceIsPersistent(NodeDeviceRef dev) {
        return SysfsDevices.COMPUTER.equals(find(dev.name()).name());
    }

    @Override
    public boolean nodeDeviceGetAutostart(NodeDeviceRef dev) {
        return SysfsDevices.COMPUTER.equals(find(dev.name()).name());
    }
}
