package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;

/**
 * Which pty virDomainOpenConsole opens (qemuDomainOpenConsole's device choice): the device
 * whose alias is {@code devName} among consoles, then serials, then parallels; without a name the
 * first console, else the first serial. A console that is serial0's (target type serial) carries
 * no path of its own: the serial port with its alias does. Stateless; any thread, on a live
 * definition its caller owns.
 */
final class ConsoleDevice {

    private ConsoleDevice() {
    }

    /** The pty path of the chosen device, or libvirtd's error. */
    static String ptyPath(DomainDef live, String devName) {
        DeviceDef chr = devName != null ? byAlias(live, devName) : first(live);
        if (chr == null) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "cannot find character device " + (devName == null ? "<null>" : devName));
        }
        if (!"pty".equals(chr.type())) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "character device " + (devName != null ? devName : chr.alias()) + " is not using a PTY");
        }
        String path = chr.node().childAttr("source", "path");
        if (path == null && chr.kind() == DeviceKind.CONSOLE && chr.alias() != null) {
            DeviceDef serial = find(live, DeviceKind.SERIAL, chr.alias());
            path = serial == null ? null : serial.node().childAttr("source", "path");
        }
        if (path == null) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "PTY device is not yet assigned");
        }
        return path;
    }

    /** True when a serial port or console of {@code live} is a pty (a console may be opened on it). */
    static boolean hasPty(DomainDef live) {
        for (DeviceKind kind : new DeviceKind[] {DeviceKind.CONSOLE, DeviceKind.SERIAL}) {
            for (DeviceDef d : live.devices(kind)) {
                if ("pty".equals(d.type())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static DeviceDef first(DomainDef live) {
        for (DeviceKind kind : new DeviceKind[] {DeviceKind.CONSOLE, DeviceKind.SERIAL}) {
            if (!live.devices(kind).isEmpty()) {
                return live.devices(kind).get(0);
            }
        }
        return null;
    }

    private static DeviceDef byAlias(DomainDef live, String alias) {
        for (DeviceKind kind : new DeviceKind[] {DeviceKind.CONSOLE, DeviceKind.SERIAL, DeviceKind.PARALLEL}) {
            DeviceDef d = find(live, kind, alias);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static DeviceDef find(DomainDef live, DeviceKind kind, String alias) {
        for (DeviceDef d : live.devices(kind)) {
            if (alias.equals(d.alias())) {
                return d;
            }
        }
        return null;
    }

}
