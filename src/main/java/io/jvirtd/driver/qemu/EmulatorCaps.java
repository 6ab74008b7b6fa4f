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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What one QEMU binary offers, probed once over QMP ({@code -machine none -qmp stdio}: version,
 * machine types and their aliases) and cached per binary path, size and modification time, as
 * libvirt's capability cache is. Immutable once probed; the cache is safe from any thread.
 * Probing runs a short-lived QEMU: worker threads only.
 */
record EmulatorCaps(String binary, int major, int minor, int micro, String packageVersion,
                    Map<String, String> machineAliases, List<String> machines, String defaultMachine) {

    private static final long PROBE_TIMEOUT_SECONDS = 30;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private record Cached(long size, long mtime, EmulatorCaps caps) {
    }

    /** libvirt's version number: major * 1,000,000 + minor * 1,000 + micro. */
    long versionNumber() {
        return major * 1_000_000L + minor * 1_000L + micro;
    }

    /**
     * The canonical machine type for {@code machine} ("pc" → "pc-i440fx-7.2"), as libvirt
     * stores it at define time.
     *
     * @throws VirException CONFIG_UNSUPPORTED "Emulator '...' does not support machine type '...'"
     */
    String canonicalMachine(String machine) {
        String m = machine == null ? defaultMachine : machine;
        String target = machineAliases.get(m);
        if (target != null) {
            return target;
        }
        if (machines.contains(m)) {
            return m;
        }
        throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                "Emulator '%s' does not support machine type '%s'", binary, m);
    }

    /** The probed capabilities of {@code binary}, from the cache when the file has not changed. */
    static EmulatorCaps of(String binary) {
        Path p = Path.of(binary);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Cannot find QEMU binary " + binary,
                    "No such file or directory");
        }
        if (!a.isRegularFile() || !Files.isExecutable(p)) {
            throw VirException.systemError(VirErrorDomain.QEMU, 13, "Cannot find QEMU binary " + binary,
                    "Permission denied");
        }
        long mtime = a.lastModifiedTime().toMillis();
        Cached c = CACHE.get(binary);
        if (c != null && c.size == a.size() && c.mtime == mtime) {
            return c.caps;
        }
        EmulatorCaps caps = probe(binary);
        CACHE.put(binary, new Cached(a.size(), mtime, caps));
        return caps;
    }

    @SuppressWarnings("unchecked")
    private static EmulatorCaps probe(String binary) {
        Process proc;
        try {
            proc = new ProcessBuilder(binary, "-S", "-no-user-config", "-nodefaults", "-nographic",
                    "-machine", "none,accel=tcg", "-qmp", "stdio")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "Failed to probe capabilities for " + binary + ": " + e.getMessage());
        }
        List<Map<String, Object>> replies = new ArrayList<>();
        try (OutputStream in = proc.getOutputStream(); InputStream out = proc.getInputStream()) {
            in.write(QmpCodec.command("qmp_capabilities", null, "1"));
            in.write(QmpCodec.command("query-version", null, "2"));
            in.write(QmpCodec.command("query-machines", null, "3"));
            in.write(QmpCodec.command("quit", null, "4"));
            in.flush();
            QmpCodec.Decoder d = new QmpCodec.Decoder(QmpMonitor.MAX_MESSAGE_BYTES, m -> {
                if (m.containsKey("return")) {
                    replies.add(m);
                }
            });
            byte[] buf = new byte[8192];
            for (int n; replies.size() < 4 && (n = out.read(buf)) > 0; ) {
                d.feed(buf, 0, n);
            }
            if (!proc.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
        } catch (IOException | QmpCodec.ProtocolException | InterruptedException e) {
            proc.destroyForcibly();
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "Failed to probe capabilities for " + binary + ": " + e.getMessage());
        }
        if (replies.size() < 3) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "Failed to probe capabilities for " + binary + ": QEMU gave no answer");
        }
        Map<String, Object> version = (Map<String, Object>) replies.get(1).get("return");
        Map<String, Object> q = (Map<String, Object>) version.get("qemu");
        Map<String, String> aliases = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        String dflt = null;
        for (Object o : (List<Object>) replies.get(2).get("return")) {
            Map<String, Object> m = (Map<String, Object>) o;
            String name = (String) m.get("name");
            names.add(name);
            if (m.get("alias") instanceof String alias) {
                aliases.put(alias, name);
            }
            if (Boolean.TRUE.equals(m.get("is-default"))) {
                dflt = name;
            }
        }
        return new EmulatorCaps(binary, num(q.get("major")), num(q.get("minor")), num(q.get("micro")),
                String.valueOf(version.getOrDefault("package", "")), Map.copyOf(aliases), List.copyOf(names),
                dflt == null ? "pc" : dflt);
    }

    private static int num(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }
}
