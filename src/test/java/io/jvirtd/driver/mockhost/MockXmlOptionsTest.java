package io.jvirtd.driver.mockhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.DomainXmlOptions;

import org.junit.jupiter.api.Test;

/** The test driver's xmlopt: its namespace, default arch and video model, passed to the shared parser. */
class MockXmlOptionsTest {

    private static final String NS = "xmlns:test='" + MockXmlOptions.TEST_NS + "'";

    @Test
    void theTestNamespaceIsTheMockHostsAndNeverPrinted() {
        DomainDef d = DomainDef.parse("<domain type='test' " + NS + ">"
                + "<test:runstate>5</test:runstate><test:hasmanagedsave/>"
                + "<test:domainsnapshot><name>s</name></test:domainsnapshot>"
                + "<name>n</name><memory>1024</memory><os><type>hvm</type></os></domain>",
                DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.TestNs ns = MockXmlOptions.TestNs.of(d);
        assertEquals(5, ns.runstate());
        assertTrue(ns.hasManagedSave());
        assertFalse(ns.transientDomain());
        assertEquals(1, ns.snapshotXml().size());
        assertTrue(ns.snapshotXml().get(0).startsWith("<test:domainsnapshot xmlns:test="));
        // the test driver's namespace has no formatter: nothing of it is printed
        assertFalse(d.format(0).contains("test:"));
        assertEquals(1, MockXmlOptions.TestNs.of(d.copy()).snapshotXml().size(), "a copy keeps it");
        VirException e = assertThrows(VirException.class, () -> DomainDef.parse(
                "<domain type='test' " + NS + "><test:transient/>"
                        + "<test:runstate>5</test:runstate><name>n</name><memory>1024</memory>"
                        + "<os><type>hvm</type></os></domain>", DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS));
        assertEquals("XML error: transient domain cannot have runstate 'shutoff'", e.message());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
        e = assertThrows(VirException.class, () -> DomainDef.parse("<domain type='test' " + NS + ">"
                + "<test:runstate>x</test:runstate><name>n</name><memory>1024</memory>"
                + "<os><type>hvm</type></os></domain>", DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS));
        assertEquals("XML error: invalid runstate", e.message());
    }

    @Test
    void anotherDriversOptionsIgnoreTheTestNamespaceAndKeepTheirOwnDefaults() {
        String xml = "<domain type='test' " + NS + "><test:runstate>x</test:runstate><name>n</name>"
                + "<memory>1024</memory><os><type>hvm</type></os><devices><video/></devices></domain>";
        DomainDef generic = DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, DomainXmlOptions.GENERIC);
        assertEquals(null, generic.namespaceData());
        assertEquals("x86_64", generic.osArch());
        DomainDef mock = DomainDef.parse(xml.replace("x</test", "1</test"), DomainDef.PARSE_INACTIVE,
                MockXmlOptions.OPTIONS);
        assertEquals("i686", mock.osArch());
        assertTrue(mock.format(0).contains("<model type='cirrus' vram='16384' heads='1' primary='yes'/>"),
                mock.format(0));
    }
}
