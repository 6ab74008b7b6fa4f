package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainMemoryStat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parsing and formatting pieces behind memory statistics and domstats, on QEMU 7.2's and
 * Linux's own text (answers recorded from the test guests): the balloon's guest-stats, block
 * statistics, /proc lines, the dirty-rate answer and the CPU maps.
 */
class QemuStatsPartsTest {

    /** The answer QMP gave, as the monitor hands it on (numbers as Long, 2^64-1 as BigInteger). */
    private static Object qmp(String json) throws Exception {
        List<Map<String, Object>> got = new ArrayList<>();
        byte[] b = ("{\"return\": " + json + ", \"id\": \"x\"}\r\n").getBytes(StandardCharsets.UTF_8);
        new QmpCodec.Decoder(1 << 20, got::add).feed(b, 0, b.length);
        return got.get(0).get("return");
    }

    private static final String GUEST_STATS = "{\"stats\": {\"stat-htlb-pgfail\": 0, \"stat-available-memory\": 40140800,"
            + " \"stat-free-memory\": 33869824, \"stat-minor-faults\": 1123, \"stat-major-faults\": 2,"
            + " \"stat-total-memory\": 66797568, \"stat-swap-in\": 18446744073709551615, \"stat-swap-out\": 0,"
            + " \"stat-disk-caches\": 4096000, \"stat-htlb-pgalloc\": 0}, \"last-update\": 1733570000}";

    @Test
    void balloonStatisticsInLibvirtsOrderAndUnitsWithoutUncollectedOnes() throws Exception {
        List<DomainMemoryStat> s = BalloonStats.parse(qmp("{\"actual\": 67108864}"), qmp(GUEST_STATS), 13);
        assertEquals(List.of(new DomainMemoryStat(DomainMemoryStat.ACTUAL_BALLOON, 65536),
                new DomainMemoryStat(DomainMemoryStat.SWAP_OUT, 0),
                new DomainMemoryStat(DomainMemoryStat.MAJOR_FAULT, 2),
                new DomainMemoryStat(DomainMemoryStat.MINOR_FAULT, 1123),
                new DomainMemoryStat(DomainMemoryStat.UNUSED, 33076),
                new DomainMemoryStat(DomainMemoryStat.AVAILABLE, 65232),
                new DomainMemoryStat(DomainMemoryStat.USABLE, 39200),
                new DomainMemoryStat(DomainMemoryStat.LAST_UPDATE, 1733570000),
                new DomainMemoryStat(DomainMemoryStat.DISK_CACHES, 4000),
                new DomainMemoryStat(DomainMemoryStat.HUGETLB_PGALLOC, 0),
                new DomainMemoryStat(DomainMemoryStat.HUGETLB_PGFAIL, 0)), s);
        assertEquals(3, BalloonStats.parse(qmp("{\"actual\": 67108864}"), qmp(GUEST_STATS), 3).size());
        assertEquals(List.of(), BalloonStats.parse(null, null, 13));
        assertEquals("balloon.last-update", QemuStats.balloonField(DomainMemoryStat.LAST_UPDATE));
        assertNull(QemuStats.balloonField(DomainMemoryStat.ACTUAL_BALLOON));
    }

    @Test
    void balloonPeriodIsTheFirstChildAndGoneAtZero() {
        DeviceDef b = DeviceDef.of(DeviceKind.MEMBALLOON, new XmlNode("memballoon").attr("model", "virtio"));
        b.node().add(new XmlNode("alias").attr("name", "balloon0"));
        BalloonStats.setPeriod(b, 10);
        assertEquals("stats", b.node().children().get(0).name());
        assertEquals(10, BalloonStats.period(b));
        BalloonStats.setPeriod(b, 0);
        assertEquals(0, BalloonStats.period(b));
        assertNull(b.node().child("stats"));
    }

    @Test
    void blockStatisticsByTheDisksAliasWithSizesFromItsNode() throws Exception {
        Object stats = qmp("[{\"device\": \"\", \"parent\": {\"node-name\": \"libvirt-2-storage\", \"stats\":"
                + " {\"wr_highest_offset\": 327680, \"rd_bytes\": 0}}, \"stats\": {\"flush_total_time_ns\": 7,"
                + " \"wr_highest_offset\": 0, \"wr_total_time_ns\": 5, \"wr_bytes\": 512, \"rd_total_time_ns\": 3,"
                + " \"flush_operations\": 1, \"wr_operations\": 1, \"rd_bytes\": 4608, \"rd_operations\": 2},"
                + " \"node-name\": \"libvirt-2-format\", \"qdev\": \"/machine/peripheral/virtio-disk0/virtio-backend\"},"
                + " {\"device\": \"\", \"stats\": {\"rd_bytes\": 1, \"wr_bytes\": 0, \"rd_operations\": 1,"
                + " \"wr_operations\": 0}, \"node-name\": \"libvirt-1-format\", \"qdev\": \"sata0-0-0\"}]");
        Object nodes = qmp("[{\"node-name\": \"libvirt-2-format\", \"image\": {\"virtual-size\": 8388608,"
                + " \"actual-size\": 200704}}, {\"node-name\": \"libvirt-1-format\", \"image\": {\"virtual-size\": 1048576}}]");
        BlockStatsAnswers a = BlockStatsAnswers.parse(stats, nodes);
        assertEquals(new BlockStatsAnswers.Entry("libvirt-2-format", 2, 4608, 3, 1, 512, 5, 1, 7, 327680, 8388608, 200704),
                a.forAlias("virtio-disk0"));
        // no actual-size: not thin provisioned, physical = capacity; counters QEMU left out are -1
        assertEquals(new BlockStatsAnswers.Entry("libvirt-1-format", 1, 1, -1, 0, 0, -1, -1, -1, -1, 1048576, 1048576),
                a.forAlias("sata0-0-0"));
        assertNull(a.forAlias("virtio-disk9"));
        assertNull(BlockStatsAnswers.alias("/machine/unattached/device[3]"));
    }

