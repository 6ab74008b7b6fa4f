package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Checkpoint XML against virsh checkpoint-dumpxml of the real test driver (checkpoint/*.out,
 * see capture.sh), built as testDomainCheckpointCreateXML does.
 */
class CheckpointDefTest {

    private static CheckpointDef create(String xml, String parent, String golden) {
        CheckpointDef c = CheckpointDef.parse(xml, 0, MockXmlOptions.OPTIONS);
        c.setDomain(SnapshotDefTest.defaultDomain().copyViaXml(true));
        c.alignDisks();
        c.setParentName(parent);
        c.setCreationTime(Golden.creationTime(Golden.xml("checkpoint", golden)));
        return c;
    }

    @Test
    void withDescription() {
        CheckpointDef c = create("<domaincheckpoint><name>cp1</name><description>c1</description>"
                + "</domaincheckpoint>", null, "cp1.out");
        assertEquals(Golden.xml("checkpoint", "cp1.out"), c.format(0));
    }

    @Test
    void noDomainFlag() {
        CheckpointDef c = create("<domaincheckpoint><name>cp1</name></domaincheckpoint>", null,
                "cp1-nodomain.out");
        assertEquals(Golden.xml("checkpoint", "cp1-nodomain.out"), c.format(CheckpointDef.XML_NO_DOMAIN));
    }

    @Test
    void requestedDisks() {
        CheckpointDef c = create(Golden.read("checkpoint", "disks.xml"), null, "disks.out");
        assertEquals(Golden.xml("checkpoint", "disks.out"), c.format(0));
    }

    @Test
    void childNamesItsParent() {
        CheckpointDef c = create("<domaincheckpoint><name>c2</name></domaincheckpoint>", "c1", "child.out");
        assertEquals(Golden.xml("checkpoint", "child.out"), c.format(CheckpointDef.XML_NO_DOMAIN));
    }

    @Test
    void redefineReproducesTheDump() {
        for (String g : new String[] {"cp1.out", "disks.out", "child.out"}) {
            String xml = Golden.xml("checkpoint", g);
            CheckpointDef c = CheckpointDef.parse(xml, CheckpointDef.PARSE_REDEFINE, MockXmlOptions.OPTIONS);
            assertEquals(xml, c.format(0), g);
            assertEquals(xml, c.copy().format(0), g);
        }
    }

    @Test
    void sizeOnlyWithTheFlag() {
        CheckpointDef c = create("<domaincheckpoint><name>cp1</name></domaincheckpoint>", null, "cp1.out");
        c.disks().get(0).setSize(1048576L);
        String sized = c.format(CheckpointDef.XML_NO_DOMAIN | CheckpointDef.XML_SIZE);
        assertEquals(true, sized.contains("<disk name='vda' checkpoint='bitmap' bitmap='cp1' size='1048576'/>"));
        assertEquals(false, c.format(CheckpointDef.XML_NO_DOMAIN).contains("size="));
    }

    @Test
    void errors() {
        VirException e = assertThrows(VirException.class,
                () -> CheckpointDef.parse("<domaincheckpoint/>", CheckpointDef.PARSE_REDEFINE, MockXmlOptions.OPTIONS));
        assertEquals(VirErrorNumber.XML_ERROR.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN_CHECKPOINT.number(), e.domain());
        assertEquals("XML error: a redefined checkpoint must have a name", e.message());

        CheckpointDef c = CheckpointDef.parse(
                "<domaincheckpoint><disks><disk name='vdq'/></disks></domaincheckpoint>", 0, MockXmlOptions.OPTIONS);
        c.setDomain(SnapshotDefTest.defaultDomain().copyViaXml(true));
        e = assertThrows(VirException.class, c::alignDisks);
        assertEquals("unsupported configuration: no disk named 'vdq'", e.message());
        assertEquals(VirErrorDomain.DOMAIN_CHECKPOINT.number(), e.domain());
    }
}
