package io.jvirtd.driver.qemu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU's block statistics for one domain, from {@code query-blockstats} (one entry per guest
 * device: its {@code qdev} path, the node it reads, its counters and its storage node's
 * {@code wr_highest_offset}) and {@code query-named-block-nodes} with {@code flat} (each node's
 * image sizes), looked up by a disk's alias as libvirt's qemuBlockStats are.
 * Built and read by one worker thread; immutable after {@link #parse}.
 */
final class BlockStatsAnswers {

    /** One disk's figures (libvirt's qemuBlockStats); -1 where QEMU gave none. */
    record Entry(String nodeName, long rdReq, long rdBytes, long rdTimes, long wrReq, long wrBytes, long wrTimes,
                 long flReq, long flTimes, long wrHighestOffset, long capacity, long physical) {
    }

    private final Map<String, Entry> byAlias;
    /** query-named-block-nodes' {@code write_threshold} of each node that has one set (not 0). */
    private final Map<String, Long> thresholds;

    private BlockStatsAnswers(Map<String, Entry> byAlias, Map<String, Long> thresholds) {
        this.byAlias = byAlias;
        this.thresholds = thresholds;
    }

    /** The write threshold set on node {@code nodeName} (block-set-write-threshold), 0 when none. */
    long writeThreshold(String nodeName) {
        return thresholds.getOrDefault(nodeName, 0L);
    }

    /** The entry of the guest device with this alias ({@code virtio-disk0}), or null. */
    Entry forAlias(String alias) {
        return alias == null ? null : byAlias.get(alias);
    }

    /** Parses the two answers (either may be null: not answered). */
    static BlockStatsAnswers parse(Object blockstats, Object namedNodes) {
        Map<String, long[]> sizes = new HashMap<>();
        Map<String, Long> thresholds = new HashMap<>();
        if (namedNodes instanceof List<?> nodes) {
            for (Object o : nodes) {
                if (o instanceof Map<?, ?> n && n.get("node-name") instanceof String name
                        && n.get("write_threshold") instanceof Number t && t.longValue() != 0) {
                    thresholds.put(name, t.longValue());
                }
                if (o instanceof Map<?, ?> n && n.get("node-name") instanceof String name
                        && n.get("image") instanceof Map<?, ?> image) {
                    long capacity = num(image.get("virtual-size"));
                    long actual = num(image.get("actual-size"));
                    // libvirt: no actual-size means the image is not thin provisioned
                    sizes.put(name, new long[] {capacity, actual >= 0 ? actual : capacity});
                }
            }
        }
        Map<String, Entry> out = new HashMap<>();
        if (blockstats instanceof List<?> devices) {
            for (Object o : devices) {
                if (!(o instanceof Map<?, ?> dev) || !(dev.get("stats") instanceof Map<?, ?> st)) {
                    continue;
                }
                String alias = alias(dev.get("qdev") instanceof String q ? q : null);
                if (alias == null) {
                    continue;
                }
                String node = dev.get("node-name") instanceof String n ? n : null;
                long highest = -1;
                if (dev.get("parent") instanceof Map<?, ?> parent && parent.get("stats") instanceof Map<?, ?> ps) {
                    highest = num(ps.get("wr_highest_offset"));
                }
                long[] sz = node != null ? sizes.getOrDefault(node, new long[] {-1, -1}) : new long[] {-1, -1};
                out.put(alias, new Entry(node, num(st.get("rd_operations")), num(st.get("rd_bytes")),
                        num(st.get("rd_total_time_ns")), num(st.get("wr_operations")), num(st.get("wr_bytes")),
                        num(st.get("wr_total_time_ns")), num(st.get("flush_operations")),
                        num(st.get("flush_total_time_ns")), highest, sz[0], sz[1]));
            }
        }
        return new BlockStatsAnswers(out, thresholds);
    }

    /**
     * The device id in a {@code qdev} QOM path: {@code /machine/peripheral/virtio-disk0/virtio-backend}
     * and {@code /machine/peripheral/sata0-0-0} give the alias; a bare id is the alias.
     */
    static String alias(String qdev) {
        if (qdev == null || qdev.isEmpty()) {
            return null;
        }
        String prefix = "/machine/peripheral/";
        if (!qdev.startsWith(prefix)) {
            return qdev.startsWith("/") ? null : qdev;
        }
        String rest = qdev.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static long num(Object o) {
        return o instanceof Long l ? l : o instanceof Integer i ? i : -1;
    }
}
