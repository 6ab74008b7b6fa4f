package io.jvirtd.model.spi;

/**
 * A connection's plan of injected faults (jvirtd's mock host offers one; real drivers have
 * {@link #NONE}): before the daemon hands a call to the connection, it describes the call and
 * the plan answers what to do to it ({@link InjectedFault}). The daemon carries the answer out,
 * because only it owns the worker, the reply and the socket; the plan decides, because only the
 * driver knows its objects and its errors.
 *
 * <p>Threads: {@link #decide} is called on worker threads, concurrently; implementations must
 * be thread-safe and quick (no I/O, no sleeping: a delay is returned, not served).
 */
@FunctionalInterface
public interface FaultInjector {

    /** No faults, ever. */
    FaultInjector NONE = call -> InjectedFault.NONE;

    /** What to do to {@code call}; {@link InjectedFault#NONE} to serve it normally. */
    InjectedFault decide(Call call);

    /**
     * One call as the daemon dispatches it.
     *
     * @param api the public API's name ({@code virDomainLookupByName}), or null when the
     *            procedure has none
     * @param procedure the remote procedure's name without prefix ({@code DOMAIN_LOOKUP_BY_NAME})
     * @param objectName the name of the object the call is about, or null
     * @param objectUuid that object's UUID in its usual text form, or null
     * @param transport "unix", "tcp" or "tls"
     * @param readOnly whether the client's connection is read-only
     * @param changesState whether the API changes state (one a read-only connection may not call)
     */
    record Call(String api, String procedure, String objectName, String objectUuid, String transport,
                boolean readOnly, boolean changesState) { }
}
