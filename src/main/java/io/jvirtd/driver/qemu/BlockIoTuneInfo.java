package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.XmlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One disk's block I/O throttling, libvirt's {@code virDomainBlockIoTuneInfo}: the nineteen limits
 * and the throttle group, as the disk's {@code <iotune>} holds them, as QEMU's
 * {@code block_set_io_throttle} takes them and {@code query-block} reports them, and as
 * virDomainGetBlockIoTune answers them. The pure part of {@link QemuBlockIoTune}: merging a
 * client's changes into the values in force (qemuDomainSetBlockIoTuneDefaults) and libvirt's
 * checks. Immutable.
 */
record BlockIoTuneInfo(Map<String, Long> limits, String group) {

    /** The typed-parameter (and {@code <iotune>}) names in libvirt's order, QEMU's name for each. */
    static final String[][] FIELDS = {
        {"total_bytes_sec", "bps"}, {"read_bytes_sec", "bps_rd"}, {"write_bytes_sec", "bps_wr"},
        {"total_iops_sec", "iops"}, {"read_iops_sec", "iops_rd"}, {"write_iops_sec", "iops_wr"},
        {"total_bytes_sec_max", "bps_max"}, {"read_bytes_sec_max", "bps_rd_max"},
        {"write_bytes_sec_max", "bps_wr_max"}, {"total_iops_sec_max", "iops_max"},
        {"read_iops_sec_max", "iops_rd_max"}, {"write_iops_sec_max", "iops_wr_max"},
        {"size_iops_sec", "iops_size"},
        {"total_bytes_sec_max_length", "bps_max_length"}, {"read_bytes_sec_max_length", "bps_rd_max_length"},
        {"write_bytes_sec_max_length", "bps_wr_max_length"}, {"total_iops_sec_max_length", "iops_max_length"},
        {"read_iops_sec_max_length", "iops_rd_max_length"}, {"write_iops_sec_max_length", "iops_wr_max_length"},
    };
    static final String GROUP_NAME = "group_name";
    /** How many parameters virDomainGetBlockIoTune answers (QEMU_NB_BLOCK_IO_TUNE_ALL_PARAMS). */
    static final int PARAMS = FIELDS.length + 1;
    /** QEMU_BLOCK_IOTUNE_MAX. */
    static final long MAX = 1_000_000_000_000_000L;
    /** The index of size_iops_sec: group_name follows it in libvirt's answers and XML. */
    private static final int GROUP_AFTER = 12;

    static final BlockIoTuneInfo NONE = new BlockIoTuneInfo(Map.of(), null);

