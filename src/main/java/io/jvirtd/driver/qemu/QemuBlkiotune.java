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

/**
 * {@code virsh blkiotune} on the QEMU driver, as libvirt 9.0's qemuDomainGet/SetBlkioParameters
 * for the group's weight: {@code blkio.bfq.weight} (else {@code blkio.weight}) of the guest's blkio
 * cgroup live, {@code <blkiotune><weight>} persistent. A kernel whose blkio controller has neither
 * file (no bfq or cfq scheduler) gets libvirt's "blkio device weight is valid only for bfq or cfq
 * scheduler". Per-device weights and throttles ({@code device_*}) are read as empty and refused
 * when set: not done yet.
 *
 * <p>Stateless; worker threads; a set holds the domain's job, files written with no lock held.
 */
final class QemuBlkiotune {

    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    /** qemuDomainGetBlkioParameters' order after the weight. */
    private static final List<String> DEVICE_PARAMS = List.of("device_weight", "device_read_iops_sec",
            "device_write_iops_sec", "device_read_bytes_sec", "device_write_bytes_sec");
    static final int COUNT = 1 + DEVICE_PARAMS.size();

    private QemuBlkiotune() {
    }

    /** qemuDomainGetBlkioParameters. */
    static List<TypedParameter> get(QemuDomain d, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY, VirErrorDomain.QEMU,
                "qemuDomainGetBlkioParameters");
        QemuCgroup g;
        Integer configWeight = null;
        boolean live;
        synchronized (d) {
            int f = AffectedDefs.impact(d, flags);
            live = (f & AFFECT_LIVE) != 0;
            g = d.cgroup;
            if (!live) {
                configWeight = d.persistentDef.blkioWeight();
            }
        }
        List<TypedParameter> out = new ArrayList<>();
        if (live) {
            if (g == null || !g.has("blkio")) {
                throw notMounted();
            }
            String v = QemuCgroup.read(weightFile(g)); // bfq's reads "default N"
            out.add(TypedParameter.ofUInt("weight", Integer.parseUnsignedInt(v.startsWith("default ")
                    ? v.substring(8).lines().findFirst().orElse("0").strip() : v)));
        } else {
            out.add(TypedParameter.ofUInt("weight", configWeight == null ? 0 : configWeight));
        }
        for (String p : DEVICE_PARAMS) {
            out.add(TypedParameter.ofString(p, ""));
        }
        return out;
    }

    /** qemuDomainSetBlkioParameters, the weight. */
    static void set(QemuLifecycle life, DomainRef dom, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetBlkioParameters");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        allowed.put("weight", TypedParameter.Type.UINT);
        for (String p : DEVICE_PARAMS) {
            allowed.put(p, TypedParameter.Type.STRING);
        }
        TypedParamChecks.validate(params, allowed);
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
            if (live != null && (g == null || !g.has("blkio"))) {
                throw notMounted();
            }
            Integer weight = null;
            for (TypedParameter p : params) {
                if (p.field().equals("weight")) {
                    weight = p.intValue();
                } else {
                    throw QemuSubset.unsupported("<blkiotune><device>");
                }
            }
            if (weight == null) {
                return;
            }
            int w = weight;
            if (live != null) {
                try {
                    Path file = weightFile(g);
                    QemuCgroup.write(file, Integer.toUnsignedString(w));
                    synchronized (d) {
                        live.setBlkioWeight(w);
                    }
                } finally {
                    life.saveStatus(d);
                }
            }
            if (config) {
                life.editPersistent(d, def -> def.setBlkioWeight(w));
            }
        } finally {
            d.endJob();
        }
    }

    /** virDomainCgroupSetupBlkio at start: the definition's weight on the new group. */
    static void applyAtStart(QemuCgroup g, Integer weight) {
        if (weight == null || weight == 0) {
            return;
        }
        if (!g.has("blkio")) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Block I/O tuning is not available on this host");
        }
        QemuCgroup.write(weightFile(g), Integer.toUnsignedString(weight));
    }

    /** virCgroupV1Get/SetBlkioWeight's file: bfq's, else cfq's; libvirt's error when neither exists. */
    private static Path weightFile(QemuCgroup g) {
        Path bfq = g.dir("blkio", null).resolve("blkio.bfq.weight");
        if (Files.exists(bfq)) {
            return bfq;
        }
        Path cfq = g.dir("blkio", null).resolve("blkio.weight");
        if (Files.exists(cfq)) {
            return cfq;
        }
        throw VirException.operationInvalid(VirErrorDomain.CGROUP,
                "blkio device weight is valid only for bfq or cfq scheduler");
    }

    private static VirException notMounted() {
        return VirException.operationInvalid(VirErrorDomain.QEMU, "blkio cgroup isn't mounted");
    }
}
