package io.jvirtd.daemon;

import io.jvirtd.driver.qemu.QemuDriver;
import io.jvirtd.driver.schema.RelaxNgSchemas;
import io.jvirtd.driver.mockhost.MockHostDriver;
import io.jvirtd.model.spi.ConnectionDriver;
import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.model.spi.HypervisorDriver;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's hypervisor drivers by URI scheme (libvirt's driver table and its state drivers):
 * the one place that knows which drivers exist. The process leader starts them all once the
 * event loop runs and before the network is enabled, and stops them in the orderly shutdown;
 * connections are routed by scheme ({@link #byScheme}).
 *
 * <p>Threads: built, started and stopped by the process leader; {@link #byScheme} is immutable
 * and read by workers.
 */
final class DriverRegistry {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon");

    private final List<HypervisorDriver> drivers;
    private final Map<String, ConnectionDriver> byScheme;
    /** Leader only: the drivers started so far, in start order. */
    private final List<HypervisorDriver> started = new ArrayList<>();

    DriverRegistry(List<HypervisorDriver> drivers) {
        Map<String, ConnectionDriver> m = new LinkedHashMap<>();
        for (HypervisorDriver d : drivers) {
            if (m.putIfAbsent(d.uriScheme(), d) != null) {
                throw new IllegalArgumentException("two drivers for URI scheme " + d.uriScheme());
            }
        }
        this.drivers = List.copyOf(drivers);
        this.byScheme = Map.copyOf(m);
    }

    /** The drivers this daemon has: the mock host ({@code test}) and QEMU ({@code qemu}). */
    static DriverRegistry fromConfig(DaemonConfig config) {
        RelaxNgSchemas schemas = schemas();
        return new DriverRegistry(List.of(new MockHostDriver(schemas, config.testFaultPlan),
                new QemuDriver(new QemuDriver.Settings(config.qemuRoot, config.qemuKvm, config.hostUuid,
                        config.qemuUser, config.qemuGroup, config.qemuCgroupControllers, config.qemuCgroupPartition),
                        schemas)));
    }

    /**
     * libvirt's RELAX NG schemas, from the host's libvirt (/usr/share/libvirt/schemas) or from
     * the folder the system property {@code jvirtd.schema.dir} names (tests; a host that keeps
     * them elsewhere). Read when a call first needs one, not now.
     */
    private static RelaxNgSchemas schemas() {
        String dir = System.getProperty("jvirtd.schema.dir", "");
        return dir.isEmpty() ? RelaxNgSchemas.system() : new RelaxNgSchemas(Path.of(dir));
    }

    Map<String, ConnectionDriver> byScheme() {
        return byScheme;
    }

    /**
     * Starts every driver in registration order (libvirt's virStateInitialize). When one fails,
     * those already started are stopped again and its failure is thrown.
     */
    void startAll(DriverEventLoop loop) {
        for (HypervisorDriver d : drivers) {
            try {
                d.start(loop);
            } catch (RuntimeException e) {
                stopAll();
                throw e;
            }
            started.add(d);
            LOG.log(Level.DEBUG, "driver {0} started", d.name());
        }
    }

    /** SIGHUP: each started driver re-reads what its configuration names (libvirt's virStateReload). */
    void reloadAll() {
        for (HypervisorDriver d : drivers) { // all, not "started": the list of a leader that may be starting them
            try {
                d.reload();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "driver " + d.name() + " failed to reload", e);
            }
        }
    }

    /** Every driver's fault-plan counters (the mock host's), for the metrics endpoint. Any thread. */
    List<io.jvirtd.model.spi.FaultCount> faultCounts() {
        List<io.jvirtd.model.spi.FaultCount> out = new ArrayList<>();
        for (HypervisorDriver d : drivers) {
            out.addAll(d.faultCounts());
        }
        return out;
    }

    /** Stops the started drivers, last started first (libvirt's virStateCleanup); idempotent. */
    void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            HypervisorDriver d = started.remove(i);
            try {
                d.stop();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "driver " + d.name() + " failed to stop", e);
            }
        }
    }
}
