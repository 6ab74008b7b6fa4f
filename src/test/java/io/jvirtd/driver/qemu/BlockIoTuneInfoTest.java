package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.XmlNode;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The pure part of blkdeviotune against libvirt 9.0's qemuDomainSetBlockIoTune: what
 * block_set_io_throttle gets (compared with what libvirtd sent, in
 * src/test/resources/qemu/libvirtd-9.0/blkdump-qmp.txt), how a client's values merge into the
 * ones in force, the checks and their messages, the {@code <iotune>} XML.
 */
class BlockIoTuneInfoTest {

    private static final String QOM = "/machine/peripheral/virtio-disk0/virtio-backend";

    private static BlockIoTuneInfo.Request req(TypedParameter... p) {
        return BlockIoTuneInfo.Request.of(List.of(p));
    }

    private static TypedParameter u(String f, long v) {
        return TypedParameter.ofULLong(f, v);
    }

    @Test
    void qmpArgumentsAreLibvirtdsRates() throws Exception {
        BlockIoTuneInfo info = new BlockIoTuneInfo(Map.of("total_bytes_sec", 1000L, "total_iops_sec", 50L), "cfg");
        String sent = "{\"execute\":\"block_set_io_throttle\",\"arguments\":" + QmpCodec.json(info.qmpArguments(QOM)) + "}";
        assertTrue(java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "src/test/resources/qemu/libvirtd-9.0/blkdump-tune-qmp.txt")).contains(sent), sent);
        assertEquals("{\"id\":\"" + QOM + "\",\"bps\":1000,\"bps_rd\":0,\"bps_wr\":0,\"iops\":50,\"iops_rd\":0,"
                + "\"iops_wr\":0,\"bps_max\":0,\"bps_rd_max\":0,\"bps_wr_max\":0,\"iops_max\":0,\"iops_rd_max\":0,"
                + "\"iops_wr_max\":0,\"iops_size\":0,\"group\":\"cfg\"}", QmpCodec.json(info.qmpArguments(QOM)));
        BlockIoTuneInfo burst = new BlockIoTuneInfo(Map.of("total_iops_sec", 400L, "total_iops_sec_max", 800L,
                "total_iops_sec_max_length", 3L), null);
        assertEquals(true, QmpCodec.json(burst.qmpArguments(QOM)).endsWith("\"iops_size\":0,\"iops_max_length\":3}"));
    }

    @Test
    void aFamilyTheClientNamesIsReplacedWholeTheOthersKept() {
        BlockIoTuneInfo old = new BlockIoTuneInfo(Map.of("total_bytes_sec", 1_000_000L, "total_iops_sec", 400L), null);
        BlockIoTuneInfo next = req(u("read_bytes_sec", 5)).mergedInto(old);
        assertEquals(0, next.get("total_bytes_sec")); // the bytes family: total went with the new read
        assertEquals(5, next.get("read_bytes_sec"));
        assertEquals(400, next.get("total_iops_sec"));
    }

    @Test
    void aClearedBurstLengthBecomesOneWhileItsRateStays() {
        BlockIoTuneInfo old = new BlockIoTuneInfo(Map.of("total_iops_sec", 400L, "total_iops_sec_max", 800L,
                "total_iops_sec_max_length", 3L), null);
        assertEquals(1, req(u("total_iops_sec_max_length", 0)).mergedInto(old).get("total_iops_sec_max_length"));
        assertEquals(0, req(u("total_iops_sec", 0), u("total_iops_sec_max", 0), u("total_iops_sec_max_length", 0))
                .mergedInto(old).get("total_iops_sec_max_length"));
    }

    @Test
    void checksSayWhatLibvirtSays() {
        VirException both = assertThrows(VirException.class,
                () -> req(u("total_bytes_sec", 1), u("read_bytes_sec", 5)));
        assertEquals("invalid argument: total and read/write of bytes_sec cannot be set at the same time",
                both.getMessage());
        VirException big = assertThrows(VirException.class, () -> req(u("total_bytes_sec", 1_000_000_000_000_001L)));
        assertEquals("argument unsupported: block I/O throttle limit value must be no more than 1000000000000000",
                big.getMessage());
        VirException smaller = assertThrows(VirException.class, () -> BlockIoTuneInfo.Request.checkMax(
                new BlockIoTuneInfo(Map.of("read_bytes_sec", 5L, "read_bytes_sec_max", 4L), null)));
        assertEquals("unsupported configuration: value 'read_bytes_sec_max' cannot be smaller than 'read_bytes_sec'",
                smaller.getMessage());
        // libvirt's macro tests a constant: a burst without its rate always reads "cannot reset"
        VirException reset = assertThrows(VirException.class, () -> BlockIoTuneInfo.Request.checkMax(
                new BlockIoTuneInfo(Map.of("read_iops_sec_max", 9L), null)));
        assertEquals("unsupported configuration: cannot reset 'read_iops_sec' when 'read_iops_sec_max' is set",
                reset.getMessage());
    }

    @Test
    void allZeroLeavesTheGroupButCannotMakeOne() {
        BlockIoTuneInfo zero = new BlockIoTuneInfo(Map.of(), "grp1");
        assertNull(BlockIoTuneInfo.Request.checkReset(zero, "grp1").group());
        VirException e = assertThrows(VirException.class,
                () -> BlockIoTuneInfo.Request.checkReset(new BlockIoTuneInfo(Map.of(), "other"), "grp1"));
        assertEquals("unsupported configuration: creating a new group/updating existing with all tune parameters"
                + " zero is not supported", e.getMessage());
    }

    @Test
    void xmlHasTheSetValuesInLibvirtsOrderGroupAfterSizeIops() {
        BlockIoTuneInfo info = new BlockIoTuneInfo(Map.of("total_iops_sec_max_length", 3L, "read_bytes_sec", 5L,
                "size_iops_sec", 4096L), "grp1");
        XmlNode x = info.toXml();
        assertEquals(List.of("read_bytes_sec", "size_iops_sec", "group_name", "total_iops_sec_max_length"),
                x.children().stream().map(XmlNode::name).toList());
        assertEquals(info, BlockIoTuneInfo.ofXml(x));
        assertNull(BlockIoTuneInfo.NONE.toXml());
        List<TypedParameter> p = BlockIoTuneInfo.NONE.toParams(0);
        assertEquals(20, p.size());
        assertEquals("group_name", p.get(13).field());
        assertEquals("", p.get(13).stringValue());
    }

    @Test
    void queryBlockFindsTheDeviceByItsQomName() {
        Object answer = List.of(
                Map.of("device", "", "qdev", "ide0-0-0", "inserted", Map.of()),
                Map.of("device", "", "qdev", QOM, "inserted", Map.of("bps", 1000, "bps_rd", 0, "bps_wr", 0,
                        "iops", 50, "iops_rd", 0, "iops_wr", 0, "group", "cfg")));
        BlockIoTuneInfo info = BlockIoTuneInfo.ofQueryBlock(answer, QOM);
        assertEquals(1000, info.get("total_bytes_sec"));
        assertEquals("cfg", info.group());
        VirException e = assertThrows(VirException.class, () -> BlockIoTuneInfo.ofQueryBlock(List.of(), "x"));
        assertEquals("internal error: cannot find throttling info for device 'x'", e.getMessage());
    }
}
