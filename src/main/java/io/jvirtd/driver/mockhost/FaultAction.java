package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.InjectedFault;

import java.util.SplittableRandom;

/**
 * What a rule of a fault plan does when it fires: one of {@code <delay>}, {@code <error>},
 * {@code <drop/>}, {@code <hang/>}, {@code <partial>}. Immutable.
 *
 * @param kind which of them
 * @param delay the delay's distribution (DELAY only)
 * @param error the error's spec (ERROR and PARTIAL only)
 */
record FaultAction(Kind kind, Delay delay, ErrorSpec error) {

    /** No single delay is longer, whatever a distribution draws: a worker is never held for ever. */
    static final long MAX_DELAY_MILLIS = 60_000;

    enum Kind {
        DELAY, ERROR, DROP, HANG, PARTIAL;

        /** The element name, also the {@code fault} label of the metrics. */
        String xmlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        InjectedFault.Action action() {
            switch (this) {
                case ERROR: return InjectedFault.Action.ERROR;
                case DROP: return InjectedFault.Action.DROP;
                case HANG: return InjectedFault.Action.HANG;
                case PARTIAL: return InjectedFault.Action.PARTIAL;
                default: return InjectedFault.Action.SERVE;
            }
        }
    }

    /** A delay distribution in milliseconds: fixed {@code a}; uniform from a to b; exponential of mean a. */
    record Delay(Distribution distribution, double a, double b) {

        enum Distribution { FIXED, UNIFORM, EXPONENTIAL }

        long sample(SplittableRandom random) {
            double ms;
            switch (distribution) {
                case UNIFORM:
                    ms = a + (b - a) * random.nextDouble();
                    break;
                case EXPONENTIAL:
                    ms = -a * Math.log(1 - random.nextDouble()); // nextDouble < 1: log(>0)
                    break;
                default:
                    ms = a;
            }
            return Math.min(MAX_DELAY_MILLIS, Math.round(ms));
        }
    }

    /**
     * An error reply: libvirt's code, domain and message, each defaulting to what the real API
     * gives for the failure {@code kind} names ({@link #build}).
     *
     * @param kind "not-found", "timeout", "failed", "internal", or null for the default
     * @param code the error code, or null
     * @param domain the error domain, or null (the test driver's, VIR_FROM_TEST)
     * @param message the detail put into the code's message template, or null
     */
    record ErrorSpec(String kind, VirErrorNumber code, VirErrorDomain domain, String message) {

        static final java.util.List<String> KINDS = java.util.List.of("not-found", "timeout", "failed", "internal");

        /**
         * The error for {@code call}. Without a code the kind decides, and without a kind: a
         * lookup fails as "not found" (what virDomainLookupByName and its kin say for a missing
         * object), a partial effect as a timeout after acting (what a host that timed out waiting
         * for its hypervisor says), anything else as "operation failed".
         */
        VirException build(FaultInjector.Call call, String rule, boolean partial) {
            VirErrorDomain d = domain != null ? domain : VirErrorDomain.TEST;
            String k = kind != null ? kind
                    : partial ? "timeout" : call.procedure().contains("_LOOKUP_BY_") ? "not-found" : "failed";
            VirErrorNumber c = code;
            String detail = message;
            if (c == null) {
                switch (k) {
                    case "not-found":
                        c = notFoundCode(call.procedure());
                        break;
                    case "timeout":
                        c = VirErrorNumber.OPERATION_TIMEOUT;
                        detail = message != null ? message : "cannot acquire state change lock";
                        break;
                    case "internal":
                        c = VirErrorNumber.INTERNAL_ERROR;
                        detail = message != null ? message : "injected by fault plan rule '" + rule + "'";
                        break;
                    default:
                        c = VirErrorNumber.OPERATION_FAILED;
                        detail = message != null ? message : "injected by fault plan rule '" + rule + "'";
                }
            }
            return VirException.of(c, d, detail);
        }

        /** The test driver's "not found" error for the object family of a procedure. */
        private static VirErrorNumber notFoundCode(String procedure) {
            if (procedure.startsWith("NETWORK_")) {
                return VirErrorNumber.NO_NETWORK;
            } else if (procedure.startsWith("STORAGE_POOL_")) {
                return VirErrorNumber.NO_STORAGE_POOL;
            } else if (procedure.startsWith("STORAGE_VOL_")) {
                return VirErrorNumber.NO_STORAGE_VOL;
            } else if (procedure.startsWith("INTERFACE_")) {
                return VirErrorNumber.NO_INTERFACE;
            } else if (procedure.startsWith("NODE_DEVICE_")) {
                return VirErrorNumber.NO_NODE_DEVICE;
            } else if (procedure.startsWith("SECRET_")) {
                return VirErrorNumber.NO_SECRET;
            }
            return VirErrorNumber.NO_DOMAIN;
        }
    }
}
