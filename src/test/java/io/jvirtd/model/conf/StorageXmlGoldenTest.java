package io.jvirtd.model.conf;

import io.jvirtd.driver.schema.InstalledSchemas;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pool and volume XML against libvirt 9.0's own output: every {@code storage/pools/*.xml}
 * defined in the real test driver printed {@code *.golden} (capacity 100 GiB, allocation 0 after
 * testStoragePoolObjSetDefaults); every {@code storage/vols/*.xml} created in a running pool of
 * the type its name starts with printed {@code *.golden}. The error files hold the code, domain
 * and message libvirt gave for each bad document. storage/capture.py made them all; a folder
 * that lost its inputs fails instead of passing with nothing compared.
 */
class StorageXmlGoldenTest {

    private static final long GIB100 = 100L * 1024 * 1024 * 1024;

    private static Path dir(String name) {
        try {
            return Path.of(StorageXmlGoldenTest.class.getResource("/storage/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder's inputs; fewer than {@code atLeast} (an emptied or lost folder) fails. */
    private static List<Path> inputs(String sub, int atLeast) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir(sub))) {
            s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(out::add);
        }
        assertTrue(out.size() >= atLeast, dir(sub) + " holds " + out.size() + " inputs, at least " + atLeast + " expected");
        return out;
    }

    private static Path sibling(Path xml, String ext) {
        String n = xml.getFileName().toString();
        return xml.resolveSibling(n.substring(0, n.length() - 4) + ext);
    }

    @TestFactory
    Stream<DynamicTest> poolsFormatLikeLibvirt() throws IOException {
        return inputs("pools", 17).stream().map(xml -> DynamicTest.dynamicTest(xml.getFileName().toString(), () -> {
            StoragePoolDef def = StoragePoolDef.parse(read(xml), 0);
            def.setSizes(GIB100, 0, GIB100);
            assertEquals(read(sibling(xml, ".golden")), def.format());
            StoragePoolDef again = StoragePoolDef.parse(def.format(), 0);
            again.setSizes(GIB100, 0, GIB100);
            assertEquals(def.format(), again.format(), "round trip");
        }));
    }

    /** The pool each volume case is created in, by the case name's prefix. */
    private static StoragePoolDef poolFor(String volCase) {
        String pool = volCase.startsWith("dir") ? "dir-perms" : volCase.substring(0, volCase.indexOf('-'));
        StoragePoolDef def = StoragePoolDef.parse(read(dir("pools").resolve(pool + ".xml")), 0);
        def.setSizes(GIB100, 0, GIB100);
        return def;
    }

    @TestFactory
    Stream<DynamicTest> volumesFormatLikeLibvirt() throws IOException {
        return inputs("vols", 7).stream().map(xml -> DynamicTest.dynamicTest(xml.getFileName().toString(), () -> {
            String name = xml.getFileName().toString();
            StoragePoolDef pool = poolFor(name.substring(0, name.length() - 4));
            StorageVolDef vol = StorageVolDef.parse(pool.type(), read(xml), 0);
            String path = (pool.targetPath() == null ? "(null)" : pool.targetPath()) + "/" + vol.name();
            vol.setPath(path);
            vol.setKey(path);
            assertEquals(read(sibling(xml, ".golden")), vol.format());
            String[] info = read(sibling(xml, ".info")).split("\\s+");
            assertEquals(pool.type().volKind().number(), Integer.parseInt(info[0]));
            assertEquals(Long.parseLong(info[1]), vol.capacity());
            assertEquals(Long.parseLong(info[2]), vol.allocation());
        }));
    }

    /** One test per line of FILE.in against FILE.golden; fewer than {@code atLeast} lines fails. */
    private static Stream<DynamicTest> errors(String file, int atLeast, java.util.function.Consumer<String> parse) {
        List<String> in = read(dir(file + ".in")).lines().toList();
        List<String> golden = read(dir(file + ".golden")).lines().toList();
        assertTrue(in.size() >= atLeast && golden.size() == in.size(),
                file + ": " + in.size() + " inputs, " + golden.size() + " answers, at least " + atLeast + " expected");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String[] c = in.get(i).split("\t", 2);
            String[] g = golden.get(i).split("\t", 4);
            if (c[0].equals("no-space") || c[0].equals("exists")) {
                continue; // driver checks, covered by the driver tests
            }
            tests.add(DynamicTest.dynamicTest(c[0], () -> {
                VirException e = assertThrows(VirException.class, () -> parse.accept(c[1]));
                assertEquals(Integer.parseInt(g[1]), e.code(), e.getMessage());
                assertEquals(Integer.parseInt(g[2]), e.domain(), e.getMessage());
                if (!c[0].equals("not-xml")) { // libxml2's wording of well-formedness errors differs
                    assertEquals(g[3], e.getMessage());
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> poolErrorsLikeLibvirt() {
        return errors("pool-errors", 44, xml -> StoragePoolDef.parse(xml, 0));
    }

    @TestFactory
    Stream<DynamicTest> volumeErrorsLikeLibvirt() {
        return errors("vol-errors", 21, xml -> StorageVolDef.parse(StoragePoolType.DIR, xml, 0));
    }

    @Test
    void poolWithoutUuidGetsARandomOne() {
        String xml = "<pool type='dir'><name>a</name><target><path>/a</path></target></pool>";
        assertNotEquals(StoragePoolDef.parse(xml, 0).format(), StoragePoolDef.parse(xml, 0).format());
    }

    /** libvirt 9.0 checks the schema, then its volume parser refuses the flag it was given. */
    @Test
    void validateFlagIsRefusedByTheVolumeParserAfterTheSchema() {
        SchemaValidator schemas = InstalledSchemas.require();
        VirException e = assertThrows(VirException.class, () -> StorageVolDef.parse(StoragePoolType.DIR,
                "<volume><name>v</name><capacity>1</capacity><target><path>/v</path></target></volume>",
                StorageVolDef.PARSE_VALIDATE, schemas));
        assertEquals("unsupported flags (0x4) in function virStorageVolDefParseXML", e.getMessage());
        e = assertThrows(VirException.class, () -> StorageVolDef.parse(StoragePoolType.DIR,
                "<volume><name>v</name><capacity>1</capacity></volume>", StorageVolDef.PARSE_VALIDATE, schemas));
        assertEquals(VirErrorNumber.XML_INVALID_SCHEMA.number(), e.code(), e.getMessage());
    }

    @Test
    void sanitizePathFollowsLibvirt() {
        assertEquals("//a/b", StorageXml.sanitizePath("//a//b/"));
        assertEquals("/a", StorageXml.sanitizePath("///a"));
        assertEquals("/", StorageXml.sanitizePath("/"));
        assertEquals("/", StorageXml.sanitizePath("///"));
        assertEquals("gluster://h//x", StorageXml.sanitizePath("gluster://h//x"));
    }
}
