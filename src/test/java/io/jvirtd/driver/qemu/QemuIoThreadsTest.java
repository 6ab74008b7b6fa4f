package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The pure parts of {@link QemuIoThreads}: the command line's iothread objects, query-iothreads'
 * answer, the parameters of iothreadset with libvirt 9.0's errors, and the definition's
 * iothread list after a removal (libvirt then prints the ids that follow explicitly).
 */
class QemuIoThreadsTest {

    private static DomainDef def(String extra) {
        return QemuLifecycle.parse("<domain type='qemu'><name>io</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                + extra + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices/></domain>");
    }

    @Test
    void commandLineHasOneObjectPerIdInDefinitionOrderWithItsPool() {
        DomainDef d = def("<iothreads>2</iothreads><iothreadids><iothread id='4' thread_pool_max='3'/>"
                + "</iothreadids>");
        List<String> a = new ArrayList<>();
        QemuIoThreads.commandLine(a, d);
        // as libvirtd 9.0 started the same definition
        assertEquals(List.of("-object", "{\"qom-type\":\"iothread\",\"id\":\"iothread4\",\"thread-pool-max\":3}",
                "-object", "{\"qom-type\":\"iothread\",\"id\":\"iothread1\"}"), a);
    }

    @Test
    void queryIothreadsKeepsLibvirtsObjectsInQemusOrder() {
        Object answer = List.of(Map.of("id", "iothread4", "thread-id", 900, "poll-max-ns", 32768),
                Map.of("id", "other", "thread-id", 901), Map.of("id", "iothread1", "thread-id", 902));
        Map<Integer, Long> t = QemuIoThreads.parseThreads(answer);
        assertEquals(List.of(4, 1), new ArrayList<>(t.keySet()));
        assertEquals(902L, t.get(1));
        VirException e = assertThrows(VirException.class,
                () -> QemuIoThreads.parseThreads(List.of(Map.of("id", "iothreadX", "thread-id", 1))));
        assertEquals("internal error: failed to find iothread id for 'iothreadX'", e.getMessage());
    }

    @Test
    void parametersCarryLibvirtsErrors() {
        VirException e = assertThrows(VirException.class, () -> QemuIoThreads.Params.parse(
                List.of(TypedParameter.ofULLong("poll_max_ns", 3_000_000_000L))));
        assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code());
        assertEquals("unsupported configuration: poll-max-ns (3000000000) must be less than or equal to 2147483647",
                e.getMessage());
        e = assertThrows(VirException.class, () -> QemuIoThreads.Params.parse(
                List.of(TypedParameter.ofInt("thread_pool_max", 0))));
        assertEquals("unsupported configuration: thread_pool_max (0) must be a positive number or -1", e.getMessage());
        QemuIoThreads.Params p = QemuIoThreads.Params.parse(List.of(TypedParameter.ofInt("thread_pool_min", 5)));
        e = assertThrows(VirException.class, () -> p.validate(new int[] {1, 4}, true));
        assertEquals("Requested operation is not valid: thread_pool_min (5) can't be greater than thread_pool_max (4)",
                e.getMessage());
        QemuIoThreads.Params clear = QemuIoThreads.Params.parse(List.of(TypedParameter.ofInt("thread_pool_min", -1)));
        e = assertThrows(VirException.class, () -> clear.validate(new int[] {-1, -1}, true));
        assertEquals("Requested operation is not valid: thread_pool_min (-1) must be equal to or greater than 0 "
                + "for live change", e.getMessage());
        assertArrayEquals(new int[] {-1, -1}, clear.validate(new int[] {2, -1}, false));
        assertTrue(QemuIoThreads.Params.parse(List.of(TypedParameter.ofUInt("poll_grow", 2))).polling());
    }

    @Test
    void domstatsIothreadGroupCountsLibvirtsThreadsWithTheirPolling() {
        List<TypedParameter> p = new ArrayList<>();
        QemuStats.iothreads(p, List.of(Map.of("id", "iothread2", "thread-id", 9, "poll-max-ns", 100,
                "poll-grow", 2, "poll-shrink", 4), Map.of("id", "other", "thread-id", 10)));
        assertEquals(List.of(TypedParameter.ofUInt("iothread.count", 1),
                TypedParameter.ofULLong("iothread.2.poll-max-ns", 100), TypedParameter.ofUInt("iothread.2.poll-grow", 2),
                TypedParameter.ofUInt("iothread.2.poll-shrink", 4)), p);
        p.clear();
        QemuStats.iothreads(p, List.of());
        assertEquals(List.of(), p);
    }

    @Test
    void removingAnIothreadPrintsTheIdsAfterItAndDropsItsPin() {
        DomainDef d = def("<iothreads>3</iothreads><cputune><iothreadpin iothread='2' cpuset='1'/></cputune>");
        assertTrue(!d.format(DomainDef.XML_INACTIVE).contains("<iothreadids>"));
        d.removeIothread(2);
        String xml = d.format(DomainDef.XML_INACTIVE);
        assertTrue(xml.contains("<iothreads>2</iothreads>\n  <iothreadids>\n    <iothread id='1'/>\n"
                + "    <iothread id='3'/>\n  </iothreadids>"), xml);
        assertNull(d.iothreadPin(2));
        assertTrue(d.setIothreadPool(3, -1, 8));
        assertTrue(d.setIothreadPool(3, 1, 8));
        assertTrue(d.format(DomainDef.XML_INACTIVE).contains("<iothread id='3' thread_pool_min='1' thread_pool_max='8'/>"));
        assertArrayEquals(new int[] {1, 8}, d.iothreadPool(3));
        assertNull(d.iothreadPool(9));
    }
}
