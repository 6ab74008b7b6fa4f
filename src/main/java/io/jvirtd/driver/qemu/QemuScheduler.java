package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.SchedulerType;
import io.jvirtd.model.event.DomainEvent;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * {@code virsh schedinfo} on the QEMU driver. A running guest with a cgroup in the cpu
 * controller ({@link QemuCgroups}) answers from and writes to its files as libvirt 9.0's
 * qemuDomainGet/SetSchedulerParametersFlags: {@code cpu.shares} of the group, the CFS period and
 * quota of {@code vcpu0} (all vcpuN on a set), of {@code emulator} and of the group itself
 * (global; iothread too, as this driver runs no iothreads). Without one (no cgroups on this host
 * or {@code cgroup_controllers = [ ]}) a running domain's scheduler calls fail with "cgroup CPU
 * controller is not mounted"; a shut-off one is "posix" with the nine CPU tunables of its
 * persistent definition.
 *
 * <p>Stateless; worker threads. A set holds the domain's job; the cgroup files are read and
 * written with no lock held.
 */
final class QemuScheduler {

    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    /** qemuDomainGetSchedulerParametersFlags' order: the name and whether the value is signed. */
    private static final String[] ULL_OR_LL = {"cpu_shares:shares", "vcpu_period:period", "-vcpu_quota:quota",
            "emulator_period:emulator_period", "-emulator_quota:emulator_quota", "global_period:global_period",
            "-global_quota:global_quota", "iothread_period:iothread_period", "-iothread_quota:iothread_quota"};
    private static final long PERIOD_MIN = 1000;
    private static final long PERIOD_MAX = 1000000;
    private static final long QUOTA_MIN = 1000;
    private static final long QUOTA_MAX = 17592186044415L;
    private static final Map<String, TypedParameter.Type> SET_PARAMS = new LinkedHashMap<>();

    static {
        for (String p : ULL_OR_LL) {
            boolean signed = p.startsWith("-");
            SET_PARAMS.put((signed ? p.substring(1) : p).split(":")[0],
                    signed ? TypedParameter.Type.LLONG : TypedParameter.Type.ULLONG);
        }
    }

    private QemuScheduler() {
    }

