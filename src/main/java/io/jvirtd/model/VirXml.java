package io.jvirtd.model;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses XML documents with libvirt's error behaviour ({@code virXMLParseHelper} in
 * src/util/virxml.c), so a bad document gets the code, domain and message shape clients expect:
 *
 * <ul>
 *   <li>unreadable input: XML_ERROR in the caller's domain, "failed to parse xml document 'NAME'";
 *   <li>not well formed: XML_DETAIL in the caller's domain, "NAME:LINE: what\ncontext\n---^",
 *       "what" in libxml2's words for the common mistakes ({@link LibxmlErrors});
 *   <li>wrong root element: XML_ERROR in domain {@link VirErrorDomain#XML} (virxml.c raises it),
 *       "expecting root element of 'node', not 'foo'".
 * </ul>
 *
 * <p>It accepts what libxml2 accepts and the JDK would not: a leading UTF-8 byte-order mark,
 * and element or attribute names whose prefix no {@code xmlns} declares (libxml2 only warns;
 * the element then has no namespace and its name is the whole {@code prefix:name}, see
 * {@link #localName}). A client's string is UTF-8 whatever its XML declaration says (libxml2
 * ignores the declared encoding of an in-memory document it can decode, and refuses one it
 * does not know), so a byte that is not UTF-8 is refused as libxml2 refuses it.
 *
 * <p>Like libvirt ({@code XML_PARSE_NONET}) it never fetches anything over the network; it also
 * refuses external entities and DTDs altogether, since documents come from clients, and, as
 * libxml2, elements nested deeper than {@link #MAX_DEPTH}. Safe from any thread: each thread
 * has its own parser, reused from call to call (see {@link #builder}).
 */
public final class VirXml {

    /**
     * Deepest element nesting accepted: libxml2's xmlParserMaxDepth (256) without
     * XML_PARSE_HUGE; its check (more than 256 names on the stack) comes before the push, so
     * libvirtd 9.0 accepts 257 levels and refuses 258 (measured).
     */
    public static final int MAX_DEPTH = 257;
    /** libxml2's message for a document nested deeper than that. */
    private static final String TOO_DEEP = "Excessive depth in document: 256 use XML_PARSE_HUGE option";
    /** The JDK parser's message code for it. */
    private static final String JDK_TOO_DEEP = "JAXP00010006";
    /** The JDK parser's limit on element depth (jdk.xml.maxElementDepth). */
    private static final String MAX_ELEMENT_DEPTH = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";
    private static final String MESSAGE_LOCALE = "http://apache.org/xml/properties/locale";
    private static final String CONTINUE_AFTER_FATAL = "http://apache.org/xml/features/continue-after-fatal-error";
    /** The JDK's fatal errors for a prefix no xmlns declaration binds (element, attribute). */
    private static final Pattern UNBOUND_PREFIX = Pattern.compile(
            "The prefix \"[^\"]*\" for (element|attribute) \"[^\"]*\" (associated with an element type \"[^\"]*\" )?is not bound\\.");

    private VirXml() {
    }

    /**
     * Parses a file.
     *
     * @param docName the name libvirt would print (usually the path as the user gave it)
     * @param rootElement the required root element name, or null for any
     * @param domain the caller's error domain (libvirt's {@code VIR_FROM_THIS})
     */
    public static Document parseFile(Path file, String docName, String rootElement,
                                     VirErrorDomain domain) {
        if (Files.isDirectory(file)) {
            // libxml2 opens a directory, reads nothing and reports an empty document; libvirt
            // prints its missing context line as "(null)".
            throw detail(domain, docName + ":1: Document is empty\n(null)\n^");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw VirException.of(VirErrorNumber.XML_ERROR, domain,
                    "failed to parse xml document '" + docName + "'");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        InputSource source = new InputSource(new ByteArrayInputStream(bytes));
        source.setSystemId(file.toUri().toString());
        return parse(source, text, docName, true, rootElement, domain);
    }

    /**
     * Parses a string, e.g. XML sent by a client.
     *
     * @param url the document's name for messages, or null for "[inline data]"
     */
    public static Document parseString(String xml, String url, String rootElement,
                                       VirErrorDomain domain) {
        String docName = url != null ? url : "[inline data]";
        String text = withoutByteOrderMark(xml);
        Problem p = encodingProblem(text);
        if (p != null) {
            int line = LibxmlErrors.lineAt(text, p.index());
            throw detail(domain, where(docName, url != null, line) + p.message() + "\n"
                    + context(lineOf(text, line)) + "\n^");
        }
        return parse(new InputSource(new StringReader(text)), text, docName, url != null,
                rootElement, domain);
    }

    /** The string without the UTF-8 byte-order mark a file read as it is starts with. */
    public static String withoutByteOrderMark(String xml) {
        return xml.startsWith("\uFEFF") ? xml.substring(1) : xml;
    }

    /** U+FFFD: what the wire decoder made of bytes that are not UTF-8. */
    private static final char NOT_UTF8 = '\uFFFD';
    private static final Pattern DECLARED_ENCODING = Pattern.compile(
            "\\A<\\?xml\\s[^>]*?encoding\\s*=\\s*[\"']([^\"']*)[\"']");

    /** Where in the text libxml2 stops decoding, and its message. */
    private record Problem(int index, String message) {
    }

    /**
     * Why libxml2 would not decode this string, null when it would. The wire decodes a
     * client's bytes as UTF-8 and turns a byte that is not into U+FFFD, so U+FFFD is taken for
     * such a byte (a client that means the character itself is refused; libvirt's own tools
     * never send it).
     */
    private static Problem encodingProblem(String text) {
        Matcher m = DECLARED_ENCODING.matcher(text);
        if (m.find()) {
            String enc = m.group(1);
            boolean known;
            try {
                known = Charset.isSupported(enc);
            } catch (IllegalCharsetNameException e) {
                known = false;
            }
            if (!known) {
                return new Problem(m.end(), "Unsupported encoding " + enc);
            }
        }
        int bad = text.indexOf(NOT_UTF8);
        return bad < 0 ? null : new Problem(bad, "Input is not proper UTF-8, indicate encoding !");
    }


    private static Document parse(InputSource source, String text, String docName,
                                  boolean named, String rootElement, VirErrorDomain domain) {
        Document doc;
        try {
            doc = builder().parse(source);
        } catch (SAXParseException e) {
            throw detail(domain, describe(e, text, docName, named));
        } catch (SAXException | IOException e) {
            throw VirException.of(VirErrorNumber.XML_ERROR, domain,
                    "failed to parse xml document '" + docName + "'");
        }
        Element root = doc.getDocumentElement();
        if (root == null) {
            throw VirException.internalError(domain, "missing root element");
        }
        String rootName = localName(root);
        if (rootElement != null && !rootElement.equals(rootName)) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.XML,
                    "expecting root element of '" + rootElement + "', not '" + rootName + "'");
        }
        return doc;
    }

    /**
     * Whether the JDK's parser, with English messages, reports a prefix no xmlns declaration
     * binds: a fatal error to it, a warning to libxml2.
     */
    public static boolean isUnboundPrefix(SAXParseException e) {
        return e.getMessage() != null && UNBOUND_PREFIX.matcher(e.getMessage()).matches();
    }

    /**
     * The element's name without namespace prefix, as libxml2's {@code node->name}; for a
     * prefix no declaration binds, libxml2's name is the whole "prefix:name".
     */
    public static String localName(Element e) {
        if (e.getLocalName() == null || e.getNamespaceURI() == null && e.getPrefix() != null) {
            return e.getNodeName();
        }
        return e.getLocalName();
    }

    /** libvirt's catchXMLError layout: "NAME:LINE: msg\ncontext line\n----^". */
    private static String describe(SAXParseException e, String text, String docName, boolean named) {
        int line = Math.max(e.getLineNumber(), 1);
        String context = lineOf(text, line);
        int col = Math.max(0, Math.min(e.getColumnNumber() - 1, context.length()));
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < col; i++) {
            pointer.append(context.charAt(i) == '\t' ? '\t' : '-');
        }
        pointer.append('^');
        String what = e.getMessage() != null && e.getMessage().contains(JDK_TOO_DEEP) ? TOO_DEEP
                : LibxmlErrors.message(e, text);
        return where(docName, named, line) + what + "\n" + context(context) + "\n" + pointer;
    }

    private static String where(String docName, boolean named, int line) {
        return named ? docName + ":" + line + ": " : "at line " + line + ": ";
    }

    /** libvirt prints a missing context line through "%s": "(null)". */
    private static String context(String line) {
        return line.isEmpty() ? "(null)" : line;
    }

    private static String lineOf(String text, int line) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        return line <= lines.length ? lines[line - 1] : "";
    }

    private static VirException detail(VirErrorDomain domain, String message) {
        return VirException.of(VirErrorNumber.XML_DETAIL, domain, message);
    }

    /**
     * One parser per thread, reused: making a JDK parser costs about ten times parsing a domain
     * definition with it (0.3-0.6 ms against 0.03-0.06 ms, warm), which every define and each
     * document a restart reads paid. A DocumentBuilder is not thread-safe, hence one per
     * thread; it holds no document between calls.
     */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(VirXml::newBuilder);

    /** This thread's parser in its configured state (reset() also drops the error handler). */
    private static DocumentBuilder builder() {
        DocumentBuilder b = BUILDERS.get();
        b.reset();
        b.setErrorHandler(QUIET);
        return b;
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            // libxml2 refuses elements nested deeper than MAX_DEPTH ("Excessive depth in document")
            // unless XML_PARSE_HUGE, which libvirt does not pass. The code walking a parsed
            // tree recurses, so a client's 300,000 nested elements overflowed a worker's stack.
            f.setAttribute(MAX_ELEMENT_DEPTH, Integer.toString(MAX_DEPTH));
            // LibxmlErrors reads the parser's messages: English whatever the default locale
            f.setAttribute(MESSAGE_LOCALE, Locale.ENGLISH);
            // an unbound prefix is a fatal error to the JDK, a warning to libxml2: QUIET lets
            // the parser go on after it (and only after it)
            f.setFeature(CONTINUE_AFTER_FATAL, true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(QUIET);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a standard feature", e);
        }
    }

    /**
     * Fatal errors become exceptions, but for unbound prefixes, which libxml2 only warns about;
     * the JDK would otherwise also print them to stderr.
     */
    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) {
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            if (!isUnboundPrefix(e)) {
                throw e;
            }
        }
    };
}
