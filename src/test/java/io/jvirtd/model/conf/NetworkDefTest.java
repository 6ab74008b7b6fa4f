package io.jvirtd.model.conf;

import io.jvirtd.driver.schema.InstalledSchemas;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network XML against what libvirt 9.0's test driver answered for the same input
 * (src/test/resources/network, made by capture.py there): NAME.out is the formatted
 * definition, NAME.err the error's code, domain and message.
 */
class NetworkDefTest {

    private static final Path DIR = Path.of("src/test/resources/network");

    @TestFactory
    List<DynamicTest> everyCapturedInputGivesLibvirtsAnswer() throws IOException {
        return CapturedAnswers.each(DIR, 51, (in, out) -> {
            assertEquals(out, NetworkDef.parse(in, false).format(0));
            // the formatted text parses back to itself, as virNetworkDefCopy relies on
            assertEquals(out, NetworkDef.parse(out, false).format(0));
        }, in -> NetworkDef.parse(in, false));
    }

    @Test
    void defaultsAreLibvirts() {
        NetworkDef d = NetworkDef.parse("<network><name>n</name><ip address='10.1.1.1' prefix='24'/></network>", false);
        String xml = d.format(0);
        assertTrue(xml.contains("  <bridge stp='on' delay='0'/>\n  <ip address='10.1.1.1' prefix='24'>\n  </ip>\n"), xml);
        assertEquals(16, d.uuid().length);
        assertEquals(null, d.bridge());
        assertEquals(24, d.firstIpPrefix());
        // a generated UUID differs between parses
        assertFalse(java.util.Arrays.equals(d.uuid(),
                NetworkDef.parse("<network><name>n</name></network>", false).uuid()));
    }

    @Test
    void naturalPrefixAndRangeStartForGuestAddresses() {
        NetworkDef d = NetworkDef.parse("<network><name>n</name><ip address='172.16.0.1'><dhcp>"
                + "<range start='172.16.0.10' end='172.16.0.20'/></dhcp></ip></network>", false);
        assertEquals(16, d.firstIpPrefix());
        assertEquals("172.16.0.10", d.firstIpRangeStart().toString());
        assertEquals("172.16.0.13", d.firstIpRangeStart().plus(3).toString());
    }

    @Test
    void malformedAndWrongRootAreXmlErrors() {
        VirException e = assertThrows(VirException.class, () -> NetworkDef.parse("<network><name>x</name", false));
        assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
        assertEquals(VirErrorDomain.NETWORK.number(), e.domain());
        e = assertThrows(VirException.class, () -> NetworkDef.parse("<domain/>", false));
        assertEquals("XML error: expecting root element of 'network', not 'domain'", e.message());
        e = assertThrows(VirException.class, () -> NetworkDef.parse("<network/>", false));
        assertEquals(VirErrorNumber.NO_NAME.number(), e.code());
    }

    @Test
    void validateRefusesWhatTheSchemaDoesNotKnow() {
        SchemaValidator schemas = InstalledSchemas.require();
        String base = "XML document failed to validate against schema: Unable to validate doc against "
                + "/usr/share/libvirt/schemas/network.rng\n";
        VirException e = assertThrows(VirException.class,
                () -> NetworkDef.parse("<network><name>v</name><foo/></network>", true, schemas));
        assertTrue(e.message().startsWith(base + "element \"foo\" not allowed here"), e.message());
        assertEquals(VirErrorNumber.XML_INVALID_SCHEMA.number(), e.code());
        e = assertThrows(VirException.class, () -> NetworkDef.parse(
                "<network><name>v</name><ip address='1.2.3.4'><dhcp><zz/></dhcp></ip></network>", true, schemas));
        assertTrue(e.message().startsWith(base + "element \"zz\" not allowed here"), e.message());
        // without validation the unknown element is ignored
        NetworkDef.parse("<network><name>v</name><foo/></network>", false, schemas);
        NetworkDef.parse(CapturedAnswers.read(DIR.resolve("rich.xml")), true, schemas);
    }

    private static NetworkDef defaultNet() {
        return NetworkDef.parse("<network><name>default</name><uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>"
                + "<forward/><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp>"
                + "<range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>", false);
    }

