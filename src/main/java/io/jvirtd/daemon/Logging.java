package io.jvirtd.daemon;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends the daemon's logs (System.Logger, backed by java.util.logging) to stderr in libvirt's
 * line format: {@code TIMESTAMP: THREAD: LEVEL : LOGGER : MESSAGE}. libvirt's priorities are
 * 1 debug, 2 info, 3 warning, 4 error. Configured once by the process leader.
 */
final class Logging {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ");

    private Logging() {
    }

    static void configure(int libvirtPriority, PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = toLevel(libvirtPriority);
        root.setLevel(level);
        // A StreamHandler flushed after each record; ConsoleHandler#setOutputStream would close System.err.
        Handler h = new StreamHandler(err, new LibvirtFormat()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        h.setLevel(level);
        root.addHandler(h);
    }

    static Level toLevel(int priority) {
        switch (priority) {
            case 1: return Level.FINE;
            case 2: return Level.INFO;
            case 3: return Level.WARNING;
            default: return Level.SEVERE;
        }
    }

    private static final class LibvirtFormat extends Formatter {
        @Override
        public String format(LogRecord r) {
            String level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error"
                    : r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning"
                    : r.getLevel().intValue() >= Level.INFO.intValue() ? "info" : "debug";
            StringBuilder sb = new StringBuilder(128)
                    .append(ZonedDateTime.ofInstant(r.getInstant(), ZoneOffset.UTC).format(TIME))
                    .append(": ").append(r.getLongThreadID()).append(": ").append(level).append(" : ")
                    .append(r.getLoggerName()).append(" : ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter sw = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }
    }
}