    @Test
    void blockInfoFollowsQemuDomainGetBlockInfosRules() {
        BlockStatsAnswers.Entry raw = new BlockStatsAnswers.Entry("n", 0, 0, 0, 0, 0, 0, 0, 0, 0, 1048576, 4096);
        // nothing written: allocation is what QEMU says is allocated, physical the file's size
        assertEquals(new DomainBlockInfo(1048576, 4096, 1048576), QemuDeviceStats.info(raw, false, 1048576));
        BlockStatsAnswers.Entry qcow2 = new BlockStatsAnswers.Entry("n", 0, 0, 0, 0, 0, 0, 0, 0, 327680, 8388608, 200704);
        assertEquals(new DomainBlockInfo(8388608, 200704, 196616), QemuDeviceStats.info(qcow2, true, 196616));
        BlockStatsAnswers.Entry written = new BlockStatsAnswers.Entry("n", 0, 0, 0, 0, 0, 0, 0, 0, 65536, 1048576, 131072);
        assertEquals(new DomainBlockInfo(1048576, 65536, 131072), QemuDeviceStats.info(written, false, 1048576));
    }

    @Test
    void procLinesAsLibvirtReadsThem() {
        String stat = "4242 (CPU 0/TCG) S 1 4240 4240 0 -1 4194368 10 0 0 0 150 25 0 0 20 0 5 0 100 500000000 5000"
                + " 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0"; // processor: field 39
        ProcTasks.TaskStat s = ProcTasks.parse(stat);
        assertEquals(new ProcTasks.TaskStat(1_750_000_000L, 1_500_000_000L, 250_000_000L, 1, 20000), s);
        assertNull(ProcTasks.parse("garbage"));
        assertEquals(0, ProcTasks.vcpuNumber("CPU 0/TCG\n"));
        assertEquals(12, ProcTasks.vcpuNumber("CPU 12/KVM"));
        assertEquals(-1, ProcTasks.vcpuNumber("qemu-system-x86"));
        assertEquals(1_500_250L, ProcTasks.parseWaitSum("se.statistics.wait_sum   :   1.500250\nnr_switches : 3\n"));
        assertEquals(0, ProcTasks.parseWaitSum("se.exec_start : 1.0\n"));
        // the file as the kernel writes it (schedstats on): a longer key ending alike is not it
        assertEquals(2_250_000L, ProcTasks.parseWaitSum("CPU 0/TCG (4396, #threads: 1)\n"
                + "-------------------------------------------------------------------\n"
                + "se.exec_start                                :      33986568.413390\n"
                + "se.statistics.wait_sum_max                   :             9.000000\n"
                + "se.statistics.wait_sum                       :             2.250000\n"
                + "se.statistics.wait_count                     :                    7"));
        assertEquals(42_000L, ProcTasks.parseWaitSum("wait_sum : 0.042"));
    }

    @Test
    void tapCountersAreSwappedAsTheGuestSeesThem() {
        String dev = "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
                + "vnet0:     100       2    0    0    0     0          0         0      300       4    1    2    0     0       0          0\n";
        assertEquals(new DomainInterfaceStats(300, 4, 1, 2, 100, 2, 0, 0), NetDevStats.parse(dev, "vnet0", true));
        assertEquals(new DomainInterfaceStats(100, 2, 0, 0, 300, 4, 1, 2), NetDevStats.parse(dev, "vnet0", false));
        assertNull(NetDevStats.parse(dev, "vnet1", true));
    }

    @Test
    void dirtyRateAnswerAsLibvirtsGroup() throws Exception {
        List<TypedParameter> p = new ArrayList<>();
        QemuStats.dirtyRate(p, qmp("{\"status\": \"unstarted\", \"sample-pages\": 512, \"start-time\": 0,"
                + " \"mode\": \"page-sampling\", \"calc-time\": 0}"));
        assertEquals(List.of(TypedParameter.ofInt("dirtyrate.calc_status", 0),
                TypedParameter.ofLLong("dirtyrate.calc_start_time", 0),
                TypedParameter.ofInt("dirtyrate.calc_period", 0),
                TypedParameter.ofString("dirtyrate.calc_mode", "page-sampling")), p);
        p.clear();
        QemuStats.dirtyRate(p, qmp("{\"status\": \"measured\", \"dirty-rate\": 12, \"start-time\": 99,"
                + " \"mode\": \"page-sampling\", \"calc-time\": 1}"));
        assertEquals(TypedParameter.ofLLong("dirtyrate.megabytes_per_second", 12), p.get(4));
    }

    @Test
    void cpuMapsFromAffinityLists() {
        byte[] maps = new byte[4];
        QemuVcpuInfo.setBits("0-2,9", maps, 2, 2);
        assertArrayEquals(new byte[] {0, 0, 7, 2}, maps);
    }

    @Test
    void qcow2VirtualSizeFromTheHeader(@TempDir Path dir) throws Exception {
        byte[] h = new byte[512];
        h[0] = 'Q';
        h[1] = 'F';
        h[2] = 'I';
        h[3] = (byte) 0xfb;
        h[29] = (byte) 0x80; // 8 MiB, big-endian at byte 24
        Path q = Files.write(dir.resolve("a.qcow2"), h);
        assertEquals(8388608, DiskFiles.qcow2VirtualSize(q));
        assertEquals(-1, DiskFiles.qcow2VirtualSize(Files.write(dir.resolve("b.raw"), new byte[64])));
    }
}
