package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

/**
 * The SMBIOS system UUID of {@code <sysinfo type='smbios'>} and the domain's
 * ({@code virSysinfoSystemParseXML}): without {@code <uuid>} the domain takes it, otherwise
 * they must be equal; the entry is written in canonical form.
 *
 * <p>Stateless; safe from any thread.
 */
final class SysinfoUuid {

    private SysinfoUuid() {
    }

    /** Checks and adopts the system UUID of {@code sysinfo} (a canonical node, changed in place). */
    static void apply(DomainDef d, XmlNode sysinfo) {
        if (!"smbios".equals(sysinfo.attr("type"))) {
            return;
        }
        XmlNode system = sysinfo.child("system");
        if (system == null) {
            return;
        }
        for (XmlNode entry : system.children("entry")) {
            if (!"uuid".equals(entry.attr("name")) || entry.text() == null || entry.text().isEmpty()) {
                continue;
            }
            byte[] u = DomainDef.parseUuid(entry.text());
            if (u == null) {
                throw detail("malformed <sysinfo> uuid element");
            }
            if (d.uuidGenerated) {
                d.uuid = u;
                d.uuidGenerated = false;
            } else if (!java.util.Arrays.equals(d.uuid, u)) {
                throw detail("UUID mismatch between <uuid> and <sysinfo>");
            }
            entry.text(DomainDef.formatUuid(u));
            return; // string(entry[@name='uuid']) is the first one
        }
    }

    private static VirException detail(String msg) {
        return VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.DOMAIN, msg);
    }
}
