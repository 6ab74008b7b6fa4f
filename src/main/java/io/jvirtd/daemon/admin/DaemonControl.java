package io.jvirtd.daemon.admin;

/** What the admin program may ask of the daemon itself. Implementations are thread-safe. */
public interface DaemonControl {

    /**
     * libvirt's virNetDaemonAutoShutdown: quit after {@code seconds} with no client on any server;
     * 0 turns the idle shutdown off.
     */
    void setAutoShutdownTimeout(int seconds);
}
