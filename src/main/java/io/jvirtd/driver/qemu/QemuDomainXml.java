package io.jvirtd.driver.qemu;

import io.jvirtd.model.domain.Uuids;

/**
 * Formats a {@link QemuDomainDef} as libvirtd 9.0's QEMU driver prints it: the implicit devices
 * it adds for an i440fx machine (USB controller, PCI root, PS/2 input, audio none), and in the
 * live form the id, device aliases and pty paths. Stateless; any thread.
 */
final class QemuDomainXml {

    /** Public {@code VIR_DOMAIN_XML_INACTIVE}. */
    static final int XML_INACTIVE = 1 << 1;

    private QemuDomainXml() {
    }

    /** @param live whether the domain runs (id, aliases, pty paths), ignored with XML_INACTIVE */
    static String format(QemuDomainDef d, boolean live, int flags) {
        boolean l = live && (flags & XML_INACTIVE) == 0;
        StringBuilder b = new StringBuilder(2048);
        b.append("<domain type='").append(d.virtType).append('\'');
        if (l) {
            b.append(" id='").append(d.id).append('\'');
        }
        b.append(">\n");
        el(b, 2, "name", d.name);
        el(b, 2, "uuid", Uuids.format(d.uuid));
        if (d.title != null) {
            el(b, 2, "title", d.title);
        }
        if (d.description != null) {
            el(b, 2, "description", d.description);
        }
        b.append("  <memory unit='KiB'>").append(d.memoryKiB).append("</memory>\n");
        b.append("  <currentMemory unit='KiB'>").append(d.currentMemoryKiB).append("</currentMemory>\n");
        b.append("  <vcpu placement='static'>").append(d.vcpus).append("</vcpu>\n");
        b.append("  <os>\n");
        b.append("    <type arch='").append(d.arch).append("' machine='").append(attr(d.machine)).append("'>hvm</type>\n");
        if (d.kernel != null) {
            el(b, 4, "kernel", d.kernel);
        }
        if (d.initrd != null) {
            el(b, 4, "initrd", d.initrd);
        }
        if (d.cmdline != null) {
            el(b, 4, "cmdline", d.cmdline);
        }
        for (String dev : d.bootDevs) {
            b.append("    <boot dev='").append(dev).append("'/>\n");
        }
        b.append("  </os>\n");
        if (d.acpi || d.apic) {
            b.append("  <features>\n");
            if (d.acpi) {
                b.append("    <acpi/>\n");
            }
            if (d.apic) {
                b.append("    <apic/>\n");
            }
            b.append("  </features>\n");
        }
        b.append("  <cpu mode='custom' match='exact' check='none'>\n");
        if (d.cpuModel == null) { // libvirt fills in QEMU's default model for TCG
            b.append("    <model fallback='forbid'>qemu64</model>\n");
        } else {
            b.append("    <model fallback='").append(d.cpuFallback).append("'>").append(d.cpuModel)
             .append("</model>\n");
        }
        b.append("  </cpu>\n");
        b.append("  <clock offset='utc'/>\n");
        el(b, 2, "on_poweroff", d.onPoweroff);
        el(b, 2, "on_reboot", d.onReboot);
        el(b, 2, "on_crash", d.onCrash);
        b.append("  <devices>\n");
        el(b, 4, "emulator", d.emulator);
        b.append("    <controller type='usb' index='0' model='piix3-uhci'>\n");
        alias(b, l, "usb");
        b.append("      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>\n");
        b.append("    </controller>\n");
        if (l) {
            b.append("    <controller type='pci' index='0' model='pci-root'>\n");
            alias(b, true, "pci.0");
            b.append("    </controller>\n");
        } else {
            b.append("    <controller type='pci' index='0' model='pci-root'/>\n");
        }
        for (int i = 0; i < d.serials.size(); i++) {
            QemuDomainDef.Serial s = d.serials.get(i);
            b.append("    <serial type='pty'>\n");
            source(b, l, s);
            log(b, s);
            b.append("      <target type='isa-serial' port='").append(i).append("'>\n");
            b.append("        <model name='isa-serial'/>\n");
            b.append("      </target>\n");
            alias(b, l, "serial" + i);
            b.append("    </serial>\n");
        }
        if (d.console) {
            QemuDomainDef.Serial s = d.serials.get(0);
            b.append("    <console type='pty'");
            if (l && s.ptyPath != null) {
                b.append(" tty='").append(attr(s.ptyPath)).append('\'');
            }
            b.append(">\n");
            source(b, l, s);
            log(b, s);
            b.append("      <target type='serial' port='0'/>\n");
            alias(b, l, "serial0");
            b.append("    </console>\n");
        }
        input(b, l, "mouse", "input0");
        input(b, l, "keyboard", "input1");
        b.append("    <audio id='1' type='none'/>\n");
        if (d.memballoon.equals("virtio")) {
            b.append("    <memballoon model='virtio'>\n");
            alias(b, l, "balloon0");
            b.append("      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n");
            b.append("    </memballoon>\n");
        } else {
            b.append("    <memballoon model='none'/>\n");
        }
        b.append("  </devices>\n");
        b.append("</domain>\n");
        return b.toString();
    }

    private static void input(StringBuilder b, boolean live, String type, String alias) {
        if (live) {
            b.append("    <input type='").append(type).append("' bus='ps2'>\n");
            alias(b, true, alias);
            b.append("    </input>\n");
        } else {
            b.append("    <input type='").append(type).append("' bus='ps2'/>\n");
        }
    }

    private static void source(StringBuilder b, boolean live, QemuDomainDef.Serial s) {
        if (live && s.ptyPath != null) {
            b.append("      <source path='").append(attr(s.ptyPath)).append("'/>\n");
        }
    }

    private static void log(StringBuilder b, QemuDomainDef.Serial s) {
        if (s.logFile != null) {
            b.append("      <log file='").append(attr(s.logFile)).append('\'');
            if (s.logAppend != null) {
                b.append(" append='").append(s.logAppend).append('\'');
            }
            b.append("/>\n");
        }
    }

    private static void alias(StringBuilder b, boolean live, String name) {
        if (live) {
            b.append("      <alias name='").append(name).append("'/>\n");
        }
    }

    private static void el(StringBuilder b, int indent, String name, String text) {
        b.append(" ".repeat(indent)).append('<').append(name).append('>').append(text(text))
                .append("</").append(name).append(">\n");
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
