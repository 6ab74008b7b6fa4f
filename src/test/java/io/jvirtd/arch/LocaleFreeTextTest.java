package io.jvirtd.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Wire text, XML and log lines are printed as libvirt's printf prints them, whatever the
 * daemon's locale (no {@code 219,942}, no other digits, no Turkish dotless i): every formatting
 * call in src/main names {@code Locale.ROOT}, and the locale-taking helpers that cannot are not
 * used. The behaviour itself is tested in LogSettingsTest, VirExceptionTest and LogLocaleIT.
 */
class LocaleFreeTextTest {

    /** Calls that use the default locale unless given one, with the locale missing. */
    private static final List<Pattern> DEFAULT_LOCALE = List.of(
            Pattern.compile("String\\.format\\((?!Locale\\.ROOT)"),
            Pattern.compile("\\.formatted\\("),
            Pattern.compile("\\.to(?:Upper|Lower)Case\\(\\)"),
            Pattern.compile("MessageFormat\\.format\\("),
            Pattern.compile("NumberFormat\\.get\\w*Instance\\(\\)"),
            Pattern.compile("new DecimalFormat\\("),
            Pattern.compile("DateTimeFormatter\\.ofPattern\\(\"[^\"]*\"\\)"),
            Pattern.compile("\\.printf\\("));

    @Test
    void noFormattingInSrcMainDependsOnTheDefaultLocale() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".java"))::iterator) {
                files++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    for (Pattern p : DEFAULT_LOCALE) {
                        if (p.matcher(line).find()) {
                            found.add(f + ":" + (i + 1) + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 100, "sources not found under " + root.toAbsolutePath());
        assertEquals(List.of(), found);
    }
}
