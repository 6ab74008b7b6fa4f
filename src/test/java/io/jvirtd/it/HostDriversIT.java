package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a qemu:///system connection answers about the host, through stock virsh against a started
 * jvirtd, held against this machine's own /proc and sysfs and against libvirtd 9.0's answers
 * recorded on this machine kind (src/test/resources/host/libvirtd-9.0, by its record.sh):
 * <ul>
 * <li>answers that do not depend on the host (no networks, no filters, the udev interface backend's
 *     refusals, lookups of missing objects, pool capabilities with jvirtd's one loaded backend) are
 *     libvirtd's, byte for byte;</li>
 * <li>memory facts have libvirtd's fields and layout, and the KSM tunables are the kernel's; reads
 *     work on the read-only socket, setting is refused there and works on the read-write one (with the
 *     value the kernel already has, so the host is left as it was);</li>
 * <li>interfaces and node devices are what this machine's sysfs shows (names, states, addresses, PCI
 *     ids, parents); on the recorded machine every device's XML is libvirtd's, less the offload
 *     features libvirt reads through ethtool ioctls.</li>
 * </ul>
 */
class HostDriversIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final Path REC = InteropEnvironment.baseDir().resolve("src/test/resources/host/libvirtd-9.0");

    @TempDir
    static Path tmp;
    private static DaemonProcess daemon;

    @BeforeAll
    static void start() throws IOException {
        daemon = DaemonProcess.builder().conf("qemu_root", "\"" + tmp.resolve("qemu") + "\"").start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static Exec.Result virsh(boolean readOnly, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-c",
                "qemu+unix:///system?socket=" + (readOnly ? daemon.roSocket() : daemon.rwSocket())));
        cmd.addAll(List.of(args));
        return Exec.run(T, null, cmd.toArray(new String[0]));
    }

    private static String ok(boolean readOnly, String... args) throws IOException {
        Exec.Result r = virsh(readOnly, args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        return r.stdout();
    }

    /** record.sh's transcript as command to answer ("### virsh ARGS" / "### RO virsh ARGS" headers). */
    private static Map<String, String> transcript() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String key = null;
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(REC.resolve("virsh-transcript.txt"))) {
            if (line.startsWith("### ")) {
                if (key != null) {
                    out.putIfAbsent(key, b.toString());
                }
                key = line.substring(4);
                b.setLength(0);
            } else {
                b.append(line).append('\n');
            }
        }
        if (key != null) {
            out.putIfAbsent(key, b.toString());
        }
        return out;
    }

    /** One command's answer in the transcript's form: stdout then stderr, then "rc=N". */
    private static String answer(String key) throws IOException {
        boolean ro = key.startsWith("RO ");
        String[] args = key.substring(ro ? 9 : 6).split(" ");
        Exec.Result r = virsh(ro, args);
        return r.stderr() + r.stdout() + "rc=" + r.exitCode() + "\n"; // as 2>&1 shows a failed command
    }

    private static String sys(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean numaNodesBeyondZero() throws IOException {
        Path nodes = Path.of("/sys/devices/system/node");
        if (!Files.isDirectory(nodes)) {
            return false;
        }
        try (Stream<Path> s = Files.list(nodes)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("node[1-9]\\d*"));
        }
    }

    @Test
    void hostIndependentAnswersAreLibvirtds() throws IOException {
        Map<String, String> rec = transcript();
        List<String> keys = new ArrayList<>(List.of("virsh net-list --all", "virsh net-list", "virsh nwfilter-list",
                "virsh nwfilter-binding-list", "virsh net-dumpxml default", "virsh net-info default",
                "virsh nwfilter-dumpxml foo", "virsh nodedev-dumpxml nope", "virsh iface-dumpxml nope",
                "virsh iface-name 11:22:33:44:55:66", "virsh iface-start ifb0", "virsh iface-destroy eth0",
                "virsh iface-undefine ifb0", "virsh iface-begin", "virsh iface-commit", "virsh iface-rollback",
                "virsh iface-define /dev/null", "RO virsh net-list --all", "RO virsh nwfilter-list",
                "RO virsh node-memory-tune --shm-pages-to-scan 100"));
        if (!Files.exists(Path.of("/sys/firmware/dmi/tables/DMI"))) {
            keys.add("virsh sysinfo");  // libvirtd's error without SMBIOS tables
        }
        if (!numaNodesBeyondZero()) {
            keys.add("virsh nodememstats --cell 1");
            keys.add("virsh freecell --cellno 1");
        }
        StringBuilder want = new StringBuilder();
        StringBuilder got = new StringBuilder();
        for (String k : keys) {
            want.append("### ").append(k).append('\n').append(rec.get(k));
            got.append("### ").append(k).append('\n').append(answer(k));
        }
        assertEquals(want.toString(), got.toString());
    }

    @Test
    void poolCapabilitiesAreLibvirtdsWithOnlyDirLoaded() throws IOException {
        String rec = Files.readString(REC.resolve("pool-capabilities.xml"))
                .replaceAll("<pool type='(?!dir')([a-z-]+)' supported='yes'>", "<pool type='$1' supported='no'>");
        assertEquals(rec.strip(), ok(false, "pool-capabilities").strip());
        assertEquals(rec.strip(), ok(true, "pool-capabilities").strip());
    }

    @Test
    void memoryFactsHaveLibvirtsShapeOnBothSockets() throws IOException {
        for (boolean ro : new boolean[] {false, true}) {
            String all = ok(ro, "nodememstats");
            assertTrue(all.matches("total  : +\\d+ KiB\nfree   : +\\d+ KiB\nbuffers: +\\d+ KiB\ncached : +\\d+ KiB\n\n"), all);
            String total = sys(Path.of("/proc/meminfo")).lines().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> l.replaceAll("\\D", "")).findFirst().orElseThrow();
            assertTrue(all.startsWith(String.format("total  : %20s KiB", total)), all);
            String cell = ok(ro, "nodememstats", "--cell", "0");
            assertTrue(cell.matches("total  : +\\d+ KiB\nfree   : +\\d+ KiB\n\n"), cell);
            assertTrue(ok(ro, "freecell").matches("Total: \\d+ KiB\n\n"));
            assertTrue(ok(ro, "freecell", "--all").matches("(?s)( +\\d+: +\\d+ KiB\n)+-+\nTotal: +\\d+ KiB\n\n"));
            assertTrue(ok(ro, "freecell", "--cellno", "0").matches("0: \\d+ KiB\n\n"));

            Path ksm = Path.of("/sys/kernel/mm/ksm");
            StringBuilder want = new StringBuilder("Shared memory:\n");
            String[][] names = {{"pages_to_scan", "shm_pages_to_scan "}, {"sleep_millisecs", "shm_sleep_millisecs "},
                {"pages_shared", "shm_pages_shared "}, {"pages_sharing", "shm_pages_sharing "},
                {"pages_unshared", "shm_pages_unshared "}, {"pages_volatile", "shm_pages_volatile "},
                {"full_scans", "shm_full_scans  "}, {"merge_across_nodes", "shm_merge_across_nodes "}};
            String tune = ok(ro, "node-memory-tune");
            for (String[] n : names) {
                String v = sys(ksm.resolve(n[0]));
                if (v != null) {
                    // the counters move while KSM runs; the tunables are compared with their values
                    want.append('\t').append(n[1]).append(n[0].startsWith("pages_") && !n[0].equals("pages_to_scan")
                            || n[0].equals("full_scans") ? "N" : v).append('\n');
                }
            }
            assertEquals(want.append('\n').toString(), tune.replaceAll("(shm_(pages_(shared|sharing|unshared|volatile)"
                    + "|full_scans) +)\\d+", "$1N"));
        }
        Exec.Result denied = virsh(true, "node-memory-tune", "--shm-sleep-millisecs", "20");
        assertEquals(1, denied.exitCode());
        assertTrue(denied.stderr().contains("read only access prevents virNodeSetMemoryParameters"), denied::describe);
        Path sleep = Path.of("/sys/kernel/mm/ksm/sleep_millisecs");
        if (Files.isWritable(sleep)) {
            String now = sys(sleep);
            ok(false, "node-memory-tune", "--shm-sleep-millisecs", now);
            assertEquals(now, sys(sleep));
        }
    }

    /** The interfaces sysfs lists, in virsh's table: name, state (active when operstate is up), MAC. */
    @Test
    void interfacesAreWhatSysfsShows() throws IOException {
        List<String> rows = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        Map<String, Integer> macUses = new LinkedHashMap<>();
        for (String n : names) {
            Path d = Path.of("/sys/class/net", n);
            String mac = sys(d.resolve("address"));
            macUses.merge(mac, 1, Integer::sum);
            rows.add(n + " " + ("up".equals(sys(d.resolve("operstate"))) ? "active" : "inactive") + " " + mac);
        }
        List<String> got = ok(true, "iface-list", "--all").lines().skip(2).map(String::strip)
                .filter(l -> !l.isEmpty()).map(l -> l.replaceAll(" +", " ")).sorted().toList();
        assertEquals(rows, got);
        for (String n : names) {
            Path d = Path.of("/sys/class/net", n);
            String xml = ok(true, "iface-dumpxml", n);
            assertTrue(xml.startsWith("<interface type='ethernet' name='" + n + "'>\n  <mtu size='"
                    + sys(d.resolve("mtu")) + "'/>\n"), xml);
            assertTrue(xml.endsWith("  <mac address='" + sys(d.resolve("address")) + "'/>\n</interface>\n\n"), xml);
            String mac = sys(d.resolve("address"));
            assertEquals(mac + "\n\n", ok(false, "iface-mac", n));
            if (macUses.get(mac) == 1) {
                assertEquals(n + "\n\n", ok(false, "iface-name", mac));
            }
        }
    }

    private static String devName(String subsystem, String sysname, String suffix) {
        return (subsystem + "_" + sysname + (suffix == null ? "" : "_" + suffix)).replaceAll("[^A-Za-z0-9]", "_");
    }

    /** The devices of the kinds built (computer, pci, net, virtio/NVMe disks), named from sysfs as libvirt names them. */
    @Test
    void nodeDevicesAreWhatSysfsShows() throws IOException {
        TreeSet<String> pci = new TreeSet<>();
        TreeSet<String> net = new TreeSet<>();
        TreeSet<String> storage = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/bus/pci/devices"))) {
            s.forEach(p -> pci.add(devName("pci", p.getFileName().toString(), null)));
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            s.forEach(p -> net.add(devName("net", p.getFileName().toString(), sys(p.resolve("address")))));
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vd") || n.startsWith("nvme"))
                    .forEach(n -> storage.add(devName("block", n, null)));
        }
        TreeSet<String> all = new TreeSet<>(pci);
        all.addAll(net);
        all.addAll(storage);
        all.add("computer");
        assertEquals(String.join("\n", all) + "\n\n", ok(true, "nodedev-list"));
        assertEquals(String.join("\n", pci) + "\n\n", ok(false, "nodedev-list", "--cap", "pci"));
        assertEquals(String.join("\n", net) + "\n\n", ok(false, "nodedev-list", "--cap", "net"));
        assertEquals(storage.isEmpty() ? "\n" : String.join("\n", storage) + "\n\n",
                ok(false, "nodedev-list", "--cap", "storage"));
        assertTrue(ok(false, "nodedev-list", "--tree").startsWith("computer\n"));
        try (Stream<Path> s = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String xml = ok(true, "nodedev-dumpxml", devName("pci", p.getFileName().toString(), null));
                assertTrue(xml.contains("<vendor id='" + sys(p.resolve("vendor")) + "'/>")
                        && xml.contains("<product id='" + sys(p.resolve("device")) + "'/>")
                        && xml.contains("<class>" + sys(p.resolve("class")) + "</class>"), xml);
            }
        }
        // on the machine libvirtd was recorded on, every device's XML is its answer (less ethtool's features)
        TreeSet<String> recorded = new TreeSet<>();
        try (Stream<Path> s = Files.list(REC.resolve("nodedev"))) {
            s.forEach(p -> recorded.add(p.getFileName().toString().replace(".xml", "")));
        }
        if (recorded.equals(all)) {
            for (String n : recorded) {
                String want = Files.readString(REC.resolve("nodedev/" + n + ".xml"))
                        .replaceAll("    <feature name='[a-z]+'/>\n", "");
                assertEquals(want, ok(true, "nodedev-dumpxml", n), n);
            }
        } else {
            System.err.println("HostDriversIT: not the recorded machine (" + recorded + " vs " + all
                    + "): device XML compared by its sysfs facts only");
        }
    }
}
