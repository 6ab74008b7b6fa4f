package io.jvirtd.model;

/**
 * Checks a client's XML against one of libvirt's RELAX NG schemas, as libvirt's
 * {@code virXMLParse(..., schemafile, validate)} does when a call carries a {@code *_VALIDATE}
 * flag (and always for checkpoint XML). The parsers of {@code model.conf} call it in libvirt's
 * order: after the well-formedness and root-element checks, before reading the definition. The
 * model only names the schema ("domain.rng"); where the schemas are and how they are compiled
 * is the implementation's business (the drivers get one from the daemon), so the model never
 * touches a file for it.
 *
 * <p>Implementations are safe to call from any number of worker threads at once.
 */
public interface SchemaValidator {

    /**
     * virXMLValidateAgainstSchema.
     *
     * @param schemaFile the schema's file name as libvirt names it, e.g. {@code domain.rng}
     * @param xml a document already known to be well formed, with the expected root element
     * @throws VirException XML_INVALID_SCHEMA (domain XML) when the document does not match the
     *         schema; INTERNAL_ERROR (domain XML) when the schema cannot be read
     */
    void validate(String schemaFile, String xml);
}
