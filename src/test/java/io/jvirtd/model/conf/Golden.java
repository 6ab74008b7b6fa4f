package io.jvirtd.model.conf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access to the captured libvirt output under src/test/resources/io/jvirtd/model/conf (see
 * capture.sh there for how each file was produced with the real libvirt 9.0 test driver).
 */
final class Golden {

    private Golden() {
    }

    static Path dir(String sub) {
        URL url = Golden.class.getResource("/io/jvirtd/model/conf/" + sub);
        if (url == null) {
            throw new IllegalStateException("missing test resource folder " + sub);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String sub, String name) {
        return read(dir(sub).resolve(name));
    }

    /** virsh prints the XML followed by an empty line; the capture keeps exactly the XML. */
    static String xml(String sub, String name) {
        String s = read(sub, name);
        return s.endsWith("\n") ? s : s + "\n";
    }

    /**
     * The inputs (*.xml) of a golden folder, sorted.
     *
     * @param atLeast the fewest the folder must hold: an emptied or lost folder fails the test
     *                instead of passing with nothing compared
     */
    static List<Path> inputs(String sub, int atLeast) {
        List<Path> inputs;
        try (Stream<Path> s = Files.list(dir(sub))) {
            inputs = s.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(inputs.size() >= atLeast, dir(sub) + " holds " + inputs.size() + " inputs, at least " + atLeast
                + " expected");
        return inputs;
    }

    static String base(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.length() - ".xml".length());
    }

    /** The creationTime value of a captured snapshot/checkpoint. */
    static long creationTime(String xml) {
        int a = xml.indexOf("<creationTime>");
        int b = xml.indexOf("</creationTime>");
        return Long.parseLong(xml.substring(a + "<creationTime>".length(), b));
    }
}
