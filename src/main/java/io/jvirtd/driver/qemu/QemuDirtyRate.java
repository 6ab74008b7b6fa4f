package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code virsh domdirtyrate-calc} (qemuDomainStartDirtyRateCalc): QMP {@code calc-dirty-rate}
 * for 1 to 60 seconds in page-sampling or dirty-bitmap mode; dirty-ring needs KVM's dirty-ring
 * feature, which a TCG guest never has. The result is read by domstats' dirtyrate group
 * ({@link QemuStats}). Stateless; a worker holding the domain's job.
 */
final class QemuDirtyRate {

    static final int MODE_DIRTY_BITMAP = 1;
    static final int MODE_DIRTY_RING = 2;

    private QemuDirtyRate() {
    }

    static void start(QemuLifecycle life, DomainRef dom, int seconds, int flags) {
        VirException.checkFlags(flags, MODE_DIRTY_BITMAP | MODE_DIRTY_RING, VirErrorDomain.QEMU,
                "qemuDomainStartDirtyRateCalc");
        if (seconds < 1 || seconds > 60) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "seconds=%d is invalid, please choose value within [%d, %d].", seconds, 1, 60);
        }
        QemuDomain d = life.domains.get(dom);
        checkActive(d);
        String mode = null;
        if ((flags & MODE_DIRTY_BITMAP) != 0) {
            mode = "dirty-bitmap";
        } else if ((flags & MODE_DIRTY_RING) != 0) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "dirty-ring calculation mode requires dirty-ring feature enabled.");
        }
        d.beginJob();
        try {
            QmpMonitor mon = checkActive(d);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("calc-time", seconds);
            if (mode != null) {
                args.put("mode", mode);
            }
            mon.execute("calc-dirty-rate", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endJob();
        }
    }

    /** virDomainObjCheckActive. */
    private static QmpMonitor checkActive(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            return d.monitor;
        }
    }
}
