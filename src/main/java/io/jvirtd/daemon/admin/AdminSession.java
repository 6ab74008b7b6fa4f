package io.jvirtd.daemon.admin;

import io.jvirtd.rpc.server.ServerClient;

/**
 * What the admin program keeps per admin client: whether it was admitted (same user as the
 * daemon, checked on its first call) and whether its connection closes after the current reply
 * (CONNECT_CLOSE). Written and read by the workers serving that client's calls; volatile
 * because successive calls may run on different workers.
 */
final class AdminSession {

    private final ServerClient client;
    private volatile boolean admitted;
    private volatile boolean closeAfterReply;

    AdminSession(ServerClient client) {
        this.client = client;
    }

    ServerClient client() {
        return client;
    }

    boolean admitted() {
        return admitted;
    }

    void admit() {
        admitted = true;
    }

    void closeAfterReply() {
        closeAfterReply = true;
    }

    boolean wantsCloseAfterReply() {
        return closeAfterReply;
    }
}
