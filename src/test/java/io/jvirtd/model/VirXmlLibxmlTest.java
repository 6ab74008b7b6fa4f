package io.jvirtd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What libxml2 accepts that the JDK parser would not, what it refuses that the JDK would take,
 * and libxml2's first line for the common mistakes; each expectation is libvirtd 9.0's answer
 * to {@code virsh define} of the same document (also compared in VirshConformanceIT).
 */
class VirXmlLibxmlTest {

    private static String firstLine(String xml) {
        VirException e = assertThrows(VirException.class,
                () -> VirXml.parseString(xml, "(domain_definition)", "domain", VirErrorDomain.DOMAIN));
        assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
        return e.message().lines().findFirst().orElseThrow();
    }

    /** Document, libvirtd's first line. */
    private static final String[][] MISTAKES = {
        {"", "(domain_definition):1: Document is empty"},
        {"   \n  ", "(domain_definition):2: Start tag expected, '<' not found"},
        {"hello", "(domain_definition):1: Start tag expected, '<' not found"},
        {"<domain><name>x</name></domain><extra/>", "(domain_definition):1: Extra content at the end of the document"},
        {"<domain><name>x</name></domain>junk", "(domain_definition):1: Extra content at the end of the document"},
        {"<domain type='test'><name>x</name>", "(domain_definition):1: Premature end of data in tag domain line 1"},
        {"<domain>\n<devices>\n<disk>", "(domain_definition):3: Premature end of data in tag disk line 3"},
        {"<domain><name>x</nam></domain>", "(domain_definition):1: Opening and ending tag mismatch: name line 1 and nam"},
        {"<domain><name>x</name>\n<devices>\n</domain>", "(domain_definition):3: Opening and ending tag mismatch: devices line 2 and domain"},
        {"<domain><name>&foo;</name></domain>", "(domain_definition):1: Entity 'foo' not defined"},
        {"<domain><name>a & b</name></domain>", "(domain_definition):1: xmlParseEntityRef: no name"},
        {"<domain><name>a < b</name></domain>", "(domain_definition):1: StartTag: invalid element name"},
        {"<domain type='a' type='b'/>", "(domain_definition):1: Attribute type redefined"},
        {"<domain type=test/>", "(domain_definition):1: AttValue: \" or ' expected"},
        {"<domain type='test><name>x</name></domain>", "(domain_definition):1: Unescaped '<' not allowed in attributes values"},
        {"<domain><name a='1' b>x</name></domain>", "(domain_definition):1: Specification mandates value for attribute b"},
        {"<domain><!-- x <name>x</name></domain>", "(domain_definition):1: Comment not terminated"},
        {"<domain><![CDATA[ x </domain>", "(domain_definition):1: CData section not finished"},
        {"<domain type='test'", "(domain_definition):1: attributes construct error"},
        {"<domain><name>x</name></domain", "(domain_definition):1: expected '>'"},
        {"<?xml version='1.0' encoding='bogus'?><domain/>", "(domain_definition):1: Unsupported encoding bogus"},
        {"<domain><name>l\uFFFD</name></domain>", "(domain_definition):1: Input is not proper UTF-8, indicate encoding !"},
        {"<domain><name>a\u0001b</name></domain>", "(domain_definition):1: PCDATA invalid Char value 1"},
    };

    @Test
    void commonMistakesGetLibxml2sFirstLine() {
        for (String[] m : MISTAKES) {
            assertEquals(m[1], firstLine(m[0]), m[0]);
        }
    }

    @Test
    void anEmptyContextLineIsPrintedAsNull() {
        VirException e = assertThrows(VirException.class,
                () -> VirXml.parseString("", "(domain_definition)", "domain", VirErrorDomain.DOMAIN));
        assertEquals("(domain_definition):1: Document is empty\n(null)\n^", e.message());
    }

    @Test
    void aByteOrderMarkIsAccepted() {
        Document d = VirXml.parseString("\uFEFF<domain type='test'/>", null, "domain", VirErrorDomain.DOMAIN);
        assertEquals("domain", VirXml.localName(d.getDocumentElement()));
    }

    @Test
    void anUnboundPrefixKeepsItsWholeNameAndNoNamespace() {
        Document d = VirXml.parseString("<domain><foo:bar q:a='1'/><x:y xmlns:x='urn:x'/></domain>", null, "domain",
                VirErrorDomain.DOMAIN);
        Element bar = (Element) d.getDocumentElement().getFirstChild();
        assertEquals("foo:bar", VirXml.localName(bar));
        assertEquals(null, bar.getNamespaceURI());
        Element y = (Element) bar.getNextSibling();
        assertEquals("y", VirXml.localName(y));
        assertEquals("urn:x", y.getNamespaceURI());
    }

    @Test
    void anUnboundPrefixOnTheRootIsNotTheExpectedRoot() {
        VirException e = assertThrows(VirException.class,
                () -> VirXml.parseString("<foo:domain/>", null, "domain", VirErrorDomain.DOMAIN));
        assertEquals("XML error: expecting root element of 'domain', not 'foo:domain'", e.message());
    }

    @Test
    void aKnownDeclaredEncodingIsIgnoredForAString() {
        Document d = VirXml.parseString("<?xml version='1.0' encoding='ISO-8859-1'?><domain>caf\u00e9</domain>", null,
                "domain", VirErrorDomain.DOMAIN);
        assertEquals("caf\u00e9", d.getDocumentElement().getTextContent());
    }
}
