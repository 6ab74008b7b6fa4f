package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainMemoryStat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The virtio balloon as QEMU reports it and libvirt shows it: the device in a definition and its
 * {@code <stats period=>}, {@code query-balloon}'s {@code actual} and the guest's statistics of
 * {@code qom-get balloon0 guest-stats} turned into virDomainMemoryStats tags and units (KiB for
 * sizes, counts as they are; a statistic the guest does not collect, QEMU's -1, is left out), in
 * libvirt's order. Stateless; any thread.
 */
final class BalloonStats {

    /** The balloon's QOM path: libvirt's alias balloon0 under /machine/peripheral. */
    static final String QOM_PATH = "/machine/peripheral/balloon0";

    /** guest-stats' fields in libvirt's order (qemuMonitorJSONGetMemoryStats), with tag and divisor. */
    private static final Object[][] GUEST_STATS = {
        {"stat-swap-in", DomainMemoryStat.SWAP_IN, 1024},
        {"stat-swap-out", DomainMemoryStat.SWAP_OUT, 1024},
        {"stat-major-faults", DomainMemoryStat.MAJOR_FAULT, 1},
        {"stat-minor-faults", DomainMemoryStat.MINOR_FAULT, 1},
        {"stat-free-memory", DomainMemoryStat.UNUSED, 1024},
        {"stat-total-memory", DomainMemoryStat.AVAILABLE, 1024},
        {"stat-available-memory", DomainMemoryStat.USABLE, 1024},
        {"last-update", DomainMemoryStat.LAST_UPDATE, 1}, // beside "stats", not in it
        {"stat-disk-caches", DomainMemoryStat.DISK_CACHES, 1024},
        {"stat-htlb-pgalloc", DomainMemoryStat.HUGETLB_PGALLOC, 1},
        {"stat-htlb-pgfail", DomainMemoryStat.HUGETLB_PGFAIL, 1},
    };

    private BalloonStats() {
    }

    /** The virtio memballoon of {@code def} (libvirt's virDomainDefHasMemballoon), or null. */
    static DeviceDef balloon(DomainDef def) {
        for (DeviceDef b : def.devices(DeviceKind.MEMBALLOON)) {
            if ("virtio".equals(b.node().attr("model"))) {
                return b;
            }
        }
        return null;
    }

    /** The balloon's {@code <stats period=>} in seconds, 0 when absent. */
    static int period(DeviceDef balloon) {
        XmlNode s = balloon.node().child("stats");
        if (s == null || s.attr("period") == null) {
            return 0;
        }
        try {
            return Integer.parseInt(s.attr("period"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sets {@code <stats period=>} as libvirt formats it: first child, absent for 0. */
    static void setPeriod(DeviceDef balloon, int period) {
        XmlNode n = balloon.node();
        n.remove("stats");
        if (period != 0) {
            n.children().add(0, new XmlNode("stats").attr("period", Integer.toString(period)));
        }
    }

    /** {@code query-balloon}'s {@code actual} in KiB, or -1 when the answer has none. */
    static long actualKiB(Object queryBalloon) {
        if (queryBalloon instanceof Map<?, ?> m && m.get("actual") instanceof Number n) {
            return n.longValue() / 1024;
        }
        return -1;
    }

    /**
     * libvirt's memory statistics: ACTUAL_BALLOON from {@code queryBalloon}, then the guest's
     * from {@code guestStats} (either may be null: not answered), at most {@code max}.
     */
    static List<DomainMemoryStat> parse(Object queryBalloon, Object guestStats, int max) {
        List<DomainMemoryStat> out = new ArrayList<>();
        long actual = actualKiB(queryBalloon);
        if (actual >= 0 && out.size() < max) {
            out.add(new DomainMemoryStat(DomainMemoryStat.ACTUAL_BALLOON, actual));
        }
        if (!(guestStats instanceof Map<?, ?> data) || !(data.get("stats") instanceof Map<?, ?> stats)) {
            return out;
        }
        for (Object[] f : GUEST_STATS) {
            String field = (String) f[0];
            Object v = field.equals("last-update") ? data.get(field) : stats.get(field);
            // QEMU's -1 (not collected) is 2^64-1 on the wire: no Long, so left out
            if (out.size() < max && v instanceof Long l && l != -1) {
                out.add(new DomainMemoryStat((Integer) f[1], l / (Integer) f[2]));
            }
        }
        return out;
    }
}
