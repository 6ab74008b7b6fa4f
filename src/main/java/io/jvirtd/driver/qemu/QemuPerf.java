package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code virsh perf} as libvirt 9.0's QEMU driver answers it (qemuDomainGet/SetPerfEvents): the
 * 22 events of the definition ({@code <perf>}, changed with {@code --config}), and live the
 * events counting on QEMU's process, which is none: libvirt opens them with perf_event_open,
 * which Java cannot call. A live enable therefore fails with the error libvirt's virperf.c gives
 * where the kernel refuses: the resctrl ones (cmt, mbmt, mbml) when the host has no such PMU,
 * the hardware counters with ENOENT when it has no CPU PMU (a virtual machine), the software
 * ones with ENOSYS. A live disable of an event that is off succeeds, as libvirt's does.
 *
 * <p>Stateless; worker threads, holding the domain's job for a change.
 */
final class QemuPerf {

    private static final int TYPED_PARAM_STRING_OKAY = 4;
    private static final Set<String> RESCTRL = Set.of("cmt", "mbmt", "mbml");
    private static final Set<String> SOFTWARE = Set.of("cpu_clock", "task_clock", "page_faults",
            "context_switches", "cpu_migrations", "page_faults_min", "page_faults_maj", "alignment_faults",
            "emulation_faults");

    private final QemuLifecycle life;

    QemuPerf(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainGetPerfEvents. */
    List<TypedParameter> get(DomainRef dom, int flags) {
        VirException.checkFlags(flags, QemuVcpuPins.AFFECT_LIVE | QemuVcpuPins.AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY,
                VirErrorDomain.QEMU, "qemuDomainGetPerfEvents");
        QemuDomain d = life.domains.get(dom);
        List<TypedParameter> out = new ArrayList<>();
        synchronized (d) {
            DomainDef def = QemuVcpuPins.oneDef(d, flags);
            boolean live = def == d.liveDef && (flags & QemuVcpuPins.AFFECT_CONFIG) == 0;
            for (String e : DomainDef.PERF_EVENTS) {
                // live: what counts on the process, which is nothing (see the class comment)
                out.add(TypedParameter.ofBoolean(e, !live && Boolean.TRUE.equals(def.perfEvent(e))));
            }
        }
        return out;
    }

    /** qemuDomainSetPerfEvents. */
    void set(DomainRef dom, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, QemuVcpuPins.AFFECT_LIVE | QemuVcpuPins.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetPerfEvents");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        for (String e : DomainDef.PERF_EVENTS) {
            allowed.put(e, TypedParameter.Type.BOOLEAN);
        }
        TypedParamChecks.validate(params, allowed);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = QemuVcpuPins.defs(d, flags);
            if (defs[0] != null) {
                for (TypedParameter p : params) {
                    if (p.booleanValue()) {
                        throw cannotEnable(p.field());
                    }
                    synchronized (d) {
                        defs[0].setPerfEvent(p.field(), false);
                    }
                }
                life.saveStatus(d);
            }
            if (defs[1] != null) {
                life.editPersistent(d, def -> params.forEach(p -> def.setPerfEvent(p.field(), p.booleanValue())));
            }
        } finally {
            d.endJob();
        }
    }

    /** virPerfEventEnable's error for {@code event} on this host. */
    static VirException cannotEnable(String event) {
        if (RESCTRL.contains(event)) {
            return VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.PERF,
                    "unable to enable host cpu perf event for " + event);
        }
        if (!SOFTWARE.contains(event) && !Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"))) {
            return VirException.systemError(VirErrorDomain.PERF, 2, "unable to open host cpu perf event for " + event,
                    "No such file or directory");
        }
        return VirException.systemError(VirErrorDomain.PERF, 38, "unable to open host cpu perf event for " + event,
                "Function not implemented");
    }
}
