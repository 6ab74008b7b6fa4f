package io.jvirtd.model.spi;

/**
 * A driver with state that outlives connections (libvirt's {@code virStateDriver}): the process
 * leader starts it after the event loop runs and before the network is enabled, so it can
 * reconnect to what it left running (guest monitors) while no client can see a half-built
 * state; it is stopped once, in the orderly shutdown, after the network is gone.
 *
 * <p>Threads: both methods are called by the process leader, never concurrently.
 */
public interface StatefulDriver {

    /**
     * libvirt's {@code stateInitialize}: read persistent state, reattach, autostart.
     *
     * @throws RuntimeException when the driver cannot run; the daemon then shuts down
     */
    void start(DriverEventLoop loop);

    /** libvirt's {@code stateCleanup}: release the driver's resources; running guests keep running. */
    void stop();
}
