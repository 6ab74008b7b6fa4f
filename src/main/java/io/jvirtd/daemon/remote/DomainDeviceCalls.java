package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.protocol.remote.RemoteTypes.*;

/**
 * Device hot-plug and configuration changes: attach, detach (by XML or alias) and update of a
 * domain's devices. The public API checks nothing beyond what the wire already guarantees
 * (non-null XML and alias), so each call goes straight to the driver. Stateless; worker threads.
 */
final class DomainDeviceCalls {

    private DomainDeviceCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(DOMAIN_ATTACH_DEVICE, DomainAttachDeviceArgs.class, Void.class, (s, a) -> {
            s.domains().domainAttachDevice(Handles.dom(a.dom()), a.xml());
            return null;
        });
        t.bind(DOMAIN_ATTACH_DEVICE_FLAGS, DomainAttachDeviceFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainAttachDeviceFlags(Handles.dom(a.dom()), a.xml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_DETACH_DEVICE, DomainDetachDeviceArgs.class, Void.class, (s, a) -> {
            s.domains().domainDetachDevice(Handles.dom(a.dom()), a.xml());
            return null;
        });
        t.bind(DOMAIN_DETACH_DEVICE_FLAGS, DomainDetachDeviceFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainDetachDeviceFlags(Handles.dom(a.dom()), a.xml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_UPDATE_DEVICE_FLAGS, DomainUpdateDeviceFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainUpdateDeviceFlags(Handles.dom(a.dom()), a.xml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_DETACH_DEVICE_ALIAS, DomainDetachDeviceAliasArgs.class, Void.class, (s, a) -> {
            s.domains().domainDetachDeviceAlias(Handles.dom(a.dom()), a.alias(), a.flags());
            return null;
        });
    }
}
