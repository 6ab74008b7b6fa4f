package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.SchedulerType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code virsh schedinfo} on the QEMU driver: this driver puts QEMU in no cgroup of its own, so it
 * answers as libvirtd's QEMU driver does on a host where the cgroup CPU controller is not
 * available to it (qemu.conf {@code cgroup_controllers = [ ]}): a running domain's scheduler
 * calls fail with "cgroup CPU controller is not mounted"; a shut-off one is "posix" with the
 * nine CPU tunables of its persistent definition (all 0: the definition takes none).
 *
 * <p>Stateless; worker threads.
 */
final class QemuScheduler {

    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    /** qemuDomainGetSchedulerParametersFlags' order: the name and whether the value is signed. */
    private static final String[] ULL_OR_LL = {"cpu_shares:shares", "vcpu_period:period", "-vcpu_quota:quota",
            "emulator_period:emulator_period", "-emulator_quota:emulator_quota", "global_period:global_period",
            "-global_quota:global_quota", "iothread_period:iothread_period", "-iothread_quota:iothread_quota"};

    private QemuScheduler() {
    }

    /** qemuDomainGetSchedulerType. */
    static SchedulerType type(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null) {
                return new SchedulerType("posix", ULL_OR_LL.length);
            }
        }
        throw noCpuController();
    }

    /** qemuDomainGetSchedulerParametersFlags. */
    static List<TypedParameter> parameters(QemuDomain d, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY, VirErrorDomain.QEMU,
                "qemuDomainGetSchedulerParametersFlags");
        DomainDef config;
        synchronized (d) {
            boolean active = d.liveDef != null;
            int f = flags & (AFFECT_LIVE | AFFECT_CONFIG);
            if (f == 0) {
                f = active ? AFFECT_LIVE : AFFECT_CONFIG;
            }
            if (!active && (f & AFFECT_LIVE) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            if (d.persistentDef == null && (f & AFFECT_CONFIG) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                        "transient domains do not have any persistent config");
            }
            config = (f & AFFECT_CONFIG) != 0 ? d.persistentDef : null;
        }
        if (config == null) {
            throw noCpuController();
        }
        List<TypedParameter> out = new ArrayList<>();
        for (String p : ULL_OR_LL) {
            boolean signed = p.startsWith("-");
            String[] nameAndElement = (signed ? p.substring(1) : p).split(":");
            Long v = config.cputuneValue(nameAndElement[1]);
            long value = v == null ? 0 : v;
            out.add(signed ? TypedParameter.ofLLong(nameAndElement[0], value)
                    : TypedParameter.ofULLong(nameAndElement[0], value));
        }
        return out;
    }

    private static VirException noCpuController() {
        return VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                "cgroup CPU controller is not mounted");
    }
}
