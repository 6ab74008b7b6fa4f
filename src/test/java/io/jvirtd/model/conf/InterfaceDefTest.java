package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    List<DynamicTest> everyCapturedInputGivesLibvirtsAnswer() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path in : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                String base = in.getFileName().toString().replace(".xml", "");
                Path out = DIR.resolve(base + ".out");
                Path err = DIR.resolve(base + ".err");
                tests.add(DynamicTest.dynamicTest(base, () -> {
                    if (Files.exists(out)) {
                        InterfaceDef def = InterfaceDef.parse(read(in), 0);
                        assertEquals(read(out), def.format());
                        // a transaction's snapshot copies definitions through this text
                        assertEquals(read(out), InterfaceDef.parse(read(out), 0).format());
                    } else {
                        String[] want = read(err).strip().split(" ", 3);
                        VirException e = assertThrows(VirException.class, () -> InterfaceDef.parse(read(in), 0));
                        assertEquals(want[2], e.message());
                        assertEquals(Integer.parseInt(want[0]), e.code(), e.message());
                        assertEquals(Integer.parseInt(want[1]), e.domain(), e.message());
                    }
                }));
            }
        }
        assertTrue(tests.size() >= 36);
        return tests;
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
