package io.jvirtd.rpc.server;

import io.jvirtd.rpc.tls.TlsContext;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening socket of a {@link NetServer} (libvirt's virNetServerService) with what every
 * client accepted on it inherits: transport, read-only, auth scheme. The channel is created
 * and bound by the process leader before the loop watches it; afterwards only the loop uses it.
 */
public final class Listener {

    private final ServerSocketChannel channel;
    private final Transport transport;
    private final boolean readOnly;
    private final int authType;
    private final Path unixPath;
    private final TlsContext tlsContext;

    Listener(ServerSocketChannel channel, Transport transport, boolean readOnly, int authType, Path unixPath) {
        this(channel, transport, readOnly, authType, unixPath, null);
    }

    Listener(ServerSocketChannel channel, Transport transport, boolean readOnly, int authType, Path unixPath,
             TlsContext tlsContext) {
        this.channel = channel;
        this.transport = transport;
        this.readOnly = readOnly;
        this.authType = authType;
        this.unixPath = unixPath;
        this.tlsContext = tlsContext;
    }

    public ServerSocketChannel channel() { return channel; }
    public Transport transport() { return transport; }
    public boolean readOnly() { return readOnly; }
    public int authType() { return authType; }
    /** The socket file of a unix listener, null for TCP. */
    public Path unixPath() { return unixPath; }
    /** The x509 setup clients of a TLS listener handshake with; null for the others. */
    public TlsContext tlsContext() { return tlsContext; }

    /** Closes the socket and removes a unix socket's file. */
    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a listening socket cannot lose data
        }
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException ignored) {
                // a stale file is removed at the next start anyway
            }
        }
    }

    @Override
    public String toString() {
        try {
            return transport + " " + (unixPath != null ? unixPath : channel.getLocalAddress())
                    + (readOnly ? " (read-only)" : "");
        } catch (IOException e) {
            return transport.toString();
        }
    }
}
