package io.jvirtd.driver.qemu;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment QEMU starts with, as libvirt 9.0's qemuBuildCommandLine gives it: never the
 * daemon's whole environment (its secrets, proxies, JAVA_ and locale settings are none of QEMU's
 * business), only {@code LC_ALL=C} and the few variables virCommandAddEnvPassCommon passes on when
 * the daemon has them; then, for a daemon running as root, {@code HOME} and the three XDG folders
 * inside the domain's own folder (so that libraries QEMU loads never write to {@code /} or the
 * daemon's home), and for a session daemon only {@code XDG_CACHE_HOME} there. A variable set twice
 * keeps its first place with the later value, as virCommandAddEnv replaces in place; the order is
 * the one libvirt writes at the head of the domain's log. Stateless; any thread.
 */
final class QemuEnvironment {

    /** virCommandAddEnvPassCommon's list, in its order. */
    private static final List<String> PASSED = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES",
            "DYLD_FORCE_FLAT_NAMESPACE", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR");

    private QemuEnvironment() {
    }

    /**
     * @param daemonEnv  the daemon's environment ({@link System#getenv()})
     * @param privileged the daemon runs as root (libvirt's qemu:///system driver)
     * @param domainDir  the domain's folder, libvirt's {@code /var/lib/libvirt/qemu/domain-ID-NAME}
     */
    static LinkedHashMap<String, String> of(Map<String, String> daemonEnv, boolean privileged, Path domainDir) {
        LinkedHashMap<String, String> env = passCommon(daemonEnv);
        if (privileged) {
            env.put("HOME", domainDir.toString());
            env.put("XDG_DATA_HOME", domainDir + "/.local/share");
            env.put("XDG_CACHE_HOME", domainDir + "/.cache");
            env.put("XDG_CONFIG_HOME", domainDir + "/.config");
        } else {
            env.put("XDG_CACHE_HOME", domainDir + "/.cache");
        }
        return env;
    }

    /**
     * virCommandAddEnvPassCommon alone: what the capabilities probe's QEMU gets
     * (qemuProcessQMPInit), {@code LC_ALL=C} and the passed variables the daemon has.
     */
    static LinkedHashMap<String, String> passCommon(Map<String, String> daemonEnv) {
        LinkedHashMap<String, String> env = new LinkedHashMap<>();
        env.put("LC_ALL", "C");
        for (String name : PASSED) {
            String v = daemonEnv.get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        return env;
    }

    /** The daemon's own: root is libvirt's privileged driver, as {@link QemuDriver} decides it. */
    static LinkedHashMap<String, String> forDaemon(Path domainDir) {
        return of(System.getenv(), "root".equals(System.getProperty("user.name")), domainDir);
    }
}
