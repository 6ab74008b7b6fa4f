package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.schema.RelaxNgSchemas;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.model.spi.FaultCount;
import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.HypervisorDriver;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * libvirt's "test" driver: fake hosts with fixed answers, for trying clients without a
 * hypervisor (src/test/test_driver.c).
 *
 * <ul>
 *   <li>{@code test:///default}: the built-in host, shared by every connection open at the same
 *       time (an action on one is seen by the others). As in libvirt it lives only while some
 *       connection holds it: when the last one closes it is dropped, and the next open starts a
 *       fresh one.
 *   <li>{@code test:///ABSOLUTE/PATH.xml} (or any other path): a private host built from that
 *       node file for this connection alone.
 * </ul>
 * Only the scheme "test" (case-sensitive) and only URIs without a server are taken; others are
 * declined so the daemon can try other drivers (libvirt's driver is "local only").
 *
 * <p>Fault plans (docs/fault-injection.md): a node file may carry one, for its private host; the
 * daemon-wide plan file ({@code test_fault_plan}) applies to {@code test:///default} and is read
 * again by {@link #reload} (SIGHUP), a bad one leaving the old in force. Their weather runs on
 * the loop given to {@link #start} and on the driver's one weather thread.
 *
 * <p>Thread safety: one instance serves the daemon and {@link #open} runs on many worker threads.
 * The shared default host is guarded by {@code lock}, held only for the reference count and to
 * build the built-in host (in memory, no I/O), and to start or stop its weather. Node files and
 * plan files are read with no lock held.
 */
public final class MockHostDriver implements HypervisorDriver {

    /** The driver's name ({@code testHypervisorDriver.name}). */
    public static final String NAME = "Test";

    private static final String SCHEME = "test";

    private final SchemaValidator schemas;
    private final ReentrantLock lock = new ReentrantLock();
    /** The shared built-in host, or null while no connection holds it. Guarded by lock. */
    private MockHost defaultHost;
    /** Connections holding {@link #defaultHost}. Guarded by lock. */
    private int defaultUsers;
    /** The weather of the daemon-wide plan on {@link #defaultHost}, or null. Guarded by lock. */
    private Weather defaultWeather;
    /** The daemon-wide plan file, or null. */
    private final Path planFile;
    /** The daemon-wide plan in force, or null; replaced whole by {@link #reload}. */
    private volatile FaultPlan defaultPlan;
    /** Every plan's counters, for the metrics endpoint. */
    private final FaultStats stats = new FaultStats();
    /** Set by start: the daemon's loop, for weather timers, and the thread weather runs on. */
    private volatile DriverEventLoop loop;
    private volatile ExecutorService weatherThread;

    /** A driver whose calls check XML against {@code schemas} when a client asks for it. */
    public MockHostDriver(SchemaValidator schemas) {
        this(schemas, null);
    }

    /**
     * A driver with a daemon-wide fault plan for {@code test:///default}.
     *
     * @param planFile the plan file ({@code test_fault_plan}), or null for none
     */
    public MockHostDriver(SchemaValidator schemas, Path planFile) {
        this.schemas = schemas;
        this.planFile = planFile;
    }

    /** A driver with the schemas of the libvirt installed on the host. */
    public MockHostDriver() {
        this(RelaxNgSchemas.system());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String uriScheme() {
        return SCHEME;
    }

    /**
     * Hosts are built when a connection opens; here only the daemon-wide fault plan is read (a
     * bad one stops the daemon from starting, with its file, line and reason) and the weather
     * thread is made.
     */
    @Override
    public void start(DriverEventLoop loop) {
        if (planFile != null) {
            try {
                defaultPlan = FaultPlanParser.parse(planFile, stats);
            } catch (FaultPlanException e) {
                throw new IllegalArgumentException("test_fault_plan: " + e.getMessage(), e);
            }
            if (defaultPlan == null) {
                throw new IllegalArgumentException("test_fault_plan: " + planFile + ": no <plan> element of "
                        + FaultPlanParser.NS);
            }
            FaultPlan.LOG.log(Level.INFO, "{0}: fault plan for test:///default, seed {1}", planFile,
                    defaultPlan.seed());
        }
        weatherThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jvirtd-mockhost-weather");
            t.setDaemon(true);
            return t;
        });
        this.loop = loop;
    }

    /** The shared host goes with the last connection; the weather thread goes now. */
    @Override
    public void stop() {
        ExecutorService t = weatherThread;
        if (t != null) {
            t.shutdownNow();
        }
    }

    /**
     * SIGHUP: reads the daemon-wide plan file again. A plan that does not parse is refused with
     * its file, line and reason, and the old one stays in force; a good one replaces it (its
     * rules start counting afresh) and restarts the weather of {@code test:///default}.
     */
    @Override
    public void reload() {
        if (planFile == null) {
            return;
        }
        FaultPlan plan;
        try {
            plan = FaultPlanParser.parse(planFile, stats);
            if (plan == null) {
                throw new FaultPlanException(planFile.toString(), 0, "no <plan> element of " + FaultPlanParser.NS);
            }
        } catch (FaultPlanException e) {
            FaultPlan.LOG.log(Level.ERROR, "fault plan refused, the old one stays in force: {0}", e.getMessage());
            return;
        }
        lock.lock();
        try {
            defaultPlan = plan;
            if (defaultWeather != null) {
                defaultWeather.stop();
            }
            defaultWeather = defaultHost == null ? null : startWeather(defaultHost, plan);
        } finally {
            lock.unlock();
        }
        FaultPlan.LOG.log(Level.INFO, "{0}: fault plan reloaded, seed {1}", planFile, plan.seed());
    }

    @Override
    public List<FaultCount> faultCounts() {
        return stats.snapshot();
    }

    /** The plan's weather on {@code host}, or null when it has none or the driver has no loop. */
    private Weather startWeather(MockHost host, FaultPlan plan) {
        DriverEventLoop l = loop;
        if (plan == null || plan.weather().isEmpty() || l == null) {
            return null;
        }
        return Weather.start(host, plan, l, weatherThread, stats);
    }

    private FaultInjector currentDefaultPlan() {
        FaultPlan p = defaultPlan;
        return p == null ? FaultInjector.NONE : p;
    }

    @Override
    public Optional<HypervisorConnection> open(URI uri, String requestedName, boolean readOnly) {
        if (!SCHEME.equals(uri.getScheme()) || uri.getHost() != null || uri.getRawAuthority() != null) {
            return Optional.empty();
        }
        String path = pathOf(uri);
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw VirException.invalidArg(VirErrorDomain.TEST,
                    "testOpen: supply a path or use test:///default");
        }
        if (path.equals("/default")) {
            return Optional.of(new MockConnection(acquireDefault(), this::releaseDefault, this::currentDefaultPlan));
        }
        MockHost host = NodeFile.load(path, schemas);
        FaultPlan plan;
        try {
            plan = FaultPlanParser.parse(Path.of(path), stats);
        } catch (FaultPlanException e) {
            throw FaultPlanParser.openError(e);
        }
        if (plan == null) {
            return Optional.of(new MockConnection(host, () -> { }));
        }
        Weather weather = startWeather(host, plan);
        return Optional.of(new MockConnection(host, weather == null ? () -> { } : weather::stop, () -> plan));
    }

    /**
     * libvirt's {@code uri->path}: the decoded path, or for an opaque URI such as
     * {@code test:foo.xml} what follows the scheme (libxml2's parser reads that as a relative
     * path).
     */
    private static String pathOf(URI uri) {
        if (!uri.isOpaque()) {
            return uri.getPath();
        }
        String ssp = uri.getSchemeSpecificPart();
        int query = ssp.indexOf('?');
        return query < 0 ? ssp : ssp.substring(0, query);
    }

    private MockHost acquireDefault() {
        lock.lock();
        try {
            if (defaultHost == null) {
                defaultHost = MockHost.builtInDefault(schemas);
                defaultWeather = startWeather(defaultHost, defaultPlan);
            }
            defaultUsers++;
            return defaultHost;
        } finally {
            lock.unlock();
        }
    }

    private void releaseDefault() {
        lock.lock();
        try {
            if (--defaultUsers == 0) {
                defaultHost = null;
                if (defaultWeather != null) {
                    defaultWeather.stop();
                    defaultWeather = null;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
