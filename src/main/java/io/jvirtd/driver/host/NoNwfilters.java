package io.jvirtd.driver.host;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.nwfilter.NwfilterBindingRef;
import io.jvirtd.model.nwfilter.NwfilterRef;
import io.jvirtd.model.spi.NwfilterOps;

import java.util.List;

/**
 * The nwfilter driver of a host with no filters and no bindings, answering as libvirtd's
 * (nwfilter_driver.c) does then: empty lists and NO_NWFILTER / NO_NWFILTER_BINDING lookups.
 * Defining filters and creating bindings (which apply iptables/ebtables rules) are not built.
 * Stateless and thread-safe.
 */
public final class NoNwfilters implements NwfilterOps {

    private static final VirErrorDomain F = VirErrorDomain.NWFILTER;

    @Override
    public int connectNumOfNWFilters() {
        return 0;
    }

    @Override
    public List<String> connectListNWFilters(int maxnames) {
        return List.of();
    }

    @Override
    public List<NwfilterRef> connectListAllNWFilters(int flags) {
        VirException.checkFlags(flags, 0, F, "nwfilterConnectListAllNWFilters");
        return List.of();
    }

    @Override
    public NwfilterRef nwfilterLookupByName(String name) {
        throw VirException.of(VirErrorNumber.NO_NWFILTER, F, "no nwfilter with matching name '" + name + "'");
    }

    @Override
    public NwfilterRef nwfilterLookupByUUID(byte[] uuid) {
        throw VirException.of(VirErrorNumber.NO_NWFILTER, F,
                "no nwfilter with matching uuid '" + Uuids.format(uuid) + "'");
    }

    @Override
    public List<NwfilterBindingRef> connectListAllNWFilterBindings(int flags) {
        VirException.checkFlags(flags, 0, F, "nwfilterConnectListAllNWFilterBindings");
        return List.of();
    }

    @Override
    public NwfilterBindingRef nwfilterBindingLookupByPortDev(String portdev) {
        throw VirException.of(VirErrorNumber.NO_NWFILTER_BINDING, F,
                "no nwfilter binding for port dev '" + portdev + "'");
    }
}
