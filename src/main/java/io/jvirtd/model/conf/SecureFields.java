package io.jvirtd.model.conf;

/**
 * The secrets a domain definition may hold in clear text, and how formatting leaves them out.
 * libvirt 9.0 writes two kinds only with {@code VIR_DOMAIN_XML_SECURE}, which a read-only
 * connection may not ask for: the HTTP cookies of a network source
 * (virDomainDiskSourceFormatNetworkCookies: disk sources, their backing chains and mirrors,
 * nvram) and graphics passwords (virDomainGraphicsAuthDefFormatAttr, see {@link Graphics}).
 * Everything else that looks like a credential only names a secret object ({@code <auth>},
 * {@code <encryption>}) and is printed as is.
 *
 * <p>Stateless; safe from any thread.
 */
final class SecureFields {

    private SecureFields() {
    }

    /**
     * {@code n} itself when nothing below it is a {@code <cookies>} element, else a copy without
     * any: the node is shared with the stored definition, so it is never changed in place.
     */
    static XmlNode withoutCookies(XmlNode n) {
        if (!holdsCookies(n)) {
            return n;
        }
        XmlNode copy = n.copy();
        dropCookies(copy);
        return copy;
    }

    private static boolean holdsCookies(XmlNode n) {
        for (XmlNode c : n.children()) {
            if (c.name().equals("cookies") || holdsCookies(c)) {
                return true;
            }
        }
        return false;
    }

    private static void dropCookies(XmlNode n) {
        n.remove("cookies");
        for (XmlNode c : n.children()) {
            dropCookies(c);
        }
    }
}
