package io.jvirtd.driver.schema;

import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.IncorrectSchemaException;
import com.thaiopensource.validate.Schema;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.Validator;
import com.thaiopensource.validate.rng.SAXSchemaReader;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.XMLFilterImpl;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * libvirt's RELAX NG schemas as installed on the host, checked with Jing: what
 * virXMLValidateAgainstSchema (src/util/virxml.c) does for the drivers when a call carries a
 * {@code *_VALIDATE} flag.
 *
 * <p>The schemas are read at run time from a folder, {@link #SYSTEM_FOLDER} unless the daemon
 * says otherwise (Debian's libvirt0 installs them there), never from a copy of ours, so they are
 * the exact schemas of the libvirt on the host. Each schema is compiled the first time a call
 * needs it (domain.rng takes ≈250 ms) and kept; a schema that fails to compile is not kept, so
 * installing the schemas later fixes a running daemon.
 *
 * <p>Answers, as libvirtd 9.0 gives them (both in domain XML):
 * <ul>
 *   <li>the document does not match: XML_INVALID_SCHEMA, "Unable to validate doc against
 *       FOLDER/NAME.rng\nDETAIL\n". DETAIL is Jing's first complaint, where libvirtd prints
 *       libxml2's (e.g. Jing's {@code element "bogus" not allowed here; expected ...} for
 *       libxml2's {@code Element domain has extra content: bogus}); the verdict is the same;
 *   <li>the schema cannot be read: INTERNAL_ERROR, "Unable to parse RNG FOLDER/NAME.rng: WHY";
 *       when the whole folder is missing WHY names it.
 * </ul>
 *
 * <p>Lives with the drivers, the layer that deals with the host, because drivers validate and
 * the model must stay free of files; the daemon only picks the folder. Validation is CPU work
 * and runs on the worker of the call that asked for it.
 *
 * <p>Thread safety: any number of workers validate at once. Compiled schemas are immutable
 * (Jing's {@link Schema} is safe for concurrent use) and each validation makes its own
 * {@link Validator} and parser. The first caller of a schema compiles it with no lock held;
 * callers that arrive meanwhile wait for that result instead of compiling it again.
 */
public final class RelaxNgSchemas implements SchemaValidator {

    /** Where Debian's libvirt0 installs the schemas (libvirt's PKGDATADIR/schemas). */
    public static final Path SYSTEM_FOLDER = Path.of("/usr/share/libvirt/schemas");

    private final Path folder;
    /** Schema file name -> its compilation, done or under way. Failed ones are removed. */
    private final ConcurrentHashMap<String, CompletableFuture<Schema>> compiled = new ConcurrentHashMap<>();
    /** Schemas compiled successfully so far (tests check that each is compiled once). */
    private final AtomicInteger compilations = new AtomicInteger();

    /** Schemas from {@code folder}, which is read only when a call needs a schema. */
    public RelaxNgSchemas(Path folder) {
        this.folder = folder;
    }

    /** The schemas of the libvirt installed on the host ({@link #SYSTEM_FOLDER}). */
    public static RelaxNgSchemas system() {
        return new RelaxNgSchemas(SYSTEM_FOLDER);
    }

    /** How many schemas were compiled successfully (each at most once). */
    int compilations() {
        return compilations.get();
    }

    /** The folder the schemas are read from. */
    public Path folder() {
        return folder;
    }

    @Override
    public void validate(String schemaFile, String xml) {
        Schema schema = schema(schemaFile);
        FirstError errors = new FirstError();
        PropertyMapBuilder properties = new PropertyMapBuilder();
        properties.put(ValidateProperty.ERROR_HANDLER, errors);
        Validator validator = schema.createValidator(properties.toPropertyMap());
        try {
            XMLReader reader = new UnboundPrefixes(newReader());
            reader.setContentHandler(validator.getContentHandler());
            reader.setDTDHandler(validator.getDTDHandler());
            reader.setErrorHandler(errors);
            reader.parse(new InputSource(new StringReader(VirXml.withoutByteOrderMark(xml))));
        } catch (SAXException | IOException e) {
            if (errors.first == null) {
                // the caller has parsed the document already, so this is not the client's fault
                throw VirException.internalError(VirErrorDomain.XML,
                        "Unable to validate doc against " + path(schemaFile) + ": " + e.getMessage());
            }
        }
        if (errors.first != null) {
            throw VirException.of(VirErrorNumber.XML_INVALID_SCHEMA, VirErrorDomain.XML,
                    "Unable to validate doc against " + path(schemaFile) + "\n" + errors.first + "\n");
        }
    }

    private Schema schema(String schemaFile) {
        CompletableFuture<Schema> mine = new CompletableFuture<>();
        CompletableFuture<Schema> existing = compiled.putIfAbsent(schemaFile, mine);
        if (existing == null) {
            try {
                mine.complete(compile(schemaFile));
            } catch (RuntimeException e) {
                compiled.remove(schemaFile, mine);
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** virXMLValidatorInit: reads and compiles one schema file (with the files it includes). */
    private Schema compile(String schemaFile) {
        Path file = folder.resolve(schemaFile);
        if (!Files.isDirectory(folder)) {
            throw cannotParse(file, "the schema folder " + folder + " does not exist (libvirt's RELAX NG"
                    + " schemas, installed by Debian's libvirt0 package)");
        }
        if (!Files.isReadable(file)) {
            // libxml2's words
            throw cannotParse(file, "xmlRelaxNGParse: could not load " + file + "\n");
        }
        FirstError errors = new FirstError();
        PropertyMapBuilder properties = new PropertyMapBuilder();
        properties.put(ValidateProperty.ERROR_HANDLER, errors);
        try {
            InputSource source = new InputSource(file.toUri().toString());
            Schema schema = SAXSchemaReader.getInstance().createSchema(source, properties.toPropertyMap());
            compilations.incrementAndGet();
            return schema;
        } catch (IncorrectSchemaException | SAXException | IOException e) {
            String why = errors.first != null ? errors.first : e.getMessage();
            throw cannotParse(file, why + "\n");
        }
    }

    private Path path(String schemaFile) {
        return folder.resolve(schemaFile);
    }

    private static VirException cannotParse(Path file, String why) {
        return VirException.internalError(VirErrorDomain.XML, "Unable to parse RNG " + file + ": " + why);
    }

    /**
     * A namespace-aware SAX parser that, like the daemon's DOM parser (VirXml), reads no
     * external DTD or entity: the document comes from a client.
     */
    private static XMLReader newReader() throws SAXException {
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(true);
            f.setXIncludeAware(false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            XMLReader r = f.newSAXParser().getXMLReader();
            r.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            r.setProperty("http://apache.org/xml/properties/locale", Locale.ENGLISH);
            r.setFeature("http://apache.org/xml/features/continue-after-fatal-error", true);
            return r;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a standard feature", e);
        }
    }

    /**
     * Keeps Jing's first complaint and stops there: libvirt reports the first failure too, and a
     * broken document costs no more work than that.
     */
    private static final class FirstError implements ErrorHandler {
        String first;

        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            if (first == null) {
                first = e.getMessage();
            }
            throw e;
        }

        /**
         * Not a schema complaint: the document (or schema) is not XML; the caller reports it.
         * But for an unbound prefix, which libxml2 only warns about (see {@link UnboundPrefixes}).
         */
        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            if (!VirXml.isUnboundPrefix(e)) {
                throw e;
            }
        }
    }

    /**
     * Gives the validator the names libxml2 gives elements and attributes whose prefix nothing
     * binds: no namespace, and the whole "prefix:name" as the name (the JDK's parser, told to
     * go on after such an error, reports the part after the colon).
     */
    private static final class UnboundPrefixes extends XMLFilterImpl {
        UnboundPrefixes(XMLReader parent) {
            super(parent);
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes atts) throws SAXException {
            AttributesImpl fixed = null;
            for (int i = 0; i < atts.getLength(); i++) {
                if (unbound(atts.getURI(i), atts.getQName(i))) {
                    if (fixed == null) {
                        fixed = new AttributesImpl(atts);
                    }
                    fixed.setLocalName(i, atts.getQName(i));
                }
            }
            super.startElement(uri, unbound(uri, qName) ? qName : local, qName, fixed != null ? fixed : atts);
        }

        @Override
        public void endElement(String uri, String local, String qName) throws SAXException {
            super.endElement(uri, unbound(uri, qName) ? qName : local, qName);
        }

        private static boolean unbound(String uri, String qName) {
            return (uri == null || uri.isEmpty()) && qName.indexOf(':') > 0 && !qName.startsWith("xmlns:");
        }
    }
}
