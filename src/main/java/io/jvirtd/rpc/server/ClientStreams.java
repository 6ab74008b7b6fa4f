package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open data streams of one client, by procedure and serial (libvirt's priv->streams). A
 * stream is added by the worker serving the call that opens it (before the reply goes out, so
 * no packet of it is missed) and removed when it ends; its packets are routed here by the
 * event loop. Packets of a stream that is not open are dropped, as libvirtd does.
 *
 * <p>Threads: the map is concurrent (workers add and remove, the loop looks up);
 * {@link #route}, {@link #holdsBack} and {@link #dropAll} run on the loop.
 */
final class ClientStreams {

    private final Map<Long, ServerStream> open = new ConcurrentHashMap<>();

    void add(ServerStream s) {
        open.put(s.key(), s);
    }

    void remove(ServerStream s) {
        open.remove(s.key(), s);
    }

    /** Loop: hands a STREAM or STREAM_HOLE packet to its stream, if it has one. */
    void route(Message m) {
        MessageHeader h = m.header();
        ServerStream s = open.get(ServerStream.key(h));
        if (s != null && s.matches(h)) {
            s.accept(m);
        } else {
            m.release();
        }
    }

    /** Loop: true while one of the streams holds more unwritten client data than it may. */
    boolean holdsBack() {
        if (open.isEmpty()) {
            return false;
        }
        for (ServerStream s : open.values()) {
            if (s.holdsBack()) {
                return true;
            }
        }
        return false;
    }

    /** Loop: the client is gone; every stream ends and releases what it holds. */
    void dropAll() {
        for (ServerStream s : open.values()) {
            s.drop();
        }
        open.clear();
    }

    boolean isEmpty() {
        return open.isEmpty();
    }
}
