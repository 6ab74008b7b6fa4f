package io.jvirtd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for libvirt's configuration syntax (virconf): {@code key = value} lines where a value
 * is an integer, a quoted string ("..." or '...') or a list {@code [ "a", "b" ]} that may span
 * lines; {@code #} starts a comment. It knows nothing of the keys: {@link DaemonConfig} types
 * them. Used by the process leader only.
 */
public final class ConfigFile {

    /** A value and the line it came from, for error messages. */
    public record Entry(String key, Object value, int line) {
        /** Long, String or List&lt;String&gt;. */
        @Override
        public Object value() {
            return value;
        }
    }

    private final String name;
    private final String text;
    private int pos;
    private int line = 1;

    private ConfigFile(String name, String text) {
        this.name = name;
        this.text = text;
    }

    public static Map<String, Entry> read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("Failed to open file '" + file + "': " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Map<String, Entry> parse(String name, String text) throws ConfigException {
        return new ConfigFile(name, text).entries();
    }

    private Map<String, Entry> entries() throws ConfigException {
        Map<String, Entry> out = new LinkedHashMap<>();
        while (true) {
            skipBlanksAndComments(true);
            if (pos >= text.length()) {
                return out;
            }
            int keyLine = line;
            String key = identifier();
            skipBlanksAndComments(false);
            expect('=');
            skipBlanksAndComments(false);
            Object value = value();
            skipBlanksAndComments(false);
            if (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != ';') {
                throw error("expecting a separator");
            }
            if (pos < text.length()) {
                pos++;
                if (text.charAt(pos - 1) == '\n') {
                    line++;
                }
            }
            out.put(key, new Entry(key, value, keyLine));
        }
    }

    private String identifier() throws ConfigException {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
                || text.charAt(pos) == '_' || text.charAt(pos) == '.' || text.charAt(pos) == ':')) {
            pos++;
        }
        if (start == pos || !Character.isLetter(text.charAt(start)) && text.charAt(start) != '_') {
            throw error("expecting a name");
        }
        return text.substring(start, pos);
    }

    private Object value() throws ConfigException {
        if (pos >= text.length()) {
            throw error("expecting a value");
        }
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            return string();
        }
        if (c == '[') {
            pos++;
            List<String> items = new ArrayList<>();
            while (true) {
                skipBlanksAndComments(true);
                if (pos < text.length() && text.charAt(pos) == ']') {
                    pos++;
                    return items;
                }
                if (pos >= text.length() || (text.charAt(pos) != '"' && text.charAt(pos) != '\'')) {
                    throw error("expecting a string in the list");
                }
                items.add(string());
                skipBlanksAndComments(true);
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                } else if (pos >= text.length() || text.charAt(pos) != ']') {
                    throw error("expecting a separator in list");
                }
            }
        }
        if (c == '-' || c == '+' || Character.isDigit(c)) {
            int start = pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            try {
                return Long.parseLong(text.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("invalid number");
            }
        }
        throw error("expecting a value");
    }

    private String string() throws ConfigException {
        char quote = text.charAt(pos++);
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\n') {
                throw error("unterminated string");
            }
            pos++;
        }
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        return text.substring(start, pos++);
    }

    private void skipBlanksAndComments(boolean newlines) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\n' && newlines) {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private void expect(char c) throws ConfigException {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expecting '" + c + "'");
        }
        pos++;
    }

    private ConfigException error(String what) {
        return new ConfigException("configuration file syntax error: " + name + ":" + line + ": " + what);
    }
}
