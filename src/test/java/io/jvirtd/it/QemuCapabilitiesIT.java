package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * {@code virsh capabilities} and {@code virsh domcapabilities} on a qemu:/// connection against
 * what libvirtd 9.0's QEMU driver answered on the machine this project is developed on
 * (src/test/resources/qemu/libvirtd-9.0, recorded by scripts/capture-libvirtd-qemu-caps.sh).
 *
 * <p>What is made equal before comparing, and why:
 * <ul>
 * <li>The host UUID: this machine has no DMI UUID, so each libvirtd (and each jvirtd) makes up
 *     its own.</li>
 * <li>The host's facts (CPU vendor, signature, microcode, topology, address bits, page sizes,
 *     NUMA cells, caches) when this machine is not the recorded one (CPU count, memory or CPU
 *     name differ); on the recorded kind of machine they are compared as they are.</li>
 * <li>The DAC base label, when the daemon does not run as root (libvirtd's QEMU ran as root).</li>
 * <li>The machine types and CPU models, when the installed QEMU is not the recorded one.</li>
 * <li>Left out of libvirtd's answer, because jvirtd leaves them out on purpose: the host CPU's
 *     model, features and TSC counter (libvirt decodes CPUID with its CPU map, and asks KVM for
 *     the TSC rate); {@code <domain type='kvm'/>} (libvirt offers KVM because /dev/kvm exists,
 *     which on this machine kind cannot run guests; jvirtd offers it only when configured);
 *     {@code migration_features}, the i686 guest and the deviceboot/disksnapshot guest features
 *     (jvirtd migrates nothing and runs x86_64 guests without disks).</li>
 * <li>Domain capabilities: wherever jvirtd says {@code supported='no'} (what its XML subset does
 *     not take), libvirtd's element of that name counts as the same; everything else (emulator,
 *     machine, vCPU limit, CPU modes and models, the element layout) must be equal. libvirtd's
 *     default virt type here is kvm (see above), so jvirtd's default answer is held against
 *     libvirtd's {@code --virttype qemu}.</li>
 * </ul>
 */
class QemuCapabilitiesIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final Path RECORDED = InteropEnvironment.baseDir().resolve("src/test/resources/qemu/libvirtd-9.0");

    @TempDir
    Path root;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private static boolean sameHost;
    private static boolean sameQemu;

    @BeforeAll
    static void compareMachines() throws IOException {
        Path qemu = TestGuests.qemu();
        Map<String, String> rec = new TreeMap<>();
        for (String line : Files.readAllLines(RECORDED.resolve("versions.txt"))) {
            int c = line.indexOf(": ");
            rec.put(line.substring(0, c), line.substring(c + 2));
        }
        String version = Exec.run(T, null, qemu.toString(), "--version").stdout().lines().findFirst().orElse("");
        sameQemu = rec.get("qemu").equals(version);
        String memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.replaceAll("^MemTotal:\\s+", "")).findFirst().orElse("");
        String cpuName = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.replaceAll("^model name\\s*: ", "")).findFirst().orElse("");
        sameHost = rec.get("cpus").equals(Integer.toString(Runtime.getRuntime().availableProcessors()))
                && rec.get("memtotal").equals(memTotal) && rec.get("cpu").equals(cpuName);
        if (!sameQemu || !sameHost) {
            System.err.println("QemuCapabilitiesIT: recorded on " + rec + "; here qemu '" + version + "', memory "
                    + memTotal + ", cpu '" + cpuName + "': " + (sameHost ? "" : "host facts ")
                    + (sameQemu ? "" : "machine types and CPU models ") + "are not compared");
        }
    }

    @AfterEach
    void stop() {
        daemons.forEach(DaemonProcess::close);
    }

    private DaemonProcess daemon(boolean kvm) throws IOException {
        DaemonProcess.Builder b = DaemonProcess.builder().listen(false)
                .conf("qemu_root", "\"" + root.resolve("qemu") + "\"");
        if (kvm) {
            b.conf("qemu_kvm", 1);
        }
        DaemonProcess d = b.start();
        daemons.add(d);
        return d;
    }

    private static Exec.Result virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.run(T, "qemu+unix:///system?socket=" + d.rwSocket(), args);
    }

    private static String ok(DaemonProcess d, String... args) throws IOException {
        Exec.Result r = virsh(d, args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        return r.stdout();
    }

    private static Document recorded(String name) throws IOException {
        return parse(Files.readString(RECORDED.resolve(name)));
    }

    @Test
    void capabilitiesAreLibvirtdsWithTcgGuests() throws Exception {
        DaemonProcess d = daemon(false);
        Document jv = parse(ok(d, "capabilities"));
        Document lv = recorded("capabilities.xml");
        assertTrue(select(jv, "guest/arch/domain").stream().allMatch(e -> e.getAttribute("type").equals("qemu")),
                "no kvm unless configured, although /dev/kvm may exist");

        for (Element e : select(lv, "host/cpu/model", "host/cpu/counter", "host/cpu/feature", "host/migration_features",
                "guest/arch/domain", "guest/features/deviceboot", "guest/features/disksnapshot")) {
            if (!e.getTagName().equals("domain") || e.getAttribute("type").equals("kvm")) {
                e.getParentNode().removeChild(e);
            }
        }
        for (Element g : select(lv, "guest")) {
            if (select(g, "arch").get(0).getAttribute("name").equals("i686")) {
                g.getParentNode().removeChild(g);
            }
        }
        for (Document doc : List.of(jv, lv)) {
            select(doc, "host/uuid").forEach(e -> e.setTextContent("UUID"));
            if (!sameHost) {
                for (Element e : select(doc, "host/cpu/vendor", "host/cpu/microcode", "host/cpu/signature",
                        "host/cpu/topology", "host/cpu/maxphysaddr", "host/cpu/pages", "host/topology", "host/cache")) {
                    e.getParentNode().removeChild(e);
                }
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                select(doc, "host/secmodel/baselabel").forEach(e -> e.setTextContent("+UID:+GID"));
            }
            if (!sameQemu) {
                select(doc, "guest/arch/machine").forEach(e -> e.getParentNode().removeChild(e));
            }
        }
        assertEquals(canonical(lv), canonical(jv));
    }

    @Test
    void domainCapabilitiesAreLibvirtdsLessWhatJvirtdDoesNotTake() throws Exception {
        DaemonProcess d = daemon(false);
        String[][] cases = {
            {"domcapabilities-qemu.xml"},
            {"domcapabilities-qemu.xml", "--virttype", "qemu"},
            {"domcapabilities-qemu-x86_64-pc.xml", "--virttype", "qemu", "--arch", "x86_64", "--machine", "pc"},
            {"domcapabilities-qemu-x86_64-q35.xml", "--virttype", "qemu", "--arch", "x86_64", "--machine", "q35"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("domcapabilities"));
            args.addAll(List.of(c).subList(1, c.length));
            Document jv = parse(ok(d, args.toArray(new String[0])));
            Document lv = recorded(c[0]);
            collapseUnsupported(jv.getDocumentElement(), lv.getDocumentElement());
            if (!sameQemu) {
                for (Document doc : List.of(jv, lv)) {
                    select(doc, "machine", "vcpu", "cpu/mode/model").forEach(e -> e.getParentNode().removeChild(e));
                }
            }
            assertEquals(canonical(lv), canonical(jv), String.join(" ", args));
        }
    }

    @Test
    void domainCapabilitiesRefuseWhatLibvirtdRefusesWithItsMessages() throws Exception {
        DaemonProcess d = daemon(false);
        for (String line : Files.readAllLines(RECORDED.resolve("domcapabilities-errors.txt"))) {
            String[] parts = line.split("\t", 2);
            List<String> args = new ArrayList<>(List.of("domcapabilities"));
            args.addAll(List.of(parts[0].split(" ")));
            Exec.Result r = virsh(d, args.toArray(new String[0]));
            assertEquals(1, r.exitCode(), r::describe);
            List<String> errors = r.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(parts[1], errors.get(errors.size() - 1), parts[0]);
        }
        Exec.Result kvm = virsh(d, "domcapabilities", "--virttype", "kvm");
        assertEquals(1, kvm.exitCode(), kvm::describe);
        assertTrue(kvm.stderr().contains("invalid argument: the accel 'kvm' is not supported by '"
                + TestGuests.qemu() + "' on this host"), kvm::describe);
        Path xml = root.resolve("kvm.xml");
        Files.writeString(xml, "<domain type='kvm'><name>capit-kvm</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>");
        Exec.Result define = virsh(d, "define", xml.toString());
        assertEquals(1, define.exitCode(), define::describe);
        assertTrue(define.stderr().contains("unsupported configuration: Emulator '/usr/bin/qemu-system-x86_64' "
                + "does not support virt type 'kvm'"), define::describe);
    }

    /**
     * {@code --validate} (VIR_DOMAIN_DEFINE_VALIDATE, VIR_DOMAIN_START_VALIDATE) on qemu:///: the
     * document is checked against libvirt's domain.rng before the driver reads it, as libvirtd
     * does; without it an unknown element is ignored, as libvirt's parser ignores it.
     */
    @Test
    void validateChecksTheDomainSchemaFirst() throws Exception {
        DaemonProcess d = daemon(false);
        Path xml = root.resolve("validate.xml");
        String valid = "<domain type='qemu'><name>capit-valid</name><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>";
        Files.writeString(xml, valid.replace("</os>", "</os><bogus/>"));
        for (String command : List.of("define", "create")) {
            Exec.Result r = virsh(d, command, "--validate", xml.toString());
            assertEquals(1, r.exitCode(), r::describe);
            assertTrue(r.stderr().contains("error: XML document failed to validate against schema: "
                    + "Unable to validate doc against /usr/share/libvirt/schemas/domain.rng"), r::describe);
            assertTrue(r.stderr().contains("bogus"), r::describe);
        }
        assertTrue(ok(d, "list", "--all", "--name").isBlank(), "nothing was defined or started");
        ok(d, "define", xml.toString());
        ok(d, "undefine", "capit-valid");
        Files.writeString(xml, valid);
        ok(d, "define", "--validate", xml.toString());
        assertTrue(ok(d, "dumpxml", "capit-valid").contains("<name>capit-valid</name>"));
    }

    /**
     * With {@code qemu_kvm} set, KVM is offered exactly where QEMU can enable it: the capabilities
     * list {@code <domain type='kvm'/>} if and only if domcapabilities answers for kvm.
     */
    @Test
    void kvmWhenConfiguredIsOfferedConsistently() throws Exception {
        DaemonProcess d = daemon(true);
        Document caps = parse(ok(d, "capabilities"));
        boolean listed = select(caps, "guest/arch/domain").stream().anyMatch(e -> e.getAttribute("type").equals("kvm"));
        Exec.Result r = virsh(d, "domcapabilities", "--virttype", "kvm");
        assertEquals(listed ? 0 : 1, r.exitCode(), r::describe);
        if (listed) {
            Document dc = parse(r.stdout());
            assertEquals("kvm", select(dc, "domain").get(0).getTextContent());
            assertEquals("kvm", select(parse(ok(d, "domcapabilities")), "domain").get(0).getTextContent(),
                    "libvirt's default virt type is kvm where it is offered");
        }
        assertFalse(select(caps, "guest/arch/domain").isEmpty());
    }

    /** The leading NAME=value words of a shell command line, removed from {@code argv}. */
    private static List<String> environment(List<String> argv) {
        List<String> env = new ArrayList<>();
        while (argv.size() > 1 && argv.get(0).matches("[A-Z_]+=.*")) {
            env.add(argv.remove(0));
        }
        return env;
    }

    private static List<String> names(List<String> env) {
        return env.stream().map(e -> e.substring(0, e.indexOf('='))).toList();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * {@code virsh domxml-to-native qemu-argv} prints the command line jvirtd would run, which is
     * libvirtd's for the same definition except where jvirtd works differently on purpose:
     * the environment's values (the same variables, HOME and XDG folders in each daemon's domain
     * folder, USER and the like only as the daemon has them), libvirtd's
     * master-key secret object, its explicit RAM memory backend and its {@code -sandbox} are not
     * in jvirtd's; jvirtd lets QEMU daemonise itself ({@code -daemonize -pidfile}); the monitor
     * socket is under each daemon's own folder.
     */
    @Test
    void domxmlToNativeIsLibvirtdsCommandLineLessWhatJvirtdDoesDifferently() throws Exception {
        DaemonProcess d = daemon(false);
        Path xml = RECORDED.resolve("domxml-to-native-tiny.domain.xml");
        List<String> jv = shellWords(ok(d, "domxml-to-native", "qemu-argv", xml.toString()).strip());
        List<String> lv = shellWords(Files.readString(RECORDED.resolve("domxml-to-native-tiny.txt")).strip());
        List<String> lvEnv = environment(lv);
        List<String> jvEnv = environment(jv);
        jvEnv.removeIf(e -> e.matches("(USER|LOGNAME|TMPDIR|LD_PRELOAD|LD_LIBRARY_PATH)=.*")); // as the daemon has them
        if (!isRoot()) { // the recording is root's libvirtd; a session daemon's QEMU gets only XDG_CACHE_HOME
            lvEnv.removeIf(e -> e.matches("(XDG_DATA_HOME|XDG_CONFIG_HOME)=.*"));
        }
        assertEquals(names(lvEnv), names(jvEnv), "the variables QEMU gets");
        for (List<String> env : List.of(lvEnv, jvEnv)) {
            if (env.stream().anyMatch(e -> e.startsWith("HOME=/var/lib/libvirt/")) || isRoot()) {
                assertTrue(env.stream().filter(e -> e.startsWith("HOME=") || e.startsWith("XDG_"))
                        .allMatch(e -> e.contains("/domain--1-capture-tiny")), env::toString);
            }
        }
        for (int i = 0; i < lv.size(); i++) {
            String a = lv.get(i);
            if (a.equals("-sandbox") || a.equals("-object") && lv.get(i + 1).matches(
                    ".*\"qom-type\":\"(secret|memory-backend-ram)\".*")) {
                lv.subList(i, i + 2).clear();
                i--;
            } else {
                lv.set(i, a.replace(",memory-backend=pc.ram", ""));
            }
        }
        int daemonize = jv.indexOf("-daemonize");
        assertTrue(daemonize > 0 && jv.get(daemonize + 1).equals("-pidfile"), jv::toString);
        jv.subList(daemonize, daemonize + 3).clear();
        for (List<String> argv : List.of(jv, lv)) {
            argv.replaceAll(a -> a.replaceAll("path=[^,]*/monitor\\.sock", "path=MONITOR"));
        }
        if (!sameQemu) {
            for (List<String> argv : List.of(jv, lv)) {
                argv.replaceAll(a -> a.replaceAll("^pc-i440fx-[0-9.]+", "pc-i440fx-VERSION"));
            }
        }
        assertEquals(lv, jv);
        Exec.Result bad = virsh(d, "domxml-to-native", "xen-xm", xml.toString());
        assertTrue(bad.stderr().contains("invalid argument: unsupported config type xen-xm"), bad::describe);
    }

    /** Words of a shell command line with single-quoted strings ('\'' for a quote inside). */
    static List<String> shellWords(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    w.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
                any = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                any = true;
            } else if (c == ' ') {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------ XML helpers

    static Document parse(String xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("not XML: " + e.getMessage() + "\n" + xml, e);
        }
    }

    /** The elements at each slash-separated path below the root element. */
    static List<Element> select(Node from, String... paths) {
        Element rootEl = from instanceof Document doc ? doc.getDocumentElement() : (Element) from;
        List<Element> out = new ArrayList<>();
        for (String path : paths) {
            List<Element> level = List.of(rootEl);
            for (String step : path.split("/")) {
                List<Element> next = new ArrayList<>();
                for (Element e : level) {
                    next.addAll(children(e, step));
                }
                level = next;
            }
            out.addAll(level);
        }
        return out;
    }

    private static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && (tag == null || c.getTagName().equals(tag))) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Where jvirtd's element says supported='no', libvirtd's element at the same place (same tag,
     * same name attribute) becomes the same empty element, whatever it held; libvirtd's enum
     * keeps only the values jvirtd's lists.
     */
    private static void collapseUnsupported(Element jv, Element lv) {
        for (Element j : children(jv, null)) {
            Element l = null;
            for (Element c : children(lv, j.getTagName())) {
                if (c.getAttribute("name").equals(j.getAttribute("name"))) {
                    l = c;
                    break;
                }
            }
            if (l == null) {
                continue; // shows up in the comparison
            }
            if (j.getTagName().equals("enum")) { // jvirtd lists the values its subset takes
                List<String> taken = children(j, "value").stream().map(Element::getTextContent).toList();
                for (Element v : children(l, "value")) {
                    if (!taken.contains(v.getTextContent())) {
                        l.removeChild(v);
                    }
                }
            } else if (j.getAttribute("supported").equals("no")) {
                while (l.getFirstChild() != null) {
                    l.removeChild(l.getFirstChild());
                }
                l.setAttribute("supported", "no");
            } else {
                collapseUnsupported(j, l);
            }
        }
    }

    /** One line per element: its path, attributes in name order and text; whitespace-only text ignored. */
    static String canonical(Document doc) {
        StringBuilder b = new StringBuilder();
        canonical(doc.getDocumentElement(), "", b);
        return b.toString();
    }

    private static void canonical(Element e, String indent, StringBuilder b) {
        b.append(indent).append('<').append(e.getTagName());
        Map<String, String> attrs = new TreeMap<>();
        for (int i = 0; i < e.getAttributes().getLength(); i++) {
            Node a = e.getAttributes().item(i);
            attrs.put(a.getNodeName(), a.getNodeValue());
        }
        attrs.forEach((k, v) -> b.append(' ').append(k).append("='").append(v).append('\''));
        b.append('>');
        StringBuilder text = new StringBuilder();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE) {
                text.append(n.getNodeValue());
            }
        }
        b.append(text.toString().strip()).append('\n');
        for (Element c : children(e, null)) {
            canonical(c, indent + "  ", b);
        }
    }
}
