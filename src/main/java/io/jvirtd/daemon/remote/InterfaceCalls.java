package io.jvirtd.daemon.remote;

/**
 * The remote program's calls on host interfaces, with the public API's checks of libvirt 9.0
 * before the driver is called. Stateless; worker threads.
 */
final class InterfaceCalls {

    private InterfaceCalls() {
    }

    static void bind(ProcedureTable t) {
    }
}
