package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static io.jvirtd.model.conf.Shape.el;

/**
 * The guest {@code <cpu>} element (src/conf/cpu_conf.c virCPUDefParseXML / virCPUDefFormatBuf
 * for a guest CPU) with its {@code <numa>} cells. Stateless; safe from any thread.
 */
final class Cpu {

    private Cpu() {
    }

    private static final List<String> MODES = List.of("custom", "host-model",
            "host-passthrough", "maximum");
    private static final List<String> MATCHES = List.of("minimum", "exact", "strict");
    private static final List<String> POLICIES = List.of("force", "require", "optional",
            "disable", "forbid");

    private static final Shape NUMA = el("numa", "",
            el("cell", "id cpus memory unit discard memAccess", el("distances", "",
                    el("sibling", "id value").repeat()),
                    el("cache", "level associativity policy", el("size", "value unit"),
                            el("line", "value unit")).repeat()).repeat(),
            el("interconnects", "", el("latency", "initiator target cache type value unit").repeat(),
                    el("bandwidth", "initiator target cache type value unit").repeat()));

    static XmlNode canon(XElem cpu) {
        XmlNode n = new XmlNode("cpu");
        String mode = cpu.attr("mode");
        if (mode == null) {
            mode = "custom";
        } else if (!MODES.contains(mode)) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                    "Invalid value for attribute 'mode' in element 'cpu': '" + mode + "'.");
        }
        XElem model = cpu.child("model");
        String modelName = model == null ? null : DomainCanon.emptyToNull(model.text());
        boolean formatModel = mode.equals("custom") || mode.equals("host-model");
        if (!mode.equals("custom") || modelName != null) {
            n.attr("mode", mode);
            if (mode.equals("custom")) {
                String match = cpu.attr("match");
                if (match != null && !MATCHES.contains(match)) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                            "Invalid value for attribute 'match' in element 'cpu': '" + match + "'.");
                }
                n.attr("match", match == null ? "exact" : match);
            }
            String check = cpu.attr("check");
            if (check != null && !"none".equals(check) && !"default".equals(check)) {
                n.attr("check", check);
            } else if ("none".equals(check)) {
                n.attr("check", "none");
            }
            String migratable = cpu.attr("migratable");
            if (migratable != null && (mode.equals("host-passthrough") || mode.equals("maximum"))) {
                n.attr("migratable", migratable);
            }
        }
        String vendorId = model == null ? null : model.attr("vendor_id");
        if (formatModel && (modelName != null || vendorId != null)) {
            XmlNode m = new XmlNode("model");
            if (modelName != null) {
                String fb = model.attr("fallback");
                m.attr("fallback", fb == null ? "allow" : fb);
            }
            m.attr("vendor_id", vendorId);
            m.text(modelName);
            n.add(m);
        }
        String vendor = cpu.childText("vendor");
        if (formatModel && vendor != null) {
            n.add(new XmlNode("vendor").text(vendor));
        }
        XElem topo = cpu.child("topology");
        if (topo != null) {
            // virXMLPropUInt with REQUIRED|NONZERO (dies: NONZERO, default 1), in this order
            long sockets = Values.propUIntNonZero(topo, "sockets", true);
            long dies = Values.propUIntNonZero(topo, "dies", false);
            long cores = Values.propUIntNonZero(topo, "cores", true);
            long threads = Values.propUIntNonZero(topo, "threads", true);
            n.add(new XmlNode("topology").attr("sockets", Long.toString(sockets))
                    .attr("dies", Long.toString(dies < 0 ? 1 : dies)).attr("cores", Long.toString(cores))
                    .attr("threads", Long.toString(threads)));
        }
        XElem cache = cpu.child("cache");
        if (cache != null) {
            n.add(new XmlNode("cache").attr("level", cache.attr("level")).attr("mode", cache.attr("mode")));
        }
        XElem mpa = cpu.child("maxphysaddr");
        if (mpa != null) {
            n.add(new XmlNode("maxphysaddr").attr("mode", mpa.attr("mode")).attr("bits", mpa.attr("bits")));
        }
        List<String> featureNames = new ArrayList<>();
        for (XElem f : cpu.children("feature")) {
            // virCPUDefParseXML's checks for a guest CPU, in its order
            if (modelName == null && mode.equals("custom")) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                        "Non-empty feature list specified without CPU model");
            }
            String policy = f.attr("policy");
            if (policy == null) {
                policy = "require";
            } else if (!POLICIES.contains(policy)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.CPU,
                        "Invalid CPU feature policy");
            }
            String name = f.attr("name");
            if (name == null || name.isEmpty()) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU, "Invalid CPU feature name");
            }
            if (featureNames.contains(name)) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                        "CPU feature '" + name + "' specified more than once");
            }
            featureNames.add(name);
            n.add(new XmlNode("feature").attr("policy", policy).attr("name", name));
        }
        XElem numa = cpu.child("numa");
        if (numa != null) {
            XmlNode nn = NUMA.canon(numa);
            List<XmlNode> cells = nn.children("cell");
            if (cells.isEmpty()) {
                throw DomainDef.xmlError("NUMA topology defined without NUMA cells");
            }
            // virDomainNumaDefParseXML: cells by id (document position when absent), each id once
            XmlNode[] byId = new XmlNode[cells.size()];
            List<XElem> raw = numa.children("cell");
            for (int i = 0; i < cells.size(); i++) {
                XmlNode cell = cells.get(i);
                long id = Values.propUIntOrDefault(raw.get(i), "id", i);
                if (id >= cells.size()) {
                    throw DomainDef.xmlError("Exactly one 'cell' element per guest NUMA cell allowed, "
                            + "non-contiguous ranges or ranges not starting from 0 are not allowed");
                }
                if (byId[(int) id] != null) {
                    throw DomainDef.xmlError("Duplicate NUMA cell info for cell id '" + id + "'");
                }
                cell.attr("id", Long.toString(id));
                if (cell.attr("cpus") != null) {
                    cell.attr("cpus", CpuSet.normalize(cell.attr("cpus")));
                }
                numaOverlap(cell, byId);
                long kib = Values.scaledKiB(null, cell.attr("memory"), cell.attr("unit"), "./@memory",
                        Long.MAX_VALUE, true);
                cell.attr("memory", Long.toString(kib));
                cell.attr("unit", "KiB");
                NUMA.kid("cell").sort(cell);
                byId[(int) id] = cell;
            }
            nn.children().removeIf(c -> c.name().equals("cell"));
            nn.children().addAll(0, List.of(byId));
            n.add(nn);
        }
        return n.attrs().isEmpty() && n.children().isEmpty() ? null : n;
    }

    /** virDomainNumaDefParseXML: no vCPU in two cells ("cells 1 and 0": the new cell first). */
    private static void numaOverlap(XmlNode cell, XmlNode[] byId) {
        BitSet mine = cpus(cell);
        for (int j = 0; j < byId.length && mine != null; j++) {
            BitSet other = byId[j] == null ? null : cpus(byId[j]);
            if (other != null && other.intersects(mine)) {
                throw Values.unsupported("NUMA cells " + cell.attr("id") + " and " + j + " have overlapping vCPU ids");
            }
        }
    }

    private static BitSet cpus(XmlNode cell) {
        String c = cell.attr("cpus");
        return c == null || c.isEmpty() ? null : CpuSet.parse(c, "cpus");
    }
}
