package io.jvirtd.model.spi;

import java.util.List;

/**
 * A driver with state that outlives connections (libvirt's {@code virStateDriver}): the process
 * leader starts it after the event loop runs and before the network is enabled, so it can
 * reconnect to what it left running (guest monitors) while no client can see a half-built
 * state; it is stopped once, in the orderly shutdown, after the network is gone.
 *
 * <p>Threads: start and stop are called by the process leader, never concurrently; reload and
 * faultCounts as their docs say.
 */
public interface StatefulDriver {

    /**
     * libvirt's {@code stateInitialize}: read persistent state, reattach, autostart.
     *
     * @throws RuntimeException when the driver cannot run; the daemon then shuts down
     */
    void start(DriverEventLoop loop);

    /**
     * libvirt's {@code stateReload} (SIGHUP): re-read what the driver's configuration names. A
     * driver that cannot read the new state keeps the old and logs why. Called by the process
     * leader's signal handler thread, never on the event loop.
     */
    default void reload() {
    }

    /**
     * How often each rule of the driver's fault plans fired (the mock host's); empty for a
     * driver without fault plans. Any thread.
     */
    default List<FaultCount> faultCounts() {
        return List.of();
    }

    /** libvirt's {@code stateCleanup}: release the driver's resources; running guests keep running. */
    void stop();
}
