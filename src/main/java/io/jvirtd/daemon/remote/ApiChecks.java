package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

/**
 * The argument checks libvirt's public API makes inside libvirtd before it calls a driver
 * (virCheckPositiveArgGoto and friends), with their exact error fields: INVALID_ARG, str1 the
 * API name, str2 the argument name, int1 = int2 = 0. Stateless.
 */
final class ApiChecks {

    private ApiChecks() {
    }

    static void positive(int value, String arg, String api, VirErrorDomain domain) {
        if (value <= 0) {
            throw invalid(arg, api, domain, arg + " in " + api + " must be greater than zero");
        }
    }

    static void nonNegative(int value, String arg, String api, VirErrorDomain domain) {
        if (value < 0) {
            throw invalid(arg, api, domain, arg + " in " + api + " must be zero or greater");
        }
    }

    static void nonZero(int value, String arg, String api, VirErrorDomain domain) {
        if (value == 0) {
            throw invalid(arg, api, domain, arg + " in " + api + " must not be zero");
        }
    }

    /** A negative argument other than the one sentinel (-1 = all CPUs / all cells). */
    static void negativeOnlyAll(int value, String arg, String api, VirErrorDomain domain) {
        if (value < 0 && value != -1) {
            throw invalid(arg, api, domain, arg + " in " + api + " only accepts -1 as a negative value");
        }
    }

    private static VirException invalid(String arg, String api, VirErrorDomain domain, String detail) {
        String message = VirErrorNumber.INVALID_ARG.template(true).replace("%s", detail);
        return new VirException(VirErrorNumber.INVALID_ARG.number(), domain.number(), message,
                VirException.LEVEL_ERROR, api, arg, null, 0, 0);
    }
}
