package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node files bring their domains as testParseDomains does: inline or file= (relative to the
 * node file), run states with sequential ids and reason 0, transient and managed-save flags,
 * snapshots with the current one, taint messages. Expected values from libvirt 9.0 on the same
 * files.
 */
class NodeDomainsTest {

    private static final String NS = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'";

    @TempDir
    Path dir;

    private final DomainTestSupport support = new DomainTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    private HypervisorConnection open(String body) throws IOException {
        Path node = dir.resolve("node.xml");
        Files.writeString(node, "<node>" + body + "</node>");
        return support.connect("test://" + node);
    }

    private static String dom(String name, String extra) {
        return "<domain type='test' " + NS + "><name>" + name + "</name><memory>1024</memory>"
                + "<os><type>hvm</type></os>" + extra + "</domain>";
    }

    @Test
    void runStatesIdsAndFlags() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/d.xml"), dom("d", ""));
        HypervisorConnection c = open(dom("a", "<test:runstate>3</test:runstate>")
                + dom("b", "<test:runstate>5</test:runstate><test:hasmanagedsave/>")
                + dom("c", "<test:transient/>")
                + "<domain file='sub/d.xml'/>");
        DomainRef a = c.domains().domainLookupByName("a");
        DomainRef b = c.domains().domainLookupByName("b");
        DomainRef cc = c.domains().domainLookupByName("c");
        DomainRef d = c.domains().domainLookupByName("d");
        assertEquals(List.of(1, -1, 2, 3), List.of(a.id(), b.id(), cc.id(), d.id()));
        assertEquals(new DomainStateReason(DomainState.PAUSED, 0), c.domains().domainGetState(a, 0));
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, 0), c.domains().domainGetState(b, 0));
        assertTrue(c.domains().domainHasManagedSaveImage(b, 0));
        assertFalse(c.domains().domainIsPersistent(cc));
        c.domains().domainDestroy(cc);
        assertThrows(VirException.class, () -> c.domains().domainLookupByName("c"));
        assertEquals(List.of("b"), c.domains().connectListDefinedDomains(10));
    }

    @Test
    void snapshotsAndTheCurrentOne() throws IOException {
        HypervisorConnection c = open(dom("a",
                "<test:domainsnapshot><name>s1</name><state>running</state><creationTime>100</creationTime>"
                        + "<active>0</active></test:domainsnapshot>"
                        + "<test:domainsnapshot><name>s2</name><state>shutoff</state><creationTime>200</creationTime>"
                        + "<parent><name>s1</name></parent><active>1</active></test:domainsnapshot>"));
        DomainRef a = c.domains().domainLookupByName("a");
        assertEquals(List.of("s1", "s2"), c.domains().domainSnapshotListNames(a, 10, 0));
        assertEquals("s2", c.domains().domainSnapshotCurrent(a, 0).name());
        assertEquals("s1", c.domains().domainSnapshotGetParent(new io.jvirtd.model.domain.SnapshotRef("s2", a), 0).name());
        assertError(VirErrorNumber.SNAPSHOT_REVERT_RISKY, VirErrorDomain.TEST,
                "revert requires force: snapshot 's1' lacks domain 'a' rollback info",
                () -> c.domains().domainRevertToSnapshot(new io.jvirtd.model.domain.SnapshotRef("s1", a), 0));
    }

    @Test
    void twoCurrentSnapshotsAreRefused() {
        VirException e = assertThrows(VirException.class, () -> open(dom("a",
                "<test:domainsnapshot><name>s1</name><state>running</state><creationTime>1</creationTime>"
                        + "<active>1</active></test:domainsnapshot>"
                        + "<test:domainsnapshot><name>s2</name><state>running</state><creationTime>2</creationTime>"
                        + "<active>1</active></test:domainsnapshot>")));
        assertEquals("internal error: more than one snapshot claims to be active", e.message());
    }

    @Test
    void taintedDomainsReportMessages() throws IOException {
        HypervisorConnection c = open(dom("b", "<cpu mode='custom'><model>Deprecated-Test</model></cpu>"
                + "<devices><disk type='block' device='cdrom'><source dev='/dev/sr0'/>"
                + "<target dev='hdc' bus='ide'/></disk>"
                + "<interface type='ethernet'><script path='/bin/true'/></interface></devices>"));
        DomainRef b = c.domains().domainLookupByName("b");
        assertEquals(List.of("tainted: network configuration using opaque shell scripts",
                "tainted: use of host cdrom passthrough",
                "tainted: use of deprecated configuration settings",
                "deprecated configuration: CPU model Deprecated-Test"), c.domains().domainGetMessages(b, 0));
        assertEquals(List.of("deprecated configuration: CPU model Deprecated-Test"),
                c.domains().domainGetMessages(b, Flags.MESSAGE_DEPRECATION));
    }

    @Test
    void eachNodeFileConnectionHasItsOwnDomainsAndDefaultHostIsShared() throws IOException {
        HypervisorConnection a = open(dom("x", ""));
        HypervisorConnection b = support.connect("test://" + dir.resolve("node.xml"));
        a.domains().domainDestroy(a.domains().domainLookupByName("x"));
        assertTrue(b.domains().domainIsActive(b.domains().domainLookupByName("x")));
        HypervisorConnection d1 = support.connectDefault();
        HypervisorConnection d2 = support.connectDefault();
        d1.domains().domainDestroy(d1.domains().domainLookupByName("test"));
        assertFalse(d2.domains().domainIsActive(d2.domains().domainLookupByName("test")));
    }
}
