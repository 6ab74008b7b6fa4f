package io.jvirtd.daemon;

import io.jvirtd.daemon.logging.LogSettings;
import io.jvirtd.model.VirException;

import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up the daemon's logging at start, as libvirtd's virDaemonSetupLogging: {@code log_level},
 * {@code log_filters} and {@code log_outputs} from the config file, then the LIBVIRT_DEBUG /
 * LIBVIRT_LOG_FILTERS / LIBVIRT_LOG_OUTPUTS environment, then {@code --verbose}; the default
 * output is {@code "<level>:stderr"}. Everything jvirtd logs goes through System.Logger, which
 * {@link io.jvirtd.daemon.logging.JvirtdLoggerFinder} routes to {@link LogSettings#global()};
 * the few users of java.util.logging are forwarded there too. Called by the process leader.
 */
final class Logging {

    private Logging() {
    }

    /**
     * @throws VirException with libvirt's message when a filter, output or level is bad
     */
    static void configure(DaemonConfig config, boolean verbose, Map<String, String> env) {
        LogSettings.global().configure(config.logLevel, config.logFilters, config.logOutputs, verbose, env,
                "jvirtd version: " + Main.VERSION + " (libvirt remote protocol 9.0.0)");
        forwardJavaUtilLogging();
    }

    /** Sends java.util.logging records to the same outputs, under the same filters. */
    private static void forwardJavaUtilLogging() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                System.Logger target = System.getLogger(r.getLoggerName() == null ? "" : r.getLoggerName());
                System.Logger.Level level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? System.Logger.Level.ERROR
                        : r.getLevel().intValue() >= Level.WARNING.intValue() ? System.Logger.Level.WARNING
                        : r.getLevel().intValue() >= Level.INFO.intValue() ? System.Logger.Level.INFO
                        : System.Logger.Level.DEBUG;
                if (target.isLoggable(level)) {
                    target.log(level, null, r.getMessage(), r.getParameters());
                    if (r.getThrown() != null) {
                        target.log(level, r.getThrown().toString(), r.getThrown());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** SIGHUP: reopen log files. */
    static void reopen() {
        LogSettings.global().reopen();
    }
}
