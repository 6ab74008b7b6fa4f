package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * Value parsing with libvirt's error texts: the {@code virXMLProp*} helpers of
 * src/util/virxml.c (errors in domain XML), {@code virParseScaledValue} and
 * {@code virScaleInteger}. Stateless; safe from any thread.
 */
final class Values {

    private Values() {
    }

    static VirException xmlErr(String detail) {
        return VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.XML, detail);
    }

    /** virXMLPropInt (base 10), with its error texts. */
    static int propInt(XElem e, String attr, String value, boolean nonNegative) {
        long v;
        try {
            String t = value.strip();
            v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException ex) {
            v = Long.MIN_VALUE;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                    + "': '" + value + "'. Expected integer value");
        }
        if (nonNegative && v < 0) {
            throw xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                    + "': '" + value + "'. Expected non-negative value");
        }
        return (int) v;
    }

    static VirException invalidAttr(XElem e, String attr, String value) {
        return xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                + "': '" + value + "'.");
    }

    /** virXMLPropEnum's error for an element by name. */
    static VirException invalidAttr(String element, String attr, String value) {
        return xmlErr("Invalid value for attribute '" + attr + "' in element '" + element
                + "': '" + value + "'.");
    }

    /** virXMLPropEnum with VIR_XML_PROP_REQUIRED's missing-attribute error. */
    static VirException missingAttr(String element, String attr) {
        return xmlErr("Missing required attribute '" + attr + "' in element '" + element + "'");
    }

    /** Checks an enum attribute of a canonical node (null = absent passes). */
    static String checkEnum(XmlNode n, String attr, List<String> allowed) {
        String v = n.attr(attr);
        if (v != null && !allowed.contains(v)) {
            throw invalidAttr(n.name(), attr, v);
        }
        return v;
    }

    /**
     * virXMLPropUInt (base 10) with VIR_XML_PROP_NONZERO, and VIR_XML_PROP_REQUIRED when
     * {@code required}: the value, or -1 when absent and not required.
     */
    static long propUIntNonZero(XElem e, String attr, boolean required) {
        String v = e.attr(attr);
        if (v == null) {
            if (required) {
                throw missingAttr(e.local, attr);
            }
            return -1;
        }
        long n = propUInt(e, attr, v);
        if (n == 0) {
            throw xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                    + "': Zero is not permitted");
        }
        return n;
    }

    /** virXMLPropUInt (base 10) of an optional attribute: its value, or {@code def} when absent. */
    static long propUIntOrDefault(XElem e, String attr, long def) {
        String v = e.attr(attr);
        return v == null ? def : propUInt(e, attr, v);
    }

    /** VIR_ERR_CONFIG_UNSUPPORTED from the domain code. */
    static VirException unsupported(String detail) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN, detail);
    }

    /** virXMLPropUInt (base 10), with its error text. */
    static long propUInt(XElem e, String attr, String value) {
        long n = parseULong(value);
        if (n < 0 || n > 0xffffffffL) {
            throw xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local
                    + "': '" + value + "'. Expected non-negative integer value");
        }
        return n;
    }

    /** virXMLPropEnum: "Invalid value for attribute 'A' in element 'E': 'V'." */
    static String propEnum(XElem e, String attr, List<String> allowed) {
        String v = e.attr(attr);
        if (v == null) {
            return null;
        }
        if (!allowed.contains(v)) {
            throw invalidAttr(e, attr, v);
        }
        return v;
    }

    /** Multiplier for a libvirt unit suffix (virScaleInteger), or -1 for an unknown one. */
    static long unitScale(String suffix, long defScale) {
        if (suffix == null || suffix.isEmpty()) {
            return defScale;
        }
        String s = suffix;
        if (s.equalsIgnoreCase("b") || s.equalsIgnoreCase("byte") || s.equalsIgnoreCase("bytes")) {
            return 1;
        }
        long base;
        if (s.length() == 1 || s.substring(1).equalsIgnoreCase("iB")) {
            base = 1024;
        } else if (s.length() == 2 && Character.toLowerCase(s.charAt(1)) == 'b') {
            base = 1000;
        } else {
            return -1;
        }
        int pow = switch (Character.toLowerCase(s.charAt(0))) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            case 'p' -> 5;
            case 'e' -> 6;
            default -> -1;
        };
        if (pow < 0) {
            return -1;
        }
        long scale = 1;
        for (int i = 0; i < pow; i++) {
            scale *= base;
        }
        return scale;
    }

    /**
     * virParseScaledValue + VIR_DIV_UP(bytes, 1024): a memory size in KiB, or -1 when the
     * element is absent (and not required).
     *
     * @param what the XPath libvirt names in messages, e.g. "./memory[1]"
     * @param max the byte limit (LLONG_MAX for memory)
     */
    static long scaledKiB(XElem el, String value, String unit, String what, long max,
                          boolean required) {
        if (value == null || value.isEmpty()) {
            if (!required) {
                return -1;
            }
            throw xmlErr("missing element or attribute '" + what + "'");
        }
        long bytes = parseULong(value);
        if (bytes < 0) {
            throw xmlErr("Invalid value '" + value + "' for element or attribute '" + what + "'");
        }
        long scale = unitScale(unit, 1024);
        if (scale < 0) {
            throw VirException.invalidArg(VirErrorDomain.NONE, "unknown suffix '" + unit + "'");
        }
        if (bytes != 0 && Long.compareUnsigned(bytes, Long.divideUnsigned(max, scale)) > 0) {
            throw VirException.of(VirErrorNumber.OVERFLOW, VirErrorDomain.NONE,
                    "value too large: " + Long.toUnsignedString(bytes) + (unit == null ? "" : unit));
        }
        bytes *= scale;
        return (bytes + 1023) / 1024;
    }

    /** virStrToLong_ullp-ish (no negatives, decimal): value, or -1 when invalid. */
    static long parseULong(String s) {
        String t = s;
        int i = 0;
        while (i < t.length() && DomainDef.isSpace(t.charAt(i))) {
            i++;
        }
        t = t.substring(i);
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || t.startsWith("-")) {
            return -1;
        }
        for (int k = 0; k < t.length(); k++) {
            if (!Character.isDigit(t.charAt(k)) || t.charAt(k) > '9') {
                return -1;
            }
        }
        try {
            long v = Long.parseUnsignedLong(t);
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
