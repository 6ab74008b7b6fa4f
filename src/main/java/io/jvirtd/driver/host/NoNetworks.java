package io.jvirtd.driver.host;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.spi.NetworkOps;

import java.util.List;

/**
 * The network driver of a host on which no virtual network is defined, answering as libvirtd's
 * network driver does then: empty lists, zero counts, NO_NETWORK for every lookup. Defining,
 * creating and starting networks are not built (a running network needs bridges and dnsmasq, and
 * persistent definitions would have to be stored as libvirt stores them): they keep the SPI's
 * NO_SUPPORT. Stateless and thread-safe.
 */
public final class NoNetworks implements NetworkOps {

    private static final int LIST_FILTERS = LIST_INACTIVE | LIST_ACTIVE | LIST_PERSISTENT | LIST_TRANSIENT
            | LIST_AUTOSTART | LIST_NO_AUTOSTART;

    @Override
    public int connectNumOfNetworks() {
        return 0;
    }

    @Override
    public List<String> connectListNetworks(int maxnames) {
        return List.of();
    }

    @Override
    public int connectNumOfDefinedNetworks() {
        return 0;
    }

    @Override
    public List<String> connectListDefinedNetworks(int maxnames) {
        return List.of();
    }

    @Override
    public List<NetworkRef> connectListAllNetworks(int flags) {
        VirException.checkFlags(flags, LIST_FILTERS, VirErrorDomain.NETWORK, "networkConnectListAllNetworks");
        return List.of();
    }

    @Override
    public NetworkRef networkLookupByUUID(byte[] uuid) {
        throw VirException.of(VirErrorNumber.NO_NETWORK, VirErrorDomain.NETWORK,
                "no network with matching uuid '" + Uuids.format(uuid) + "'");
    }

    @Override
    public NetworkRef networkLookupByName(String name) {
        throw VirException.of(VirErrorNumber.NO_NETWORK, VirErrorDomain.NETWORK,
                "no network with matching name '" + name + "'");
    }
}
