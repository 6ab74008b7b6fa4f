package io.jvirtd.daemon.logging;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon's logging settings and the one place log lines are written: libvirt's virlog
 * (src/util/virlog.c) for jvirtd. A default priority, an ordered list of filters (the first
 * whose pattern matches a message's category decides its minimum priority; otherwise the
 * default does), and a list of outputs (each with its own minimum priority). Priorities are
 * libvirt's: 1 debug, 2 info, 3 warning, 4 error. The strings read and written are exactly
 * libvirt's: {@code log_filters = "1:rpc 3:remote"} reads back as {@code "1:*rpc* 3:*remote* "},
 * outputs as {@code "3:stderr 1:file:/var/log/jvirtd.log"}; errors carry libvirt's texts.
 *
 * <p><b>Cheap when filtered out.</b> Every logger ({@link JvirtdLoggerFinder}) caches the
 * threshold for its category together with the settings' {@link #serial()}; a change bumps the
 * serial, and each logger recomputes its threshold once, on its next call. Between changes a
 * disabled message costs one volatile read and a compare, nothing is formatted.
 *
 * <p><b>Threads.</b> Setters are synchronized (the process leader at start, an admin worker at
 * run time, the SIGHUP handler); the filter and output arrays are replaced whole and read
 * through volatile fields, so loggers on any thread read them without a lock. Each output
 * serialises its own writes. One instance, {@link #global()}, serves the JVM's loggers (the
 * JVM's logger finder is global by nature); tests make their own.
 */
public final class LogSettings {

    /** libvirt's VIR_LOG_DEFAULT: warnings and errors. */
    public static final int DEFAULT_PRIORITY = 3;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final LogFilter[] NO_FILTERS = new LogFilter[0];
    /** Last: the constants above must exist when it is built. */
    private static final LogSettings GLOBAL = new LogSettings(System.err, JournaldSink.DEFAULT_SOCKET);

    /** One output: its minimum priority, its kind and argument, and where it writes. */
    private record Output(int priority, String dest, String name, LogSink sink, AtomicBoolean announced) {
        String spec() {
            return name == null ? priority + ":" + dest : priority + ":" + dest + ":" + name;
        }
    }

    private final PrintStream err;
    private final Path journalSocket;
    private final LogSink stderrSink;

    private volatile int serial = 1;
    private volatile int defaultPriority = DEFAULT_PRIORITY;
    private volatile LogFilter[] filters = NO_FILTERS;
    private volatile Output[] outputs = new Output[0];
    /** The lowest priority any output takes; 4 when outputs are empty means stderr at default. */
    private volatile int minOutputPriority = 1;
    private volatile String defaultOutput;
    private volatile String versionLine = "jvirtd";
    private final AtomicBoolean stderrAnnounced = new AtomicBoolean();
    private volatile String hostName;

    /**
     * @param err           what the "stderr" output writes to
     * @param journalSocket journald's stream socket (tests pass their own)
     */
    public LogSettings(PrintStream err, Path journalSocket) {
        this.err = Objects.requireNonNull(err, "err");
        this.journalSocket = journalSocket;
        this.stderrSink = new LogSink.Stderr(err);
    }

    /** The settings every logger of this JVM follows. */
    public static LogSettings global() {
        return GLOBAL;
    }

    // ---- start-up: libvirt's virDaemonSetupLogging ----

    /**
     * Applies the config file's settings as libvirtd does at start: {@code log_level},
     * {@code log_filters}, {@code log_outputs}, then the environment ({@code LIBVIRT_DEBUG},
     * {@code LIBVIRT_LOG_FILTERS}, {@code LIBVIRT_LOG_OUTPUTS}) over them, then {@code --verbose}
     * (at least info), and finally the default output {@code "<priority>:stderr"} when no output
     * is set. Returns nothing; throws with libvirt's message when a value is bad.
     *
     * @param logLevel 1-4, or 0 for libvirt's default (3)
     */
    public synchronized void configure(int logLevel, String logFilters, String logOutputs, boolean verbose,
                                       Map<String, String> env, String versionLine) {
        this.versionLine = versionLine;
        filters = NO_FILTERS;
        replaceOutputs(new Output[0]);
        defaultOutput = null;
        defaultPriority = DEFAULT_PRIORITY;
        if (logLevel != 0) {
            setDefaultPriority(logLevel);
        }
        setFilters(logFilters);
        if (logOutputs != null && !logOutputs.isEmpty()) {
            setOutputs(logOutputs);
        }
        String debug = env.get("LIBVIRT_DEBUG");
        if (debug != null && !debug.isEmpty()) {
            setDefaultPriority(parseDefaultPriority(debug));
        }
        String envFilters = env.get("LIBVIRT_LOG_FILTERS");
        if (envFilters != null && !envFilters.isEmpty()) {
            setFilters(envFilters);
        }
        String envOutputs = env.get("LIBVIRT_LOG_OUTPUTS");
        if (envOutputs != null && !envOutputs.isEmpty()) {
            setOutputs(envOutputs);
        }
        if (verbose && defaultPriority > 2) {
            setDefaultPriority(2);
        }
        // libvirt picks journald when stdin is no terminal and journald runs; jvirtd keeps stderr,
        // which a service manager sends to the journal anyway.
        defaultOutput = defaultPriority + ":stderr";
        if (outputs.length == 0) {
            setOutputs(defaultOutput);
        }
    }

    /** libvirt's virLogSetDefaultPriority. */
    public synchronized void setDefaultPriority(int priority) {
        if (priority < 1 || priority > 4) {
            throw invalidArg("Failed to set logging priority, argument '" + Integer.toUnsignedString(priority)
                    + "' is invalid");
        }
        defaultPriority = priority;
        serial++;
    }

    private static int parseDefaultPriority(String s) {
        switch (s) {
            case "1": case "debug": return 1;
            case "2": case "info": return 2;
            case "3": case "warning": return 3;
            case "4": case "error": return 4;
            default:
                throw invalidArg("Failed to set logging priority, argument '" + s + "' is invalid");
        }
    }

    public int defaultPriority() {
        return defaultPriority;
    }

    // ---- filters ----

    /**
     * Replaces every filter (libvirt's virLogSetFilters). {@code null} or blank removes them all.
     * Nothing changes when any filter is malformed.
     */
    public synchronized void setFilters(String spec) {
        List<LogFilter> parsed = new ArrayList<>();
        if (spec != null) {
            for (String one : spec.split(" ")) {
                if (!one.isEmpty()) {
                    parsed.add(parseFilter(one));
                }
            }
        }
        filters = parsed.toArray(NO_FILTERS);
        serial++;
    }

    private static LogFilter parseFilter(String src) {
        String[] tokens = src.split(":", -1);
        if (tokens.length < 2) {
            throw invalidArg("Malformed format for filter '" + src + "'");
        }
        int prio = parsePriority(tokens[0]);
        if (prio < 1 || prio > 4) {
            throw invalidArg("Invalid priority '" + tokens[0] + "' for filter '" + src + "'");
        }
        String match = tokens[1].startsWith("+") ? tokens[1].substring(1) : tokens[1];
        if (match.isEmpty()) {
            throw invalidArg("Invalid match string '" + tokens[1] + "'");
        }
        return new LogFilter(prio, "*" + match + "*");
    }

    /** What CONNECT_GET_LOGGING_FILTERS answers: "P:*match* " per filter, or null for none. */
    public String filtersString() {
        LogFilter[] fs = filters;
        if (fs.length == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (LogFilter f : fs) {
            sb.append(f.priority()).append(':').append(f.match()).append(' ');
        }
        return sb.toString();
    }

    public int filterCount() {
        return filters.length;
    }

    // ---- outputs ----

    /**
     * Replaces every output (libvirt's virLogSetOutputs). {@code null} or empty restores the
     * default output. A later output of the same kind and target replaces an earlier one.
     * Nothing changes when any output is malformed or a file cannot be opened.
     */
    public synchronized void setOutputs(String spec) {
        String src = spec == null || spec.isEmpty() ? defaultOutput : spec;
        if (src == null) {
            return; // start-up before the default output is known, as libvirt
        }
        List<Output> parsed = new ArrayList<>();
        try {
            for (String one : src.split(" ")) {
                if (one.isEmpty()) {
                    continue;
                }
                Output o = parseOutput(one, parsed);
                for (int i = 0; i < parsed.size(); i++) {
                    Output old = parsed.get(i);
                    if (old.dest().equals(o.dest()) && Objects.equals(old.name(), o.name())) {
                        parsed.remove(i);
                        old.sink().close();
                        break;
                    }
                }
                parsed.add(o);
            }
        } catch (RuntimeException e) {
            for (Output o : parsed) {
                o.sink().close();
            }
            throw e;
        }
        replaceOutputs(parsed.toArray(new Output[0]));
    }

    private void replaceOutputs(Output[] next) {
        Output[] old = outputs;
        int min = 4;
        for (Output o : next) {
            min = Math.min(min, o.priority());
        }
        outputs = next;
        minOutputPriority = next.length == 0 ? 1 : min;
        serial++;
        for (Output o : old) {
            if (!contains(next, o)) {
                o.sink().close();
            }
        }
    }

    private static boolean contains(Output[] list, Output o) {
        for (Output x : list) {
            if (x == o) {
                return true;
            }
        }
        return false;
    }

    private Output parseOutput(String src, List<Output> current) {
        String[] tokens = src.split(":", -1);
        if (tokens.length < 2) {
            throw invalidArg("Malformed format for log output '" + src + "'");
        }
        int prio = parsePriority(tokens[0]);
        if (prio < 1 || prio > 4) {
            throw invalidArg("Invalid log priority '" + tokens[0] + "' for log output '" + src + "'");
        }
        String dest = tokens[1];
        boolean twoTokens = dest.equals("stderr") || dest.equals("journald");
        boolean threeTokens = dest.equals("file") || dest.equals("syslog");
        if (!twoTokens && !threeTokens) {
            throw invalidArg("Invalid log destination '" + dest + "' for log output '" + src + "'");
        }
        if ((twoTokens && tokens.length != 2) || (threeTokens && tokens.length != 3)) {
            throw invalidArg("Log output '" + src + "' does not meet the format requirements for destination type '"
                    + dest + "'");
        }
        switch (dest) {
            case "stderr":
                return new Output(prio, dest, null, stderrSink, new AtomicBoolean());
            case "journald":
                return new Output(prio, dest, null, new JournaldSink(journalSocket, "jvirtd"), new AtomicBoolean());
            case "syslog":
                // libvirt writes to /dev/log, a unix datagram socket; Java 17 cannot send those.
                throw invalidArg("Log output '" + src + "': the syslog destination is not available in jvirtd;"
                        + " use journald or file");
            default:
                Path path = Path.of(tokens[2]).toAbsolutePath().normalize();
                try {
                    return new Output(prio, dest, path.toString(), new LogSink.File(path), new AtomicBoolean());
                } catch (IOException e) {
                    throw VirException.systemError(VirErrorDomain.NONE, errno(e), "failed to open " + path,
                            strerror(e));
                }
        }
    }

    /** virStrToLong_uip: an unsigned decimal number (an optional '+'), the whole token; -1 when it is not one. */
    private static int parsePriority(String token) {
        String s = token.startsWith("+") ? token.substring(1) : token; // strtoul takes a sign
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    /** What CONNECT_GET_LOGGING_OUTPUTS answers: the outputs separated by spaces. */
    public String outputsString() {
        StringBuilder sb = new StringBuilder();
        for (Output o : outputs) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(o.spec());
        }
        return sb.toString();
    }

    public int outputCount() {
        return outputs.length;
    }

    /** SIGHUP: reopen log files (after logrotate moved them) and reconnect to journald. */
    public void reopen() {
        for (Output o : outputs) {
            o.sink().reopen();
        }
    }

    // ---- the hot path ----

    /** Changes whenever filters, outputs or the default priority change. */
    int serial() {
        return serial;
    }

    /**
     * The lowest priority a message from this logger needs to be written anywhere: the first
     * matching filter's priority (else the default), and at least the lowest output priority.
     */
    int threshold(String loggerName, String category) {
        int prio = defaultPriority;
        for (LogFilter f : filters) {
            if (f.matches(category) || f.matches(loggerName)) {
                prio = f.priority();
                break;
            }
        }
        return Math.max(prio, minOutputPriority);
    }

    /** Formats one message that passed its logger's threshold and writes it to each output that takes it. */
    void publish(String loggerName, int priority, String message, Throwable thrown) {
        Output[] outs = outputs;
        String line = null;
        if (outs.length == 0) {
            // no output defined (before start-up configured logging): stderr, as libvirt
            if (priority >= defaultPriority) {
                announce(stderrSink, stderrAnnounced);
                stderrSink.write(priority, format(loggerName, priority, message, thrown));
            }
            return;
        }
        for (Output o : outs) {
            if (priority >= o.priority()) {
                if (line == null) {
                    line = format(loggerName, priority, message, thrown);
                }
                announce(o.sink(), o.announced());
                o.sink().write(priority, line);
            }
        }
    }

    /** libvirt's first lines in every output: the version and the host name. */
    private void announce(LogSink sink, AtomicBoolean announced) {
        if (announced.get()) {
            return;
        }
        synchronized (announced) { // others wait until both lines are out, so they come first
            if (!announced.get()) {
                long tid = Thread.currentThread().getId();
                String now = TIME.format(Instant.now());
                sink.write(2, now + ": " + tid + ": info : " + versionLine + "\n");
                sink.write(2, now + ": " + tid + ": info : hostname: " + hostName() + "\n");
                announced.set(true);
            }
        }
    }

    private String hostName() {
        String h = hostName;
        if (h == null) {
            try {
                h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                h = "localhost";
            }
            hostName = h;
        }
        return h;
    }

    /** libvirt's line: {@code TIMESTAMP: THREAD: LEVEL : LOGGER : MESSAGE}, then any stack trace. */
    static String format(String loggerName, int priority, String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(96 + (message == null ? 4 : message.length()))
                .append(TIME.format(Instant.now())).append(": ").append(Thread.currentThread().getId())
                .append(": ").append(priorityName(priority)).append(" : ").append(loggerName).append(" : ")
                .append(message).append('\n');
        if (thrown != null) {
            StringWriter sw = new StringWriter();
            thrown.printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        return sb.toString();
    }

    static String priorityName(int priority) {
        switch (priority) {
            case 1: return "debug";
            case 2: return "info";
            case 3: return "warning";
            case 4: return "error";
            default: return "unknown";
        }
    }

    private static VirException invalidArg(String detail) {
        return VirException.of(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE, detail);
    }

    private static int errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return 2;
        }
        if (e instanceof AccessDeniedException) {
            return 13;
        }
        return 5;
    }

    private static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        String reason = e instanceof java.nio.file.FileSystemException
                ? ((java.nio.file.FileSystemException) e).getReason() : e.getMessage();
        return reason != null ? reason : "Input/output error";
    }

    PrintStream err() {
        return err;
    }
}
