package io.jvirtd.driver.qemu;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the QEMU driver keeps its files. With {@code qemu_root} everything lives under that one
 * folder (tests, several daemons on one host); otherwise jvirtd's own folders, never libvirtd's
 * ({@code /etc/libvirt/qemu}, {@code /run/libvirt/qemu}), so a host libvirtd is left alone.
 *
 * @param configDir persistent definitions, {@code NAME.xml} (libvirt's /etc/libvirt/qemu)
 * @param stateDir  status files {@code NAME.xml} and pid files {@code NAME.pid} of running
 *                  domains (libvirt's /run/libvirt/qemu); what reattach reads
 * @param libDir    per-run folders {@code domain-ID-NAME} holding the monitor socket
 * @param logDir    QEMU's own log per domain, {@code NAME.log}
 * <p>The secret driver's folder is {@link #secretsDir()}, beside the definitions as libvirt's
 * /etc/libvirt/secrets is beside /etc/libvirt/qemu.
 */
record QemuPaths(Path configDir, Path stateDir, Path libDir, Path logDir) {

    /**
     * Everything under {@code root}, made absolute: QEMU's command line names its pid file,
     * and a restart finds an unfinished start's QEMU by that exact argument
     * ({@link UnfinishedStart}); a relative root would match another daemon's QEMU started
     * with the same relative path from another folder.
     */
    static QemuPaths under(Path root) {
        Path r = root.toAbsolutePath().normalize();
        return new QemuPaths(r.resolve("etc"), r.resolve("run"), r.resolve("lib"), r.resolve("log"));
    }

    /** The defaults: system folders as root, XDG folders for a user (libvirt's session layout). */
    static QemuPaths defaults(boolean privileged, Map<String, String> env, Path home) {
        if (privileged) {
            return new QemuPaths(Path.of("/etc/jvirtd/qemu"), Path.of("/run/jvirtd/qemu"),
                    Path.of("/var/lib/jvirtd/qemu"), Path.of("/var/log/jvirtd/qemu"));
        }
        Path config = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config"));
        Path cache = xdg(env, "XDG_CACHE_HOME", home.resolve(".cache"));
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path run = runtime != null && !runtime.isEmpty() ? Path.of(runtime).resolve("jvirtd/qemu/run")
                : cache.resolve("jvirtd/qemu/run");
        return new QemuPaths(config.resolve("jvirtd/qemu"), run, config.resolve("jvirtd/qemu/lib"),
                cache.resolve("jvirtd/qemu/log"));
    }

    private static Path xdg(Map<String, String> env, String key, Path dflt) {
        String v = env.get(key);
        return v != null && !v.isEmpty() ? Path.of(v) : dflt;
    }

    /** Persistent storage pool definitions and autostart links (libvirt's /etc/libvirt/storage). */
    Path storageConfigDir() {
        return configDir.resolve("storage");
    }

    /** The state of running storage pools (libvirt's /run/libvirt/storage). */
    Path storageStateDir() {
        return stateDir.resolve("storage");
    }

    /** The secret driver's persistent secrets: qemu_root/secrets, /etc/jvirtd/secrets, ~/.config/jvirtd/secrets. */
    Path secretsDir() {
        return configDir.resolveSibling("secrets");
    }

    Path configFile(String name) {
        return configDir.resolve(name + ".xml");
    }

    Path autostartLink(String name) {
        return configDir.resolve("autostart").resolve(name + ".xml");
    }

    Path statusFile(String name) {
        return stateDir.resolve(name + ".xml");
    }

    Path pidFile(String name) {
        return stateDir.resolve(name + ".pid");
    }

    /** A managed save image (libvirt's /var/lib/libvirt/qemu/save/NAME.save). */
    Path managedSaveFile(String name) {
        return libDir.resolve("save").resolve(name + ".save");
    }

    Path logFile(String name) {
        return logDir.resolve(name + ".log");
    }

    /** libvirt's domain-ID-NAME with the name cut to 20 characters (unix socket paths are short). */
    Path runDir(int id, String name) {
        String shortName = name.length() > 20 ? name.substring(0, 20) : name;
        return libDir.resolve("domain-" + id + "-" + shortName.replace('/', '_'));
    }
}
