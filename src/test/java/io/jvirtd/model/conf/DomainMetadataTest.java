package io.jvirtd.model.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import org.junit.jupiter.api.Test;

/**
 * virDomainGetMetadata / SetMetadata by type on one definition, as libvirtd 9.0 answered them
 * (src/test/resources/qemu/libvirtd-9.0/domain-api.txt): description and title ("" removes),
 * a namespaced element replaced and removed and read back without its prefix, libvirt's errors.
 */
class DomainMetadataTest {

    private static final String NS = "http://example.org/jvirtd/1";

    @Test
    void descriptionAndTitleAreSetAndAnEmptyValueRemovesThem() {
        DomainDef d = SnapshotDefTest.defaultDomain();
        DomainMetadata.set(d, DomainMetadata.DESCRIPTION, "first description", null, null);
        DomainMetadata.set(d, DomainMetadata.TITLE, "First title", null, null);
        assertEquals("first description", DomainMetadata.get(d, DomainMetadata.DESCRIPTION, null));
        assertEquals("First title", DomainMetadata.get(d, DomainMetadata.TITLE, null));
        DomainMetadata.set(d, DomainMetadata.DESCRIPTION, "", null, null);
        assertNull(d.description());
        assertNotPresent(() -> DomainMetadata.get(d, DomainMetadata.DESCRIPTION, null));
    }

    @Test
    void anElementTakesTheKeyAsPrefixAndIsReadBackWithoutIt() {
        DomainDef d = SnapshotDefTest.defaultDomain();
        DomainMetadata.set(d, DomainMetadata.ELEMENT, "<instance id='7'><flavor>small</flavor></instance>", "jv", NS);
        assertEquals("<instance id=\"7\">\n  <flavor>small</flavor>\n</instance>",
                DomainMetadata.get(d, DomainMetadata.ELEMENT, NS));
        DomainMetadata.set(d, DomainMetadata.ELEMENT, "<instance id='8'/>", "jv", NS);
        assertEquals("<instance id=\"8\"/>", DomainMetadata.get(d, DomainMetadata.ELEMENT, NS));
        assertTrue(d.format(0).contains("<jv:instance xmlns:jv=\"" + NS + "\" id=\"8\"/>"), d.format(0));
        DomainMetadata.set(d, DomainMetadata.ELEMENT, null, null, NS); // --remove
        assertNotPresent(() -> DomainMetadata.get(d, DomainMetadata.ELEMENT, NS));
    }

    @Test
    void libvirtsErrors() {
        DomainDef d = SnapshotDefTest.defaultDomain();
        VirException e = assertThrows(VirException.class, () -> DomainMetadata.set(d, 3, "x", null, null));
        assertEquals(VirErrorNumber.INVALID_ARG.number(), e.code());
        assertEquals("invalid argument: unknown metadata type '3'", e.getMessage());
        e = assertThrows(VirException.class,
                () -> DomainMetadata.set(d, DomainMetadata.ELEMENT, "<broken", "jv", NS));
        assertTrue(e.getMessage().startsWith("(metadata_xml):1: Couldn't find end of Start Tag broken line 1"),
                e.getMessage());
        assertThrows(VirException.class, () -> DomainMetadata.get(d, -1, null));
    }

    private static void assertNotPresent(org.junit.jupiter.api.function.Executable call) {
        VirException e = assertThrows(VirException.class, call);
        assertEquals(VirErrorNumber.NO_DOMAIN_METADATA.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
        assertEquals("metadata not found: Requested metadata element is not present", e.getMessage());
    }
}
