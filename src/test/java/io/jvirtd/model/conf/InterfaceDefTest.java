package io.jvirtd.model.conf;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host interface XML against what libvirt 9.0's test driver answered for the same input
 * (src/test/resources/iface, made by capture.py there): NAME.out is virInterfaceGetXMLDesc
 * after virInterfaceDefineXML, NAME.err the error's code, domain and message.
 */
class InterfaceDefTest {

    private static final Path DIR = Path.of("src/test/resources/iface");

    @TestFactory
    List<DynamicTest> everyCapturedInputGivesLibvirtsAnswer() throws IOException {
        return CapturedAnswers.each(DIR, 36, (in, out) -> {
            assertEquals(out, InterfaceDef.parse(in, 0).format());
            // a transaction's snapshot copies definitions through this text
            assertEquals(out, InterfaceDef.parse(out, 0).format());
        }, in -> InterfaceDef.parse(in, 0));
    }

    @Test
    void accessorsGiveNameTypeAndOnlyAnEthernetMac() {
        InterfaceDef eth = InterfaceDef.parse("<interface type='ethernet' name='e0'><mac address='AA:00:00:00:00:01'/>"
                + "</interface>", 0);
        assertEquals("e0", eth.name());
        assertEquals("ethernet", eth.type());
        assertEquals("AA:00:00:00:00:01", eth.mac());
        InterfaceDef br = InterfaceDef.parse("<interface type='bridge' name='b'><mac address='aa:00:00:00:00:01'/>"
                + "<bridge/></interface>", 0);
        assertNull(br.mac());
    }

    @Test
    void malformedXmlIsAnInterfaceDetailError() {
        VirException e = assertThrows(VirException.class, () -> InterfaceDef.parse("<interface type='x'", 0));
        assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
        assertEquals(VirErrorDomain.INTERFACE.number(), e.domain());
        assertTrue(e.message().startsWith("(interface_definition):1: "), e.message());
    }

    @Test
    void anInvalidStpIsDroppedWithTheRestOfTheBridge() {
        InterfaceDef d = InterfaceDef.parse("<interface type='bridge' name='b'><bridge stp='yes' delay='2'>"
                + "<interface type='ethernet' name='e'/></bridge></interface>", 0);
        assertEquals("<interface type='bridge' name='b'>\n  <bridge>\n  </bridge>\n</interface>\n", d.format());
    }
}
