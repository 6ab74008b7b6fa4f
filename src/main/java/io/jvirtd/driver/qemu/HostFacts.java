package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host's {@code /proc} and {@code /sys} say, as libvirt reads them for the host part of
 * its capabilities: the CPU's vendor, signature, microcode and topology, page sizes, NUMA cells
 * with their memory, pages, distances and CPUs, the shared caches (level 3 and up) and whether
 * an IOMMU is on. Read afresh on each call (memory and huge pages change); missing files give
 * libvirt's fallbacks (one cell holding all memory and every CPU). Stateless apart from the
 * root folder; any thread, file reads only (workers).
 */
final class HostFacts {

    private static final Pattern ADDRESS_SIZES = Pattern.compile("(\\d+) bits physical");
    private static final Pattern HUGEPAGES_DIR = Pattern.compile("hugepages-(\\d+)kB");
    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    private static final Pattern CPU_DIR = Pattern.compile("cpu(\\d+)");
    /** The base page size in KiB: what libvirt's virGetSystemPageSizeKB answers on x86 and most arches. */
    static final int BASE_PAGE_KIB = 4;

    private final Path root;

    /** @param root "/" normally; a folder laid out like it in tests */
    HostFacts(Path root) {
        this.root = root;
    }

    /** The CPU as libvirt's host CPU probe reports what it does not take from its CPU map. */
    record Cpu(String arch, String vendor, Long microcode, Integer family, Integer model, Integer stepping,
               int sockets, int dies, int cores, int threads, Integer physAddrBits) {
    }

    record CpuInCell(int id, int socketId, int dieId, int coreId, String siblings) {
    }

    /** One NUMA cell; {@code pages} maps page size (KiB) to count, base page first. */
    record Cell(int id, long memoryKiB, Map<Integer, Long> pages, Map<Integer, Integer> distances,
                List<CpuInCell> cpus) {
    }

    record CacheBank(int id, int level, String type, long sizeKiB, String cpus) {
    }

