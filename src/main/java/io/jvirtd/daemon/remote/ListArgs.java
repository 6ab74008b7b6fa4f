package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * The wire bounds on lists, as libvirtd's generated dispatchers apply them: the names a client
 * may ask for ({@code maxnames > LIMIT}, VIR_ERR_RPC, before anything else), what a list
 * answer may carry ("Too many X 'n' for limit 'max'"), and the cut of a driver's answer to the
 * client's maxnames. One place, so every object family answers alike. Stateless.
 */
final class ListArgs {

    private ListArgs() {
    }

    /** The generated dispatcher's refusal of a {@code maxnames} above the protocol's limit. */
    static void maxnames(int maxnames, String limitName, int limit) {
        if (maxnames > limit) {
            throw VirException.rpc(VirErrorDomain.RPC, "maxnames > " + limitName);
        }
    }

    /** libvirtd's "Too many X 'n' for limit 'max'" for list answers past the wire maximum. */
    static void tooMany(String what, int n, int max) {
        if (n > max) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC,
                    "Too many " + what + " '" + n + "' for limit '" + max + "'");
        }
    }

    /** The first {@code n} entries (all when there are fewer; none for a negative n). */
    static <T> List<T> first(List<T> all, int n) {
        return all.size() > n ? all.subList(0, Math.max(n, 0)) : all;
    }
}
