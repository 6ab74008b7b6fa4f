package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The domain's {@code <seclabel>} elements as virSecurityLabelDefsParseXML reads them and
 * virSecurityLabelDefFormat writes them: type (dynamic when absent), relabel (yes for dynamic,
 * no for static and none, unless given) and the labels that apply: a static label needs its
 * {@code <label>}, a dynamic one cannot do without relabelling, the image label is kept only
 * for live definitions and the base label only for dynamic ones; one seclabel per model.
 *
 * <p>Stateless; safe from any thread.
 */
final class Seclabels {

    private Seclabels() {
    }

    private static final List<String> TYPES = List.of("none", "dynamic", "static");

    static List<XmlNode> parse(List<XElem> elements, int flags) {
        List<XmlNode> out = new ArrayList<>();
        List<String> models = new ArrayList<>();
        for (XElem e : elements) {
            XmlNode n = one(e, flags);
            String model = n.attr("model");
            for (String m : models) {
                if (Objects.equals(m, model)) {
                    throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.DOMAIN,
                            "seclabel for model " + (model == null ? "(null)" : model) + " is already provided");
                }
            }
            models.add(model);
            out.add(n);
        }
        return out;
    }

    /** virSecurityLabelDefParseXML. */
    private static XmlNode one(XElem e, int flags) {
        boolean inactive = (flags & DomainDef.PARSE_INACTIVE) != 0;
        String model = e.attr("model");
        String type = Values.propEnum(e, "type", TYPES);
        type = type == null ? "dynamic" : type;
        boolean relabel = "dynamic".equals(type);
        String r = Values.propEnum(e, "relabel", List.of("yes", "no"));
        if (r != null) {
            relabel = "yes".equals(r);
        }
        if ("dynamic".equals(type) && !relabel) {
            throw Values.unsupported("dynamic label type must use resource relabeling");
        }
        if ("none".equals(type) && relabel) {
            throw Values.unsupported("resource relabeling is not compatible with 'none' label type");
        }
        XmlNode n = new XmlNode("seclabel");
        if ("none".equals(model)) {
            if (inactive) {
                type = "none";
            } else if (!"none".equals(type)) {
                throw Values.unsupported("unsupported type='" + type + "' to model 'none'");
            }
            return format(n, type, model, false, null, null, null);
        }
        String label = null;
        if ("static".equals(type) || (!inactive && !"none".equals(type))) {
            label = e.childText("label");
            if (label == null || label.isEmpty()) {
                throw DomainDef.xmlError("security label is missing");
            }
        }
        String imagelabel = null;
        if (relabel && !inactive && !"none".equals(type)) {
            imagelabel = e.childText("imagelabel");
            if (imagelabel == null || imagelabel.isEmpty()) {
                throw DomainDef.xmlError("security imagelabel is missing");
            }
        }
        String baselabel = "dynamic".equals(type) ? e.childText("baselabel") : null;
        return format(n, type, model, relabel, label, imagelabel, baselabel);
    }

    /** virSecurityLabelDefFormat. */
    private static XmlNode format(XmlNode n, String type, String model, boolean relabel, String label,
                                  String imagelabel, String baselabel) {
        n.attr("type", type).attr("model", model);
        if ("none".equals(type)) {
            return n;
        }
        n.attr("relabel", relabel ? "yes" : "no");
        if (label != null || imagelabel != null || baselabel != null) {
            if (label != null) {
                n.add(new XmlNode("label").text(label));
            }
            if (relabel && imagelabel != null) {
                n.add(new XmlNode("imagelabel").text(imagelabel));
            }
            if ("dynamic".equals(type) && baselabel != null) {
                n.add(new XmlNode("baselabel").text(baselabel));
            }
        }
        return n;
    }

}
