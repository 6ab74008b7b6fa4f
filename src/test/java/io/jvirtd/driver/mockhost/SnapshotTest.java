package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainFlags;
import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot trees, current snapshot, revert transitions and delete modes, and checkpoints, with
 * the answers python3-libvirt got from libvirt 9.0's test driver for the same sequences.
 */
class SnapshotTest {

    private final DomainTestSupport support = new DomainTestSupport();
    private final HypervisorConnection c = support.connectDefault();
    private final DomainRef test = c.domains().domainLookupByName("test");
    private final List<String> events = new ArrayList<>();

    SnapshotTest() {
        c.domains().connectDomainEventRegisterAny(null, DomainEvent.ID_LIFECYCLE, e -> {
            DomainEvent.Lifecycle l = (DomainEvent.Lifecycle) e;
            events.add(l.domain().id() + ":" + l.event() + ":" + l.detail());
        });
    }

    @AfterEach
    void close() {
        support.close();
    }

    private SnapshotRef snap(String name, int flags) {
        return c.domains().domainSnapshotCreateXML(test, "<domainsnapshot><name>" + name + "</name></domainsnapshot>", flags);
    }

    private SnapshotRef ref(String name) {
        return new SnapshotRef(name, test);
    }

    private List<String> names(int flags) {
        return c.domains().domainSnapshotListNames(test, 100, flags);
    }

    @Test
    void treeFollowsTheCurrentSnapshot() {
        snap("s1", 0);
        snap("s2", 0);
        snap("s3", 0);
        c.domains().domainRevertToSnapshot(ref("s1"), 0);
        snap("s4", 0);
        assertEquals(List.of("s1", "s2", "s3", "s4"), names(0));
        assertEquals(List.of("s1"), names(Flags.SNAP_LIST_ROOTS));
        assertEquals(List.of("s3", "s4"), names(Flags.SNAP_LIST_LEAVES));
        assertEquals(List.of("s1", "s2"), names(Flags.SNAP_LIST_NO_LEAVES));
        // depth first, newest child first, as libvirt's sibling lists
        assertEquals(List.of("s1", "s4", "s2", "s3"), names(Flags.SNAP_LIST_TOPOLOGICAL));
        assertEquals(List.of("s4", "s2"), c.domains().domainSnapshotListChildrenNames(ref("s1"), 100, 0));
        assertEquals(List.of("s4", "s2", "s3"), c.domains().domainSnapshotListChildrenNames(ref("s1"), 100,
                Flags.SNAP_LIST_DESCENDANTS));
        assertEquals(2, c.domains().domainSnapshotNumChildren(ref("s1"), 0));
        assertEquals(4, c.domains().domainSnapshotNum(test, Flags.SNAP_LIST_ACTIVE));
        assertEquals(0, c.domains().domainSnapshotNum(test, Flags.SNAP_LIST_INACTIVE));
        assertEquals(0, c.domains().domainSnapshotNum(test, Flags.SNAP_LIST_NO_METADATA));
        assertEquals("s4", c.domains().domainSnapshotCurrent(test, 0).name());
        assertTrue(c.domains().domainSnapshotIsCurrent(ref("s4"), 0));
        assertTrue(c.domains().domainSnapshotHasMetadata(ref("s2"), 0));
        assertEquals("s1", c.domains().domainSnapshotGetParent(ref("s2"), 0).name());
        assertError(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                "Domain snapshot not found: snapshot 's1' does not have a parent",
                () -> c.domains().domainSnapshotGetParent(ref("s1"), 0));
        assertError(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN,
                "operation failed: domain moment s3 already exists", () -> snap("s3", 0));
    }

    @Test
    void deleteReparentsOrTakesTheChildren() {
        snap("s1", 0);
        snap("s2", 0);
        snap("s3", 0);
        c.domains().domainSnapshotDelete(ref("s2"), 0);
        assertEquals(List.of("s1", "s3"), names(0));
        assertEquals("s1", c.domains().domainSnapshotGetParent(ref("s3"), 0).name());
        assertEquals("s3", c.domains().domainSnapshotCurrent(test, 0).name());
        c.domains().domainSnapshotDelete(ref("s3"), 0);
        assertEquals("s1", c.domains().domainSnapshotCurrent(test, 0).name());
        snap("s5", 0);
        c.domains().domainSnapshotDelete(ref("s1"), Flags.SNAP_DELETE_CHILDREN_ONLY);
        assertEquals(List.of("s1"), names(0));
        assertEquals("s1", c.domains().domainSnapshotCurrent(test, 0).name());
        snap("s6", 0);
        c.domains().domainSnapshotDelete(ref("s1"), Flags.SNAP_DELETE_CHILDREN);
        assertEquals(List.of(), names(0));
        assertFalse(c.domains().domainHasCurrentSnapshot(test, 0));
        assertError(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                "Domain snapshot not found: the domain does not have a current snapshot",
                () -> c.domains().domainSnapshotCurrent(test, 0));
        assertError(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                "Domain snapshot not found: no domain snapshot with matching name 'nosnap'",
                () -> c.domains().domainRevertToSnapshot(ref("nosnap"), 0));
    }

