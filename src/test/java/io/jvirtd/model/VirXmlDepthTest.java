package io.jvirtd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Nesting depth as libvirtd 9.0 measured: 257 levels parse, 258 are an XML error with
 * libxml2's message, so no deep tree reaches the recursive code that walks documents.
 */
class VirXmlDepthTest {

    private static String nested(int depth) {
        return "<a>".repeat(depth) + "</a>".repeat(depth);
    }

    @Test
    void elementsNestedAsDeepAsLibxml2AllowsParse() {
        assertEquals("a", VirXml.parseString(nested(VirXml.MAX_DEPTH), null, "a", VirErrorDomain.DOMAIN)
                .getDocumentElement().getNodeName());
    }

    @Test
    void deeperNestingIsAnXmlErrorNotAStackOverflow() {
        for (int depth : new int[] {VirXml.MAX_DEPTH + 1, 300_000}) {
            VirException e = assertThrows(VirException.class,
                    () -> VirXml.parseString(nested(depth), null, "a", VirErrorDomain.DOMAIN));
            assertEquals(VirErrorNumber.XML_DETAIL, e.errorNumber(), e.getMessage());
            assertTrue(e.getMessage().startsWith("at line 1: Excessive depth in document: 256 use XML_PARSE_HUGE option\n"),
                    e.getMessage().substring(0, 200));
        }
    }
}
