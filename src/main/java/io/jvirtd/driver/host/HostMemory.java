package io.jvirtd.driver.host;

import io.jvirtd.model.NodeMemoryStat;
import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host's memory as libvirt's virhostmem.c reports it on Linux: virNodeGetMemoryStats from
 * {@code /proc/meminfo} or a NUMA node's {@code meminfo}, free memory per cell and in total, and the
 * KSM tunables of virNodeGet/SetMemoryParameters in {@code /sys/kernel/mm/ksm}. Errors carry
 * libvirt's texts (domain NONE, as virhostmem.c reports them).
 *
 * <p>Stateless apart from its root folder: every call reads the files again. Thread-safe; calls
 * block on file reads, so they run on worker threads only.
 */
public final class HostMemory {

    /** VIR_TYPED_PARAM_STRING_OKAY: the only flag virHostMemGetParameters accepts. */
    private static final int TYPED_PARAM_STRING_OKAY = 4;
    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");

    /** virhostmem.c's meminfo headers and the stat names they become, in its order. */
    private static final Map<String, String> MEMINFO_FIELDS = Map.of(
            "MemTotal:", NodeMemoryStat.TOTAL, "MemFree:", NodeMemoryStat.FREE,
            "Buffers:", NodeMemoryStat.BUFFERS, "Cached:", NodeMemoryStat.CACHED);

    /** The KSM parameters in virHostMemGetParameters' order: parameter name to its file and whether it is a uint. */
    private record Ksm(String param, String file, boolean uint) {
    }

    private static final List<Ksm> KSM = List.of(
            new Ksm("shm_pages_to_scan", "pages_to_scan", true),
            new Ksm("shm_sleep_millisecs", "sleep_millisecs", true),
            new Ksm("shm_pages_shared", "pages_shared", false),
            new Ksm("shm_pages_sharing", "pages_sharing", false),
            new Ksm("shm_pages_unshared", "pages_unshared", false),
            new Ksm("shm_pages_volatile", "pages_volatile", false),
            new Ksm("shm_full_scans", "full_scans", false),
            new Ksm("shm_merge_across_nodes", "merge_across_nodes", true));

    private final Path root;

    /** @param root the folder holding {@code proc} and {@code sys}: "/" for the real host */
    public HostMemory(Path root) {
        this.root = root;
    }

    private Path nodeDir() {
        return root.resolve("sys/devices/system/node");
    }

    /** virNumaIsAvailable: the kernel shows NUMA nodes. */
    private boolean numa() {
        return Files.isDirectory(nodeDir());
    }

