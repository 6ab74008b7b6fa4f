package io.jvirtd.driver.mockhost;

import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening test:///PATH node files, with the errors libvirtd 9.0 was seen to give
 * ({@code virsh -c test:///... nodeinfo} and python's libvirtError fields).
 */
class NodeFileTest {

    @TempDir
    Path dir;

    private final MockHostDriver driver = new MockHostDriver();

    private HypervisorConnection open(String uri) {
        return driver.open(URI.create(uri), uri, false).orElseThrow();
    }

    private Path write(String name, String xml) throws IOException {
        return Files.writeString(dir.resolve(name), xml);
    }

    private VirException openFails(String uri) {
        return assertThrows(VirException.class, () -> open(uri));
    }

    @Test
    void conformanceNodeFileLoadsAndLooksLikeTheDefaultHostWithoutCells() throws IOException {
        Path file = dir.resolve("testdefault.xml");
        Files.writeString(file, MockHostDriverTest.resource("testdefault.xml"));
        HypervisorConnection c = open("test://" + file);
        assertEquals(MockHost.DEFAULT_NODE_INFO, c.nodeGetInfo());
        assertEquals(MockHostDriverTest.resource("capabilities-file-host.xml"), c.getCapabilities());
        assertEquals(0, c.nodeGetFreeMemory());
        VirException e = assertThrows(VirException.class, () -> c.nodeGetCellsFreeMemory(0, 1));
        assertEquals("invalid argument: Range exceeds available cells", e.message());
    }

    @Test
    void eachFileConnectionGetsItsOwnHost() throws IOException {
        Path file = write("n.xml", "<node/>");
        assertNotSame(((MockConnection) open("test://" + file)).host(),
                ((MockConnection) open("test://" + file)).host());
    }

    @Test
    void cpuAndMemoryOverrides() throws IOException {
        Path file = write("good.xml", "<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores>"
                + "<threads>1</threads><active>2</active><mhz>2000</mhz><model>x86_64</model></cpu>"
                + "<memory>1048576</memory></node>");
        assertEquals(new NodeInfo("x86_64", 1048576, 2, 2000, 1, 1, 4, 1), open("test://" + file).nodeGetInfo());
    }

    @Test
    void activeAboveTheTopologyIsIgnoredAndCpusFollowTheProduct() throws IOException {
        Path file = write("n.xml", "<node><cpu><sockets>3</sockets><active>99</active></cpu></node>");
        assertEquals(24, open("test://" + file).nodeGetInfo().cpus());
    }

    @Test
    void badNumbersAreXmlErrorsNamingTheField() throws IOException {
        assertXmlError("<node><cpu><nodes>abc</nodes></cpu></node>", "invalid node cpu nodes value");
        assertXmlError("<node><cpu><nodes>-1</nodes></cpu></node>", "invalid node cpu nodes value");
        assertXmlError("<node><cpu><threads>2 </threads></cpu></node>", "invalid node cpu threads value");
        assertXmlError("<node><cpu><active>x</active></cpu></node>", "invalid node cpu active value");
        assertXmlError("<node><cpu><mhz>1.5</mhz></cpu></node>", "invalid node cpu mhz value");
        assertXmlError("<node><memory>-5</memory></node>", "invalid node memory value");
    }

    private void assertXmlError(String xml, String detail) throws IOException {
        Path file = write("bad.xml", xml);
        VirException e = openFails("test://" + file);
        assertEquals(27, e.code());
        assertEquals(12, e.domain());
        assertEquals("XML error: " + detail, e.message());
        assertEquals("XML error: %s", e.str1());
        assertEquals(detail, e.str2());
    }

    /**
     * A node file naming users: libvirtd opens it with no way to ask the remote client for
     * credentials (virConnectOpenAuth with no auth callback), so virAuthGetUsername refuses.
     */
    @Test
    void nodeFileWithUsersIsRefusedForMissingCredentials() throws IOException {
        for (String auth : new String[] {"<user password='pw'>alice</user><user>bob</user>", "<user>  </user>"}) {
            VirException e = openFails("test://" + write("auth.xml", "<node><auth>" + auth + "</auth></node>"));
            assertEquals(8, e.code());
            assertEquals(46, e.domain());
            assertEquals("invalid argument: Missing authentication credentials", e.message());
            assertEquals("invalid argument: %s", e.str1());
            assertEquals("Missing authentication credentials", e.str2());
        }
    }

    @Test
    void authWithoutUsersOrOutsideTheNodeOpens() throws IOException {
        assertEquals(MockHost.DEFAULT_NODE_INFO, open("test://" + write("a.xml", "<node><auth/></node>")).nodeGetInfo());
        assertEquals(MockHost.DEFAULT_NODE_INFO,
                open("test://" + write("b.xml", "<node><cpu><auth><user>a</user></auth></cpu></node>")).nodeGetInfo());
    }

    @Test
    void emptyUserNameIsAnXmlErrorAfterTheRestOfTheFile() throws IOException {
        assertXmlError("<node><auth><user>a</user><user password='x'/></auth></node>",
                "missing username in /node/auth/user field");
        assertXmlError("<node><auth><user/></auth><memory>x</memory></node>", "invalid node memory value");
    }

    @Test
    void overlongModelIsAnInternalError() throws IOException {
        Path file = write("m.xml", "<node><cpu><model>" + "x".repeat(32) + "</model></cpu></node>");
        assertEquals("internal error: Model " + "x".repeat(32) + " too big for destination",
                openFails("test://" + file).message());
    }

    @Test
    void missingFileCannotBeParsed() {
        VirException e = openFails("test:///nonexistent.xml");
        assertEquals(27, e.code());
        assertEquals(12, e.domain());
        assertEquals("XML error: failed to parse xml document '/nonexistent.xml'", e.message());
        assertEquals("failed to parse xml document '/nonexistent.xml'", e.str2());
    }

    @Test
    void relativePathOfAnOpaqueUriIsTriedAsGiven() {
        assertEquals("XML error: failed to parse xml document 'no-such-file.xml'",
                openFails("test:no-such-file.xml").message());
    }

    @Test
    void wrongRootElementIsReportedFromTheXmlDomain() throws IOException {
        Path file = write("root.xml", "<foo/>");
        VirException e = openFails("test://" + file);
        assertEquals(27, e.code());
        assertEquals(5, e.domain());
        assertEquals("XML error: expecting root element of 'node', not 'foo'", e.message());
    }

    @Test
    void malformedXmlIsAnXmlDetailWithFileLineAndPointer() throws IOException {
        Path file = write("trunc.xml", "<node><cpu>");
        VirException e = openFails("test://" + file);
        assertEquals(35, e.code());
        assertEquals(12, e.domain());
        assertEquals("%s", e.str1());
        assertTrue(e.message().startsWith(file + ":1: "), e.message());
        assertTrue(e.message().contains("\n<node><cpu>\n"), e.message());
        assertTrue(e.message().endsWith("^"), e.message());
    }

    @Test
    void directoryIsAnEmptyDocument() {
        VirException e = openFails("test://" + dir);
        assertEquals(35, e.code());
        assertEquals(dir + ":1: Document is empty\n(null)\n^", e.message());
    }

    @Test
    void noPathAsksForOne() {
        VirException e = openFails("test:///");
        assertEquals(8, e.code());
        assertEquals(12, e.domain());
        assertEquals("invalid argument: testOpen: supply a path or use test:///default", e.message());
    }

    @Test
    void declinesOtherSchemesAndRemoteServers() {
        assertTrue(driver.open(URI.create("qemu:///system"), "qemu:///system", false).isEmpty());
        assertTrue(driver.open(URI.create("TEST:///default"), "TEST:///default", false).isEmpty());
        assertTrue(driver.open(URI.create("test://host/default"), "test://host/default", false).isEmpty());
    }

    @Test
    void queryDoesNotChangeTheHost() {
        assertEquals(MockHost.DEFAULT_NODE_INFO, open("test:///default?x=1").nodeGetInfo());
    }

    @Test
    void fileHostCapabilitiesHaveNoCellsEvenWhenNodesAreConfigured() throws IOException {
        Path file = write("n.xml", "<node><cpu><nodes>4</nodes></cpu></node>");
        HypervisorConnection c = open("test://" + file);
        assertEquals(4, c.nodeGetInfo().nodes());
        assertTrue(c.getCapabilities().contains("<cells num='0'>\n      </cells>"));
        assertArrayEquals(new long[0], c.nodeGetFreePages(new int[] {4}, 0, 1, 0));
    }
}
