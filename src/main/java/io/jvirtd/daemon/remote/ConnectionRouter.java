package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.ConnectionDriver;
import io.jvirtd.model.spi.HypervisorConnection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * Routes a CONNECT_OPEN name to the driver of its URI scheme (docs/architecture.md §5); a
 * driver may still decline a URI of its scheme (a server part, say), and a name no driver
 * takes is libvirt's VIR_ERR_NO_CONNECT. Immutable; any worker thread.
 */
public final class ConnectionRouter {

    private final Map<String, ConnectionDriver> byScheme;

    /** @param byScheme the drivers by the URI scheme each serves */
    public ConnectionRouter(Map<String, ConnectionDriver> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    HypervisorConnection open(String name, boolean readOnly) {
        if (name == null) {
            // libvirtd answers a missing name so (docs/protocol.md §8); stock clients always send one.
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC, "connection not open");
        }
        URI uri;
        try {
            uri = new URI(name);
        } catch (URISyntaxException e) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.URI, "Unable to parse URI " + name);
        }
        ConnectionDriver d = uri.getScheme() == null ? null : byScheme.get(uri.getScheme());
        Optional<HypervisorConnection> conn = d == null ? Optional.empty() : d.open(uri, name, readOnly);
        if (conn.isPresent()) {
            return conn.get();
        }
        throw VirException.of(VirErrorNumber.NO_CONNECT, VirErrorDomain.NONE, name);
    }
}