    /** qemuDomainGetSchedulerType. */
    static SchedulerType type(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null) {
                return new SchedulerType("posix", ULL_OR_LL.length);
            }
            if (d.cgroup != null && d.cgroup.has("cpu")) {
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
        QemuCgroup cgroup;
        synchronized (d) {
            int f = AffectedDefs.impact(d, flags);
            config = (f & AFFECT_CONFIG) != 0 ? d.persistentDef : null;
            cgroup = d.cgroup;
        }
        if (config == null) {
            if (cgroup == null || !cgroup.has("cpu")) {
                throw noCpuController();
            }
            return live(cgroup);
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

    /** The live values, from the group's files (qemuGetVcpusBWLive and friends). */
    private static List<TypedParameter> live(QemuCgroup g) {
        String vcpu = Files.isDirectory(g.dir("cpu", "vcpu0")) ? "vcpu0" : null;
        String emulator = Files.isDirectory(g.dir("cpu", "emulator")) ? "emulator" : null;
        List<TypedParameter> out = new ArrayList<>();
        out.add(TypedParameter.ofULLong("cpu_shares", g.getLong("cpu", null, "cpu.shares")));
        String[] names = {"vcpu", "emulator", "global", "iothread"};
        String[] subs = {vcpu, emulator, null, null};
        for (int i = 0; i < names.length; i++) {
            out.add(TypedParameter.ofULLong(names[i] + "_period", g.getLong("cpu", subs[i], "cpu.cfs_period_us")));
            out.add(TypedParameter.ofLLong(names[i] + "_quota", g.getLong("cpu", subs[i], "cpu.cfs_quota_us")));
        }
        return out;
    }

    /** qemuDomainSetSchedulerParametersFlags. */
    static void set(QemuLifecycle life, DomainRef dom, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetSchedulerParametersFlags");
        TypedParamChecks.validate(params, SET_PARAMS);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef live;
            boolean config;
            QemuCgroup g;
            synchronized (d) {
                int f = AffectedDefs.impact(d, flags);
                live = (f & AFFECT_LIVE) != 0 ? d.liveDef : null;
                config = (f & AFFECT_CONFIG) != 0;
                g = d.cgroup;
            }
            if (live != null && (g == null || !g.has("cpu"))) {
                throw noCpuController();
            }
            Map<String, Long> forConfig = new LinkedHashMap<>();
            List<TypedParameter> event = new ArrayList<>();
            try {
                for (TypedParameter p : params) {
                    String name = p.field();
                    long v = p.longValue();
                    String element = element(name);
                    if (name.equals("cpu_shares")) {
                        if (live != null) {
                            g.set("cpu", null, "cpu.shares", Long.toUnsignedString(v));
                            recordLive(d, live, element, v);
                            event.add(TypedParameter.ofULLong("cputune.cpu_shares", v));
                        }
                        forConfig.put(element, v);
                        continue;
                    }
                    boolean period = name.endsWith("_period");
                    if (period) {
                        rangeCheck(name, Long.compareUnsigned(v, 0) > 0 && Long.compareUnsigned(v, PERIOD_MIN) < 0
                                || Long.compareUnsigned(v, PERIOD_MAX) > 0, PERIOD_MIN, PERIOD_MAX);
                    } else {
                        rangeCheck(name, v > 0 && v < QUOTA_MIN || v > QUOTA_MAX, QUOTA_MIN, QUOTA_MAX);
                    }
                    if (live != null && v != 0) {
                        String file = period ? "cpu.cfs_period_us" : "cpu.cfs_quota_us";
                        String value = period ? Long.toUnsignedString(v) : Long.toString(v);
                        for (String sub : groupsFor(g, name)) {
                            g.set("cpu", sub, file, value);
                        }
                        recordLive(d, live, element, v);
                        event.add(period ? TypedParameter.ofULLong("cputune." + name, v)
                                : TypedParameter.ofLLong("cputune." + name, v));
                    }
                    forConfig.put(element, v);
                }
            } finally {
                if (live != null) { // what was written stays written: the status file says so too
                    life.saveStatus(d);
                    if (!event.isEmpty()) {
                        life.events.raise(new DomainEvent.Tunable(d.ref(), event));
                    }
                }
            }
            if (config) {
                life.editPersistent(d, def -> forConfig.forEach((e, v) ->
                        def.setCputuneValue(e, v == 0 && !e.equals("shares") ? null : v)));
            }
        } finally {
            d.endJob();
        }
    }

    private static void recordLive(QemuDomain d, DomainDef live, String element, long v) {
        synchronized (d) {
            live.setCputuneValue(element, v);
        }
    }

    /** The cputune element of a parameter ({@code vcpu_period} → {@code period}). */
    private static String element(String param) {
        for (String p : ULL_OR_LL) {
            String[] ne = (p.startsWith("-") ? p.substring(1) : p).split(":");
            if (ne[0].equals(param)) {
                return ne[1];
            }
        }
        throw new IllegalArgumentException(param);
    }

    /** The sub-groups a period or quota goes to: every vcpuN, emulator, or the group itself. */
    private static List<String> groupsFor(QemuCgroup g, String param) {
        List<String> out = new ArrayList<>();
        if (param.startsWith("vcpu")) {
            out.addAll(g.subGroups("cpu", "vcpu"));
            if (out.isEmpty()) {
                out.add(null); // qemuSetVcpusBWLive without vCPU threads: the group itself
            }
        } else if (param.startsWith("emulator")) {
            out.add("emulator");
        } else if (param.startsWith("global")) {
            out.add(null);
        } // iothread_*: this driver runs no iothreads, so only the definitions change (qemuSetIOThreadsBWLive)
        return out;
    }

    private static void rangeCheck(String name, boolean out, long min, long max) {
        if (out) {
            throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                    "value of '%s' is out of range [%d, %d]", name, min, max);
        }
    }

    static VirException noCpuController() {
        return VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                "cgroup CPU controller is not mounted");
    }
}
