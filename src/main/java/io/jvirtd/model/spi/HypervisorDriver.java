package io.jvirtd.model.spi;

/**
 * A hypervisor driver as the daemon registers it: it serves the URIs of one scheme
 * ({@link #uriScheme}) by opening connections ({@link ConnectionDriver}) and has state that
 * outlives them, brought up and down by the process leader ({@link StatefulDriver}).
 *
 * <p>Threads: as its two halves say (open from workers, start and stop from the leader).
 */
public interface HypervisorDriver extends ConnectionDriver, StatefulDriver {

    /** The URI scheme it serves ("test", "qemu"); a client's URI goes to the driver of its scheme. */
    String uriScheme();
}
