package io.jvirtd.driver.cpumap;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The x86 part of libvirt's CPU map as installed on the host (src/cpu_map: index.xml and the
 * x86_*.xml files it includes): each feature's CPUID and MSR bits in the map's order, and each
 * model's feature bits and the features it marks {@code removed='yes'}. Read at run time from
 * {@link #SYSTEM_FOLDER} (Debian's libvirt0 installs it there), never from a copy of ours, so
 * it is the map of the libvirt on the host.
 *
 * <p>Also says which models exist, their vendor, and which ones x86Decode may answer with for
 * a guest CPU. Answers virCPUx86ExpandFeatures (src/cpu/cpu_x86.c) for a guest CPU of a known model:
 * walk the features in map order, take each one whose bits are all in the model's (what is
 * left of them), then add the removed ones as disabled; virCPUExpandFeatures sorts the list
 * by name.
 *
 * <p>Immutable once read. {@link #system()} reads the folder on the first call that needs it,
 * on that worker, with no lock held (two first callers may both read it; one result is kept);
 * a map that cannot be read is not kept, so installing it later fixes a running daemon.
 */
public final class X86CpuMap {

    /** Where Debian's libvirt0 installs the CPU map (libvirt's PKGDATADIR/cpu_map). */
    public static final Path SYSTEM_FOLDER = Path.of("/usr/share/libvirt/cpu_map");

    private static volatile X86CpuMap system;

    /** One CPU feature of an expanded definition: its name and policy ("require", "disable"). */
    public record Feature(String name, String policy) {
    }

    /** Feature name -> its bits, in the map's order. */
    private final LinkedHashMap<String, Set<String>> features;
    /** Model name -> its bits (features not removed). */
    private final Map<String, Set<String>> modelBits;
    /** Model name -> the features it lists with removed='yes'. */
    private final Map<String, List<String>> modelRemoved;
    /** Model name -> its vendor; models without one are absent. */
    private final Map<String, String> modelVendor;
    /** Models whose {@code <decode guest='off'/>} keeps them out of decoded guest CPUs. */
    private final Set<String> notForGuests;

    private X86CpuMap(LinkedHashMap<String, Set<String>> features, Map<String, Set<String>> modelBits,
                      Map<String, List<String>> modelRemoved, Map<String, String> modelVendor,
                      Set<String> notForGuests) {
        this.features = features;
        this.modelBits = modelBits;
        this.modelRemoved = modelRemoved;
        this.modelVendor = modelVendor;
        this.notForGuests = notForGuests;
    }

    /** Whether the map has this model. */
    public boolean hasModel(String model) {
        return modelBits.containsKey(model);
    }

    /** The vendor the model names, or null. */
    public String vendor(String model) {
        return modelVendor.get(model);
    }

    /** Whether x86Decode may answer with this model for a guest CPU (its decode guest='on'). */
    public boolean decodesGuests(String model) {
        return hasModel(model) && !notForGuests.contains(model);
    }

    /** The host's map ({@link #SYSTEM_FOLDER}), read on first use. */
    public static X86CpuMap system() {
        X86CpuMap m = system;
        if (m == null) {
            m = read(SYSTEM_FOLDER);
            system = m;
        }
        return m;
    }

    /**
     * The features of {@code model} as virCPUx86ExpandFeatures lists them for a guest CPU
     * without features of its own, sorted by name.
     *
     * @throws VirException INTERNAL_ERROR "unknown CPU model NAME" as libvirt
     */
    public List<Feature> expand(String model) {
        Set<String> bits = modelBits.get(model);
        if (bits == null) {
            throw VirException.internalError(VirErrorDomain.CPU, "unknown CPU model " + model);
        }
        Set<String> left = new HashSet<>(bits);
        TreeMap<String, Feature> out = new TreeMap<>();
        for (Map.Entry<String, Set<String>> f : features.entrySet()) {
            if (!f.getValue().isEmpty() && left.containsAll(f.getValue())) {
                left.removeAll(f.getValue());
                out.put(f.getKey(), new Feature(f.getKey(), "require"));
            }
        }
        for (String removed : modelRemoved.getOrDefault(model, List.of())) {
            out.putIfAbsent(removed, new Feature(removed, "disable"));
        }
        return List.copyOf(out.values());
    }

    /** Reads index.xml's x86 section and the files it includes from {@code folder}. */
    public static X86CpuMap read(Path folder) {
        Element index = parse(folder, "index.xml");
        LinkedHashMap<String, Set<String>> features = new LinkedHashMap<>();
        Map<String, Set<String>> modelBits = new HashMap<>();
        Map<String, List<String>> modelRemoved = new HashMap<>();
        Map<String, String> modelVendor = new HashMap<>();
        Set<String> notForGuests = new HashSet<>();
        for (Element arch : children(index, "arch")) {
            if (!"x86".equals(arch.getAttribute("name"))) {
                continue;
            }
            for (Element include : children(arch, "include")) {
                Element cpus = parse(folder, include.getAttribute("filename"));
                for (Element f : children(cpus, "feature")) {
                    features.put(f.getAttribute("name"), bits(f));
                }
                for (Element m : children(cpus, "model")) {
                    Set<String> bits = new HashSet<>();
                    List<String> removed = new ArrayList<>();
                    String name = m.getAttribute("name");
                    for (Element ancestor : children(m, "model")) {
                        String base = ancestor.getAttribute("name");
                        bits.addAll(modelBits.getOrDefault(base, Set.of()));
                        if (modelVendor.containsKey(base)) {
                            modelVendor.put(name, modelVendor.get(base));
                        }
                    }
                    for (Element v : children(m, "vendor")) {
                        modelVendor.put(name, v.getAttribute("name"));
                    }
                    for (Element d : children(m, "decode")) {
                        if ("off".equals(d.getAttribute("guest"))) {
                            notForGuests.add(name);
                        }
                    }
                    for (Element f : children(m, "feature")) {
                        String feature = f.getAttribute("name");
                        if ("yes".equals(f.getAttribute("removed"))) {
                            removed.add(feature);
                        } else {
                            bits.addAll(features.getOrDefault(feature, Set.of()));
                        }
                    }
                    modelBits.put(name, Set.copyOf(bits));
                    modelRemoved.put(name, List.copyOf(removed));
                }
            }
        }
        return new X86CpuMap(features, modelBits, modelRemoved, modelVendor, notForGuests);
    }

    /** A feature's bits as "cpuid:EAX_IN:ECX_IN:REG:BIT" and "msr:INDEX:REG:BIT" keys. */
    private static Set<String> bits(Element feature) {
        Set<String> bits = new HashSet<>();
        for (Element c : children(feature, "cpuid")) {
            String leaf = "cpuid:" + hex(c, "eax_in") + ":" + hex(c, "ecx_in") + ":";
            for (String reg : List.of("eax", "ebx", "ecx", "edx")) {
                addBits(bits, leaf + reg, hex(c, reg));
            }
        }
        for (Element msr : children(feature, "msr")) {
            String leaf = "msr:" + hex(msr, "index") + ":";
            for (String reg : List.of("eax", "edx")) {
                addBits(bits, leaf + reg, hex(msr, reg));
            }
        }
        return Set.copyOf(bits);
    }

    private static void addBits(Set<String> bits, String register, long value) {
        for (int bit = 0; bit < 32; bit++) {
            if ((value & (1L << bit)) != 0) {
                bits.add(register + ":" + bit);
            }
        }
    }

    private static long hex(Element e, String attr) {
        String v = e.getAttribute(attr);
        if (v.isEmpty()) {
            return 0;
        }
        return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
    }

    private static Element parse(Path folder, String file) {
        Path path = folder.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw VirException.internalError(VirErrorDomain.CPU, "cannot read CPU map file " + path);
        }
        return VirXml.parseFile(path, path.toString(), "cpus", VirErrorDomain.CPU).getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(VirXml.localName(e))) {
                out.add(e);
            }
        }
        return out;
    }
}
