package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.schema.RelaxNgSchemas;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.HypervisorDriver;

import java.net.URI;
import java.util.Optional;
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
 * <p>A stateful driver only in name: libvirt's test driver has no state driver either, and
 * {@link #start}/{@link #stop} have nothing to do.
 *
 * <p>Thread safety: one instance serves the daemon and {@link #open} runs on many worker threads.
 * The shared default host is guarded by {@code lock}, held only for the reference count and to
 * build the built-in host (in memory, no I/O). Node files are read with no lock held.
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

    /** A driver whose calls check XML against {@code schemas} when a client asks for it. */
    public MockHostDriver(SchemaValidator schemas) {
        this.schemas = schemas;
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

    /** Nothing to bring up: hosts are built when a connection opens (the mock host needs no loop). */
    @Override
    public void start(DriverEventLoop loop) {
    }

    /** Nothing outlives the connections: the shared host goes with the last one. */
    @Override
    public void stop() {
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
            return Optional.of(new MockConnection(acquireDefault(), this::releaseDefault));
        }
        return Optional.of(new MockConnection(NodeFile.load(path, schemas), () -> { }));
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
            }
        } finally {
            lock.unlock();
        }
    }
}
