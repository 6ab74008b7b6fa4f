package io.jvirtd.rpc.loop;

import java.nio.channels.SelectableChannel;

/**
 * A channel registered with the {@link EventLoop}. Thread-safe: {@link #setInterest} and
 * {@link #cancel} may be called from any thread; off the loop they are queued and applied by
 * the loop on its next turn (only the loop thread ever touches the SelectionKey).
 */
public interface Watch {
    SelectableChannel channel();

    /** Replaces the interest set (OP_READ, OP_WRITE, OP_ACCEPT, OP_CONNECT bits; 0 = none). */
    void setInterest(int ops);

    /** Current interest set as last requested. */
    int interest();

    /** Stops watching; the channel itself is not closed. Idempotent. */
    void cancel();
}
