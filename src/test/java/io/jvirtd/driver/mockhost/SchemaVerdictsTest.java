package io.jvirtd.driver.mockhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.schema.InstalledSchemas;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;

/**
 * Every entry point where libvirt's test driver checks XML against a schema, fed the same
 * inputs libvirt 9.0 was fed (src/test/resources/schema/verdicts.tsv, made by capture.py there
 * with libvirt's own test driver): each call refuses with XML_INVALID_SCHEMA exactly the inputs
 * libvirt refused that way. An entry point that ignores its VALIDATE flag, or checks against
 * the wrong schema, or a validator that differs from libxml2's verdict, shows up here.
 */
class SchemaVerdictsTest {

    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final int SNAP_CREATE_VALIDATE = 1 << 9;
    private static final int VOL_CREATE_VALIDATE = 1 << 2;
    private static final int START_VALIDATE = 1 << 4;

    /** The calls capture.py makes, by the kind it records. */
    private static final Map<String, BiConsumer<HypervisorConnection, String>> CALLS = Map.of(
            "domain", (c, x) -> c.domains().domainDefineXMLFlags(x, 1),
            "domain-create", (c, x) -> c.domains().domainCreateXML(x, START_VALIDATE),
            "network", (c, x) -> c.networks().networkDefineXMLFlags(x, 1),
            "pool", (c, x) -> c.storage().storagePoolDefineXML(x, 1),
            "vol", (c, x) -> c.storage().storageVolCreateXML(c.storage().storagePoolLookupByName("default-pool"),
                    x, VOL_CREATE_VALIDATE),
            "interface", (c, x) -> c.interfaces().interfaceDefineXML(x, 1),
            "nodedev", (c, x) -> c.nodeDevices().nodeDeviceCreateXML(x, 1),
            "snapshot", (c, x) -> c.domains().domainSnapshotCreateXML(c.domains().domainLookupByName("test"), x, SNAP_CREATE_VALIDATE),
            "checkpoint", (c, x) -> c.domains().domainCheckpointCreateXML(c.domains().domainLookupByName("test"), x, 0));

    @Test
    void eachValidatingCallRefusesWhatLibvirtRefuses() throws IOException {
        MockHostDriver driver = new MockHostDriver(InstalledSchemas.require());
        List<String> lines = Files.readAllLines(RESOURCES.resolve("schema/verdicts.tsv"));
        List<String> differences = new ArrayList<>();
        int invalid = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            String kind = f[0];
            String expected = f[2];
            if (expected.equals("unparsed")) {
                continue;   // refused before the schema step: the parsers' own tests cover those
            }
            invalid += expected.equals("invalid") ? 1 : 0;
            String xml = Files.readString(RESOURCES.resolve(f[1]));
            HypervisorConnection c = driver.open(URI.create("test:///default"), "test:///default", false).orElseThrow();
            String got;
            try {
                CALLS.get(kind).accept(c, xml);
                got = "valid";
            } catch (VirException e) {
                got = e.code() == VirErrorNumber.XML_INVALID_SCHEMA.number() ? "invalid" : "valid";
                if (got.equals("invalid") && !e.message().startsWith(
                        "XML document failed to validate against schema: Unable to validate doc against /usr/share/")) {
                    differences.add(kind + " " + f[1] + ": message " + e.message());
                }
            } finally {
                c.close();
            }
            if (!got.equals(expected)) {
                differences.add(kind + " " + f[1] + ": libvirt " + expected + ", we " + got);
            }
        }
        assertTrue(lines.size() >= 250 && invalid >= 150,
                "verdicts.tsv holds " + lines.size() + " inputs, " + invalid + " refused: re-run capture.py");
        assertEquals(List.of(), differences);
    }
}
