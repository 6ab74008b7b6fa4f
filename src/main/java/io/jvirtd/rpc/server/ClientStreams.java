package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;

import java.util.Arrays;

/**
 * The open data streams of one client, by procedure and serial (libvirt's priv->streams). A
 * stream is added by the worker serving the call that opens it (before the reply goes out, so
 * no packet of it is missed) and removed when it ends; its packets are routed here by the
 * event loop. Packets of a stream that is not open are dropped, as libvirtd does.
 *
 * <p>A copy-on-write array, not a map: a client has a handful of streams at most (libvirtd
 * keeps a linked list), they open and close once each, and the loop looks at them for every
 * packet the client sends ({@link #holdsBack} before each dispatch, {@link #route} for each
 * stream packet). A scan of a short array costs the loop nothing, where a map's lookup boxed
 * the key and its iteration allocated, which on a young daemon the interpreter ran for every
 * keystroke of a console (docs/performance.md, issue 13, fifth stop).
 *
 * <p>Threads: workers add and remove (under this object's monitor, so no change is lost);
 * {@link #route}, {@link #holdsBack} and {@link #dropAll} run on the loop and read the array
 * without a lock.
 */
final class ClientStreams {

    private static final ServerStream[] NONE = {};

    private volatile ServerStream[] open = NONE;

    /** Opens {@code s}; it takes the place of an open stream with the same procedure and serial. */
    synchronized void add(ServerStream s) {
        ServerStream[] old = open;
        for (int i = 0; i < old.length; i++) {
            if (old[i].key() == s.key()) {
                ServerStream[] now = old.clone();
                now[i] = s;
                open = now;
                return;
            }
        }
        ServerStream[] now = Arrays.copyOf(old, old.length + 1);
        now[old.length] = s;
        open = now;
    }

    /** Forgets {@code s}, if it is (still) open. */
    synchronized void remove(ServerStream s) {
        ServerStream[] old = open;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == s) {
                ServerStream[] now = new ServerStream[old.length - 1];
                System.arraycopy(old, 0, now, 0, i);
                System.arraycopy(old, i + 1, now, i, now.length - i);
                open = now;
                return;
            }
        }
    }

    /** Loop: hands a STREAM or STREAM_HOLE packet to its stream, if it has one. */
    void route(Message m) {
        MessageHeader h = m.header();
        for (ServerStream s : open) {
            if (s.matches(h)) {
                s.accept(m);
                return;
            }
        }
        m.release();
    }

    /** Loop: true while one of the streams holds more unwritten client data than it may. */
    boolean holdsBack() {
        for (ServerStream s : open) {
            if (s.holdsBack()) {
                return true;
            }
        }
        return false;
    }

    /** Loop, at the end of a turn: see {@link ServerStream#startDeferred}. */
    void startDeferred(boolean nextUnderWay) {
        for (ServerStream s : open) {
            s.startDeferred(nextUnderWay);
        }
    }

    /** Loop: the client is gone; every stream ends and releases what it holds. */
    void dropAll() {
        ServerStream[] dropped;
        synchronized (this) {
            dropped = open;
            open = NONE;
        }
        for (ServerStream s : dropped) {
            s.drop();
        }
    }

    boolean isEmpty() {
        return open.length == 0;
    }
}
