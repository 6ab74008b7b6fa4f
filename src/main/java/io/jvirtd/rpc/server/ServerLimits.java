package io.jvirtd.rpc.server;

/**
 * Per-server limits and keepalive settings, libvirtd.conf's names in brackets. Immutable.
 *
 * @param maxClients          [max_clients] connections served at once; beyond it we stop accepting
 * @param maxQueuedClients    [max_queued_clients] listen() backlog
 * @param maxAnonymousClients [max_anonymous_clients] connections still authenticating
 * @param maxClientRequests   [max_client_requests] calls in flight per connection before we stop reading it
 * @param keepaliveInterval   [keepalive_interval] seconds of silence before we PING; -1 never PINGs
 * @param keepaliveCount      [keepalive_count] unanswered PINGs before we close the connection
 */
public record ServerLimits(int maxClients, int maxQueuedClients, int maxAnonymousClients,
                           int maxClientRequests, int keepaliveInterval, int keepaliveCount) {

    /**
     * Default bytes of event MESSAGEs that may wait for one client before the oldest are dropped
     * (client_event_queue_limit). Replies need no such bound (max_client_requests limits them),
     * but events come from the drivers whatever the client does, and a client that reads slowly
     * must neither make the driver or the other clients wait nor grow the daemon's memory.
     * libvirtd has no bound here (its queue grows); 4 MiB holds tens of thousands of lifecycle
     * events (~80 bytes each), far more than a reading client ever has outstanding.
     */
    public static final int MAX_QUEUED_EVENT_BYTES = 4 * 1024 * 1024;

    /** libvirtd 9.0's defaults for its main server. */
    public static final ServerLimits DEFAULTS = new ServerLimits(5000, 1000, 20, 5, 5, 5);

    public ServerLimits {
        if (maxClients < 1 || maxClientRequests < 1) {
            throw new IllegalArgumentException("max_clients and max_client_requests must be positive");
        }
    }
}
