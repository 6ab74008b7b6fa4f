package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;

/**
 * The schema step of libvirt's {@code virXMLParse(..., schemafile, validate)} for the parsers
 * here: it runs after the well-formedness and root-element checks and before the definition is
 * read. A validating parse without a validator is a wiring bug, not a client error. Stateless.
 */
final class SchemaCheck {

    private SchemaCheck() {
    }

    static void against(SchemaValidator schemas, String schemaFile, String xml) {
        if (schemas == null) {
            throw new IllegalArgumentException("checking against " + schemaFile + " needs a SchemaValidator");
        }
        schemas.validate(schemaFile, xml);
    }
}
