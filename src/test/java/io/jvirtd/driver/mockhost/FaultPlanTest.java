package io.jvirtd.driver.mockhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.FaultCount;
import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.InjectedFault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fault-plan format and what a plan decides for calls, without a daemon. */
class FaultPlanTest {

    private static final String NS = FaultPlanParser.NS;

    @TempDir
    Path dir;

    private final FaultStats stats = new FaultStats();

    private static FaultInjector.Call call(String api, String proc, String object, String transport, boolean ro) {
        return new FaultInjector.Call(api, proc, object, null, transport, ro, false);
    }

    private static final FaultInjector.Call LOOKUP = call("virDomainLookupByName", "DOMAIN_LOOKUP_BY_NAME",
            "test", "tcp", false);

    private FaultPlan plan(String body) throws IOException {
        Path f = dir.resolve("plan.xml");
        Files.writeString(f, "<node xmlns:f='" + NS + "'><domain/>\n" + body + "\n</node>\n");
        return FaultPlanParser.parse(f, stats);
    }

    @Test
    void nodeFileWithoutPlanHasNone() throws IOException {
        assertNull(plan(""));
    }

    @Test
    void probabilityIsSeededAndRepeats() throws IOException {
        String xml = "<f:plan seed='42'><f:rule name='r' procedure='virDomainLookup*' probability='0.1'>"
                + "<f:error/></f:rule></f:plan>";
        int[] counts = new int[2];
        for (int run = 0; run < 2; run++) {
            FaultPlan p = plan(xml);
            for (int i = 0; i < 1000; i++) {
                if (p.decide(LOOKUP).action() == InjectedFault.Action.ERROR) {
                    counts[run]++;
                }
            }
        }
        assertEquals(counts[0], counts[1]);
        assertTrue(counts[0] >= 70 && counts[0] <= 130, "count " + counts[0]);
        assertEquals(List.of(new FaultCount(dir.resolve("plan.xml").toString(), "r", "error", 2L * counts[0])),
                stats.snapshot());
    }

    @Test
    void lookupErrorDefaultsToNotFound() throws IOException {
        FaultPlan p = plan("<f:plan><f:rule procedure='DOMAIN_LOOKUP_BY_NAME'><f:error/></f:rule></f:plan>");
        VirException e = p.decide(LOOKUP).error();
        assertEquals(42, e.code());
        assertEquals(12, e.domain());
        assertEquals("Domain not found", e.message());
    }

    @Test
    void explicitCodeDomainAndMessage() throws IOException {
        FaultPlan p = plan("<f:plan><f:rule procedure='REMOTE_PROC_DOMAIN_*'>"
                + "<f:error code='VIR_ERR_OPERATION_TIMEOUT' domain='VIR_FROM_QEMU' message='monitor gone'/>"
                + "</f:rule></f:plan>");
        VirException e = p.decide(LOOKUP).error();
        assertEquals(68, e.code());
        assertEquals(10, e.domain());
        assertEquals("Timed out during operation: monitor gone", e.message());
    }

