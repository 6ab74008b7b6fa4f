package io.jvirtd.model.conf;

import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code <numatune>} as virDomainNumatuneParseXML reads it (numa_conf.c), after the guest NUMA
 * cells and the vCPUs: with {@code <vcpu placement='auto'>} and no {@code <memory>} the memory
 * placement is automatic too; a nodeset makes it static; {@code <memnode>} needs the cell it
 * names; and as virDomainNumatuneFormatXML writes it (memnodes by cell id).
 *
 * <p>Stateless; safe from any thread.
 */
final class Numatune {

    private Numatune() {
    }

    private static final List<String> MODES = List.of("strict", "preferred", "interleave", "restrictive");
    private static final List<String> PLACEMENTS = List.of("default", "static", "auto");

    /**
     * @param nt the element, or null
     * @param placementStatic whether {@code <vcpu placement>} is static
     * @param cells the number of guest NUMA cells
     * @return the canonical node, or null when there is nothing to write
     */
    static XmlNode parse(List<XElem> all, boolean placementStatic, int cells) {
        if (all.size() > 1) {
            throw DomainDef.xmlError("only one numatune is supported");
        }
        XElem nt = all.isEmpty() ? null : all.get(0);
        XElem mem = nt == null ? null : nt.child("memory");
        String mode = null;
        String placement = !placementStatic && mem == null ? "auto" : null;
        BitSet nodeset = null;
        if (mem != null) {
            mode = mem.attr("mode");
            if (mode != null && !MODES.contains(mode)) {
                throw Values.unsupported("Unsupported NUMA memory tuning mode '" + mode + "'");
            }
            placement = mem.attr("placement");
            if (placement != null && !PLACEMENTS.contains(placement)) {
                throw Values.unsupported("Unsupported NUMA memory placement mode '" + placement + "'");
            }
            String ns = mem.attr("nodeset");
            if (ns != null) {
                nodeset = nonEmpty(ns);
            }
        }
        XmlNode memory = null;
        if (mode != null || placement != null || nodeset != null) {
            // virDomainNumatuneSet
            mode = mode == null ? "strict" : mode;
            placement = placement == null ? (nodeset != null ? "static" : "default") : placement;
            if ("default".equals(placement)) {
                placement = nodeset != null || placementStatic ? "static" : "auto";
            }
            if ("static".equals(placement) && nodeset == null) {
                throw Values.unsupported("nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
            }
            memory = new XmlNode("memory").attr("mode", mode);
            if ("static".equals(placement)) {
                memory.attr("nodeset", CpuSet.format(nodeset));
            } else {
                memory.attr("placement", placement);
            }
        }
        TreeMap<Long, XmlNode> memnodes = new TreeMap<>();
        List<XElem> mns = nt == null ? List.of() : nt.children("memnode");
        if (!mns.isEmpty()) {
            if (memory != null && "auto".equals(memory.attr("placement"))) {
                throw Values.unsupported("Per-node binding is not compatible with automatic NUMA placement.");
            }
            if (cells == 0) {
                throw DomainDef.xmlError("Element 'memnode' is invalid without any guest NUMA cells");
            }
        }
        for (XElem mn : mns) {
            String c = mn.attr("cellid");
            if (c == null) {
                throw Values.missingAttr("memnode", "cellid");
            }
            long cellid = Values.propUInt(mn, "cellid", c);
            if (cellid >= cells) {
                throw DomainDef.xmlError(
                        "Argument 'cellid' in memnode element must correspond to existing guest's NUMA cell");
            }
            if (memnodes.containsKey(cellid)) {
                throw DomainDef.xmlError("Multiple memnode elements with cellid " + cellid);
            }
            String m = Values.propEnum(mn, "mode", MODES);
            m = m == null ? "strict" : m;
            if (memory != null && "restrictive".equals(memory.attr("mode")) && !"restrictive".equals(m)) {
                throw DomainDef.xmlError("'restrictive' mode is required in memnode element "
                        + "when mode is 'restrictive' in memory element");
            }
            String ns = mn.attr("nodeset");
            if (ns == null) {
                throw DomainDef.xmlError("Missing required nodeset attribute in memnode element");
            }
            memnodes.put(cellid, new XmlNode("memnode").attr("cellid", Long.toString(cellid)).attr("mode", m)
                    .attr("nodeset", CpuSet.format(nonEmpty(ns))));
        }
        if (memory == null && memnodes.isEmpty()) {
            return null;
        }
        XmlNode n = new XmlNode("numatune");
        if (memory != null) {
            n.add(memory);
        }
        memnodes.values().forEach(n::add);
        return n;
    }

    private static BitSet nonEmpty(String set) {
        BitSet b = CpuSet.parse(set, "nodeset");
        if (b.isEmpty()) {
            throw Values.unsupported("Invalid value of 'nodeset': " + set);
        }
        return b;
    }

}
