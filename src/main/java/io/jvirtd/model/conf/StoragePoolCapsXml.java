package io.jvirtd.model.conf;

import java.util.Set;

/**
 * virConnectGetStoragePoolCapabilities' document as libvirt 9.0 formats it
 * (storage_capabilities.c, virStoragePoolOptionsFormatPool/Volume): every pool type in enum order,
 * {@code supported='yes'} for the types the driver has loaded, each with its source format options
 * and its volume format options whether loaded or not.
 */
public final class StoragePoolCapsXml {

    private StoragePoolCapsXml() {
    }

    /** The document for a driver that has loaded {@code loaded}. */
    public static String format(Set<StoragePoolType> loaded) {
        StringBuilder b = new StringBuilder("<storagepoolCapabilities>\n");
        for (StoragePoolType t : StoragePoolType.values()) {
            b.append("  <pool type='").append(t.xmlName()).append("' supported='")
                    .append(loaded.contains(t) ? "yes" : "no").append("'>\n");
            if (t.poolFormats != null) {
                b.append("    <poolOptions>\n");
                b.append("      <defaultFormat type='").append(t.defaultPoolFormat).append("'/>\n");
                b.append("      <enum name='sourceFormatType'>\n");
                for (String f : t.poolFormats) {
                    b.append("        <value>").append(f).append("</value>\n");
                }
                b.append("      </enum>\n    </poolOptions>\n");
            }
            if (t.volFormats != null) {
                b.append("    <volOptions>\n");
                b.append("      <defaultFormat type='").append(t.defaultVolFormat).append("'/>\n");
                b.append("      <enum name='targetFormatType'>\n");
                // libvirt 9.0's rbd entry names its default format but sets no format count: an empty list
                if (t != StoragePoolType.RBD) {
                    for (String f : t.volFormats) {
                        b.append("        <value>").append(f).append("</value>\n");
                    }
                }
                b.append("      </enum>\n    </volOptions>\n");
            }
            b.append("  </pool>\n");
        }
        return b.append("</storagepoolCapabilities>\n").toString();
    }
}