    /** libvirt's name for the machine's architecture. */
    static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386", "i686" -> "i686";
            case "ppc64le" -> "ppc64le";
            default -> a;
        };
    }

    /** The DMI system UUID when readable (libvirt's default host_uuid_source). */
    Optional<String> dmiUuid() {
        for (String p : List.of("sys/devices/virtual/dmi/id/product_uuid", "sys/class/dmi/id/product_uuid")) {
            String s = read(p).strip().toLowerCase(Locale.ROOT);
            // libvirt refuses a UUID of one repeated digit (firmware placeholders)
            if (s.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    && s.replace("-", "").chars().distinct().count() > 1) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    Cpu cpu() {
        Map<String, String> info = firstCpuInfo();
        String vendor = switch (info.getOrDefault("vendor_id", "")) {
            case "GenuineIntel" -> "Intel";
            case "AuthenticAMD" -> "AMD";
            case "HygonGenuine" -> "Hygon";
            default -> null;
        };
        Long microcode = null;
        String mc = info.get("microcode");
        if (mc != null) {
            try {
                microcode = Long.decode(mc);
            } catch (NumberFormatException e) {
                // not a number: libvirt leaves the element out too
            }
        }
        Integer bits = null;
        Matcher m = ADDRESS_SIZES.matcher(info.getOrDefault("address sizes", ""));
        if (m.find()) {
            bits = Integer.parseInt(m.group(1));
        }
        List<Integer> cpus = onlineCpus();
        TreeSet<Integer> sockets = new TreeSet<>();
        TreeSet<String> dies = new TreeSet<>();
        TreeSet<String> cores = new TreeSet<>();
        for (int c : cpus) {
            int s = topo(c, "physical_package_id");
            sockets.add(s);
            dies.add(s + "/" + topo(c, "die_id"));
            cores.add(s + "/" + topo(c, "die_id") + "/" + topo(c, "core_id"));
        }
        int nSockets = Math.max(1, sockets.size());
        int nDies = Math.max(1, dies.size() / nSockets);
        int nCores = Math.max(1, cores.size() / (nSockets * nDies));
        int nThreads = Math.max(1, cpus.size() / (nSockets * nDies * nCores));
        return new Cpu(hostArch(), vendor, microcode, intOrNull(info.get("cpu family")), intOrNull(info.get("model")),
                intOrNull(info.get("stepping")), nSockets, nDies, nCores, nThreads, bits);
    }

    /**
     * virNodeGetInfo as libvirt's virHostCPUGetInfo fills it: the arch, MemTotal, the online
     * CPUs, the first CPU's MHz, the NUMA cells, and the topology per cell (dies folded into
     * sockets, as libvirt 9.0 does).
     */
    io.jvirtd.model.NodeInfo nodeInfo() {
        Cpu c = cpu();
        int nodes = Math.max(1, cells().size());
        String mhz = firstCpuInfo().getOrDefault("cpu MHz", "0");
        int dot = mhz.indexOf('.');
        Integer m = intOrNull(dot >= 0 ? mhz.substring(0, dot) : mhz);
        int sockets = Math.max(1, c.sockets() * c.dies() / nodes);
        return new io.jvirtd.model.NodeInfo(c.arch(), kib(read("proc/meminfo"), "MemTotal"), onlineCpus().size(),
                m == null ? 0 : m, nodes, sockets, c.cores(), c.threads());
    }

    /** Page sizes in KiB: the base page, then every huge page size, ascending. */
    List<Integer> pageSizes() {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(BASE_PAGE_KIB);
        sizes.addAll(hugePages("sys/kernel/mm/hugepages").keySet());
        return sizes;
    }

    boolean iommu() {
        Path groups = root.resolve("sys/kernel/iommu_groups");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(groups)) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** The NUMA cells; without /sys/devices/system/node, one cell with everything (libvirt's fallback). */
    List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        Path nodes = root.resolve("sys/devices/system/node");
        for (int n : numbered(nodes, NODE_DIR)) {
            String dir = "sys/devices/system/node/node" + n;
            long mem = kib(read(dir + "/meminfo"), "MemTotal");
            Map<Integer, Long> huge = hugePages(dir + "/hugepages");
            Map<Integer, Integer> distances = new LinkedHashMap<>();
            String[] d = read(dir + "/distance").trim().split("\\s+");
            List<Integer> all = numbered(nodes, NODE_DIR);
            for (int i = 0; i < d.length && i < all.size() && !d[i].isEmpty(); i++) {
                distances.put(all.get(i), Integer.parseInt(d[i]));
            }
            out.add(new Cell(n, mem, pages(mem, huge), distances, cpusIn(cpuList(read(dir + "/cpulist")))));
        }
        if (out.isEmpty()) {
            long mem = kib(read("proc/meminfo"), "MemTotal");
            out.add(new Cell(0, mem, pages(mem, hugePages("sys/kernel/mm/hugepages")), Map.of(),
                    cpusIn(onlineCpus())));
        }
        return out;
    }

    /** The caches of level 3 and up, one bank per (level, id, type), in CPU then index order. */
    List<CacheBank> caches() {
        Map<String, CacheBank> banks = new LinkedHashMap<>();
        for (int c : onlineCpus()) {
            Path cache = root.resolve("sys/devices/system/cpu/cpu" + c + "/cache");
            List<Path> indexes = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(cache, "index*")) {
                s.forEach(indexes::add);
            } catch (IOException e) {
                continue;
            }
            indexes.sort(Comparator.comparing(Path::toString));
            for (Path idx : indexes) {
                String rel = root.relativize(idx).toString();
                Integer level = intOrNull(read(rel + "/level").strip());
                Integer id = intOrNull(read(rel + "/id").strip());
                String type = switch (read(rel + "/type").strip()) {
                    case "Unified" -> "both";
                    case "Data" -> "data";
                    case "Instruction" -> "code";
                    default -> null;
                };
                String size = read(rel + "/size").strip();
                if (level == null || level < 3 || id == null || type == null || !size.endsWith("K")) {
                    continue;
                }
                banks.putIfAbsent(level + "/" + id + "/" + type, new CacheBank(id, level, type,
                        Long.parseLong(size.substring(0, size.length() - 1)),
                        formatCpuList(cpuList(read(rel + "/shared_cpu_list")))));
            }
        }
        return List.copyOf(banks.values());
    }

    // ------------------------------------------------------------------ helpers

    private static Map<Integer, Long> pages(long memKiB, Map<Integer, Long> huge) {
        long hugeKiB = 0;
        for (Map.Entry<Integer, Long> e : huge.entrySet()) {
            hugeKiB += e.getKey() * e.getValue();
        }
        Map<Integer, Long> out = new LinkedHashMap<>();
        out.put(BASE_PAGE_KIB, Math.max(0, memKiB - hugeKiB) / BASE_PAGE_KIB);
        out.putAll(huge);
        return out;
    }

    /** Huge page size (KiB) to count, ascending by size, from a hugepages folder. */
    private Map<Integer, Long> hugePages(String dir) {
        Map<Integer, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root.resolve(dir))) {
            for (Path p : s) {
                Matcher m = HUGEPAGES_DIR.matcher(p.getFileName().toString());
                if (m.matches()) {
                    String n = read(dir + "/" + p.getFileName() + "/nr_hugepages").strip();
                    out.put(Integer.parseInt(m.group(1)), n.isEmpty() ? 0 : Long.parseLong(n));
                }
            }
        } catch (IOException e) {
            // no huge pages
        }
        return out;
    }

    private List<CpuInCell> cpusIn(List<Integer> cpus) {
        List<CpuInCell> out = new ArrayList<>();
        for (int c : cpus) {
            out.add(new CpuInCell(c, topo(c, "physical_package_id"), topo(c, "die_id"), topo(c, "core_id"),
                    formatCpuList(cpuList(read("sys/devices/system/cpu/cpu" + c + "/topology/thread_siblings_list")))));
        }
        return out;
    }

    private List<Integer> onlineCpus() {
        String online = read("sys/devices/system/cpu/online").strip();
        if (!online.isEmpty()) {
            return cpuList(online);
        }
        List<Integer> all = numbered(root.resolve("sys/devices/system/cpu"), CPU_DIR);
        return all.isEmpty() ? List.of(0) : all;
    }

    private int topo(int cpu, String what) {
        Integer v = intOrNull(read("sys/devices/system/cpu/cpu" + cpu + "/topology/" + what).strip());
        return v == null ? 0 : v;
    }

    private Map<String, String> firstCpuInfo() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : read("proc/cpuinfo").split("\n")) {
            if (line.isBlank()) {
                if (!m.isEmpty()) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return m;
    }

    /** "0-3,5" as a sorted list. */
    static List<Integer> cpuList(String s) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : s.strip().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int a = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
            int b = dash < 0 ? a : Integer.parseInt(part.substring(dash + 1).strip());
            for (int i = a; i <= b; i++) {
                out.add(i);
            }
        }
        return List.copyOf(out);
    }

    /** libvirt's virBitmapFormat: ranges of two or more joined with '-', "0-1,4". */
    static String formatCpuList(List<Integer> cpus) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.size(); ) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(cpus.get(i));
            if (j > i) {
                b.append('-').append(cpus.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }

    private static List<Integer> numbered(Path dir, Pattern p) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path f : s) {
                Matcher m = p.matcher(f.getFileName().toString());
                if (m.matches()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /** A "Key: N kB" line of a meminfo file ("Node 0 MemTotal:" included). */
    private static long kib(String meminfo, String key) {
        for (String line : meminfo.split("\n")) {
            int k = line.indexOf(key + ":");
            if (k >= 0) {
                String v = line.substring(k + key.length() + 1).strip().split("\\s+")[0];
                return Long.parseLong(v);
            }
        }
        return 0;
    }

    private static Integer intOrNull(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A file under the root, or "" when it cannot be read. */
    private String read(String rel) {
        try {
            return Files.readString(root.resolve(rel));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
