package io.jvirtd.model;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what libxml2 2.9 says about a document that is not well formed, given what the JDK's
 * parser said about it: libvirt shows libxml2's first fatal error as the first line of its
 * XML_DETAIL message ({@code catchXMLError}), and users and scripts read that line. Covers the
 * common mistakes (empty input, text before or after the root element, unclosed or mismatched
 * tags, unclosed comments and CDATA, bad entities, attributes without quotes or value,
 * duplicate attributes, control characters); anything else keeps the JDK's wording. The JDK's
 * messages are read in English: {@link VirXml} pins its parser's message locale.
 *
 * <p>Stateless; safe from any thread. Runs only on the error path.
 */
final class LibxmlErrors {

    private LibxmlErrors() {
    }

    private static final Pattern MISMATCH = Pattern.compile(
            "The element type \"([^\"]+)\" must be terminated by the matching end-tag .*");
    private static final Pattern UNDECLARED_ENTITY = Pattern.compile(
            "The entity \"([^\"]+)\" was referenced, but not declared\\.");
    private static final Pattern DUPLICATE_ATTRIBUTE = Pattern.compile(
            "Attribute \"([^\"]+)\" was already specified for element .*");
    private static final Pattern INVALID_CHAR = Pattern.compile(
            "An invalid XML character \\(Unicode: 0x([0-9a-fA-F]+)\\) was found in the element content.*");
    private static final Pattern NO_EQUALS = Pattern.compile(
            "Attribute name \"([^\"]+)\" associated with an element type .* must be followed by the ' = ' character\\.");
    private static final Pattern END_TAG = Pattern.compile("</\\s*([^\\s>]*)");

    /**
     * libxml2's message for the JDK's {@code e} about {@code text}, without libvirt's
     * "NAME:LINE: " prefix and context lines.
     */
    static String message(SAXParseException e, String text) {
        String jdk = e.getMessage() == null ? "" : e.getMessage();
        Matcher m;
        switch (jdk) {
            case "Premature end of file.":
                return text.isEmpty() ? "Document is empty" : "Start tag expected, '<' not found";
            case "Content is not allowed in prolog.":
                return "Start tag expected, '<' not found";
            case "Content is not allowed in trailing section.",
                 "The markup in the document following the root element must be well-formed.":
                return "Extra content at the end of the document";
            case "XML document structures must start and end within the same entity.":
                return prematureEnd(text);
            case "The entity name must immediately follow the '&' in the entity reference.":
                return "xmlParseEntityRef: no name";
            case "The content of elements must consist of well-formed character data or markup.":
                return "StartTag: invalid element name";
            default:
                break;
        }
        if ((m = MISMATCH.matcher(jdk)).matches()) {
            Open open = innermostOpen(text);
            String line = open != null ? Integer.toString(open.line()) : "1";
            return "Opening and ending tag mismatch: " + m.group(1) + " line " + line + " and "
                    + endTagAt(text, e.getLineNumber(), e.getColumnNumber());
        }
        if ((m = UNDECLARED_ENTITY.matcher(jdk)).matches()) {
            return "Entity '" + m.group(1) + "' not defined";
        }
        if ((m = DUPLICATE_ATTRIBUTE.matcher(jdk)).matches()) {
            return "Attribute " + m.group(1) + " redefined";
        }
        if ((m = INVALID_CHAR.matcher(jdk)).matches()) {
            return "PCDATA invalid Char value " + Integer.parseInt(m.group(1), 16);
        }
        if ((m = NO_EQUALS.matcher(jdk)).matches()) {
            return "Specification mandates value for attribute " + m.group(1);
        }
        if (jdk.startsWith("Open quote is expected for attribute")) {
            return "AttValue: \" or ' expected";
        }
        if (jdk.startsWith("The value of attribute") && jdk.endsWith("must not contain the '<' character.")) {
            return "Unescaped '<' not allowed in attributes values";
        }
        return jdk;
    }

    /** The text ended inside something: libxml2 names what. */
    private static String prematureEnd(String text) {
        int comment = text.lastIndexOf("<!--");
        if (comment >= 0 && text.indexOf("-->", comment + 4) < 0) {
            return "Comment not terminated";
        }
        int cdata = text.lastIndexOf("<![CDATA[");
        if (cdata >= 0 && text.indexOf("]]>", cdata + 9) < 0) {
            return "CData section not finished";
        }
        int lt = text.lastIndexOf('<');
        if (lt >= 0 && text.indexOf('>', lt) < 0) {
            if (text.startsWith("</", lt)) {
                return "expected '>'";
            }
            String tag = text.substring(lt + 1).strip();
            int space = indexOfSpace(tag);
            if (space >= 0) {
                return "attributes construct error";
            }
            return "Couldn't find end of Start Tag " + tag + " line " + lineAt(text, lt);
        }
        Open open = innermostOpen(text);
        if (open == null) {
            return "Start tag expected, '<' not found";
        }
        return "Premature end of data in tag " + open.name() + " line " + open.line();
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The line (from 1) the character at {@code index} is on. */
    static int lineAt(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The name in the end tag the JDK stopped at (line and column of its report). */
    private static String endTagAt(String text, int line, int column) {
        int start = 0;
        for (int l = 1; l < line && start >= 0; l++) {
            start = text.indexOf('\n', start) + 1;
            if (start == 0) {
                return "";
            }
        }
        int at = Math.max(0, Math.min(text.length(), start + Math.max(0, column - 1)));
        int lt = text.lastIndexOf("</", at);
        if (lt < 0) {
            return "";
        }
        Matcher m = END_TAG.matcher(text);
        return m.find(lt) ? m.group(1) : "";
    }

    /** An element still open where parsing stopped, and the line its start tag is on. */
    private record Open(String name, int line) {
    }

    /** The innermost element open when the JDK's parser gave up on {@code text}. */
    private static Open innermostOpen(String text) {
        Deque<Open> open = new ArrayDeque<>();
        DefaultHandler h = new DefaultHandler() {
            private Locator where;

            @Override
            public void setDocumentLocator(Locator locator) {
                where = locator;
            }

            @Override
            public void startElement(String uri, String local, String qName, Attributes atts) {
                open.push(new Open(qName, where != null ? where.getLineNumber() : 1));
            }

            @Override
            public void endElement(String uri, String local, String qName) {
                open.poll();
            }
        };
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.newSAXParser().parse(new InputSource(new StringReader(text)), h);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            // expected: the document is not well formed; the stack holds what was open
        }
        return open.peek();
    }
}
