package io.jvirtd.driver.mockhost;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.LifecycleCodes;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.DriverEventLoop;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The weather of a fault plan on one host: each {@link WeatherRule} strikes as a Poisson
 * process at its rate, changing a random matching object the way a real host changes by itself,
 * with the events libvirt sends for the same change (so registered clients see it as any other
 * change). A strike that finds nothing to hit (no running domain, no active pool) does nothing.
 *
 * <ul>
 *   <li>crash: lifecycle "Crashed Panicked", then "Stopped Crashed"; state shut off (crashed)
 *   <li>shutdown: "Shutdown Finished after guest request", then "Stopped Shutdown"; shut off (shutdown)
 *   <li>io-error: IO_ERROR and IO_ERROR_REASON events for its first disk, then "Suspended I/O
 *       Error"; state paused (I/O error)
 *   <li>pool-inactive: pool lifecycle "Stopped"; a transient pool is gone
 * </ul>
 *
 * <p>Threads: the timers are armed on the driver's event loop, whose callbacks only hand the
 * strike to the driver's own weather thread ({@code executor}, one thread): the strike takes
 * domain and pool locks and delivers events, which is not loop work. The random sources are
 * used on that one thread only; {@link #stop} may come from any thread.
 */
final class Weather {

    /** libvirt's VIR_DOMAIN_EVENT_IO_ERROR_PAUSE. */
    private static final int IO_ERROR_PAUSE = 1;

    private final MockHost host;
    private final FaultPlan plan;
    private final DriverEventLoop loop;
    private final Executor executor;
    private final FaultStats stats;
    private final SplittableRandom[] randoms;
    /** The pending timer of each rule. Guarded by this. */
    private final DriverEventLoop.Scheduled[] pending;
    /** Guarded by this. */
    private boolean stopped;

    private Weather(MockHost host, FaultPlan plan, DriverEventLoop loop, Executor executor, FaultStats stats) {
        this.host = host;
        this.plan = plan;
        this.loop = loop;
        this.executor = executor;
        this.stats = stats;
        int n = plan.weather().size();
        this.randoms = new SplittableRandom[n];
        this.pending = new DriverEventLoop.Scheduled[n];
        for (int i = 0; i < n; i++) {
            randoms[i] = new SplittableRandom(plan.seed() + 1_000_003L * (i + 1));
        }
    }

    /** Starts the plan's weather on {@code host}; stop it when the host goes. */
    static Weather start(MockHost host, FaultPlan plan, DriverEventLoop loop, Executor executor, FaultStats stats) {
        Weather w = new Weather(host, plan, loop, executor, stats);
        executor.execute(() -> {
            for (int i = 0; i < w.pending.length; i++) {
                w.armNext(i);
            }
        });
        return w;
    }

    /** Cancels every pending strike; a strike already running finishes. Idempotent; any thread. */
    synchronized void stop() {
        stopped = true;
        for (DriverEventLoop.Scheduled s : pending) {
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Weather thread: arms rule {@code i}'s next strike, an exponential wait of mean 1/rate away. */
    private void armNext(int i) {
        WeatherRule r = plan.weather().get(i);
        double waitSeconds = -Math.log(1 - randoms[i].nextDouble()) / r.perSecond();
        long millis = Math.max(1, Math.min(Long.MAX_VALUE / 4, Math.round(waitSeconds * 1000)));
        synchronized (this) {
            if (stopped) {
                return;
            }
            pending[i] = loop.schedule(millis, () -> {
                try {
                    executor.execute(() -> strike(i));
                } catch (RejectedExecutionException e) {
                    // the driver stopped: no more weather
                }
            });
        }
    }

    /** Weather thread. */
    private void strike(int i) {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        WeatherRule r = plan.weather().get(i);
        try {
            String hit = r.kind() == WeatherRule.Kind.POOL_INACTIVE ? stopPool(r, randoms[i]) : hitDomain(r, randoms[i]);
            if (hit != null) {
                stats.count(plan.file(), r.name(), r.kind().xmlName());
                FaultPlan.LOG.log(Level.INFO, "{0}: weather ''{1}'': {2} {3}", plan.file(), r.name(),
                        r.kind().xmlName(), hit);
            }
        } catch (RuntimeException e) {
            FaultPlan.LOG.log(Level.ERROR, "weather " + r.name() + " failed", e);
        }
        armNext(i);
    }

    /** A random running domain matching the rule gets its weather; its name, or null for none. */
    private String hitDomain(WeatherRule r, SplittableRandom random) {
        List<MockDomain> all = host.domains().all();
        int start = all.isEmpty() ? 0 : random.nextInt(all.size());
        for (int k = 0; k < all.size(); k++) {
            MockDomain d = all.get((start + k) % all.size());
            if (r.target() != null && !r.target().matches(d.name())) {
                continue;
            }
            d.lock();
            boolean changed = false;
            try {
                if (!d.removed && d.state == DomainState.RUNNING) {
                    apply(r.kind(), d);
                    changed = true;
                    return d.name();
                }
            } finally {
                if (changed) {
                    d.unlock();
                    host.events().dispatch();
                } else {
                    d.unlockUnchanged();
                }
            }
        }
        return null;
    }

    /** The change and its events, on a locked running domain. */
    private void apply(WeatherRule.Kind kind, MockDomain d) {
        switch (kind) {
            case CRASH:
                Domains.lifecycle(host, d, LifecycleCodes.CRASHED, LifecycleCodes.CRASHED_PANICKED);
                stop(d, StateReason.Shutoff.CRASHED, LifecycleCodes.STOPPED_CRASHED);
                break;
            case SHUTDOWN:
                Domains.lifecycle(host, d, LifecycleCodes.SHUTDOWN, LifecycleCodes.SHUTDOWN_GUEST);
                stop(d, StateReason.Shutoff.SHUTDOWN, LifecycleCodes.STOPPED_SHUTDOWN);
                break;
            default: { // IO_ERROR
                List<DeviceDef> disks = d.def.disks();
                String path = disks.isEmpty() || disks.get(0).sourcePath() == null ? "" : disks.get(0).sourcePath();
                String alias = disks.isEmpty() ? "" : disks.get(0).alias() != null ? disks.get(0).alias()
                        : disks.get(0).diskTarget() != null ? disks.get(0).diskTarget() : "";
                d.setState(DomainState.PAUSED, StateReason.Paused.IOERROR);
                host.events().post(new DomainEvent.IoError(d.ref(), path, alias, IO_ERROR_PAUSE));
                host.events().post(new DomainEvent.IoErrorReason(d.ref(), path, alias, IO_ERROR_PAUSE, "eio"));
                Domains.lifecycle(host, d, LifecycleCodes.SUSPENDED, LifecycleCodes.SUSPENDED_IOERROR);
            }
        }
    }

    /** The domain stops by itself: shut off with {@code reason}, "Stopped" {@code detail}; a transient one goes. */
    private void stop(MockDomain d, int reason, int detail) {
        Domains.shutdownState(host, d, reason);
        Domains.lifecycle(host, d, LifecycleCodes.STOPPED, detail);
        Domains.removeIfTransient(host, d);
    }

    /** A random active pool matching the rule goes inactive; its name, or null for none. */
    private String stopPool(WeatherRule r, SplittableRandom random) {
        StoragePools pools = host.storagePools();
        pools.lock();
        try {
            List<StoragePools.Pool> all = pools.all();
            int start = all.isEmpty() ? 0 : random.nextInt(all.size());
            for (int k = 0; k < all.size(); k++) {
                StoragePools.Pool p = all.get((start + k) % all.size());
                if (p.active && (r.target() == null || r.target().matches(p.def.name()))) {
                    p.active = false;
                    host.events().post(new StoragePoolEvent.Lifecycle(p.ref(), StoragePoolEvent.STOPPED, 0));
                    if (!p.persistent) {
                        pools.remove(p);
                    }
                    return p.def.name();
                }
            }
            return null;
        } finally {
            pools.unlock();
            host.events().dispatch();
        }
    }
}
