package io.jvirtd.daemon.remote;

import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.secret.SecretRef;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolRef;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomainCheckpoint;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomainSnapshot;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullInterface;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullNetwork;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullNodeDevice;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullSecret;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullStoragePool;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullStorageVol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Object handles between the wire and the model (docs/protocol.md §13): a handle a client sends is
 * passed to the driver as it came (libvirtd's get_nonnull_domain builds a virDomain from the
 * name, UUID and id without a lookup; the driver resolves it by UUID), and what the driver
 * returns goes back as it is (make_nonnull_domain). Stateless.
 */
final class Handles {

    private Handles() {
    }

    static DomainRef dom(NonnullDomain d) {
        return new DomainRef(d.name(), d.uuid(), d.id());
    }

    static NonnullDomain wire(DomainRef d) {
        return new NonnullDomain(d.name(), d.uuid(), d.id());
    }

    static List<NonnullDomain> wireDomains(List<DomainRef> refs) {
        List<NonnullDomain> out = new ArrayList<>(refs.size());
        for (DomainRef r : refs) {
            out.add(wire(r));
        }
        return out;
    }

    static SnapshotRef snap(NonnullDomainSnapshot s) {
        return new SnapshotRef(s.name(), dom(s.dom()));
    }

    static NonnullDomainSnapshot wire(SnapshotRef s) {
        return new NonnullDomainSnapshot(s.name(), wire(s.domain()));
    }

    static List<NonnullDomainSnapshot> wireSnapshots(List<SnapshotRef> refs) {
        List<NonnullDomainSnapshot> out = new ArrayList<>(refs.size());
        for (SnapshotRef r : refs) {
            out.add(wire(r));
        }
        return out;
    }

    static CheckpointRef ckpt(NonnullDomainCheckpoint c) {
        return new CheckpointRef(c.name(), dom(c.dom()));
    }

    static NonnullDomainCheckpoint wire(CheckpointRef c) {
        return new NonnullDomainCheckpoint(c.name(), wire(c.domain()));
    }

    static List<NonnullDomainCheckpoint> wireCheckpoints(List<CheckpointRef> refs) {
        List<NonnullDomainCheckpoint> out = new ArrayList<>(refs.size());
        for (CheckpointRef r : refs) {
            out.add(wire(r));
        }
        return out;
    }

    static NetworkRef net(NonnullNetwork n) {
        return new NetworkRef(n.name(), n.uuid());
    }

    static NonnullNetwork wire(NetworkRef n) {
        return new NonnullNetwork(n.name(), n.uuid());
    }

    static StoragePoolRef pool(NonnullStoragePool p) {
        return new StoragePoolRef(p.name(), p.uuid());
    }

    static NonnullStoragePool wire(StoragePoolRef p) {
        return new NonnullStoragePool(p.name(), p.uuid());
    }

    static StorageVolRef vol(NonnullStorageVol v) {
        return new StorageVolRef(v.pool(), v.name(), v.key());
    }

    static NonnullStorageVol wire(StorageVolRef v) {
        return new NonnullStorageVol(v.pool(), v.name(), v.key());
    }

    static InterfaceRef iface(NonnullInterface i) {
        return new InterfaceRef(i.name(), i.mac());
    }

    static NonnullInterface wire(InterfaceRef i) {
        return new NonnullInterface(i.name(), i.mac());
    }

    static NodeDeviceRef dev(NonnullNodeDevice d) {
        return new NodeDeviceRef(d.name());
    }

    static NonnullNodeDevice wire(NodeDeviceRef d) {
        return new NonnullNodeDevice(d.name());
    }

    /** A list of model refs as wire handles, by the family's {@code wire} conversion. */
    static SecretRef secret(NonnullSecret s) {
        return new SecretRef(s.uuid(), s.usageType(), s.usageID());
    }

    static NonnullSecret wire(SecretRef s) {
        return new NonnullSecret(s.uuid(), s.usageType(), s.usageId());
    }

    static <R, W> List<W> wireAll(List<R> refs, Function<R, W> wire) {
        List<W> out = new ArrayList<>(refs.size());
        for (R r : refs) {
            out.add(wire.apply(r));
        }
        return out;
    }
}
