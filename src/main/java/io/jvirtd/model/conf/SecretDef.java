package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.secret.SecretRef;

import java.util.List;
import java.util.Objects;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A secret definition (libvirt 9.0's {@code virSecretDef}, src/conf/secret_conf.c): UUID
 * (generated when absent), ephemeral and private flags, description, and the usage (type and
 * its id: a volume path, a Ceph, TLS or vTPM name, an iSCSI target). Parsed with libvirt's
 * errors and formatted as {@code virSecretDefFormat} does. Immutable; any thread.
 *
 * @param uuid    the UUID in libvirt's text form (the files are named by it)
 * @param usageId null for usage type none, as libvirt keeps it
 */
public record SecretDef(String uuid, boolean ephemeral, boolean isPrivate, String description,
                        int usageType, String usageId) {

    private static final VirErrorDomain S = VirErrorDomain.SECRET;
    /** {@code virSecretUsageType} names, by number. */
    private static final List<String> USAGE_NAMES = List.of("none", "volume", "ceph", "iscsi", "tls", "vtpm");
    /** The element holding each usage type's id. */
    private static final List<String> USAGE_ELEMENTS = List.of("", "volume", "name", "target", "name", "name");
    private static final List<String> MISSING = List.of("", "volume usage specified, but volume path is missing",
            "Ceph usage specified, but name is missing", "iSCSI usage specified, but target is missing",
            "TLS usage specified, but name is missing", "vTPM usage specified, but name is missing");

    public SecretDef {
        Objects.requireNonNull(uuid, "uuid");
    }

    /** The handle the public API gives out (usage id "" for usage none, as virGetSecret). */
    public SecretRef ref() {
        return new SecretRef(Uuids.parse(uuid).orElseThrow(), usageType, usageId == null ? "" : usageId);
    }

    /** virSecretDefParse of a file's XML, without validation. */
    public static SecretDef parse(String xml, String docName) {
        return parse(xml, docName, null, false);
    }

    /**
     * virSecretDefParse ({@code docName} null: a client's XML), checked against secret.rng
     * first when {@code validate} (VIR_SECRET_DEFINE_VALIDATE).
     */
    public static SecretDef parse(String xml, String docName, SchemaValidator schemas, boolean validate) {
        Element root = VirXml.parseString(xml, docName != null ? docName : "(definition_of_secret)", "secret", S)
                .getDocumentElement();
        if (validate) {
            SchemaCheck.against(schemas, "secret.rng", xml);
        }
        boolean ephemeral = yesNo(root, "ephemeral");
        boolean priv = yesNo(root, "private");
        String uuidText = childText(root, "uuid");
        byte[] uuid;
        if (uuidText == null) {
            uuid = Uuids.random();
        } else {
            uuid = Uuids.parse(uuidText).orElseThrow(() -> VirException.internalError(S, "malformed uuid element"));
        }
        String description = childText(root, "description");
        int usageType = 0;
        String usageId = null;
        Element usage = child(root, "usage");
        if (usage != null) {
            String type = usage.hasAttribute("type") && !usage.getAttribute("type").isEmpty()
                    ? usage.getAttribute("type") : null;
            if (type == null) {
                throw VirException.of(VirErrorNumber.XML_ERROR, S, "unknown secret usage type");
            }
            usageType = USAGE_NAMES.indexOf(type);
            if (usageType < 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, S, "unknown secret usage type " + type);
            }
            if (usageType != SecretRef.USAGE_NONE) {
                usageId = childText(usage, USAGE_ELEMENTS.get(usageType));
                if (usageId == null) {
                    throw VirException.internalError(S, MISSING.get(usageType));
                }
            }
        }
        return new SecretDef(Uuids.format(uuid), ephemeral, priv, description, usageType, usageId);
    }

    /** virSecretDefFormat. */
    public String format() {
        StringBuilder b = new StringBuilder(256);
        b.append("<secret ephemeral='").append(ephemeral ? "yes" : "no").append("' private='")
                .append(isPrivate ? "yes" : "no").append("'>\n");
        b.append("  <uuid>").append(uuid).append("</uuid>\n");
        if (description != null) {
            b.append("  <description>").append(XmlNode.escape(description)).append("</description>\n");
        }
        if (usageType != SecretRef.USAGE_NONE) {
            String el = USAGE_ELEMENTS.get(usageType);
            b.append("  <usage type='").append(USAGE_NAMES.get(usageType)).append("'>\n");
            b.append("    <").append(el).append('>').append(XmlNode.escape(usageId)).append("</").append(el).append(">\n");
            b.append("  </usage>\n");
        }
        b.append("</secret>\n");
        return b.toString();
    }

    /** virStringParseYesNo of an optional attribute (libvirt's XPath yields null for ""). */
    private static boolean yesNo(Element root, String attr) {
        String v = root.getAttribute(attr);
        if (v.isEmpty()) {
            return false;
        }
        if (v.equals("yes")) {
            return true;
        }
        if (v.equals("no")) {
            return false;
        }
        throw VirException.of(VirErrorNumber.XML_ERROR, S, "invalid value of '" + attr + "'");
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(VirXml.localName(e))) {
                return e;
            }
        }
        return null;
    }

    /** XPath's {@code string(./name)} as virXPathString gives it: null when absent or empty. */
    private static String childText(Element parent, String name) {
        Element e = child(parent, name);
        if (e == null) {
            return null;
        }
        String t = e.getTextContent();
        return t.isEmpty() ? null : t;
    }
}
