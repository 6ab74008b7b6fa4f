package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.Message;

/**
 * An RPC program served by a {@link NetServer} (libvirt's virNetServerProgram): the remote
 * program, the admin program. The server routes calls to it by program number and version.
 */
public interface ServerProgram {

    int program();

    int version();

    /**
     * Whether a call to {@code procedure} goes to the priority workers too. Called on the
     * event-loop thread for every call, so it must be a cheap table lookup.
     */
    boolean isHighPriority(int procedure);

    /**
     * Serves one call on a worker thread, with no lock held. Must answer with exactly one
     * {@link ServerClient#sendReply} (or close the client): the client's in-flight count is
     * released by that reply.
     */
    void dispatch(ServerClient client, Message call);

    /**
     * The name of {@code procedure} for messages and logs (the public API it stands for, e.g.
     * virDomainGetInfo); the default is its number.
     */
    default String procedureName(int procedure) {
        return "procedure " + procedure;
    }

    /** The client is gone: release what this program keeps for it. Runs on a worker thread. */
    default void clientClosed(ServerClient client) {
    }
}
