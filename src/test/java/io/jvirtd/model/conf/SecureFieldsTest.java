package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Formatting leaves every secret out unless asked for VIR_DOMAIN_XML_SECURE, in every place a
 * definition carries one (the node file of the secrets conformance set holds them all), and
 * leaves the stored definition untouched. The daemon-level answers are DomainXmlSecretsIT's.
 */
class SecureFieldsTest {

    private static final Path NODE = Path.of("src/test/resources/conformance/virsh/secrets/node.xml");
    /** Cookies of the disk, its backing store and nvram, two graphics passwords. */
    private static final int SECRETS_IN_DOMAIN = 5;

    @Test
    void aDefinitionPrintsItsSecretsOnlyWithTheSecureFlag() throws IOException {
        DomainDef def = DomainDef.parse(firstDomain(), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        for (int flags : new int[] {0, DomainDef.XML_INACTIVE, DomainDef.XML_MIGRATABLE,
            DomainDef.XML_INACTIVE | DomainDef.XML_MIGRATABLE}) {
            String plain = def.format(flags);
            assertEquals(0, count(plain), "flags " + flags + ":\n" + plain);
            assertTrue(plain.contains("images.example.org"), plain);
            assertEquals(SECRETS_IN_DOMAIN, count(def.format(flags | DomainDef.XML_SECURE)), "flags " + flags);
        }
        // formatting without the flag must not have cut the secrets out of the definition itself
        assertEquals(SECRETS_IN_DOMAIN, count(def.format(DomainDef.XML_SECURE)));
    }

    @Test
    void aNodeWithoutCookiesIsNotCopied() {
        XmlNode disk = new XmlNode("disk");
        disk.add(new XmlNode("source").attr("file", "/a"));
        assertSame(disk, SecureFields.withoutCookies(disk));
        XmlNode withCookie = disk.copy();
        withCookie.child("source").add(new XmlNode("cookies")).add(new XmlNode("cookie").text("x"));
        XmlNode stripped = SecureFields.withoutCookies(withCookie);
        assertFalse(stripped.toString().contains("cookie"), stripped.toString());
        assertTrue(withCookie.toString().contains("cookie"));
    }

    private static String firstDomain() throws IOException {
        String node = Files.readString(NODE);
        int from = node.indexOf("<domain ");
        int to = node.indexOf("    <test:domainsnapshot>");
        return node.substring(from, to) + "  </domain>\n";
    }

    private static int count(String xml) {
        Matcher m = Pattern.compile("SECRET").matcher(xml);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
