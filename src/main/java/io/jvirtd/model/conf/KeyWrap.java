package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * {@code <keywrap>} as virDomainKeyWrapDefParseXML reads it (each cipher at most once, name and
 * state required) and virDomainKeyWrapDefFormat writes it (aes, then dea).
 *
 * <p>Stateless; safe from any thread.
 */
final class KeyWrap {

    private KeyWrap() {
    }

    /** The canonical node, or null when no cipher is set. */
    static XmlNode parse(XElem kw) {
        String aes = null;
        String dea = null;
        for (XElem c : kw.children("cipher")) {
            String name = c.attr("name");
            if (name == null) {
                throw Values.missingAttr("cipher", "name");
            }
            Values.propEnum(c, "name", List.of("aes", "dea"));
            String state = c.attr("state");
            if (state == null) {
                throw Values.missingAttr("cipher", "state");
            }
            Values.propEnum(c, "state", List.of("on", "off"));
            if (("aes".equals(name) ? aes : dea) != null) {
                throw VirException.internalError(VirErrorDomain.DOMAIN,
                        "A domain definition can have no more than one cipher node with name " + name);
            }
            if ("aes".equals(name)) {
                aes = state;
            } else {
                dea = state;
            }
        }
        if (aes == null && dea == null) {
            return null;
        }
        XmlNode n = new XmlNode("keywrap");
        if (aes != null) {
            n.add(new XmlNode("cipher").attr("name", "aes").attr("state", aes));
        }
        if (dea != null) {
            n.add(new XmlNode("cipher").attr("name", "dea").attr("state", dea));
        }
        return n;
    }
}
