package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot XML against virsh snapshot-dumpxml of the real test driver (snapshot/*.out, see
 * capture.sh), building each snapshot the way testDomainSnapshotCreateXML does: parse, capture
 * the domain with virDomainDefCopy (copyViaXml(true)), align disks from the domain state.
 */
class SnapshotDefTest {

    /** The default "test" domain as test:///default holds it (running, id 1). */
    static DomainDef defaultDomain() {
        DomainDef d = DomainDef.parse(Golden.read("domain", "default.xml"), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.generateIfnames(d);
        d.setId(1);
        return d;
    }

    private static String create(DomainDef dom, String xml, int state, String parent, String golden) {
        SnapshotDef s = SnapshotDef.parse(xml, 0, MockXmlOptions.OPTIONS);
        s.setDomain(dom.copyViaXml(true));
        s.testAlign(state, false, state != 5, path -> true);
        s.setParentName(parent);
        String expected = Golden.xml("snapshot", golden);
        s.setCreationTime(Golden.creationTime(expected));
        return s.format(0, dom.uuidString());
    }

    @Test
    void runningDomainWithDescription() {
        String out = create(defaultDomain(),
                "<domainsnapshot><name>s1</name><description>d1</description></domainsnapshot>",
                1, null, "running.out");
        assertEquals(Golden.xml("snapshot", "running.out"), out);
    }

    @Test
    void fromFixtureXml() {
        String out = create(defaultDomain(), Golden.read("snapshot", "snap1.xml"), 1, null, "snap1.out");
        assertEquals(Golden.xml("snapshot", "snap1.out"), out);
    }

    @Test
    void requestedDiskByPathIsRenamedToTarget() {
        String out = create(defaultDomain(), Golden.read("snapshot", "disks.xml"), 1, null, "disks.out");
        assertEquals(Golden.xml("snapshot", "disks.out"), out);
    }

    @Test
    void shutOffDomainHasNoMemory() {
        DomainDef d = defaultDomain();
        d.setId(-1);
        String out = create(d, "<domainsnapshot><name>off</name></domainsnapshot>", 5, null, "shutoff.out");
        assertEquals(Golden.xml("snapshot", "shutoff.out"), out);
    }

    @Test
    void childNamesItsParent() {
        String out = create(defaultDomain(), "<domainsnapshot><name>s2</name></domainsnapshot>", 1, "s1",
                "child.out");
        assertEquals(Golden.xml("snapshot", "child.out"), out);
    }

    @Test
    void redefineReproducesTheDump() {
        // snapshot-dumpxml output fed back with VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE
        for (String g : new String[] {"running.out", "shutoff.out", "child.out", "disks.out"}) {
            String xml = Golden.xml("snapshot", g);
            SnapshotDef s = SnapshotDef.parse(xml, SnapshotDef.PARSE_REDEFINE, MockXmlOptions.OPTIONS);
            assertEquals(xml, s.format(0), g);
            assertEquals(xml, s.copy().format(0), g);
        }
    }

    @Test
    void newSnapshotWithoutNameIsNamedAfterItsCreationTime() {
        long before = System.currentTimeMillis() / 1000;
        SnapshotDef s = SnapshotDef.parse("<domainsnapshot/>", 0, MockXmlOptions.OPTIONS);
        assertTrue(s.creationTime() >= before);
        assertEquals(Long.toString(s.creationTime()), s.name());
    }

    @Test
    void withoutDomainPrintsTheUuidOnly() {
        SnapshotDef s = SnapshotDef.parse("<domainsnapshot><name>x</name></domainsnapshot>", 0, MockXmlOptions.OPTIONS);
        s.setCreationTime(5);
        assertEquals("<domainsnapshot>\n  <name>x</name>\n  <creationTime>5</creationTime>\n"
                + "  <domain>\n    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n  </domain>\n"
                + "</domainsnapshot>\n", s.format(0, "6695eb01-f6a4-8304-79aa-97f2502e193f"));
    }

    @Test
    void errorsUseTheSnapshotDomain() {
        VirException e = assertThrows(VirException.class,
                () -> SnapshotDef.parse("<domainsnapshot><memory snapshot='external'/></domainsnapshot>", 0, MockXmlOptions.OPTIONS));
        assertEquals(VirErrorNumber.XML_ERROR.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN_SNAPSHOT.number(), e.domain());
        assertEquals("XML error: external memory snapshots require a filename", e.message());

        e = assertThrows(VirException.class, () -> SnapshotDef.parse("<domainsnapshot>", 0, MockXmlOptions.OPTIONS));
        assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN_SNAPSHOT.number(), e.domain());
        assertTrue(e.message().startsWith("(domain_snapshot):1: "), e.message());

        e = assertThrows(VirException.class, () -> SnapshotDef.parse("<domain/>", 0, MockXmlOptions.OPTIONS));
        assertEquals("XML error: expecting root element of 'domainsnapshot', not 'domain'", e.message());

        e = assertThrows(VirException.class,
                () -> SnapshotDef.parse("<domainsnapshot><state>running</state></domainsnapshot>",
                        SnapshotDef.PARSE_REDEFINE, MockXmlOptions.OPTIONS));
        assertEquals("XML error: a redefined snapshot must have a name", e.message());

        SnapshotDef s = SnapshotDef.parse(
                "<domainsnapshot><disks><disk name='vdz'/></disks></domainsnapshot>", 0, MockXmlOptions.OPTIONS);
        s.setDomain(defaultDomain().copyViaXml(true));
        e = assertThrows(VirException.class, () -> s.testAlign(1, false, true, path -> true));
        assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code());
        assertEquals("unsupported configuration: no disk named 'vdz'", e.message());
    }

    @Test
    void externalMemoryNamesNoImageAfterASourceThatIsNotARegularFile() {
        SnapshotDef s = SnapshotDef.parse("<domainsnapshot><name>s1</name>"
                + "<memory snapshot='external' file='/tmp/mem'/></domainsnapshot>", 0, MockXmlOptions.OPTIONS);
        s.setDomain(defaultDomain().copyViaXml(true));
        VirException e = assertThrows(VirException.class,
                () -> s.testAlign(1, false, true, path -> false));
        assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code());
        assertEquals("unsupported configuration: source for disk 'vda' is not a regular file; "
                + "refusing to generate external snapshot name", e.message());

        SnapshotDef ok = SnapshotDef.parse("<domainsnapshot><name>s1</name>"
                + "<memory snapshot='external' file='/tmp/mem'/></domainsnapshot>", 0, MockXmlOptions.OPTIONS);
        ok.setDomain(defaultDomain().copyViaXml(true));
        ok.testAlign(1, false, true, "/guest/diskimage1"::equals);
        assertTrue(ok.format(0, null).contains("<source file='/guest/diskimage1.s1'/>"), ok.format(0, null));
    }

    @Test
    void capturedDomainIsIndependent() {
        DomainDef d = defaultDomain();
        SnapshotDef s = SnapshotDef.parse("<domainsnapshot><name>s</name></domainsnapshot>", 0, MockXmlOptions.OPTIONS);
        s.setDomain(d.copyViaXml(true));
        d.setMemoryKiB(1024);
        assertNotNull(s.domain());
        assertEquals(8388608, s.domain().memoryKiB());
        assertEquals(-1, s.domain().id());
    }
}
