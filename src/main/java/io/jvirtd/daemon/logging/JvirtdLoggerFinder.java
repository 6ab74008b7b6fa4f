package io.jvirtd.daemon.logging;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The JVM's {@link System.LoggerFinder} (registered in META-INF/services): every
 * {@code System.getLogger(name)} in jvirtd, and in the JDK classes it uses, returns a logger
 * that follows {@link LogSettings#global()}, libvirt-style. Loggers are cached by name.
 */
public final class JvirtdLoggerFinder extends System.LoggerFinder {

    private final ConcurrentMap<String, SourceLogger> loggers = new ConcurrentHashMap<>();

    @Override
    public System.Logger getLogger(String name, Module module) {
        return loggers.computeIfAbsent(name, n -> new SourceLogger(n, LogSettings.global()));
    }

    /** libvirt's priority of a System.Logger level; 0 for OFF. */
    static int priority(System.Logger.Level level) {
        switch (level) {
            case OFF: return 0;
            case ERROR: return 4;
            case WARNING: return 3;
            case INFO: return 2;
            default: return 1; // ALL, TRACE, DEBUG
        }
    }

    /**
     * One log source (libvirt's virLogSource): its name, its libvirt-style category and the
     * threshold cached with the settings' serial it was computed for. Any thread.
     */
    static final class SourceLogger implements System.Logger {
        private final String name;
        private final String category;
        private final LogSettings settings;
        /** (serial << 32) | threshold, one volatile word so both are read together. */
        private volatile long cache;

        SourceLogger(String name, LogSettings settings) {
            this.name = name;
            this.category = LogCategories.of(name);
            this.settings = settings;
        }

        @Override
        public String getName() {
            return name;
        }

        String category() {
            return category;
        }

        @Override
        public boolean isLoggable(Level level) {
            int p = priority(level);
            return p != 0 && p >= threshold();
        }

        private int threshold() {
            long c = cache;
            int serial = settings.serial();
            if ((int) (c >>> 32) != serial) {
                int t = settings.threshold(name, category);
                cache = ((long) serial << 32) | (t & 0xffffffffL);
                return t;
            }
            return (int) c;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            int p = priority(level);
            if (p != 0 && p >= threshold()) {
                settings.publish(name, p, msg, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            int p = priority(level);
            if (p != 0 && p >= threshold()) {
                settings.publish(name, p, format(format, params), null);
            }
        }

        /**
         * java.util.logging's rule: MessageFormat only when there are parameters and a {N}.
         * Numbers go in as printf's %d prints them (libvirt's logs), never the locale's way
         * ({@code 219,942}, other digits): MessageFormat would format them with the locale's
         * NumberFormat, so each number is made its plain text first.
         */
        private static String format(String format, Object[] params) {
            if (format == null || params == null || params.length == 0) {
                return format;
            }
            if (format.contains("{0") || format.contains("{1") || format.contains("{2") || format.contains("{3")) {
                Object[] plain = new Object[params.length];
                for (int i = 0; i < params.length; i++) {
                    plain[i] = params[i] instanceof Number ? params[i].toString() : params[i];
                }
                try {
                    return new MessageFormat(format, Locale.ROOT).format(plain);
                } catch (IllegalArgumentException e) {
                    return format;
                }
            }
            return format;
        }
    }
}