    @Test
    void dhcpHostAddModifyDelete() {
        NetworkDef d = defaultNet();
        d.update(3, 4, -1, "<host mac='52:54:00:00:00:01' name='h1' ip='192.168.122.5'/>");
        d.update(4, 4, -1, "<host mac='52:54:00:00:00:02' ip='192.168.122.6'/>");
        assertTrue(d.format(0).contains("      <host mac='52:54:00:00:00:02' ip='192.168.122.6'/>\n"
                + "      <host mac='52:54:00:00:00:01' name='h1' ip='192.168.122.5'/>\n"), d.format(0));
        d.update(1, 4, -1, "<host mac='52:54:00:00:00:01' name='h2' ip='192.168.122.9'/>");
        assertTrue(d.format(0).contains("<host mac='52:54:00:00:00:01' name='h2' ip='192.168.122.9'/>"));
        d.update(2, 4, -1, "<host name='h2'/>");
        assertFalse(d.format(0).contains("h2"));
        VirException e = assertThrows(VirException.class,
                () -> d.update(3, 4, -1, "<host mac='52:54:00:00:00:02' ip='192.168.122.7'/>"));
        assertEquals("Requested operation is not valid: there is an existing dhcp host entry in network 'default' "
                + "that matches \"<host mac='52:54:00:00:00:02' name='(null)' ip='192.168.122.7'/>\"", e.message());
        e = assertThrows(VirException.class, () -> d.update(3, 4, 3, "<host mac='52:54:00:00:00:09' ip='192.168.122.7'/>"));
        assertEquals("Requested operation is not valid: couldn't update dhcp host entry - no <ip> element found at "
                + "index 3 in network 'default'", e.message());
        e = assertThrows(VirException.class, () -> d.update(3, 4, -1, "<range/>"));
        assertEquals("XML error: unexpected element <range>, expecting <host>, while updating network 'default'",
                e.message());
    }

    @Test
    void rangesDnsPortgroupsAndInterfaces() {
        NetworkDef d = defaultNet();
        d.update(3, 5, -1, "<range start='192.168.122.100' end='192.168.122.120'/>");
        VirException e = assertThrows(VirException.class,
                () -> d.update(1, 5, -1, "<range start='192.168.122.100' end='192.168.122.120'/>"));
        assertEquals("Operation not supported: dhcp ranges cannot be modified, only added or deleted", e.message());
        d.update(2, 5, -1, "<range start='192.168.122.2' end='192.168.122.254'/>");
        d.update(3, 10, -1, "<host ip='192.168.122.9'><hostname>foo</hostname></host>");
        d.update(3, 11, -1, "<txt name='t' value='v'/>");
        d.update(3, 12, -1, "<srv service='s' protocol='tcp'/>");
        d.update(3, 9, -1, "<portgroup name='pg1' default='yes'/>");
        d.update(3, 7, -1, "<interface dev='eth0'/>");
        assertEquals("<network>\n"
                + "  <name>default</name>\n"
                + "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
                + "  <forward dev='eth0' mode='nat'>\n"
                + "    <interface dev='eth0'/>\n"
                + "  </forward>\n"
                + "  <bridge name='virbr0' stp='on' delay='0'/>\n"
                + "  <dns>\n"
                + "    <txt name='t' value='v'/>\n"
                + "    <srv service='s' protocol='tcp'/>\n"
                + "    <host ip='192.168.122.9'>\n"
                + "      <hostname>foo</hostname>\n"
                + "    </host>\n"
                + "  </dns>\n"
                + "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
                + "    <dhcp>\n"
                + "      <range start='192.168.122.100' end='192.168.122.120'/>\n"
                + "    </dhcp>\n"
                + "  </ip>\n"
                + "  <portgroup name='pg1' default='yes'>\n"
                + "  </portgroup>\n"
                + "</network>\n", d.format(0));
        e = assertThrows(VirException.class, () -> d.update(3, 9, -1, "<portgroup name='pg2' default='yes'/>"));
        assertEquals("Requested operation is not valid: a different portgroup entry in network 'default' is already "
                + "set as the default. Only one default is allowed.", e.message());
        e = assertThrows(VirException.class, () -> d.update(3, 1, -1, "<bridge/>"));
        assertEquals("Operation not supported: can't update 'bridge' section of network 'default'", e.message());
        e = assertThrows(VirException.class, () -> d.update(9, 11, -1, "<txt name='x' value='y'/>"));
        assertEquals("Operation not supported: unrecognized network update command code 9", e.message());
    }

    @Test
    void addressesParseAndPrintAsGlibcDoes() {
        assertEquals("10.0.0.1", NetAddr.parse("10.1", 0).toString());
        assertEquals("127.0.0.1", NetAddr.parse("0x7f.1", 0).toString());
        assertEquals(null, NetAddr.parse("1.2.3.256", 0));
        assertEquals("fe80::1", NetAddr.parse("fe80::1%lo", 0).toString());
        assertEquals("::ffff:1.2.3.4", NetAddr.parse("::ffff:1.2.3.4", 0).toString());
        assertEquals("2001:db8::1:0:0:1", NetAddr.parse("2001:0db8:0:0:1:0:0:1", 0).toString());
        assertEquals(null, NetAddr.parse("1.2.3.4", NetAddr.INET6));
        assertEquals(-1, NetAddr.parse("255.0.255.0", 0).netmaskBits());
    }
}
