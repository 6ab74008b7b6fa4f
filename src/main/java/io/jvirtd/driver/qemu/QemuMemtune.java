package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;

import java.util.List;
import java.util.Map;

/**
 * {@code virsh memtune} on the QEMU driver, as libvirt 9.0's qemuDomainGet/SetMemoryParameters:
 * hard, soft and swap-hard limits in KiB, live in the guest's memory cgroup
 * ({@code memory.limit_in_bytes}, {@code memory.soft_limit_in_bytes},
 * {@code memory.memsw.limit_in_bytes}), persistent in {@code <memtune>}; "unlimited" is
 * VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (2^53-1 KiB), written to the kernel as {@code -1}. Without a
 * memory cgroup a live call fails with libvirt's "cgroup memory controller is not mounted".
 *
 * <p>Stateless; worker threads; a set holds the domain's job, files written with no lock held.
 */
final class QemuMemtune {

    static final long UNLIMITED = 9007199254740991L;
    /** What the kernel shows for no limit, in KiB (PAGE_COUNTER_MAX pages): at or above it is unlimited. */
    private static final long KERNEL_UNLIMITED_KIB = 9223372036854771712L >> 10;
    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    private static final String[][] PARAMS = {{"hard_limit", "memory.limit_in_bytes"},
            {"soft_limit", "memory.soft_limit_in_bytes"}, {"swap_hard_limit", "memory.memsw.limit_in_bytes"}};

    private QemuMemtune() {
    }

    /** qemuDomainGetMemoryParameters. */
    static List<TypedParameter> get(QemuDomain d, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY, VirErrorDomain.QEMU,
                "qemuDomainGetMemoryParameters");
        DomainDef config;
        QemuCgroup g;
        synchronized (d) {
            int f = AffectedDefs.impact(d, flags);
            config = (f & AFFECT_CONFIG) != 0 ? d.persistentDef : null;
            g = d.cgroup;
            if (config != null) {
                return List.of(TypedParameter.ofULLong("hard_limit", orUnlimited(config.memtuneKiB("hard_limit"))),
                        TypedParameter.ofULLong("soft_limit", orUnlimited(config.memtuneKiB("soft_limit"))),
                        TypedParameter.ofULLong("swap_hard_limit",
                                orUnlimited(config.memtuneKiB("swap_hard_limit"))));
            }
        }
        if (g == null || !g.has("memory")) {
            throw notMounted();
        }
        return List.of(TypedParameter.ofULLong("hard_limit", read(g, PARAMS[0][1])),
                TypedParameter.ofULLong("soft_limit", read(g, PARAMS[1][1])),
                TypedParameter.ofULLong("swap_hard_limit", read(g, PARAMS[2][1])));
    }

    /** qemuDomainSetMemoryParameters + virDomainCgroupSetMemoryLimitParameters. */
    static void set(QemuLifecycle life, DomainRef dom, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetMemoryParameters");
        TypedParamChecks.validate(params, Map.of("hard_limit", TypedParameter.Type.ULLONG,
                "soft_limit", TypedParameter.Type.ULLONG, "swap_hard_limit", TypedParameter.Type.ULLONG));
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef live;
            boolean config;
            QemuCgroup g;
            long curHard;
            long curSwap;
            synchronized (d) {
                int f = AffectedDefs.impact(d, flags);
                live = (f & AFFECT_LIVE) != 0 ? d.liveDef : null;
                config = (f & AFFECT_CONFIG) != 0;
                g = d.cgroup;
                DomainDef cur = d.liveDef != null ? d.liveDef : d.persistentDef; // libvirt's vm->def
                curHard = orUnlimited(cur.memtuneKiB("hard_limit"));
                curSwap = orUnlimited(cur.memtuneKiB("swap_hard_limit"));
            }
            if (live != null && (g == null || !g.has("memory"))) {
                throw notMounted();
            }
            Long hard = find(params, "hard_limit");
            Long soft = find(params, "soft_limit");
            Long swap = find(params, "swap_hard_limit");
            if (hard != null || swap != null) {
                long mem = hard != null ? hard : curHard;
                long sw = swap != null ? swap : curSwap;
                if (Long.compareUnsigned(mem, sw) > 0) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU,
                            "memory hard_limit tunable value must be lower than or equal to swap_hard_limit");
                }
            }
            if (live != null) {
                try {
                    long liveHard;
                    synchronized (d) {
                        liveHard = orUnlimited(live.memtuneKiB("hard_limit"));
                    }
                    if (soft != null) {
                        writeOne(g, PARAMS[1][1], soft);
                        record(d, live, "soft_limit", soft);
                    }
                    boolean hardFirst = hard != null && Long.compareUnsigned(liveHard, hard) > 0;
                    if (hardFirst) { // lowered: before the swap limit, which must stay above it
                        writeOne(g, PARAMS[0][1], hard);
                        record(d, live, "hard_limit", hard);
                    }
                    if (swap != null) {
                        writeOne(g, PARAMS[2][1], swap);
                        record(d, live, "swap_hard_limit", swap);
                    }
                    if (hard != null && !hardFirst) {
                        writeOne(g, PARAMS[0][1], hard);
                        record(d, live, "hard_limit", hard);
                    }
                } finally {
                    life.saveStatus(d);
                }
            }
            if (config) {
                life.editPersistent(d, def -> {
                    setDef(def, "soft_limit", soft);
                    setDef(def, "hard_limit", hard);
                    setDef(def, "swap_hard_limit", swap);
                });
            }
        } finally {
            d.endJob();
        }
    }

    /** The definition's limits on a new group (qemuSetupMemoryCgroup); null leaves one as the kernel has it. */
    static void write(QemuCgroup g, Long hardKiB, Long softKiB, Long swapKiB) {
        if (hardKiB != null) {
            writeOne(g, PARAMS[0][1], hardKiB);
        }
        if (swapKiB != null) {
            writeOne(g, PARAMS[2][1], swapKiB);
        }
        if (softKiB != null) {
            writeOne(g, PARAMS[1][1], softKiB);
        }
    }

    /** virCgroupV1SetMemory...: KiB to bytes, "unlimited" as -1. */
    private static void writeOne(QemuCgroup g, String file, long kib) {
        g.set("memory", null, file, Long.compareUnsigned(kib, UNLIMITED) >= 0 ? "-1" : Long.toString(kib << 10));
    }

    private static long read(QemuCgroup g, String file) {
        long kib = Long.divideUnsigned(g.getLong("memory", null, file), 1024);
        return Long.compareUnsigned(kib, KERNEL_UNLIMITED_KIB) >= 0 ? UNLIMITED : kib;
    }

    private static void record(QemuDomain d, DomainDef live, String element, long kib) {
        synchronized (d) {
            setDef(live, element, kib);
        }
    }

    private static void setDef(DomainDef def, String element, Long kib) {
        if (kib != null) {
            def.setMemtuneKiB(element, Long.compareUnsigned(kib, UNLIMITED) >= 0 ? null : kib);
        }
    }

    private static Long find(List<TypedParameter> params, String name) {
        Long v = null;
        for (TypedParameter p : params) {
            if (p.field().equals(name)) {
                v = p.longValue(); // virTypedParamsGetULLong takes the first; duplicates fail validation
                break;
            }
        }
        return v;
    }

    private static long orUnlimited(Long kib) {
        return kib == null ? UNLIMITED : kib;
    }

    private static VirException notMounted() {
        return VirException.operationInvalid(VirErrorDomain.QEMU, "cgroup memory controller is not mounted");
    }

}
