package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.cpumap.X86CpuMap;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.Enums;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * virConnectBaselineCPU for the test driver (testConnectBaselineCPU: virCPUDefListParse, then
 * virCPUBaseline with the first CPU's architecture).
 *
 * <p>libvirt computes a real baseline from its x86 CPU map (feature bits per model). Only the
 * case that needs no bit arithmetic is answered: every CPU names the same model and lists no
 * features. That gives libvirt's answer exactly (the model with fallback 'forbid', plus the
 * vendor when every CPU names it, plus with EXPAND_FEATURES the model's features from the
 * host's CPU map, {@link X86CpuMap}). Anything else is refused with
 * VIR_ERR_OPERATION_UNSUPPORTED rather than answered wrongly. Stateless.
 */
final class CpuBaseline {

    /** {@code VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES}. */
    static final int EXPAND_FEATURES = 1;

    /** Vendors in libvirt's x86 CPU map. */
    private static final Set<String> X86_VENDORS = Set.of("Intel", "AMD", "Hygon");

    private CpuBaseline() {
    }

    /** One parsed {@code <cpu>} (virCPUDef, host type): the fields the baseline looks at. */
    private record Cpu(String arch, String model, String vendor, int features) {
    }

    static String compute(List<String> xmlCpus, int flags) {
        VirException.checkFlags(flags, EXPAND_FEATURES, VirErrorDomain.TEST, "testConnectBaselineCPU");
        if (xmlCpus.isEmpty()) {
            throw VirException.invalidArg(VirErrorDomain.CPU, "no CPUs given");
        }
        List<Cpu> cpus = new ArrayList<>();
        for (String xml : xmlCpus) {
            cpus.add(parse(xml));
        }
        String arch = cpus.get(0).arch();
        if (!arch.equals("i686") && !arch.equals("x86_64")) {
            throw notYet("CPU baseline for architecture " + arch);
        }
        Cpu first = cpus.get(0);
        X86CpuMap map = X86CpuMap.system();
        if (!map.hasModel(first.model())) {
            throw VirException.internalError(VirErrorDomain.CPU, "Unknown CPU model " + first.model());
        }
        // x86Baseline: the first CPU's vendor must be known; the others' must match the vendor
        // of their model and the first vendor seen
        boolean outputVendor = first.vendor() != null;
        String vendor = null;
        if (first.vendor() != null) {
            if (!X86_VENDORS.contains(first.vendor())) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.CPU,
                        "Unknown CPU vendor " + first.vendor());
            }
            vendor = first.vendor();
        }
        for (Cpu cpu : cpus) {
            if (!cpu.model().equals(first.model()) || cpu.features() > 0) {
                throw notYet("baseline of differing CPU models or explicit features");
            }
            if (cpu == first) {
                continue;
            }
            String modelVendor = map.vendor(cpu.model());
            if (cpu.vendor() != null && modelVendor != null && !cpu.vendor().equals(modelVendor)) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.CPU, "CPU vendor "
                        + modelVendor + " of model " + cpu.model() + " differs from vendor " + cpu.vendor());
            }
            String vn = cpu.vendor();
            if (vn == null) {
                outputVendor = false;
                vn = modelVendor;
            }
            if (vn == null) {
                continue;
            }
            if (vendor == null) {
                if (!X86_VENDORS.contains(vn)) {
                    throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.CPU,
                            "Unknown CPU vendor " + vn);
                }
                vendor = vn;
            } else if (!vendor.equals(vn)) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.CPU,
                        "CPU vendors do not match");
            }
        }
        if (!map.decodesGuests(first.model())) {
            // x86Decode never answers with such a model: it looks for the closest other one
            throw notYet("baseline of CPU model " + first.model());
        }
        StringBuilder b = new StringBuilder("<cpu mode='custom' match='exact'>\n");
        b.append("  <model fallback='forbid'>").append(escape(first.model())).append("</model>\n");
        if (outputVendor && vendor != null) {
            b.append("  <vendor>").append(escape(vendor)).append("</vendor>\n");
        }
        if ((flags & EXPAND_FEATURES) != 0) {
            for (X86CpuMap.Feature f : map.expand(first.model())) {
                b.append("  <feature policy='").append(f.policy()).append("' name='")
                        .append(escape(f.name())).append("'/>\n");
            }
        }
        return b.append("</cpu>\n").toString();
    }

    /** virCPUDefParseXML for a host CPU, as far as the baseline needs it. */
    private static Cpu parse(String xml) {
        Document doc = VirXml.parseString(xml, "(CPU_definition)", null, VirErrorDomain.CPU);
        Element root = doc.getDocumentElement();
        if (!"cpu".equals(VirXml.localName(root))) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                    "XML does not contain expected 'cpu' element");
        }
        String arch = childText(root, "arch");
        if (arch == null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU, "Missing CPU architecture");
        }
        if (!Enums.ARCHES.contains(arch)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.CPU,
                    "Unknown architecture " + arch);
        }
        String model = childText(root, "model");
        if (model == null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU, "Missing CPU model name");
        }
        int features = 0;
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "feature".equals(VirXml.localName(e))) {
                features++;
            }
        }
        return new Cpu(arch, model, childText(root, "vendor"), features);
    }

    /** {@code string(./name[1])}, null when absent or empty (virXPathString). */
    private static String childText(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(VirXml.localName(e))) {
                String s = e.getTextContent();
                return s.isEmpty() ? null : s;
            }
        }
        return null;
    }

    private static VirException notYet(String what) {
        return VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.CPU,
                what + " needs CPU map arithmetic that jvirtd does not do yet");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("'", "&apos;").replace("\"", "&quot;");
    }
}
