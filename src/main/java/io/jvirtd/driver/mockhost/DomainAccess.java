package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.spi.DomainOps;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The base of the test driver's domain calls: finds the {@link MockDomain} a handle names
 * (testDomObjFromDomain, by UUID), runs a step under its lock, and delivers the events the step
 * queued once the lock is released.
 *
 * <p>The domain family of a connection ({@link MockDomains}) is split over a chain of classes:
 * {@link DomainLifecycleOps} (list, lookup, define, start/stop, save), {@link DomainTuningOps}
 * (state, XML, memory, vCPUs, tunables, guest info), {@link SnapshotOps} and
 * {@link CheckpointOps}; each overrides the {@link DomainOps} defaults it implements.
 *
 * <p>Thread safety: stateless apart from the host; every step holds one domain lock at a time,
 * formats XML and does file I/O outside it.
 */
abstract class DomainAccess implements DomainOps {

    final MockHost host;

    DomainAccess(MockHost host) {
        this.host = host;
    }

    /** Finds and locks the domain a handle names, or fails as testDomObjFromDomain. */
    final MockDomain lockDomain(DomainRef ref) {
        while (true) {
            MockDomain d = host.domains().byUuid(ref.uuid());
            if (d == null) {
                throw MockDomain.noDomain(ref);
            }
            d.lock();
            if (!d.removed) {
                return d;
            }
            d.unlock();
        }
    }

    /** Runs {@code step} on the locked domain, then delivers queued events. */
    final <T> T withDomain(DomainRef ref, Function<MockDomain, T> step) {
        MockDomain d = lockDomain(ref);
        try {
            return step.apply(d);
        } finally {
            d.unlock();
            host.events().dispatch();
        }
    }

    /**
     * {@link #withDomain} for a step that only reads the domain: the lock is released without
     * bumping the domain's version, so XML cached from it stays valid. A read queues no events.
     */
    final <T> T readDomain(DomainRef ref, Function<MockDomain, T> step) {
        MockDomain d = lockDomain(ref);
        try {
            return step.apply(d);
        } finally {
            d.unlockUnchanged();
        }
    }

    /** {@link #withDomain} for a step without a result. */
    final void onDomain(DomainRef ref, Consumer<MockDomain> step) {
        withDomain(ref, d -> {
            step.accept(d);
            return null;
        });
    }

    /**
     * virCheckFlags in domain TEST, naming the test driver's C function. libvirt raises it with
     * virReportInvalidArg, whose message is the bare text (no "invalid argument: " prefix),
     * str1 the function and str2 the argument name.
     */
    static void checkFlags(int flags, int supported, String function) {
        int unsupported = flags & ~supported;
        if (unsupported != 0) {
            throw invalidArgRaw(VirErrorDomain.TEST, function, "flags", "unsupported flags (0x"
                    + Integer.toHexString(unsupported) + ") in function " + function);
        }
    }

    /** libvirt's virReportInvalidArg(argname, fmt, ...) raised in C function {@code function}. */
    static VirException invalidArgRaw(VirErrorDomain domain, String function, String argName, String message) {
        return new VirException(VirErrorNumber.INVALID_ARG.number(), domain.number(), message,
                VirException.LEVEL_ERROR, function, argName, null, 0, 0);
    }
}
