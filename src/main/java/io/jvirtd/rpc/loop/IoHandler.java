package io.jvirtd.rpc.loop;

/**
 * Callback for a watched channel. Runs on the event-loop thread only; it must not block.
 * {@code readyOps} is a mask of {@link java.nio.channels.SelectionKey} OP_* bits.
 */
@FunctionalInterface
public interface IoHandler {
    void ready(Watch watch, int readyOps);
}
