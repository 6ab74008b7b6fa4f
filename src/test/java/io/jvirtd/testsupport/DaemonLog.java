package io.jvirtd.testsupport;

import io.jvirtd.daemon.logging.LogSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * While open, the in-process daemon's log (the global {@link LogSettings}) also goes, at error
 * priority, to a file in a test's folder, as an operator's log_outputs="4:file:..." would:
 * a test reads what an operator would read. Closing restores the outputs it found.
 */
public final class DaemonLog implements AutoCloseable {

    /** A log entry begins with libvirt's timestamp; stack trace lines do not. */
    private static final Pattern ENTRY_START = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} .*");

    private final Path file;
    private final String before;

    public DaemonLog(Path dir) {
        this.file = dir.resolve("daemon.log");
        LogSettings s = LogSettings.global();
        // no outputs (a JVM whose logging nobody configured) means stderr at the default priority;
        // said explicitly, so that closing can restore it (an empty spec would keep our file)
        String now = s.outputsString();
        this.before = now.isEmpty() ? s.defaultPriority() + ":stderr" : now;
        s.setOutputs(before + " 4:file:" + file);
    }

    /** The entries (first line and any stack trace below it) whose first line contains {@code text}. */
    public List<String> entries(String text) {
        List<String> found = new ArrayList<>();
        StringBuilder entry = null;
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (ENTRY_START.matcher(line).matches()) {
                if (entry != null) {
                    found.add(entry.toString());
                }
                entry = line.contains(text) ? new StringBuilder(line) : null;
            } else if (entry != null) {
                entry.append('\n').append(line);
            }
        }
        if (entry != null) {
            found.add(entry.toString());
        }
        return found;
    }

    @Override
    public void close() {
        LogSettings.global().setOutputs(before);
    }
}
