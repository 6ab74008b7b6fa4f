package io.jvirtd.daemon.remote;

/**
 * The remote program's calls on storage pools and volumes, with the public API's checks of libvirt 9.0
 * before the driver is called. Stateless; worker threads.
 */
final class StorageCalls {

    private StorageCalls() {
    }

    static void bind(ProcedureTable t) {
    }
}
