package io.jvirtd.model.spi;

import io.jvirtd.model.VirException;

import java.util.Objects;

/**
 * What a {@link FaultInjector} decided for one call: first wait {@code delayMillis} (on the
 * call's worker), then do {@code action}. Immutable.
 *
 * @param delayMillis how long the call waits before it is served (0 for none)
 * @param action what happens after the delay
 * @param error the error reply of {@link Action#ERROR} and {@link Action#PARTIAL}, else null
 */
public record InjectedFault(long delayMillis, Action action, VirException error) {

    /** Serve the call as usual. */
    public static final InjectedFault NONE = new InjectedFault(0, Action.SERVE, null);

    /** What happens to the call after any delay. */
    public enum Action {
        /** Served normally. */
        SERVE,
        /** Not served; the reply is {@link #error}. */
        ERROR,
        /** Not served; the daemon closes the client's socket without a reply. */
        DROP,
        /** Not served and never answered: the connection falls silent until the client leaves. */
        HANG,
        /** Served (the change is made), but the reply is {@link #error}. */
        PARTIAL
    }

    public InjectedFault {
        Objects.requireNonNull(action, "action");
        if (delayMillis < 0) {
            throw new IllegalArgumentException("negative delay " + delayMillis);
        }
        if ((action == Action.ERROR || action == Action.PARTIAL) != (error != null)) {
            throw new IllegalArgumentException(action + " with error " + error);
        }
    }
}
