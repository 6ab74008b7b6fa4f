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

    /** virCheckNonNullArg: a pointer the wire sends as optional. */
    static void nonNull(Object value, String arg, String api, VirErrorDomain domain) {
        if (value == null) {
            throw invalid(arg, api, domain, arg + " in " + api + " must not be NULL");
        }
    }

    /** virCheckNullArg. */
    static void isNull(Object value, String arg, String api, VirErrorDomain domain) {
        if (value != null) {
            throw invalid(arg, api, domain, arg + " in " + api + " must be NULL");
        }
    }

    /** virCheckNonEmptyStringArg. */
    static void nonEmpty(String value, String arg, String api, VirErrorDomain domain) {
        nonNull(value, arg, api, domain);
        if (value.isEmpty()) {
            throw invalid(arg, api, domain, "string " + arg + " in " + api + " must not be empty");
        }
    }

    /** virCheckNonZeroArg for a C long (unsigned or not). */
    static void nonZero(long value, String arg, String api, VirErrorDomain domain) {
        if (value == 0) {
            throw invalid(arg, api, domain, arg + " in " + api + " must not be zero");
        }
    }

    /** virCheckZeroArg (libvirt reports it with the "must not be zero" text; kept). */
    static void zero(int value, String arg, String api, VirErrorDomain domain) {
        if (value != 0) {
            throw invalid(arg, api, domain, arg + " in " + api + " must not be zero");
        }
    }

    /** VIR_EXCLUSIVE_FLAGS: "Flags 'A' and 'B' are mutually exclusive", argument name "ctl". */
    static void exclusive(int flags, int flag1, String name1, int flag2, String name2, String api,
                          VirErrorDomain domain) {
        if ((flags & flag1) != 0 && (flags & flag2) != 0) {
            throw invalid("ctl", api, domain, "Flags '" + name1 + "' and '" + name2 + "' are mutually exclusive");
        }
    }

    /** VIR_EXCLUSIVE_FLAGS(VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_AFFECT_CONFIG). */
    static void liveOrConfig(int flags, String api) {
        exclusive(flags, AFFECT_LIVE, "VIR_DOMAIN_AFFECT_LIVE", AFFECT_CONFIG, "VIR_DOMAIN_AFFECT_CONFIG", api,
                VirErrorDomain.DOMAIN);
    }

    /** VIR_REQUIRE_FLAG: "Flag 'B' is required by flag 'A'", argument name "ctl". */
    static void requires(int flags, int flag1, String name1, int flag2, String name2, String api,
                         VirErrorDomain domain) {
        if ((flags & flag1) != 0 && (flags & flag2) == 0) {
            throw invalid("ctl", api, domain, "Flag '" + name2 + "' is required by flag '" + name1 + "'");
        }
    }

    /** virReportInvalidArg(arg, fmt ...) with a free text. */
    static VirException invalidArg(String arg, String api, VirErrorDomain domain, String detail) {
        return invalid(arg, api, domain, detail);
    }

    /**
     * The memory setters' bound (virMemoryMaxValue(true) / 1024 on a 64-bit host, compared
     * unsigned): OVERFLOW "input too large: N".
     */
    static void memoryInRange(long kib) {
        if (Long.compareUnsigned(kib, Long.MAX_VALUE / 1024) >= 0) {
            throw VirException.of(VirErrorNumber.OVERFLOW, VirErrorDomain.DOMAIN,
                    "input too large: " + Long.toUnsignedString(kib));
        }
    }

    /** VIR_DOMAIN_AFFECT_LIVE. */
    static final int AFFECT_LIVE = 1;
    /** VIR_DOMAIN_AFFECT_CONFIG. */
    static final int AFFECT_CONFIG = 2;

    /**
     * virReportInvalidArg and friends raise through virRaiseErrorFull with their own format, so
     * the message is the bare detail, without virErrorMsg's "invalid argument: " prefix.
     */
    private static VirException invalid(String arg, String api, VirErrorDomain domain, String detail) {
        return new VirException(VirErrorNumber.INVALID_ARG.number(), domain.number(), detail,
                VirException.LEVEL_ERROR, api, arg, null, 0, 0);
    }
}