    /** virNumaGetMaxNode: the highest node number. */
    private int maxNode() {
        int max = -1;
        try (Stream<Path> s = Files.list(nodeDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NODE_DIR.matcher(p.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw VirException.internalError(VirErrorDomain.NONE, "Unable to get maximum node number");
        }
        if (max < 0) {
            throw VirException.internalError(VirErrorDomain.NONE, "Unable to get maximum node number");
        }
        return max;
    }

    /**
     * virHostMemGetStats: total, free, buffers and cached for the whole host, or total and free of
     * one cell (the host's when there is no NUMA and cell 0 is asked).
     */
    public List<NodeMemoryStat> stats(int cellNum, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.NONE, "virHostMemGetStats");
        int cell = !numa() && cellNum == 0 ? NodeMemoryStat.ALL_CELLS : cellNum;
        Path file;
        if (cell == NodeMemoryStat.ALL_CELLS) {
            file = root.resolve("proc/meminfo");
        } else {
            int max = maxNode();
            if (cell > max) {
                // virReportInvalidArg: the bare text, str1 the function, str2 the argument
                throw new VirException(VirErrorNumber.INVALID_ARG.number(), VirErrorDomain.NONE.number(),
                        "cellNum in virHostMemGetStats must be less than or equal to " + max,
                        VirException.LEVEL_ERROR, "virHostMemGetStats", "cellNum", null, 0, 0);
            }
            file = nodeDir().resolve("node" + cell).resolve("meminfo");
        }
        String text = readOrSystemError(file, "cannot open " + file);
        int wanted = cell == NodeMemoryStat.ALL_CELLS ? 4 : 2;
        List<NodeMemoryStat> out = new ArrayList<>(wanted);
        for (String line : text.split("\n")) {
            String[] w = stripNodePrefix(line).trim().split("\\s+");
            if (w.length < 3 || !"kB".equals(w[2])) {
                continue;
            }
            String field = MEMINFO_FIELDS.get(w[0]);
            if (field != null) {
                out.add(new NodeMemoryStat(field, parseULong(w[1])));
                if (out.size() >= wanted) {
                    break;
                }
            }
        }
        if (out.isEmpty()) {
            throw VirException.internalError(VirErrorDomain.NONE, "no available memory line found");
        }
        return out;
    }

    /** A node meminfo line starts "Node 0 "; libvirt skips those two words. */
    private static String stripNodePrefix(String line) {
        if (!line.startsWith("Node ")) {
            return line;
        }
        int first = line.indexOf(' ');
        int second = line.indexOf(' ', first + 1);
        return second < 0 ? "" : line.substring(second + 1);
    }

    /** virHostMemGetCellsFree: free bytes of the cells from {@code startCell}, at most {@code maxCells}. */
    public long[] cellsFree(int startCell, int maxCells) {
        if (!numa()) {
            if (startCell != 0) {
                throw VirException.internalError(VirErrorDomain.NONE,
                        "start cell " + startCell + " out of range (0-0)");
            }
            return new long[] {meminfoFree()};
        }
        int max = maxNode();
        if (startCell > max) {
            throw VirException.internalError(VirErrorDomain.NONE,
                    "start cell " + startCell + " out of range (0-" + max + ")");
        }
        int last = (int) Math.min((long) startCell + maxCells - 1, max);
        long[] out = new long[Math.max(0, last - startCell + 1)];
        for (int n = startCell; n <= last; n++) {
            out[n - startCell] = nodeFree(n);
        }
        return out;
    }

    /** virHostMemGetFreeMemory: the sum over the cells, or MemFree without NUMA; in bytes. */
    public long freeMemory() {
        if (!numa()) {
            return meminfoFree();
        }
        long sum = 0;
        int max = maxNode();
        for (int n = 0; n <= max; n++) {
            sum += nodeFree(n);
        }
        return sum;
    }

    /** numa_node_size64's free part: the node's MemFree in bytes, 0 when unreadable (libvirt ignores it). */
    private long nodeFree(int node) {
        try {
            return kib(Files.readString(nodeDir().resolve("node" + node).resolve("meminfo")), "MemFree:") * 1024;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private long meminfoFree() {
        Path file = root.resolve("proc/meminfo");
        return kib(readOrSystemError(file, "cannot open " + file), "MemFree:") * 1024;
    }

    private static long kib(String meminfo, String header) {
        for (String line : meminfo.split("\n")) {
            String[] w = stripNodePrefix(line).trim().split("\\s+");
            if (w.length >= 2 && w[0].equals(header)) {
                return parseULong(w[1]);
            }
        }
        throw VirException.internalError(VirErrorDomain.NONE, "no available memory line found");
    }

    private Path ksmDir() {
        return root.resolve("sys/kernel/mm/ksm");
    }

    /** virHostMemGetParameters: the KSM values present, in libvirt's order. */
    public List<TypedParameter> ksmParameters(int flags) {
        VirException.checkFlags(flags, TYPED_PARAM_STRING_OKAY, VirErrorDomain.NONE, "virHostMemGetParameters");
        List<TypedParameter> out = new ArrayList<>(KSM.size());
        for (Ksm k : KSM) {
            Path file = ksmDir().resolve(k.file());
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                continue; // libvirt leaves out what this kernel lacks
            } catch (IOException e) {
                throw VirException.systemError(VirErrorDomain.NONE, 5, "Failed to open file '" + file + "'",
                        e.getMessage());
            }
            String v = text.strip();
            try {
                long value = Long.parseUnsignedLong(v);
                if (k.uint()) {
                    if (value > 0xFFFFFFFFL) {
                        throw new NumberFormatException();
                    }
                    out.add(TypedParameter.ofUInt(k.param(), (int) value));
                } else {
                    out.add(TypedParameter.ofULLong(k.param(), value));
                }
            } catch (NumberFormatException e) {
                throw VirException.internalError(VirErrorDomain.NONE, "failed to parse " + k.file());
            }
        }
        return out;
    }

    /**
     * virHostMemSetParameters: only the three writable uint tunables, all of which must exist on
     * this kernel before any is written.
     */
    public void setKsmParameters(List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.NONE, "virHostMemSetParameters");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        allowed.put("shm_pages_to_scan", TypedParameter.Type.UINT);
        allowed.put("shm_sleep_millisecs", TypedParameter.Type.UINT);
        allowed.put("shm_merge_across_nodes", TypedParameter.Type.UINT);
        TypedParamChecks.validate(params, allowed);
        for (TypedParameter p : params) {
            if (!Files.exists(ksmDir().resolve(fileOf(p)))) {
                throw VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.NONE,
                        "Parameter '" + p.field() + "' is not supported by this kernel");
            }
        }
        for (TypedParameter p : params) {
            Path file = ksmDir().resolve(fileOf(p));
            try {
                Files.writeString(file, Integer.toUnsignedString((Integer) p.value()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw VirException.systemError(VirErrorDomain.NONE, 5, "failed to set " + p.field(),
                        e.getMessage());
            }
        }
    }

    /** The file under the KSM folder: the parameter name after its first '_'. */
    private static String fileOf(TypedParameter p) {
        return p.field().substring(p.field().indexOf('_') + 1);
    }

    private static String readOrSystemError(Path file, String context) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw VirException.systemError(VirErrorDomain.NONE, 2, context, "No such file or directory");
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.NONE, 5, context, String.valueOf(e.getMessage()));
        }
    }

    private static long parseULong(String s) {
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw VirException.internalError(VirErrorDomain.NONE, "no available memory line found");
        }
    }
}
