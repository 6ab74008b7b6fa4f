package io.jvirtd.daemon;

import io.jvirtd.model.CNumbers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line, as libvirtd's: -l/--listen, -t/--timeout SECS, -f/--config FILE,
 * -p/--pid-file FILE, -d/--daemon, -v/--verbose, -V/--version, -h/--help, read the way its
 * glibc getopt_long reads them (optstring {@code "ldf:p:t:vVh"}): short options bundle
 * ({@code -lv}, {@code -lvt30}), a value follows its letter or is the next argument
 * ({@code -fFILE}, {@code -f FILE}), long options take {@code --opt=value} or
 * {@code --opt value} and any unambiguous prefix ({@code --verb}), {@code --} ends the options,
 * -h and -V end the parse where they stand, and any argument that is no option is an error.
 * Parsed by the process leader.
 */
final class Options {

    static final String USAGE = String.join("\n",
            "Usage:",
            "  jvirtd [options]",
            "",
            "Options:",
            "  -h | --help            Display program help",
            "  -v | --verbose         Verbose messages",
            "  -d | --daemon          Run as a daemon (not supported: run it under a service manager, jvirtd.service)",
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

    /** The long options in libvirtd's table order (the order getopt lists ambiguous ones in). */
    private static final String[][] LONG = {
            {"verbose", "v"}, {"daemon", "d"}, {"listen", "l"}, {"config", "f"}, {"timeout", "t"},
            {"pid-file", "p"}, {"version", "V"}, {"help", "h"}};
    private static final String FLAGS = "ldvVh";
    private static final String WITH_VALUE = "fpt";

    /**
     * @throws IllegalArgumentException with getopt's (or libvirtd's) one-line reason for a bad
     *         command line
     */
    static Options parse(String[] args) {
        Options o = new Options();
        boolean operands = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                operands |= i + 1 < args.length;
                break;
            } else if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                char opt = longOption(name, a);
                String value = eq < 0 ? null : a.substring(eq + 1);
                if (WITH_VALUE.indexOf(opt) >= 0 && value == null) {
                    if (++i >= args.length) {
                        throw new IllegalArgumentException("option '--" + longName(opt) + "' requires an argument");
                    }
                    value = args[i];
                } else if (WITH_VALUE.indexOf(opt) < 0 && value != null) {
                    throw new IllegalArgumentException("option '--" + longName(opt) + "' doesn't allow an argument");
                }
                if (o.apply(opt, value)) {
                    return o;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char opt = a.charAt(j);
                    String value = null;
                    if (WITH_VALUE.indexOf(opt) >= 0) {
                        if (j + 1 < a.length()) {
                            value = a.substring(j + 1);
                        } else if (++i < args.length) {
                            value = args[i];
                        } else {
                            throw new IllegalArgumentException("option requires an argument -- '" + opt + "'");
                        }
                        j = a.length();
                    } else if (FLAGS.indexOf(opt) < 0) {
                        throw new IllegalArgumentException("invalid option -- '" + opt + "'");
                    }
                    if (o.apply(opt, value)) {
                        return o;
                    }
                }
            } else {
                operands = true; // getopt moves it to the end; libvirtd then refuses it
            }
        }
        if (operands) {
            throw new IllegalArgumentException("unexpected, non-option, command line arguments");
        }
        return o;
    }

    /** The option letter of a long option given in full or by a unique prefix. */
    private static char longOption(String name, String arg) {
        List<String[]> prefixed = new ArrayList<>();
        for (String[] l : LONG) {
            if (l[0].equals(name)) {
                return l[1].charAt(0);
            }
            if (l[0].startsWith(name)) {
                prefixed.add(l);
            }
        }
        if (prefixed.size() == 1) {
            return prefixed.get(0)[1].charAt(0);
        }
        if (prefixed.isEmpty()) {
            throw new IllegalArgumentException("unrecognized option '" + arg + "'");
        }
        StringBuilder s = new StringBuilder("option '" + arg + "' is ambiguous; possibilities:");
        for (String[] l : prefixed) {
            s.append(" '--").append(l[0]).append('\'');
        }
        throw new IllegalArgumentException(s.toString());
    }

    private static String longName(char opt) {
        for (String[] l : LONG) {
            if (l[1].charAt(0) == opt) {
                return l[0];
            }
        }
        throw new IllegalStateException("no long name for -" + opt);
    }

    /** Applies one option; true when it ends the parse (-h and -V: libvirtd acts on them at once). */
    private boolean apply(char opt, String value) {
        switch (opt) {
            case 'l': listen = true; return false;
            case 'v': verbose = true; return false;
            case 'd': daemonize = true; return false;
            case 'h': help = true; return true;
            case 'V': version = true; return true;
            case 'f': config = Path.of(value); return false;
            case 'p': pidFile = Path.of(value); return false;
            case 't': timeoutSeconds = timeout(value); return false;
            default: throw new IllegalStateException("unhandled option -" + opt);
        }
    }

    /** libvirtd: virStrToLong_i's leading number, at least 0 and at most INT_MAX / 1000 (ms fit an int). */
    private static int timeout(String value) {
        Integer t = CNumbers.strToIntPrefix(value, 10);
        if (t == null || t < 0 || t > Integer.MAX_VALUE / 1000) {
            throw new IllegalArgumentException("Invalid value for timeout: " + value);
        }
        return t;
    }
}
