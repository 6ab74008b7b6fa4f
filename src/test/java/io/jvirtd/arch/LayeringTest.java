package io.jvirtd.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §3: dependencies point one way. rpc knows nothing of virtualization; protocol
 * declares wire data on top of rpc; model (errors, SPI, object definitions) stands alone so a
 * driver never sees the wire; drivers know only the model; the daemon wires everything.
 */
class LayeringTest {

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "rpc", Set.of("rpc"),
            "protocol", Set.of("rpc", "protocol"),
            "model", Set.of("model"),
            "driver", Set.of("model", "driver"),
            "daemon", Set.of("rpc", "protocol", "model", "driver", "daemon"));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.jvirtd\\.(\\w+)\\.", Pattern.MULTILINE);

    @Test
    void noLayerImportsAHigherOne() throws IOException {
        Path root = Path.of("src/main/java/io/jvirtd");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String layer = root.relativize(f).getName(0).toString();
                Set<String> allowed = ALLOWED.get(layer);
                assertTrue(allowed != null, "source outside the known layers: " + f);
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!allowed.contains(m.group(1))) {
                        violations.add(f + " imports io.jvirtd." + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