    @Test
    void everyNthAndFirstN() throws IOException {
        FaultPlan every = plan("<f:plan><f:rule every='3'><f:drop/></f:rule></f:plan>");
        FaultPlan first = plan("<f:plan><f:rule first='2'><f:hang/></f:rule></f:plan>");
        StringBuilder e = new StringBuilder();
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            e.append(every.decide(LOOKUP).action().name().charAt(0));
            f.append(first.decide(LOOKUP).action().name().charAt(0));
        }
        assertEquals("SSDSSD", e.toString());
        assertEquals("HHSSSS", f.toString());
    }

    @Test
    void delaysAddUpAndTheFirstTerminalFaultWins() throws IOException {
        FaultPlan p = plan("<f:plan>"
                + "<f:rule><f:delay value='20ms'/></f:rule>"
                + "<f:rule><f:delay distribution='uniform' min='5' max='5'/></f:rule>"
                + "<f:rule procedure='nothing'><f:drop/></f:rule>"
                + "<f:rule><f:error kind='internal'/></f:rule>"
                + "<f:rule><f:hang/></f:rule></f:plan>");
        InjectedFault f = p.decide(LOOKUP);
        assertEquals(25, f.delayMillis());
        assertEquals(InjectedFault.Action.ERROR, f.action());
        assertEquals(1, f.error().code());
    }

    @Test
    void matchesObjectTransportAndReadOnly() throws IOException {
        FaultPlan p = plan("<f:plan><f:rule object='te?t' transport='unix' readonly='yes'><f:drop/></f:rule></f:plan>");
        assertEquals(InjectedFault.Action.DROP, p.decide(call("a", "B", "test", "unix", true)).action());
        assertEquals(InjectedFault.Action.SERVE, p.decide(call("a", "B", "test", "tcp", true)).action());
        assertEquals(InjectedFault.Action.SERVE, p.decide(call("a", "B", "test", "unix", false)).action());
        assertEquals(InjectedFault.Action.SERVE, p.decide(call("a", "B", "other", "unix", true)).action());
    }

    @Test
    void partialNeverOnReadOnly() throws IOException {
        FaultPlan p = plan("<f:plan><f:rule><f:partial/></f:rule></f:plan>");
        assertEquals(InjectedFault.Action.SERVE, p.decide(call("a", "B", null, "unix", true)).action());
        InjectedFault rw = p.decide(call("a", "B", null, "unix", false));
        assertEquals(InjectedFault.Action.PARTIAL, rw.action());
        assertEquals("Timed out during operation: cannot acquire state change lock", rw.error().message());
    }

    @Test
    void weatherIsRead() throws IOException {
        FaultPlan p = plan("<f:plan><f:weather><f:crash rate='2/min' domain='web*'/>"
                + "<f:pool-inactive name='pools' rate='1/h'/></f:weather></f:plan>");
        assertEquals(2, p.weather().size());
        assertEquals(WeatherRule.Kind.CRASH, p.weather().get(0).kind());
        assertEquals(2.0 / 60, p.weather().get(0).perSecond(), 1e-12);
        assertEquals("pools", p.weather().get(1).name());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<f:plan><f:rule probability='1.5'><f:drop/></f:rule></f:plan>|2|probability 1.5 is not between 0 and 1",
        "<f:plan><f:rule every='2' first='3'><f:drop/></f:rule></f:plan>|2|give at most one of probability, every and first",
        "<f:plan><f:rule><f:drop/><f:hang/></f:rule></f:plan>|2|has a second action <hang>",
        "<f:plan><f:rule/></f:plan>|2|has no action",
        "<f:plan><f:rule><f:error code='VIR_ERR_NOPE'/></f:rule></f:plan>|2|unknown error code 'VIR_ERR_NOPE'",
        "<f:plan><f:rule colour='red'><f:drop/></f:rule></f:plan>|2|unknown attribute 'colour' of <rule>",
        "<f:plan><f:weather><f:flood rate='1/s'/></f:weather></f:plan>|2|unknown weather <flood>",
        "<f:plan><f:weather><f:crash rate='fast'/></f:weather></f:plan>|2|rate 'fast'",
        "<f:plan><f:rule><f:delay distribution='exponential'/></f:rule></f:plan>|2|<delay> needs mean",
        "<f:plan><f:rule name='a'><f:drop/></f:rule><f:rule name='a'><f:hang/></f:rule></f:plan>|2|a second rule named 'a'",
        "<f:plan><f:rule>|3|must be terminated",
    })
    void badPlansSayFileLineAndReason(String body, int line, String reason) {
        FaultPlanException e = assertThrows(FaultPlanException.class, () -> plan(body));
        assertTrue(e.getMessage().startsWith(dir.resolve("plan.xml") + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
