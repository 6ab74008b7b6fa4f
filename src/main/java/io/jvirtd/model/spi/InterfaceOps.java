package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

/**
 * The host interface part of a driver (libvirt's {@code virInterfaceDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#interfaces()}; the same rules apply as there:
 * one method per public libvirt API, named in its doc, every default answering as libvirt does
 * when the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#INTERFACE}), thread-safe implementations, {@link VirException} for
 * every failure a client should see.
 */
public interface InterfaceOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    InterfaceOps NONE = new InterfaceOps() {
    };

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.INTERFACE, apiName);
    }
}
