package io.jvirtd.daemon;

import io.jvirtd.model.VirException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The process leader's entry point: parse the command line and the config file, set up
 * logging, then hand over to {@link Daemon}. Exit codes: 0 after an orderly shutdown, 1 when
 * the daemon cannot start (bad option, bad config, pid file held, socket in use).
 */
public final class Main {

    /** The pom's version, filtered into version.properties by the build (one number everywhere). */
    static final String VERSION = readVersion();

    /** Where jvirtd looks for its config file when run as root without -f (the man page's FILES). */
    static final String SYSTEM_CONFIG_FILE = "/etc/jvirtd/jvirtd.conf";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jvirtd: " + e.getMessage());
            System.err.print(Options.USAGE);
            return 1;
        }
        if (opts.help) {
            System.out.print(Options.USAGE);
            System.out.println("Default configuration file: " + SYSTEM_CONFIG_FILE + " as root, "
                    + "$XDG_CONFIG_HOME/jvirtd/jvirtd.conf (~/.config/jvirtd/jvirtd.conf) otherwise;");
            System.out.println("currently " + defaultConfigFile() + ". See jvirtd(8).");
            return 0;
        }
        if (opts.version) {
            System.out.println("jvirtd (jvirtd) " + VERSION + " (libvirt remote protocol 9.0.0)");
            return 0;
        }
        if (opts.daemonize) {
            System.err.println("jvirtd: --daemon is not supported; run it under a service manager");
            return 1;
        }
        DaemonConfig config;
        try {
            config = loadConfig(opts.config);
        } catch (ConfigException e) {
            System.err.println("jvirtd: " + e.getMessage());
            return 1;
        }
        try {
            Logging.configure(config, opts.verbose, System.getenv());
        } catch (VirException e) {
            System.err.println("jvirtd: cannot set up logging: " + e.getMessage());
            return 1;
        }
        return new Daemon(config, opts).run();
    }

    private static DaemonConfig loadConfig(Path explicit) throws ConfigException {
        Path file = explicit != null ? explicit : defaultConfigFile();
        if (explicit == null && !Files.exists(file)) {
            return new DaemonConfig();
        }
        Map<String, ConfigFile.Entry> entries = ConfigFile.read(file);
        return DaemonConfig.from(file.toString(), entries, w -> System.err.println("jvirtd: warning: " + w));
    }

    private static Path defaultConfigFile() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of(SYSTEM_CONFIG_FILE);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("jvirtd").resolve("jvirtd.conf");
    }

    private static String readVersion() {
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static Path defaultPidFile(DaemonConfig config) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/jvirtd.pid");
        }
        return config.unixSockDir.resolve("jvirtd.pid");
    }
}