    @Test
    void revertTransitionsRaiseLibvirtsEvents() {
        snap("run", 0);
        c.domains().domainSuspend(test);
        snap("paused", 0);
        snap("halt", Flags.SNAP_CREATE_HALT);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.FROM_SNAPSHOT),
                c.domains().domainGetState(test, 0));
        snap("off", 0);
        events.clear();
        c.domains().domainRevertToSnapshot(ref("run"), 0);
        assertEquals(List.of("2:2:3"), events);
        assertEquals(new DomainStateReason(DomainState.RUNNING, StateReason.Running.FROM_SNAPSHOT),
                c.domains().domainGetState(test, 0));
        events.clear();
        c.domains().domainRevertToSnapshot(ref("paused"), 0);
        assertEquals(List.of("-1:5:6", "3:2:3", "3:3:5"), events);
        assertEquals(new DomainStateReason(DomainState.PAUSED, StateReason.Paused.FROM_SNAPSHOT),
                c.domains().domainGetState(test, 0));
        events.clear();
        c.domains().domainRevertToSnapshot(ref("off"), 0);
        assertEquals(List.of("-1:5:6"), events);
        events.clear();
        c.domains().domainRevertToSnapshot(ref("paused"), Flags.SNAP_REVERT_RUNNING);
        assertEquals(List.of("4:2:3"), events);
        events.clear();
        // libvirt only reports the start of an inactive snapshot reverted with RUNNING/PAUSED
        c.domains().domainRevertToSnapshot(ref("off"), Flags.SNAP_REVERT_PAUSED);
        assertEquals(List.of("-1:5:6", "-1:2:3", "-1:3:5"), events);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.FROM_SNAPSHOT),
                c.domains().domainGetState(test, 0));
        assertEquals("off", c.domains().domainSnapshotCurrent(test, 0).name());
    }

    @Test
    void snapshotXmlCarriesParentStateAndDomain() {
        snap("s1", 0);
        c.domains().domainSnapshotCreateXML(test, "<domainsnapshot><name>s2</name><description>two</description>"
                + "</domainsnapshot>", 0);
        String xml = c.domains().domainSnapshotGetXMLDesc(ref("s2"), 0);
        assertTrue(xml.startsWith("<domainsnapshot>\n  <name>s2</name>\n  <description>two</description>\n"
                + "  <state>running</state>\n  <parent>\n    <name>s1</name>\n  </parent>\n"), xml);
        assertTrue(xml.contains("<disk name='vda' snapshot='internal'/>"), xml);
        assertTrue(xml.contains("<domain type='test'>"), xml);
    }

    @Test
    void redefineReplacesOrAddsAndOnlyCurrentFlagMovesCurrent() {
        snap("s1", 0);
        String xml = c.domains().domainSnapshotGetXMLDesc(ref("s1"), 0).replace("<name>s1</name>", "<name>r</name>");
        c.domains().domainSnapshotCreateXML(test, xml, Flags.SNAP_CREATE_REDEFINE);
        assertEquals("s1", c.domains().domainSnapshotCurrent(test, 0).name());
        c.domains().domainSnapshotCreateXML(test, xml.replace("<name>r</name>", "<name>r2</name>"),
                Flags.SNAP_CREATE_REDEFINE | Flags.SNAP_CREATE_CURRENT);
        assertEquals("r2", c.domains().domainSnapshotCurrent(test, 0).name());
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.DOMAIN,
                "invalid argument: parent nope for moment x not found",
                () -> c.domains().domainSnapshotCreateXML(test, "<domainsnapshot><name>x</name><state>running</state>"
                        + "<creationTime>1</creationTime><parent><name>nope</name></parent></domainsnapshot>",
                        Flags.SNAP_CREATE_REDEFINE));
    }

    @Test
    void undefineNeedsTheSnapshotsFlag() {
        snap("s1", 0);
        c.domains().domainDestroy(test);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: cannot delete inactive domain with 1 snapshots",
                () -> c.domains().domainUndefine(test));
        c.domains().domainUndefineFlags(test, DomainFlags.UNDEFINE_SNAPSHOTS_METADATA);
        assertEquals(List.of(), c.domains().connectListAllDomains(0));
    }

    @Test
    void checkpointsNeedARunningDomainWithoutSnapshots() {
        CheckpointRef k1 = c.domains().domainCheckpointCreateXML(test, "<domaincheckpoint><name>k1</name></domaincheckpoint>", 0);
        CheckpointRef k2 = c.domains().domainCheckpointCreateXML(test, "<domaincheckpoint><name>k2</name></domaincheckpoint>", 0);
        assertEquals("k1", c.domains().domainCheckpointGetParent(k2, 0).name());
        assertEquals(List.of(k2), c.domains().domainCheckpointListAllChildren(k1, 0));
        assertEquals(List.of(k1), c.domains().domainListAllCheckpoints(test, Flags.CKPT_LIST_ROOTS));
        assertError(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                "Operation not supported: cannot create snapshot while checkpoint exists", () -> snap("s", 0));
        // libvirt's test driver prints no size with the flag (it never marks the size valid)
        String withSize = c.domains().domainCheckpointGetXMLDesc(k2, Flags.CKPT_XML_SIZE);
        assertTrue(withSize.contains("<disk name='vda' checkpoint='bitmap' bitmap='k2'/>"), withSize);
        assertEquals(List.of(test.name()), c.domains().connectListAllDomains(DomainListFilter.HAS_CHECKPOINT).stream()
                .map(DomainRef::name).toList());
        c.domains().domainCheckpointDelete(k1, 0);
        assertError(VirErrorNumber.NO_DOMAIN_CHECKPOINT, VirErrorDomain.TEST,
                "Domain checkpoint not found: checkpoint 'k2' does not have a parent",
                () -> c.domains().domainCheckpointGetParent(k2, 0));
        c.domains().domainCheckpointDelete(k2, Flags.CKPT_DELETE_CHILDREN);
        assertEquals(List.of(), c.domains().domainListAllCheckpoints(test, 0));
        c.domains().domainDestroy(test);
        assertError(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                "Operation not supported: cannot create checkpoint for inactive domain",
                () -> c.domains().domainCheckpointCreateXML(test, "<domaincheckpoint/>", 0));
    }
}
