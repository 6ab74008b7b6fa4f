package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Byte-for-byte comparison with what libvirt 9.0's test driver prints for the same input
 * (domain/N.xml against domain/N.{inactive,live,secure,migratable}.out, captured with
 * capture.sh). Each input is parsed as the test driver's define/create does: inactive parse,
 * then testnetN interface names.
 */
class DomainDefGoldenTest {

    /** domain/*.xml as captured (capture.sh). */
    private static final int DOMAIN_INPUTS = 14;

    private static DomainDef load(Path input) {
        DomainDef d = DomainDef.parse(Golden.read(input), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.generateIfnames(d);
        return d;
    }

    @TestFactory
    List<DynamicTest> formatsLikeLibvirt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path input : Golden.inputs("domain", DOMAIN_INPUTS)) {
            String base = Golden.base(input);
            Path dir = input.getParent();
            boolean isDefault = base.equals("default");
            tests.add(DynamicTest.dynamicTest(base + " inactive", () -> {
                DomainDef d = load(input);
                assertEquals(Golden.xml("domain", base + ".inactive.out"),
                        d.format(DomainDef.XML_INACTIVE));
            }));
            // running: the capture started it after destroying "test", so it got id 2
            int id = isDefault ? 1 : 2;
            tests.add(DynamicTest.dynamicTest(base + " live", () -> {
                DomainDef d = load(input);
                d.setId(id);
                assertEquals(Golden.xml("domain", base + ".live.out"), d.format(0));
            }));
            for (String kind : new String[] {"secure", "migratable"}) {
                if (!Files.exists(dir.resolve(base + "." + kind + ".out"))) {
                    continue;
                }
                int flags = kind.equals("secure") ? DomainDef.XML_SECURE : DomainDef.XML_MIGRATABLE;
                tests.add(DynamicTest.dynamicTest(base + " " + kind, () -> {
                    DomainDef d = load(input);
                    d.setId(id);
                    assertEquals(Golden.xml("domain", base + "." + kind + ".out"), d.format(flags));
                }));
            }
            tests.add(DynamicTest.dynamicTest(base + " reparse", () -> {
                // our own output defined again, compared with libvirt doing the same
                DomainDef d = load(input);
                DomainDef again = DomainDef.parse(d.format(DomainDef.XML_INACTIVE), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
                MockXmlOptions.generateIfnames(again);
                assertEquals(Golden.xml("domain", base + ".reparse.out"), again.format(DomainDef.XML_INACTIVE));
            }));
        }
        return tests;
    }
}
