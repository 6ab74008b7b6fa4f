package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

/**
 * virDomainGetMetadata / virDomainSetMetadata on one definition, by metadata type (libvirt's
 * virDomainObjGetMetadata and virDomainDefSetMetadata): the description, the title, or the
 * element in a namespace, with libvirt's errors. Which definitions a call reaches is the
 * driver's business (its LIVE / CONFIG handling, saving, the METADATA_CHANGE event); every
 * driver shares this part. Stateless.
 */
public final class DomainMetadata {

    /** VIR_DOMAIN_METADATA_DESCRIPTION. */
    public static final int DESCRIPTION = 0;
    /** VIR_DOMAIN_METADATA_TITLE. */
    public static final int TITLE = 1;
    /** VIR_DOMAIN_METADATA_ELEMENT. */
    public static final int ELEMENT = 2;

    private DomainMetadata() {
    }

    /** The metadata of {@code type} in {@code def}; NO_DOMAIN_METADATA when there is none. */
    public static String get(DomainDef def, int type, String uri) {
        checkType(type);
        String value = switch (type) {
            case DESCRIPTION -> def.description();
            case TITLE -> def.title();
            default -> def.metadata(uri);
        };
        if (value == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN_METADATA, VirErrorDomain.DOMAIN,
                    "Requested metadata element is not present");
        }
        return value;
    }

    /** Sets (null or "" for description and title, null for an element: removes) the metadata of {@code type}. */
    public static void set(DomainDef def, int type, String metadata, String key, String uri) {
        checkType(type);
        switch (type) {
            case DESCRIPTION -> def.setDescription(metadata);
            case TITLE -> def.setTitle(metadata);
            default -> def.setMetadata(uri, key, metadata);
        }
    }

    /** Checks {@code type} first, as libvirt does before it looks at the domain's definitions. */
    public static void checkType(int type) {
        if (type < 0 || type > ELEMENT) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN, "unknown metadata type '" + type + "'");
        }
    }
}
