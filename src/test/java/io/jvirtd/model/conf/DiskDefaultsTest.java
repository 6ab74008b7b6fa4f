package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DiskDefaultsTest {

    private static final String XML = "<domain type='test'><name>cd1</name><memory>1024</memory>"
            + "<os><type>hvm</type></os><devices>"
            + "<disk type='file' device='cdrom'><source file='/tmp/x.iso'/><target dev='hdc' bus='ide'/></disk>"
            + "<disk type='file' device='floppy'><source file='/tmp/f.img'/><target dev='fda' bus='fdc'/></disk>"
            + "</devices></domain>";

    @Test
    void cdromIsReadOnlyAndFloppyIsNot() {
        String out = DomainDef.parse(XML, 2, MockXmlOptions.OPTIONS).format(0);
        // as `virsh -c test:///default "define cd.xml; dumpxml cd1"` prints it
        assertTrue(out.contains("      <target dev='hdc' bus='ide'/>\n      <readonly/>\n"
                + "      <address type='drive' controller='0' bus='1' target='0' unit='0'/>\n"), out);
        assertFalse(out.contains("<target dev='fda' bus='fdc'/>\n      <readonly/>"), out);
    }
}
