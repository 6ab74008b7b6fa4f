package io.jvirtd.rpc.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/** Reads a unix-socket peer's user and group (SO_PEERCRED). Stateless. */
final class PeerCredentials {

    private PeerCredentials() {
    }

    /** The peer's principal, or null where the platform cannot tell. */
    static UnixDomainPrincipal of(SocketChannel ch) {
        try {
            return ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
