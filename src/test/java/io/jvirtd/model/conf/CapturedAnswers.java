package io.jvirtd.model.conf;

import io.jvirtd.model.VirException;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of inputs with what libvirt 9.0 answered for each (made by the folder's capture.py):
 * for NAME.xml either NAME.out, the answer, or NAME.err, "CODE DOMAIN MESSAGE" of the error.
 * One dynamic test per input.
 */
final class CapturedAnswers {

    private CapturedAnswers() {
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param answered checks an input libvirt accepted: (input text, NAME.out text)
     * @param parse    parses an input libvirt refused; must throw the captured error
     * @param atLeast  the fewest inputs the folder must hold (a lost folder fails, not passes)
     */
    static List<DynamicTest> each(Path dir, int atLeast, BiConsumer<String, String> answered, Consumer<String> parse)
            throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path in : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                String base = in.getFileName().toString().replace(".xml", "");
                Path out = dir.resolve(base + ".out");
                Path err = dir.resolve(base + ".err");
                tests.add(DynamicTest.dynamicTest(base, () -> {
                    String input = read(in);
                    if (Files.exists(out)) {
                        answered.accept(input, read(out));
                    } else {
                        // only the line end goes: some of libvirt's messages end in a space
                        String[] want = read(err).replaceFirst("\n$", "").split(" ", 3);
                        VirException e = assertThrows(VirException.class, () -> parse.accept(input));
                        assertEquals(want[2], e.message());
                        assertEquals(Integer.parseInt(want[0]), e.code(), e.message());
                        assertEquals(Integer.parseInt(want[1]), e.domain(), e.message());
                    }
                }));
            }
        }
        assertTrue(tests.size() >= atLeast, dir + " holds " + tests.size() + " inputs");
        return tests;
    }
}
