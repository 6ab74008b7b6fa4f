package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What one QEMU binary offers, probed once over QMP ({@code -machine none,accel=tcg -qmp stdio}:
 * target architecture, version, machine types with their aliases, CPU limits and deprecation, CPU
 * models and whether TCG can run them) and cached per binary path, size and modification time,
 * as libvirt's capability cache is. Whether KVM works is a second probe
 * ({@link #kvmWorks}), made only when asked (KVM is opt-in: on this project's machines
 * {@code /dev/kvm} exists but cannot run ordinary guests). Immutable once probed; the caches are
 * safe from any thread. Probing runs a short-lived QEMU: worker threads (or the leader) only.
 *
 * @param arch     libvirt's name for the target ({@code x86_64}, {@code i686} for i386)
 * @param machines libvirt's order: QEMU's, with the preferred machine ({@code pc} on x86, else
 *                 QEMU's default) moved first; the {@code none} machine left out
 * @param cpuModels QEMU's CPU definitions in QEMU's order
 */
record EmulatorCaps(String binary, String arch, int major, int minor, int micro, String packageVersion,
                    List<Machine> machines, List<CpuModel> cpuModels) {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    private static final long PROBE_TIMEOUT_SECONDS = 30;
    private static final Map<String, Cached<EmulatorCaps>> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Cached<Boolean>> KVM_CACHE = new ConcurrentHashMap<>();

    /** A machine type; {@code alias} such as "pc" for "pc-i440fx-7.2", or null. */
    record Machine(String name, String alias, int maxCpus, boolean deprecated) {
    }

    /** A CPU definition; {@code usable} when QEMU lists no unavailable feature for it under TCG. */
    record CpuModel(String name, boolean usable) {
    }

    private record Cached<T>(long size, long mtime, T value) {
    }

    /** libvirt's version number: major * 1,000,000 + minor * 1,000 + micro. */
    long versionNumber() {
        return major * 1_000_000L + minor * 1_000L + micro;
    }

    /** The machine libvirt picks when a definition names none (the first). */
    Machine defaultMachine() {
        return machines.get(0);
    }

    /** The machine called {@code name} or aliased so. */
    Optional<Machine> machine(String name) {
        for (Machine m : machines) {
            if (m.name.equals(name) || name.equals(m.alias)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The canonical machine type for {@code machine} ("pc" → "pc-i440fx-7.2"), as libvirt
     * stores it at define time.
     *
     * @throws VirException CONFIG_UNSUPPORTED "Emulator '...' does not support machine type '...'"
     */
    String canonicalMachine(String machine) {
        String m = machine == null ? defaultMachine().name : machine;
        return machine(m).map(Machine::name).orElseThrow(() -> VirException.format(
                VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                "Emulator '%s' does not support machine type '%s'", binary, m));
    }

    /** The probed capabilities of {@code binary}, from the cache when the file has not changed. */
    static EmulatorCaps of(String binary) {
        BasicFileAttributes a = checkBinary(binary);
        long mtime = a.lastModifiedTime().toMillis();
        Cached<EmulatorCaps> c = CACHE.get(binary);
        if (c != null && c.size == a.size() && c.mtime == mtime) {
            return c.value;
        }
        EmulatorCaps caps = parse(binary, qmp(binary, "tcg",
                "query-target", "query-version", "query-machines", "query-cpu-definitions"));
        CACHE.put(binary, new Cached<>(a.size(), mtime, caps));
        return caps;
    }

    /**
     * Whether KVM works with {@code binary}: QEMU started with {@code accel=kvm} says KVM is
     * present and enabled ({@code query-kvm}). Cached like {@link #of}. Asked only when the
     * daemon is configured to offer KVM.
     */
    static boolean kvmWorks(String binary) {
        BasicFileAttributes a = checkBinary(binary);
        long mtime = a.lastModifiedTime().toMillis();
        Cached<Boolean> c = KVM_CACHE.get(binary);
        if (c != null && c.size == a.size() && c.mtime == mtime) {
            return c.value;
        }
        boolean works;
        try {
            Map<String, Object> kvm = map(qmp(binary, "kvm", "query-kvm").get(0));
            works = Boolean.TRUE.equals(kvm.get("enabled")) && Boolean.TRUE.equals(kvm.get("present"));
        } catch (VirException e) {
            LOG.log(System.Logger.Level.INFO, "KVM probe of {0} failed: {1}", binary, e.getMessage());
            works = false;
        }
        KVM_CACHE.put(binary, new Cached<>(a.size(), mtime, works));
        return works;
    }

    /** libvirt's checks before probing, with its messages. */
    private static BasicFileAttributes checkBinary(String binary) {
        Path p = Path.of(binary);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Cannot check QEMU binary " + binary,
                    "No such file or directory");
        }
        if (!a.isRegularFile() || !Files.isExecutable(p)) {
            throw VirException.systemError(VirErrorDomain.QEMU, 13, "QEMU binary " + binary + " is not executable",
                    "Permission denied");
        }
        return a;
    }

    /**
     * Runs {@code binary} with no machine and QMP on stdio, sends {@code commands} (no
     * arguments) and returns their answers in order; a command QEMU refuses answers null.
     */
    private static List<Object> qmp(String binary, String accel, String... commands) {
        Process proc;
        try {
            ProcessBuilder pb = new ProcessBuilder(binary, "-S", "-no-user-config", "-nodefaults", "-nographic",
                    "-machine", "none,accel=" + accel, "-qmp", "stdio")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().clear(); // as a guest's QEMU, never the daemon's whole environment
            pb.environment().putAll(QemuEnvironment.passCommon(System.getenv()));
            proc = pb.start();
        } catch (IOException e) {
            throw probeFailed(binary, e.getMessage());
        }
        // a QEMU that hangs is killed, which ends the reads below
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(proc::destroyForcibly,
                CompletableFuture.delayedExecutor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        Map<String, Object> answers = new HashMap<>();
        try (OutputStream in = proc.getOutputStream(); InputStream out = proc.getInputStream()) {
            in.write(QmpCodec.command("qmp_capabilities", null, "caps"));
            for (int i = 0; i < commands.length; i++) {
                in.write(QmpCodec.command(commands[i], null, Integer.toString(i)));
            }
            in.write(QmpCodec.command("quit", null, "quit"));
            in.flush();
            QmpCodec.Decoder d = new QmpCodec.Decoder(QmpMonitor.MAX_MESSAGE_BYTES, m -> {
                if (m.get("id") instanceof String id && (m.containsKey("return") || m.containsKey("error"))) {
                    answers.put(id, m.get("return"));
                }
            });
            byte[] buf = new byte[8192];
            for (int n; !answers.containsKey("quit") && (n = out.read(buf)) > 0; ) {
                d.feed(buf, 0, n);
            }
            if (!proc.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
        } catch (IOException | QmpCodec.ProtocolException | InterruptedException e) {
            proc.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw probeFailed(binary, e.getMessage());
        } finally {
            watchdog.cancel(false);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < commands.length; i++) {
            if (!answers.containsKey(Integer.toString(i))) {
                throw probeFailed(binary, "QEMU gave no answer to " + commands[i]);
            }
            out.add(answers.get(Integer.toString(i)));
        }
        return out;
    }

    private static VirException probeFailed(String binary, String why) {
        return VirException.internalError(VirErrorDomain.QEMU,
                "Failed to probe capabilities for " + binary + ": " + why);
    }

    private static EmulatorCaps parse(String binary, List<Object> replies) {
        String target = String.valueOf(map(replies.get(0)).get("arch"));
        Map<String, Object> version = map(replies.get(1));
        Map<String, Object> q = map(version.get("qemu"));
        String arch = target.equals("i386") ? "i686" : target;
        return new EmulatorCaps(binary, arch, num(q.get("major")), num(q.get("minor")), num(q.get("micro")),
                String.valueOf(version.getOrDefault("package", "")), machines(replies.get(2), arch),
                cpuModels(replies.get(3)));
    }

    /** libvirt's virQEMUCapsProbeQMPMachineTypes: "none" left out, the preferred one first. */
    private static List<Machine> machines(Object reply, String arch) {
        List<Machine> out = new ArrayList<>();
        int preferred = -1;
        int dflt = -1;
        String preferredName = arch.equals("x86_64") || arch.equals("i686") ? "pc" : null;
        for (Object o : list(reply)) {
            Map<String, Object> m = map(o);
            String name = (String) m.get("name");
            if (name.equals("none")) {
                continue;
            }
            String alias = m.get("alias") instanceof String s ? s : null;
            out.add(new Machine(name, alias, num(m.get("cpu-max")), Boolean.TRUE.equals(m.get("deprecated"))));
            if (preferredName != null && (preferredName.equals(alias) || preferredName.equals(name))) {
                preferred = out.size() - 1;
            }
            if (Boolean.TRUE.equals(m.get("is-default"))) {
                dflt = out.size() - 1;
            }
        }
        int first = preferred >= 0 ? preferred : dflt;
        if (first > 0) {
            out.add(0, out.remove(first));
        }
        if (out.isEmpty()) {
            throw VirException.internalError(VirErrorDomain.QEMU, "QEMU reports no machine type");
        }
        return List.copyOf(out);
    }

    private static List<CpuModel> cpuModels(Object reply) {
        List<CpuModel> out = new ArrayList<>();
        if (reply == null) { // a target without CPU models
            return List.of();
        }
        for (Object o : list(reply)) {
            Map<String, Object> c = map(o);
            Object unavailable = c.get("unavailable-features");
            boolean usable = unavailable instanceof List<?> l && l.isEmpty();
            out.add(new CpuModel((String) c.get("name"), usable));
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    private static int num(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }
}
