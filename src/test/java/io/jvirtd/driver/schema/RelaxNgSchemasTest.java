package io.jvirtd.driver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator against the host's libvirt schemas: libvirtd's error code, domain and message
 * frame (virXMLValidateAgainstSchema, checked against libvirtd 9.0 by hand with
 * {@code virsh define --validate}), the missing-folder error, and one compilation per schema
 * however many workers ask at once.
 */
class RelaxNgSchemasTest {

    private static final String VALID = "<domain type='test'><name>ok</name><memory>8192</memory>"
            + "<os><type>hvm</type></os></domain>";
    /** libvirtd 9.0: "...domain.rng\nElement domain has extra content: bogus\n". */
    private static final String EXTRA_ELEMENT = "<domain type='test'><name>d1</name><memory>8192</memory>"
            + "<os><type>hvm</type></os><bogus/></domain>";

    @Test
    void aValidDocumentPasses() {
        InstalledSchemas.require().validate("domain.rng", VALID);
    }

    @Test
    void anInvalidDocumentGetsLibvirtsCodeDomainAndMessageFrame() {
        RelaxNgSchemas schemas = InstalledSchemas.require();
        VirException e = assertThrows(VirException.class, () -> schemas.validate("domain.rng", EXTRA_ELEMENT));
        assertEquals(VirErrorNumber.XML_INVALID_SCHEMA.number(), e.code());
        assertEquals(VirErrorDomain.XML.number(), e.domain());
        String frame = "XML document failed to validate against schema: Unable to validate doc against "
                + "/usr/share/libvirt/schemas/domain.rng\n";
        assertTrue(e.message().startsWith(frame + "element \"bogus\" not allowed here"), e.message());
        assertTrue(e.message().endsWith("\n") && e.message().indexOf('\n', frame.length()) == e.message().length() - 1,
                "one line of detail, ended like libxml2's: " + e.message());
    }

    @Test
    void aBadAttributeValueIsRefused() {
        VirException e = assertThrows(VirException.class, () -> InstalledSchemas.require().validate("domain.rng",
                VALID.replace("type='test'", "type='nope'")));
        assertEquals(VirErrorNumber.XML_INVALID_SCHEMA.number(), e.code());
        assertTrue(e.message().contains("value of attribute \"type\" is invalid"), e.message());
    }

    @Test
    void anAbsentFolderIsAnInternalErrorNamingIt(@TempDir Path tmp) {
        Path folder = tmp.resolve("schemas");
        VirException e = assertThrows(VirException.class,
                () -> new RelaxNgSchemas(folder).validate("network.rng", "<network><name>n</name></network>"));
        assertEquals(VirErrorNumber.INTERNAL_ERROR.number(), e.code());
        assertEquals(VirErrorDomain.XML.number(), e.domain());
        assertEquals("internal error: Unable to parse RNG " + folder.resolve("network.rng") + ": the schema folder "
                + folder + " does not exist (libvirt's RELAX NG schemas, installed by Debian's libvirt0 package)",
                e.message());
    }

    @Test
    void aMissingSchemaFileGetsLibxml2sWords(@TempDir Path tmp) {
        VirException e = assertThrows(VirException.class,
                () -> new RelaxNgSchemas(tmp).validate("domain.rng", VALID));
        assertEquals("internal error: Unable to parse RNG " + tmp.resolve("domain.rng")
                + ": xmlRelaxNGParse: could not load " + tmp.resolve("domain.rng") + "\n", e.message());
    }

    @Test
    void schemasInstalledAfterAFailureAreUsed(@TempDir Path tmp) throws Exception {
        InstalledSchemas.require();
        Path folder = tmp.resolve("schemas");
        RelaxNgSchemas schemas = new RelaxNgSchemas(folder);
        assertThrows(VirException.class, () -> schemas.validate("domain.rng", VALID));
        Files.createSymbolicLink(folder, RelaxNgSchemas.SYSTEM_FOLDER);
        schemas.validate("domain.rng", VALID);
        assertEquals(1, schemas.compilations(), "the failed attempt is not counted, the good one is kept");
    }

    @Test
    void manyWorkersAtOnceCompileASchemaOnce() throws Exception {
        RelaxNgSchemas schemas = InstalledSchemas.require();
        int n = 8;
        ExecutorService workers = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean valid = i % 2 == 0;
                done.add(workers.submit(() -> {
                    start.await();
                    if (valid) {
                        schemas.validate("domain.rng", VALID);
                    } else {
                        assertThrows(VirException.class, () -> schemas.validate("domain.rng", EXTRA_ELEMENT));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
        }
        assertEquals(1, schemas.compilations());
        schemas.validate("network.rng", "<network><name>n</name></network>");
        assertEquals(2, schemas.compilations());
    }
}
