package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.ConnectionDriver;
import io.jvirtd.model.spi.HypervisorConnection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Routes a CONNECT_OPEN name to the first driver that takes it, as libvirt's virConnectOpen
 * walks its driver table (docs/architecture.md §5). Immutable; any worker thread.
 */
public final class ConnectionRouter {

    private final List<ConnectionDriver> drivers;

    public ConnectionRouter(List<ConnectionDriver> drivers) {
        this.drivers = List.copyOf(drivers);
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
        for (ConnectionDriver d : drivers) {
            Optional<HypervisorConnection> conn = d.open(uri, name, readOnly);
            if (conn.isPresent()) {
                return conn.get();
            }
        }
        throw VirException.of(VirErrorNumber.NO_CONNECT, VirErrorDomain.NONE, name);
    }
}
