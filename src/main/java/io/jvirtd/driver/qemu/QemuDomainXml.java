package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.List;

/**
 * The live parts of a running QEMU domain's XML, as libvirtd 9.0's QEMU driver keeps them in
 * its live definition: the domain id, the device aliases (qemuAssignDeviceAliases: the names
 * QEMU knows the devices by) and each pty's path, which the formatter prints as
 * {@code <source path='/dev/pts/N'/>} (and {@code tty=} on the console). The rest of the
 * XML is {@link DomainDef#format}'s. Stateless; any thread, on a definition its caller owns.
 */
final class QemuDomainXml {

    private QemuDomainXml() {
    }

    /** Makes {@code def} the live definition of run {@code id}: the id and the device aliases. */
    static void makeLive(DomainDef def, int id) {
        def.setId(id);
        int serial = 0;
        int input = 0;
        for (DeviceDef dev : def.devices()) {
            String alias = switch (dev.kind()) {
                case CONTROLLER -> "usb".equals(dev.node().attr("type")) ? "usb"
                        : QemuPcieSlots.ROOT.equals(dev.model()) ? "pcie.0"
                        : dev.node().attr("type") + "." + dev.controllerIndex();
                case SERIAL -> "serial" + serial++;
                case CONSOLE -> "serial0"; // the console is serial0's, printed from it
                case INPUT -> "input" + input++;
                case MEMBALLOON -> "virtio".equals(dev.node().attr("model")) ? "balloon0" : null;
                default -> null;
            };
            if (alias != null && dev.alias() == null) {
                dev.setAlias(alias);
            }
        }
    }

    /** The QEMU chardev id of serial port {@code index}. */
    static String serialChardev(int index) {
        return "charserial" + index;
    }

    /** Records the pty QEMU opened for serial port {@code index} (from query-chardev). */
    static void setPty(DomainDef live, int index, String path) {
        List<DeviceDef> serials = live.devices(DeviceKind.SERIAL);
        if (index >= serials.size()) {
            return;
        }
        List<XmlNode> children = serials.get(index).node().children();
        children.removeIf(c -> c.name().equals("source"));
        children.add(0, new XmlNode("source").attr("path", path)); // libvirt prints it first
    }

    /** libxml2's text escaping. */
    static String text(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** libvirt's attribute escaping (virBufferEscapeString). */
    static String attr(String s) {
        return text(s).replace("'", "&apos;").replace("\"", "&quot;");
    }
}
