package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.KeycodeTables;
import io.jvirtd.model.domain.DomainControlInfo;
import io.jvirtd.model.domain.DomainDiskError;
import io.jvirtd.model.domain.DomainRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The calls that reach into a running guest's hardware or ask about its control channel, as
 * libvirt 9.0's QEMU driver does them: virDomainSendKey (keys translated to QEMU's "qnum" codes
 * with libvirt's tables, then QMP {@code send-key}), virDomainInjectNMI (QMP {@code inject-nmi}),
 * virDomainGetControlInfo and virDomainGetDiskErrors (QMP {@code query-block}'s
 * {@code io-status}). Stateless; worker threads; QMP round trips under the domain's job with no
 * lock held.
 */
final class QemuGuestControl {

    private static final long T = QemuLifecycle.MONITOR_TIMEOUT_MILLIS;

    private final QemuLifecycle life;

    QemuGuestControl(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainSendKey: translation first (before the domain is looked at), then the job. */
    void sendKey(DomainRef dom, int codeset, int holdtime, int[] keycodes, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSendKey");
        long[] qnum = qnumCodes(codeset, keycodes);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            QmpMonitor mon = monitorOfActive(d);
            List<Map<String, Object>> keys = new ArrayList<>();
            for (int i = 0; i < qnum.length; i++) {
                if (qnum[i] > 0xffff) { // qemuMonitorJSONSendKey's check
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                            "keycode " + i + " is invalid: 0x" + Long.toHexString(qnum[i]).toUpperCase(Locale.ROOT));
                }
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("type", "number");
                key.put("data", qnum[i]);
                keys.add(key);
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("keys", keys);
            if (holdtime != 0) { // "p:hold-time": left out when 0
                args.put("hold-time", Integer.toUnsignedLong(holdtime));
            }
            mon.execute("send-key", args, T);
        } finally {
            d.endJob();
        }
    }

    /**
     * The keys as QEMU's qnum codes (virKeycodeValueTranslate; QNUM codes pass as they are), or
     * libvirt's error for a code the set does not have. Codes are unsigned on the wire.
     */
    static long[] qnumCodes(int codeset, int[] keycodes) {
        long[] out = new long[keycodes.length];
        for (int i = 0; i < keycodes.length; i++) {
            long code = Integer.toUnsignedLong(keycodes[i]);
            if (codeset == KeycodeTables.QNUM) {
                out[i] = code;
                continue;
            }
            int q = code > Integer.MAX_VALUE ? -1 : KeycodeTables.translate(codeset, KeycodeTables.QNUM, (int) code);
            if (q < 0) {
                throw VirException.internalError(VirErrorDomain.QEMU, "cannot translate keycode " + code + " of "
                        + KeycodeTables.name(codeset) + " codeset to qnum keycode");
            }
            out[i] = q;
        }
        return out;
    }

    /** qemuDomainInjectNMI. */
    void injectNmi(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainInjectNMI");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            monitorOfActive(d).execute("inject-nmi", null, T);
        } finally {
            d.endJob();
        }
    }

    /**
     * qemuDomainGetControlInfo: JOB while an async job (save, snapshot delete) runs, with the
     * time since it began; otherwise OK. libvirt's OCCUPIED (a state-change job inside a monitor
     * call) and ERROR (a monitor that failed) are not told apart by this driver: QMP calls here
     * time out with an error of their own, and a monitor that breaks ends the run.
     */
    DomainControlInfo controlInfo(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetControlInfo");
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            if (d.liveDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            QemuJobData job = d.currentJob;
            if (job != null && job.status() != QemuJobData.Status.COMPLETED) {
                return new DomainControlInfo(DomainControlInfo.JOB, 0,
                        Math.max(0, System.currentTimeMillis() - job.startedMillis()));
            }
            return new DomainControlInfo(DomainControlInfo.OK, 0, 0);
        }
    }

    /**
     * qemuDomainGetDiskErrors: the disks whose {@code io-status} is not "ok", in the
     * definition's order. A count query ({@code maxerrors} 0) answers the number of disks, as
     * libvirt does (virsh then asks for that many): one placeholder per disk here.
     */
    List<DomainDiskError> diskErrors(DomainRef dom, int maxerrors, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetDiskErrors");
        QemuDomain d = life.domains.get(dom);
        d.beginQueryJob();
        try {
            DomainDef live = d.liveCopy();
            if (live == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            List<DomainDiskError> out = new ArrayList<>();
            if (maxerrors == 0) {
                for (DeviceDef disk : live.disks()) {
                    out.add(new DomainDiskError(disk.diskTarget(), DomainDiskError.NONE));
                }
                return out;
            }
            QmpMonitor mon = monitorOfActive(d);
            Map<String, Integer> status = ioStatusByAlias(mon.execute("query-block", null, T));
            for (DeviceDef disk : live.disks()) {
                Integer err = status.get(disk.alias());
                if (err != null && err != DomainDiskError.NONE) {
                    if (out.size() == maxerrors) {
                        break;
                    }
                    out.add(new DomainDiskError(disk.diskTarget(), err));
                }
            }
            return out;
        } finally {
            d.endQueryJob();
        }
    }

    /** query-block's devices by their guest device's alias: io-status as a virDomainDiskErrorCode. */
    static Map<String, Integer> ioStatusByAlias(Object reply) {
        Map<String, Integer> out = new HashMap<>();
        if (reply instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> dev) {
                    String alias = BlockStatsAnswers.alias(dev.get("qdev") instanceof String q ? q : null);
                    if (alias == null && dev.get("device") instanceof String s && !s.isEmpty()) {
                        alias = s.startsWith("drive-") ? s.substring("drive-".length()) : s;
                    }
                    if (alias != null) {
                        out.put(alias, diskErrorCode(dev.get("io-status")));
                    }
                }
            }
        }
        return out;
    }

    /** qemuMonitorBlockIOStatusToError: absent or "ok" is no error, "nospace" NO_SPACE, "failed" UNSPEC. */
    static int diskErrorCode(Object ioStatus) {
        if (!(ioStatus instanceof String s) || s.equals("ok")) {
            return DomainDiskError.NONE;
        }
        return s.equals("nospace") ? DomainDiskError.NO_SPACE : DomainDiskError.UNSPEC;
    }

    /** virDomainObjCheckActive, and the monitor to talk to. Job held. */
    private static QmpMonitor monitorOfActive(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            return d.monitor;
        }
    }
}
