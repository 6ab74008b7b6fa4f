package io.jvirtd.model.spi;

import io.jvirtd.model.VirException;

import java.net.URI;
import java.util.Optional;

/**
 * A hypervisor driver as the daemon sees it at CONNECT_OPEN time: libvirt's
 * {@code virConnectDriver} {@code connectOpen} entry point. The daemon hands a client's URI to
 * the driver registered for its scheme ({@link HypervisorDriver#uriScheme}); when there is none,
 * or the driver declines, the daemon answers VIR_ERR_NO_CONNECT itself.
 *
 * <p>Thread safety: one driver instance serves the whole daemon; {@link #open} is called from
 * worker threads, concurrently, and must be safe for that.
 */
public interface ConnectionDriver {

    /** The driver's name, e.g. "Test" or "QEMU" (libvirt's {@code virHypervisorDriver.name}). */
    String name();

    /**
     * Opens a connection for {@code uri}.
     *
     * @param uri the parsed URI (for an opaque URI such as {@code test:foo.xml} the driver reads
     *            the scheme-specific part itself)
     * @param requestedName the name exactly as the client sent it, for error messages
     * @param readOnly true for a read-only connection ({@code VIR_CONNECT_RO}); the daemon
     *                 enforces it, a driver only needs it to refuse things it cannot do read-only
     * @return the connection, or empty when this driver does not handle the URI (libvirt's
     *         {@code VIR_DRV_OPEN_DECLINED})
     * @throws VirException if the URI is this driver's but cannot be opened (libvirt's
     *         {@code VIR_DRV_OPEN_ERROR}); the client sees exactly this error
     */
    Optional<HypervisorConnection> open(URI uri, String requestedName, boolean readOnly);
}
