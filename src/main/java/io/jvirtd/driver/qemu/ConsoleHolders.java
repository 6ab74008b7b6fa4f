package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.DriverEventLoop;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Who holds which pty of one domain (libvirt's virChrdevs): one client per device, as libvirtd,
 * so two clients never read the same console and each get half of it. A second client is refused
 * unless it forces, which ends the first one's stream. Thread-safe: the map is guarded by this
 * object's monitor, held for map updates only (opening the pty and ending the old console happen
 * outside it).
 */
final class ConsoleHolders {

    private final Map<String, PtyConsole> open = new HashMap<>();

    /**
     * Opens the pty at {@code path} for a new client, taking it from the current one if
     * {@code force}; {@code loop} reads its output (see {@link PtyConsole}). Worker thread.
     */
    PtyConsole open(String path, String name, boolean force, DriverEventLoop loop) {
        PtyConsole old;
        synchronized (this) {
            old = open.get(path);
            if (old != null && !force) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "Active console session exists for this domain");
            }
        }
        if (old != null) {
            old.takeOver(); // its onClose removes it from the map
        }
        PtyConsole c = new PtyConsole(Path.of(path), name, loop, ended -> release(path, ended));
        PtyConsole raced;
        synchronized (this) {
            raced = open.put(path, c);
        }
        if (raced != null && raced != old) {
            raced.takeOver(); // two forced opens at once: the later one wins, as libvirt's hash replace
        }
        c.start(); // only now, so that an end at once finds it in the map to remove
        return c;
    }

    private synchronized void release(String path, PtyConsole c) {
        open.remove(path, c);
    }
}
