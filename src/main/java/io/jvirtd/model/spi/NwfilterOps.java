package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.nwfilter.NwfilterBindingRef;
import io.jvirtd.model.nwfilter.NwfilterRef;

import java.util.List;

/**
 * The network filter part of a driver (libvirt's {@code virNWFilterDriver}): so far the calls
 * that list and look up filters and filter bindings. Define, undefine, XML and binding
 * create/delete are not in the SPI yet; the daemon answers them NO_SUPPORT.
 *
 * <p>Reached through {@link HypervisorConnection#nwfilters()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#NWFILTER}), thread-safe implementations, {@link VirException} for every
 * failure a client should see.
 */
public interface NwfilterOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    NwfilterOps NONE = new NwfilterOps() {
    };

    /** virConnectNumOfNWFilters. */
    default int connectNumOfNWFilters() {
        throw unsupported("virConnectNumOfNWFilters");
    }

    /** virConnectListNWFilters: at most {@code maxnames} names. */
    default List<String> connectListNWFilters(int maxnames) {
        throw unsupported("virConnectListNWFilters");
    }

    /** virConnectListAllNWFilters. */
    default List<NwfilterRef> connectListAllNWFilters(int flags) {
        throw unsupported("virConnectListAllNWFilters");
    }

    /** virNWFilterLookupByName. */
    default NwfilterRef nwfilterLookupByName(String name) {
        throw unsupported("virNWFilterLookupByName");
    }

    /** virNWFilterLookupByUUID. */
    default NwfilterRef nwfilterLookupByUUID(byte[] uuid) {
        throw unsupported("virNWFilterLookupByUUID");
    }

    /** virConnectListAllNWFilterBindings. */
    default List<NwfilterBindingRef> connectListAllNWFilterBindings(int flags) {
        throw unsupported("virConnectListAllNWFilterBindings");
    }

    /** virNWFilterBindingLookupByPortDev. */
    default NwfilterBindingRef nwfilterBindingLookupByPortDev(String portdev) {
        throw unsupported("virNWFilterBindingLookupByPortDev");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.NWFILTER, apiName);
    }
}
