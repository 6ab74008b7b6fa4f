package io.jvirtd.driver.qemu;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a hot-plug call waits for from QEMU: the DEVICE_DELETED of a device it unplugs (libvirt's
 * {@code priv->unplug}: the alias marked before {@code device_del}, so an event that overtakes
 * the reply still counts) and the DEVICE_TRAY_MOVED that opens a drive's tray before its medium
 * changes; and which trays are open now.
 *
 * <p>Threads: events come from the qemu-event thread, waits from workers. Every map is guarded by
 * this object's monitor, held only to look up and update, never while waiting. A wait that times
 * out takes its mark back under the same monitor as a signal: either the signal came (the waiter
 * finishes the removal) or the event finds no mark and the removal goes to the driver's own
 * thread, never both, never neither.
 */
final class QemuDeviceWaits {

    private record Key(QemuDomain domain, String alias) {
    }

    private final Map<Key, CompletableFuture<Void>> deleted = new HashMap<>();
    private final Map<Key, CompletableFuture<Void>> trayOpened = new HashMap<>();
    private final Set<Key> openTrays = new HashSet<>();

    /** Marks {@code alias} as being unplugged by a caller that will wait (before {@code device_del}). */
    synchronized void expectDeleted(QemuDomain d, String alias) {
        deleted.put(new Key(d, alias), new CompletableFuture<>());
    }

    /**
     * DEVICE_DELETED: true when a waiting caller takes over the removal (the mark stays, done,
     * until that caller takes it back). qemu-event thread.
     */
    synchronized boolean signalDeleted(QemuDomain d, String alias) {
        CompletableFuture<Void> f = deleted.get(new Key(d, alias));
        if (f == null) {
            return false;
        }
        f.complete(null);
        return true;
    }

    /**
     * Waits up to {@code millis} for the DEVICE_DELETED of a marked alias and drops the mark:
     * true when it came (the caller removes the device), false when the removal stays pending.
     */
    boolean awaitDeleted(QemuDomain d, String alias, long millis) {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = deleted.get(new Key(d, alias));
        }
        if (f == null) {
            return false;
        }
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // pending: decided under the monitor below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return takeBack(d, alias, f);
    }

    /** Drops the mark of {@code alias} (device_del failed); true when its event came meanwhile. */
    boolean cancelDeleted(QemuDomain d, String alias) {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = deleted.get(new Key(d, alias));
        }
        return f != null && takeBack(d, alias, f);
    }

    private synchronized boolean takeBack(QemuDomain d, String alias, CompletableFuture<Void> f) {
        deleted.remove(new Key(d, alias), f);
        return f.isDone();
    }

    /** Whether the tray of drive {@code id} is open (as the last DEVICE_TRAY_MOVED said). */
    synchronized boolean trayOpen(QemuDomain d, String id) {
        return openTrays.contains(new Key(d, id));
    }

    /** Arms a wait for the tray of {@code id} to open (before {@code blockdev-open-tray}). */
    synchronized CompletableFuture<Void> expectTrayOpen(QemuDomain d, String id) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        trayOpened.put(new Key(d, id), f);
        return f;
    }

    /** Drops an armed tray wait (done, failed or timed out). */
    synchronized void cancelTray(QemuDomain d, String id) {
        trayOpened.remove(new Key(d, id));
    }

    /** DEVICE_TRAY_MOVED. qemu-event thread. */
    synchronized void trayMoved(QemuDomain d, String id, boolean open) {
        Key k = new Key(d, id);
        if (open) {
            openTrays.add(k);
            CompletableFuture<Void> f = trayOpened.remove(k);
            if (f != null) {
                f.complete(null);
            }
        } else {
            openTrays.remove(k);
        }
    }

    /** The domain stopped: nothing of it is awaited or open any more. */
    synchronized void forget(QemuDomain d) {
        deleted.keySet().removeIf(k -> k.domain() == d);
        trayOpened.keySet().removeIf(k -> k.domain() == d);
        openTrays.removeIf(k -> k.domain() == d);
    }
}
