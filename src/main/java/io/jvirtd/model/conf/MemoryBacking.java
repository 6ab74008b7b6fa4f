package io.jvirtd.model.conf;

/**
 * {@code <memoryBacking>} (virDomainMemorybackingFormat order: hugepages, nosharepages,
 * locked, source, access, allocation, discard). Stateless; safe from any thread.
 */
final class MemoryBacking {

    private MemoryBacking() {
    }

    static XmlNode canon(XElem mb, boolean hasNuma) {
        XmlNode n = new XmlNode("memoryBacking");
        XElem hp = mb.child("hugepages");
        if (hp != null) {
            XmlNode h = new XmlNode("hugepages");
            for (XElem p : hp.children("page")) {
                String size = p.attr("size");
                XmlNode pn = new XmlNode("page");
                if (size != null) {
                    long kib = Values.scaledKiB(p, size, p.attr("unit"), "./@size", Long.MAX_VALUE, false);
                    pn.attr("size", Long.toString(kib)).attr("unit", "KiB");
                }
                if (p.attr("nodeset") != null) {
                    String ns = CpuSet.normalize(p.attr("nodeset"));
                    // virDomainDefPostParseMemtune drops a nodeset of just "0" without guest NUMA
                    if (!"0".equals(ns) || hasNuma) {
                        pn.attr("nodeset", ns);
                    }
                }
                h.add(pn);
            }
            n.add(h);
        }
        for (String flag : new String[] {"nosharepages", "locked"}) {
            if (mb.child(flag) != null) {
                n.add(new XmlNode(flag));
            }
        }
        XElem src = mb.child("source");
        if (src != null && src.attr("type") != null) {
            n.add(new XmlNode("source").attr("type", src.attr("type")));
        }
        XElem acc = mb.child("access");
        if (acc != null && acc.attr("mode") != null) {
            n.add(new XmlNode("access").attr("mode", acc.attr("mode")));
        }
        XElem alloc = mb.child("allocation");
        if (alloc != null) {
            XmlNode a = new XmlNode("allocation").attr("mode", alloc.attr("mode"))
                    .attr("threads", alloc.attr("threads"));
            if (!a.attrs().isEmpty()) {
                n.add(a);
            }
        }
        if (mb.child("discard") != null) {
            n.add(new XmlNode("discard"));
        }
        return n.children().isEmpty() ? null : n;
    }
}
