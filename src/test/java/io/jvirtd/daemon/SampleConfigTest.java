package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * packaging/jvirtd.conf, the sample config the package installs as /etc/jvirtd/jvirtd.conf,
 * documents every key the daemon reads and no other, each commented out ("#key = value"), as
 * libvirtd.conf does; with every key uncommented it still loads, without a warning.
 */
class SampleConfigTest {

    private static final Path SAMPLE = Path.of("packaging/jvirtd.conf");
    /** A commented-out setting: "#key = value" at the start of a line. */
    private static final Pattern SETTING = Pattern.compile("(?m)^#([a-z_][a-z0-9_]*) = (.*)$");

    @Test
    void everyKnownKeyIsInTheSampleAndEveryKeyInItIsKnown() throws IOException {
        List<String> inSample = new ArrayList<>();
        Matcher m = SETTING.matcher(Files.readString(SAMPLE));
        while (m.find()) {
            inSample.add(m.group(1));
        }
        TreeSet<String> unique = new TreeSet<>(inSample);
        assertEquals(inSample.size(), unique.size(), "a key appears twice in " + SAMPLE + ": " + inSample);
        TreeSet<String> missing = new TreeSet<>(DaemonConfig.knownKeys());
        missing.removeAll(unique);
        assertTrue(missing.isEmpty(), "keys the daemon reads but " + SAMPLE + " does not document: " + missing);
        TreeSet<String> unknown = new TreeSet<>(unique);
        unknown.removeAll(DaemonConfig.knownKeys());
        assertTrue(unknown.isEmpty(), "keys in " + SAMPLE + " the daemon does not know: " + unknown);
    }

    @Test
    void theSampleLoadsAsShippedAndWithEverySettingUncommented() throws Exception {
        String text = Files.readString(SAMPLE);
        List<String> warnings = new ArrayList<>();
        Map<String, ConfigFile.Entry> shipped = ConfigFile.parse(SAMPLE.toString(), text);
        assertTrue(shipped.isEmpty(), "the shipped file sets nothing: " + shipped.keySet());
        String uncommented = SETTING.matcher(text).replaceAll("$1 = $2");
        Map<String, ConfigFile.Entry> all = ConfigFile.parse(SAMPLE.toString(), uncommented);
        assertEquals(DaemonConfig.knownKeys(), all.keySet(), "every example value parses");
        DaemonConfig.from(SAMPLE.toString(), all, warnings::add);
        assertEquals(List.of(), warnings);
    }
}
