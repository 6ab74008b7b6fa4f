package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.DomainObjList;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.event.EventBus;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one fake host of the test driver (test_driver.c's {@code testDriver}): shared by
 * every connection to {@code test:///default}, private to one connection for a node file.
 *
 * <p>Thread safety: many worker threads call into one host at once. The host-level part held
 * here is immutable once built (node info, NUMA cells, the capabilities text, which libvirt also
 * builds once per host), so it needs no lock. Domains live in a {@link DomainObjList} (concurrent
 * maps, one lock per domain object); domain events go through the host's {@link EventBus}.
 */
final class MockHost {

    /** test_driver.c's {@code defaultNodeInfo}. */
    static final NodeInfo DEFAULT_NODE_INFO =
            new NodeInfo("i686", 3L * 1024 * 1024, 16, 1400, 2, 2, 2, 2);

    private final NodeInfo nodeInfo;
    private final List<MockCell> cells;
    private final String capabilities;
    private final DomainObjList<MockDomain> domains = new DomainObjList<>(d -> d.seq);
    private final EventBus events = new EventBus();
    /** The host interfaces (test_driver.c's ifaces and their transaction). */
    private final IfaceList interfaces = new IfaceList();
    /** The node devices; their lifecycle events go on {@link #events}. */
    private final NodeDevList nodeDevices = new NodeDevList(events);
    private final StoragePools storagePools = new StoragePools();
    private final NetworkList networks = new NetworkList();
    /** libvirt's schemas, for the calls that validate client XML (the driver's, shared). */
    private final SchemaValidator schemas;

    MockHost(NodeInfo nodeInfo, List<MockCell> cells, SchemaValidator schemas) {
        this.nodeInfo = nodeInfo;
        this.cells = List.copyOf(cells);
        this.capabilities = CapabilitiesXml.format(this.cells);
        this.schemas = schemas;
    }

    /**
     * libvirt's built-in {@code test:///default} host (testOpenDefault): default node info and
     * two cells of 8 CPUs; cell i has (i+1) * 2 GiB and (i+1) * 1 Mi free, CPU n sits in socket
     * n / 8, core n % 8, and is its own only sibling.
     */
    static MockHost builtInDefault(SchemaValidator schemas) {
        List<MockCell> cells = new ArrayList<>();
        for (int cell = 0; cell < 2; cell++) {
            List<MockCell.Cpu> cpus = new ArrayList<>();
            for (int n = cell * 8; n < cell * 8 + 8; n++) {
                cpus.add(new MockCell.Cpu(n, n / 8, n % 8, Integer.toString(n)));
            }
            cells.add(new MockCell((cell + 1) * 2048L * 1024, (cell + 1) * 1024L * 1024, cpus));
        }
        MockHost host = new MockHost(DEFAULT_NODE_INFO, cells, schemas);
        NodeFile.loadObjects(host, DefaultNode.parse(), null);
        return host;
    }

    /** What checks client XML against libvirt's schemas (the *_VALIDATE flags, checkpoints). */
    SchemaValidator schemas() {
        return schemas;
    }

    /** The host's domains. */
    DomainObjList<MockDomain> domains() {
        return domains;
    }

    /** The host's storage pools and volumes. */
    StoragePools storagePools() {
        return storagePools;
    }

    /** The host's interfaces. */
    IfaceList interfaces() {
        return interfaces;
    }

    /** The host's node devices. */
    NodeDevList nodeDevices() {
        return nodeDevices;
    }

    /** The host's domain event callbacks and queue. */
    EventBus events() {
        return events;
    }

    /** The host's virtual networks. */
    NetworkList networks() {
        return networks;
    }

    /** VIR_NODEINFO_MAXCPUS: nodes * sockets * cores * threads (C unsigned int product). */
    int maxCpus() {
        return nodeInfo.nodes() * nodeInfo.sockets() * nodeInfo.cores() * nodeInfo.threads();
    }

    NodeInfo nodeInfo() {
        return nodeInfo;
    }

    List<MockCell> cells() {
        return cells;
    }

    /** The capabilities XML, formatted once when the host was built. */
    String capabilities() {
        return capabilities;
    }

    /**
     * The sum of the cells' free memory. libvirt adds into a C unsigned int, so the sum wraps at
     * 2^32; reproduced here.
     */
    long freeMemory() {
        int sum = 0;
        for (MockCell c : cells) {
            sum += (int) c.freeMemory();
        }
        return Integer.toUnsignedLong(sum);
    }
}
