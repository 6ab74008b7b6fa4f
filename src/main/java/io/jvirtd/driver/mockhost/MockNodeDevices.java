package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NodeDeviceDef;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;

import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's view of its host's node devices: test_driver.c's node device entry points
 * (testNodeDeviceDriver), with their flag checks (reported from VIR_FROM_TEST under the C
 * function's name). The test driver has no define/undefine/create/autostart/persistence calls and
 * no SCSI host lookup by WWN: those keep the SPI's NO_SUPPORT.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's
 * {@link NodeDevList}.
 */
final class MockNodeDevices implements NodeDeviceOps {

    private static final VirErrorDomain T = VirErrorDomain.TEST;

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    MockNodeDevices(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    private NodeDevList devs() {
        return host.nodeDevices();
    }

    @Override
    public int nodeNumOfDevices(String capOrNull, int flags) {
        VirException.checkFlags(flags, 0, T, "testNodeNumOfDevices");
        return devs().count(capOrNull);
    }

    @Override
    public List<String> nodeListDevices(String capOrNull, int maxnames, int flags) {
        VirException.checkFlags(flags, 0, T, "testNodeListDevices");
        return devs().names(capOrNull, maxnames);
    }

    @Override
    public List<NodeDeviceRef> connectListAllNodeDevices(int flags) {
        VirException.checkFlags(flags, NodeDevList.FILTERS_CAP, T, "testConnectListAllNodeDevices");
        return devs().listAll(flags);
    }

    @Override
    public NodeDeviceRef nodeDeviceLookupByName(String name) {
        return new NodeDeviceRef(devs().find(name).name());
    }

    @Override
    public String nodeDeviceGetXMLDesc(NodeDeviceRef dev, int flags) {
        VirException.checkFlags(flags, 0, T, "testNodeDeviceGetXMLDesc");
        return devs().find(dev.name()).format();
    }

    @Override
    public String nodeDeviceGetParent(NodeDeviceRef dev) {
        NodeDeviceDef def = devs().find(dev.name());
        if (def.parent() == null) {
            throw VirException.internalError(T, "no parent for this device");
        }
        return def.parent();
    }

    @Override
    public int nodeDeviceNumOfCaps(NodeDeviceRef dev) {
        return devs().find(dev.name()).capNames().size();
    }

    @Override
    public List<String> nodeDeviceListCaps(NodeDeviceRef dev, int maxnames) {
        List<String> caps = devs().find(dev.name()).capNames();
        return caps.size() > maxnames ? caps.subList(0, Math.max(maxnames, 0)) : caps;
    }

    /**
     * testNodeDeviceCreateXML: a vHBA from an fc_host description whose parent can do vport
     * operations; the mock always yields {@code scsi_host12} (a copy of {@code scsi_host11}).
     */
    @Override
    public NodeDeviceRef nodeDeviceCreateXML(String xml, int flags) {
        VirException.checkFlags(flags, NodeDeviceDef.CREATE_XML_VALIDATE, T, "testNodeDeviceCreateXML");
        NodeDeviceDef def = NodeDeviceDef.parse(xml, true, (flags & NodeDeviceDef.CREATE_XML_VALIDATE) != 0,
                host.schemas());
        String[] wwns = def.wwns();
        devs().parentHost(def);
        String name;
        try {
            name = devs().createVportPosted(wwns[0], wwns[1]);
        } finally {
            host.events().dispatch();
        }
        if (name == null) {
            throw VirException.unknownCause();
        }
        return new NodeDeviceRef(name);
    }

    @Override
    public void nodeDeviceDestroy(NodeDeviceRef dev) {
        devs().destroy(dev.name());
    }

    /** Devices are matched by name (libvirt's node device events carry no UUID). */
    @Override
    public int connectNodeDeviceEventRegisterAny(NodeDeviceRef filterOrNull, int eventId,
                                                 Consumer<NodeDeviceEvent> listener) {
        String name = filterOrNull == null ? null : filterOrNull.name();
        return callbacks.track(host.events().register(NodeDeviceEvent.class, eventId,
                name == null ? null : e -> name.equals(e.device().name()), listener));
    }

    @Override
    public void connectNodeDeviceEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
