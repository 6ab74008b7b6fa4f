package io.jvirtd.daemon;

import java.nio.file.Path;

/**
 * The command line, as libvirtd's: -l/--listen, -t/--timeout SECS, -f/--config FILE,
 * -p/--pid-file FILE, -d/--daemon, -v/--verbose, -V/--version, -h/--help. Parsed by the
 * process leader.
 */
final class Options {

    static final String USAGE = String.join("\n",
            "Usage:",
            "  jvirtd [options]",
            "",
            "Options:",
            "  -h | --help            Display program help",
            "  -v | --verbose         Verbose messages",
            "  -d | --daemon          Run as a daemon (not supported: use bin/jvirtd with your service manager)",
            "  -l | --listen          Listen for TCP/IP connections",
            "  -t | --timeout <secs>  Exit after timeout period",
            "  -f | --config <file>   Configuration file",
            "  -V | --version         Display version information",
            "  -p | --pid-file <file> Change name of PID file",
            "",
            "Sockets (in unix_sock_dir): libvirt-sock (read-write), libvirt-sock-ro (read-only),",
            "libvirt-admin-sock (virt-admin -c 'libvirtd:///system?socket=DIR/libvirt-admin-sock').",
            "Connect with: virsh -c 'test+unix:///default?socket=DIR/libvirt-sock'",
            "          or: virsh -c test+tcp://127.0.0.1:16509/default  (with --listen)",
            "");

    boolean listen;
    boolean verbose;
    boolean daemonize;
    boolean help;
    boolean version;
    int timeoutSeconds;
    Path config;
    Path pidFile;

    /** @throws IllegalArgumentException with a one-line reason for a bad command line */
    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-l": case "--listen": o.listen = true; break;
                case "-v": case "--verbose": o.verbose = true; break;
                case "-d": case "--daemon": o.daemonize = true; break;
                case "-h": case "--help": o.help = true; break;
                case "-V": case "--version": o.version = true; break;
                case "-t": case "--timeout":
                    value = value != null ? value : next(args, ++i, a);
                    try {
                        o.timeoutSeconds = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("Invalid value for timeout: " + value);
                    }
                    if (o.timeoutSeconds < 0) {
                        throw new IllegalArgumentException("Invalid value for timeout: " + value);
                    }
                    break;
                case "-f": case "--config": o.config = Path.of(value != null ? value : next(args, ++i, a)); break;
                case "-p": case "--pid-file": o.pidFile = Path.of(value != null ? value : next(args, ++i, a)); break;
                default:
                    throw new IllegalArgumentException("unrecognized option '" + args[i] + "'");
            }
        }
        return o;
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option '" + option + "' requires an argument");
        }
        return args[i];
    }
}