    BlockIoTuneInfo {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String[] f : FIELDS) {
            Long v = limits.get(f[0]);
            m.put(f[0], v == null ? 0L : v);
        }
        limits = java.util.Collections.unmodifiableMap(m);
    }

    long get(String field) {
        return limits.get(field);
    }

    /** virDomainBlockIoTuneInfoHasAny: a limit set (a group alone is not). */
    boolean hasAnyLimit() {
        return limits.values().stream().anyMatch(v -> v != 0);
    }

    /** qemuDiskConfigBlkdeviotuneEnabled: something to apply at start. */
    boolean enabled() {
        return group != null || hasAnyLimit();
    }

    /**
     * qemuValidateDomainDeviceDefDiskBlkdeviotune on every disk: a group needs limits, the disks
     * of a group have the same values, no limit above QEMU's.
     */
    static void validate(List<io.jvirtd.model.conf.DeviceDef> disks) {
        for (io.jvirtd.model.conf.DeviceDef disk : disks) {
            BlockIoTuneInfo info = ofXml(disk.node().child("iotune"));
            if (info.group != null && !info.hasAnyLimit()) {
                throw VirException.of(io.jvirtd.model.VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "group_name can be configured only together with settings");
            }
            if (info.group != null) {
                for (io.jvirtd.model.conf.DeviceDef other : disks) {
                    BlockIoTuneInfo o = ofXml(other.node().child("iotune"));
                    if (other != disk && info.group.equals(o.group) && !info.equals(o)) {
                        throw VirException.of(io.jvirtd.model.VirErrorNumber.CONFIG_UNSUPPORTED,
                                VirErrorDomain.QEMU, "different iotunes for disks " + disk.diskTarget() + " and "
                                        + other.diskTarget());
                    }
                }
            }
            for (int i = 0; i <= GROUP_AFTER; i++) {
                if (Long.compareUnsigned(info.get(FIELDS[i][0]), MAX) > 0) {
                    throw VirException.of(io.jvirtd.model.VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                            "block I/O throttle limit must be no more than " + MAX + " using QEMU");
                }
            }
        }
    }

    // ------------------------------------------------------------------ XML

    /** The disk's {@code <iotune>}, or none. */
    static BlockIoTuneInfo ofXml(XmlNode iotune) {
        if (iotune == null) {
            return NONE;
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (String[] f : FIELDS) {
            String v = iotune.childText(f[0]);
            if (v != null) {
                m.put(f[0], Long.parseUnsignedLong(v.strip()));
            }
        }
        return new BlockIoTuneInfo(m, iotune.childText(GROUP_NAME));
    }

    /** virDomainDiskDefFormatIotune: the set limits and the group, or null when nothing is set. */
    XmlNode toXml() {
        XmlNode n = new XmlNode("iotune");
        int i = 0;
        for (String[] f : FIELDS) {
            if (get(f[0]) != 0) {
                n.add(new XmlNode(f[0]).text(Long.toUnsignedString(get(f[0]))));
            }
            if (i++ == GROUP_AFTER && group != null) {
                n.add(new XmlNode(GROUP_NAME).text(group));
            }
        }
        return n.children().isEmpty() ? null : n;
    }

    // ------------------------------------------------------------------ QEMU

    /**
     * qemuMonitorJSONSetBlockIoThrottle's arguments: the device by its QOM name, the thirteen rates
     * always, the group when set, the burst lengths only when not 0.
     */
    Map<String, Object> qmpArguments(String qomName) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", qomName);
        for (int i = 0; i <= GROUP_AFTER; i++) {
            a.put(FIELDS[i][1], get(FIELDS[i][0]));
        }
        if (group != null) {
            a.put("group", group);
        }
        for (int i = GROUP_AFTER + 1; i < FIELDS.length; i++) {
            if (get(FIELDS[i][0]) != 0) {
                a.put(FIELDS[i][1], get(FIELDS[i][0]));
            }
        }
        return a;
    }

    /**
     * qemuMonitorJSONBlockIoThrottleInfo: the throttling of the device {@code qomName} in a
     * {@code query-block} answer (the six base rates must be there, the rest may be missing).
     */
    static BlockIoTuneInfo ofQueryBlock(Object answer, String qomName) {
        if (answer instanceof List<?> devices) {
            for (Object o : devices) {
                if (!(o instanceof Map<?, ?> dev) || dev.get("qdev") == null && dev.get("device") == null) {
                    throw VirException.internalError(VirErrorDomain.QEMU,
                            "block_io_throttle device entry was not in expected format");
                }
                if (dev.get("qdev") != null && !qomName.equals(dev.get("qdev"))) {
                    continue;
                }
                if (!(dev.get("inserted") instanceof Map<?, ?> inserted)) {
                    throw VirException.internalError(VirErrorDomain.QEMU,
                            "block_io_throttle inserted entry was not in expected format");
                }
                Map<String, Long> m = new LinkedHashMap<>();
                for (int i = 0; i < FIELDS.length; i++) {
                    Object v = inserted.get(FIELDS[i][1]);
                    if (v instanceof Number n) {
                        m.put(FIELDS[i][0], n.longValue());
                    } else if (i < 6) {
                        throw VirException.of(io.jvirtd.model.VirErrorNumber.OPERATION_UNSUPPORTED,
                                VirErrorDomain.QEMU, "block_io_throttle field '" + FIELDS[i][0]
                                        + "' missing in qemu's output");
                    }
                }
                Object g = inserted.get("group");
                return new BlockIoTuneInfo(m, g == null ? null : g.toString());
            }
        }
        throw VirException.internalError(VirErrorDomain.QEMU,
                "cannot find throttling info for device '" + qomName + "'");
    }

    // ------------------------------------------------------------------ virDomainGetBlockIoTune

    /** The answer: the limits in libvirt's order, group_name ("" for none) after size_iops_sec. */
    List<TypedParameter> toParams(int max) {
        List<TypedParameter> out = new ArrayList<>();
        int i = 0;
        for (String[] f : FIELDS) {
            out.add(TypedParameter.ofULLong(f[0], get(f[0])));
            if (i++ == GROUP_AFTER) {
                out.add(TypedParameter.ofString(GROUP_NAME, group == null ? "" : group));
            }
        }
        return max > 0 && max < out.size() ? out.subList(0, max) : out;
    }

    // ------------------------------------------------------------------ virDomainSetBlockIoTune

    /**
     * What a client asked for ({@code params} validated): the values it gave, which families it
     * touched (qemuBlockIoTuneSetFlags), and libvirt's checks that need no current values.
     */
    record Request(BlockIoTuneInfo given, int families) {

        static final int BYTES = 1;
        static final int IOPS = 2;
        static final int BYTES_MAX = 4;
        static final int IOPS_MAX = 8;
        static final int SIZE_IOPS = 16;
        static final int GROUP_NAME = 32;
        static final int BYTES_MAX_LENGTH = 64;
        static final int IOPS_MAX_LENGTH = 128;

        static Request of(List<TypedParameter> params) {
            Map<String, Long> m = new LinkedHashMap<>();
            String group = null;
            int families = 0;
            for (TypedParameter p : params) {
                if (p.type() != TypedParameter.Type.STRING && Long.compareUnsigned(p.longValue(), MAX) > 0) {
                    throw VirException.of(io.jvirtd.model.VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                            "block I/O throttle limit value must be no more than " + MAX);
                }
                if (p.field().equals(BlockIoTuneInfo.GROUP_NAME)) {
                    group = p.stringValue();
                    families |= GROUP_NAME;
                    continue;
                }
                m.put(p.field(), p.longValue());
                families |= family(p.field());
            }
            BlockIoTuneInfo given = new BlockIoTuneInfo(m, group);
            for (String k : new String[] {"bytes_sec", "iops_sec", "bytes_sec_max", "iops_sec_max"}) {
                if (given.get("total_" + k) != 0 && (given.get("read_" + k) != 0 || given.get("write_" + k) != 0)) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU,
                            "total and read/write of " + k + " cannot be set at the same time");
                }
            }
            return new Request(given, families);
        }

        private static int family(String field) {
            if (field.endsWith("_max_length")) {
                return field.contains("bytes") ? BYTES_MAX_LENGTH : IOPS_MAX_LENGTH;
            }
            if (field.equals("size_iops_sec")) {
                return SIZE_IOPS;
            }
            if (field.endsWith("_max")) {
                return field.contains("bytes") ? BYTES_MAX : IOPS_MAX;
            }
            return field.contains("bytes") ? BYTES : IOPS;
        }

        /**
         * qemuDomainSetBlockIoTuneDefaults: the families the client left out keep {@code old}'s
         * values; a burst length the client cleared while its family keeps a rate becomes 1.
         */
        BlockIoTuneInfo mergedInto(BlockIoTuneInfo old) {
            Map<String, Long> m = new LinkedHashMap<>(given.limits);
            for (String[] f : FIELDS) {
                String name = f[0];
                int fam = family(name);
                if ((families & fam) != 0) {
                    if (name.endsWith("_max_length")) {
                        String rate = name.substring(0, name.length() - "_max_length".length());
                        if (old.get(name) != 0 && m.get(name) == 0) {
                            m.put(name, m.get(rate) != 0 || m.get(rate + "_max") != 0 ? 1L : 0L);
                        }
                    }
                    continue;
                }
                m.put(name, old.get(name));
            }
            String g = (families & GROUP_NAME) != 0 ? given.group : old.group;
            return new BlockIoTuneInfo(m, g);
        }

        /**
         * qemuDomainCheckBlockIoTuneReset: all limits 0 leaves the group (the throttling goes),
         * but cannot create or change one.
         */
        static BlockIoTuneInfo checkReset(BlockIoTuneInfo merged, String diskGroup) {
            if (merged.hasAnyLimit()) {
                return merged;
            }
            if (merged.group != null && !merged.group.equals(diskGroup)) {
                throw VirException.of(io.jvirtd.model.VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "creating a new group/updating existing with all tune parameters zero is not supported");
            }
            return new BlockIoTuneInfo(merged.limits, null);
        }

        /**
         * libvirt's CHECK_MAX on the live values: a burst needs its rate, at least as high. (libvirt's
         * macro tests a constant, so a burst without rate always reads "cannot reset".)
         */
        static void checkMax(BlockIoTuneInfo info) {
            for (String base : new String[] {"total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
                "total_iops_sec", "read_iops_sec", "write_iops_sec"}) {
                long max = info.get(base + "_max");
                if (max == 0) {
                    continue;
                }
                if (info.get(base) == 0) {
                    throw VirException.of(io.jvirtd.model.VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "cannot reset '" + base + "' when '" + base + "_max' is set");
                }
                if (Long.compareUnsigned(max, info.get(base)) < 0) {
                    throw VirException.of(io.jvirtd.model.VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "value '" + base + "_max' cannot be smaller than '" + base + "'");
                }
            }
        }
    }
}
