package io.jvirtd.daemon.remote;

import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.InjectedFault;
import io.jvirtd.protocol.remote.RemoteProcedure;

import java.util.Locale;

/**
 * Where a connection's fault plan meets the dispatch of a call (docs/fault-injection.md): this
 * layer knows the procedure, the client's transport and read-only flag and the call's object;
 * the driver's {@link FaultInjector} decides. The delay is served here, on the call's worker
 * (never on the event loop); the other actions are carried out by {@link RemoteProgram}.
 * Stateless; worker threads.
 */
final class CallFaults {

    private CallFaults() {
    }

    /** What the session's plan does to a call of {@code p} with {@code args}; NONE without a plan. */
    static InjectedFault decide(RemoteSession session, RemoteProcedure p, Object args) {
        if (!session.isOpen()) {
            return InjectedFault.NONE;
        }
        FaultInjector faults = session.connection().faults();
        if (faults == FaultInjector.NONE) {
            return InjectedFault.NONE;
        }
        CallObject o = CallObject.of(args);
        return faults.decide(new FaultInjector.Call(p.api(), p.name(), o.name(), o.uuid(),
                session.client().transport().name().toLowerCase(Locale.ROOT), session.isReadOnly(),
                p.needsWriteAccess()));
    }

    /**
     * Waits the fault's delay on this worker. The plan bounds every delay, so a worker is never
     * held for ever; an interrupt (shutdown) ends the wait early.
     */
    static void delay(InjectedFault fault) {
        if (fault.delayMillis() <= 0) {
            return;
        }
        try {
            Thread.sleep(fault.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
