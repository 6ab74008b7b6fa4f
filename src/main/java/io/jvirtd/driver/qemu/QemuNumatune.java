package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CpuSet;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * {@code virsh numatune} on the QEMU driver, as libvirt 9.0's qemuDomainGet/SetNumaParameters:
 * the mode and nodeset of {@code <numatune><memory>} (strict and "" when unset), a live nodeset
 * change (restrictive mode only) written to {@code cpuset.mems} of the guest's emulator and vCPU
 * groups, and at start a strict or restrictive nodeset on the whole group (qemuSetupCpusetMems).
 * libvirt binds memory without the cpuset cgroup through libnuma, which jvirtd has not: there a
 * definition with a nodeset is refused at start.
 *
 * <p>Stateless; worker threads; a set holds the domain's job, files written with no lock held.
 */
final class QemuNumatune {

    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    static final List<String> MODES = List.of("strict", "preferred", "interleave", "restrictive");
    private static final int STRICT = 0;
    private static final int RESTRICTIVE = 3;

    private QemuNumatune() {
    }

    /** qemuDomainGetNumaParameters. */
    static List<TypedParameter> get(QemuDomain d, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY, VirErrorDomain.QEMU,
                "qemuDomainGetNumaParameters");
        synchronized (d) {
            int f = AffectedDefs.impact(d, flags);
            DomainDef def = (f & AFFECT_LIVE) != 0 ? d.liveDef : d.persistentDef;
            String mode = def.numatuneMode();
            String nodeset = def.numatuneNodeset();
            return List.of(TypedParameter.ofInt("numa_mode", mode == null ? STRICT : Math.max(0, MODES.indexOf(mode))),
                    TypedParameter.ofString("numa_nodeset", nodeset == null ? "" : nodeset));
        }
    }

    /** qemuDomainSetNumaParameters. */
    static void set(QemuLifecycle life, DomainRef dom, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetNumaParameters");
        TypedParamChecks.validate(params, Map.of("numa_mode", TypedParameter.Type.INT,
                "numa_nodeset", TypedParameter.Type.STRING));
        int mode = -1;
        BitSet nodeset = null;
        for (TypedParameter p : params) {
            if (p.field().equals("numa_mode")) {
                mode = p.intValue();
                if (mode < 0 || mode >= MODES.size()) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "unsupported numatune mode: '" + mode + "'");
                }
            } else {
                nodeset = CpuSet.parse(p.stringValue(), "nodeset");
                if (nodeset.isEmpty()) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU,
                            "Invalid nodeset of 'numatune': " + p.stringValue());
                }
            }
        }
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef live;
            boolean config;
            QemuCgroup g;
            String liveMode;
            String liveNodeset;
            synchronized (d) {
                int f = AffectedDefs.impact(d, flags);
                live = (f & AFFECT_LIVE) != 0 ? d.liveDef : null;
                config = (f & AFFECT_CONFIG) != 0;
                g = d.cgroup;
                liveMode = live == null ? null : live.numatuneMode();
                liveNodeset = live == null ? null : live.numatuneNodeset();
            }
            String modeName = mode == -1 ? null : MODES.get(mode);
            String nodes = nodeset == null ? null : CpuSet.format(nodeset);
            if (live != null) {
                if (g == null || !g.has("cpuset")) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "cgroup cpuset controller is not mounted");
                }
                if (mode != -1 && liveMode != null && !liveMode.equals(modeName)) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU,
                            "can't change numatune mode for running domain");
                }
                if (mode == STRICT) {
                    BitSet current = liveNodeset == null ? null : CpuSet.parse(liveNodeset, "nodeset");
                    if (!java.util.Objects.equals(nodeset, current)) {
                        throw VirException.operationInvalid(VirErrorDomain.QEMU,
                                "can't change nodeset for strict mode for running domain");
                    }
                } else {
                    if (nodes != null) {
                        if (liveMode != null && MODES.indexOf(liveMode) != RESTRICTIVE) {
                            throw VirException.operationInvalid(VirErrorDomain.QEMU,
                                    "change of nodeset for running domain requires restrictive numa mode");
                        }
                        checkAvailable(nodeset);
                        for (String sub : threadGroups(g)) {
                            g.set("cpuset", sub, "cpuset.mems", nodes);
                        }
                    }
                    synchronized (d) {
                        live.setNumatune(modeName, nodes);
                    }
                    life.saveStatus(d);
                }
            }
            if (config) {
                life.editPersistent(d, def -> def.setNumatune(modeName, nodes));
            }
        } finally {
            d.endJob();
        }
    }

    /** The emulator and vCPU sub-groups of the cpuset controller. */
    private static List<String> threadGroups(QemuCgroup g) {
        List<String> out = new java.util.ArrayList<>();
        out.add("emulator");
        out.addAll(g.subGroups("cpuset", "vcpu"));
        return out;
    }

    /** qemuSetupCpusetMems and qemuProcessSetupPid's mem_mask: a strict or restrictive nodeset at start. */
    static void applyAtStart(QemuCgroup g, DomainDef live) {
        String mode = live.numatuneMode();
        String nodes = live.numatuneNodeset();
        if (nodes == null || mode != null && !mode.equals("strict") && !mode.equals("restrictive")) {
            return;
        }
        if (g == null || !g.has("cpuset")) {
            throw QemuSubset.unsupported("<numatune> without the cpuset cgroup");
        }
        g.set("cpuset", null, "cpuset.mems", nodes);
        for (String sub : threadGroups(g)) {
            if (Files.isDirectory(g.dir("cpuset", sub))) {
                g.set("cpuset", sub, "cpuset.mems", nodes);
            }
        }
    }

    /** virNumaNodesetIsAvailable: every node of the set is one of the host's. */
    private static void checkAvailable(BitSet nodeset) {
        BitSet host;
        try {
            host = CpuSet.parse(Files.readString(Path.of("/sys/devices/system/node/online")).strip(), "nodeset");
        } catch (IOException | RuntimeException e) {
            host = new BitSet();
            host.set(0);
        }
        for (int n = nodeset.nextSetBit(0); n >= 0; n = nodeset.nextSetBit(n + 1)) {
            if (!host.get(n)) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.NONE,
                        "NUMA node %d is unavailable", n);
            }
        }
    }
}
