package io.jvirtd.model.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * XmlNode's escaping (virBufferEscapeString's: the five markup characters as entities, control
 * characters other than tab, newline and carriage return dropped), which appends the runs between
 * changed characters whole: the same text as one character at a time, wherever the changes fall.
 */
class XmlNodeEscapeTest {

    @Test
    void markupBecomesEntitiesAndControlsAreDropped() {
        assertEquals("", XmlNode.escape(""));
        assertEquals("/var/lib/jvirtd/images/disk.qcow2", XmlNode.escape("/var/lib/jvirtd/images/disk.qcow2"));
        assertEquals("&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&amp;",
                XmlNode.escape("<a b=\"c\" d='e'>&&"));
        assertEquals("tab\there\nnl\rcr", XmlNode.escape("tab\there\nnl\rcr"));
        assertEquals("nobellsorescape", XmlNode.escape("\u0007no\u0000bells\u001bor\u0001escape\u001f"));
        assertEquals("gr\u00fc\u00dfe \u2603 \ud83d\ude00", XmlNode.escape("gr\u00fc\u00dfe \u2603 \ud83d\ude00"));
        StringBuilder into = new StringBuilder("kept:");
        XmlNode.escape(into, "x<y");
        assertEquals("kept:x&lt;y", into.toString(), "appends to what the builder holds");
    }

    @Test
    void anyMixMatchesEscapingOneCharacterAtATime() {
        List<Character> alphabet = List.of('a', 'Z', '0', ' ', '<', '>', '&', '"', '\'', '\t', '\n', '\r',
                '\u0000', '\u0008', '\u001f', '\u00e9', '\u4e2d', '\ud83d', '\ude00');
        Random random = new Random(14);
        for (int n = 0; n < 2000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                s.append(alphabet.get(random.nextInt(alphabet.size())));
            }
            assertEquals(oneAtATime(s.toString()), XmlNode.escape(s.toString()), "escaping " + s.codePoints().boxed().toList());
        }
    }

    /** The rule spelt out character by character. */
    private static String oneAtATime(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
