package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QEMU command line for a definition, in libvirt 9.0's order and forms (JSON for
 * {@code -device}), {@code -accel tcg} for {@code type='qemu'} ({@code kvm} only for a
 * {@code type='kvm'} domain, which the driver accepts only when KVM is offered and works: it is
 * never inferred from /dev/kvm). The guest starts paused ({@code -S}) and stays alive when it
 * powers off ({@code -no-shutdown}) so the driver sees it and applies on_poweroff; the monitor
 * socket is QEMU's own listening socket. One method per device family. Stateless; any thread.
 */
final class QemuCommandLine {

    private QemuCommandLine() {
    }

    /**
     * @param monitor the QMP socket path
     * @param daemonPidFile when not null, QEMU daemonises and writes its pid there (a launch);
     *                      null prints the command line only (domxml-to-native)
     */
    static List<String> build(DomainDef d, Path monitor, Path daemonPidFile) {
        return build(d, monitor, daemonPidFile, true, QemuVolumeFiles.NONE);
    }

    /**
     * @param imagesRead whether the disk images were read ({@link QemuDiskSources}, at a start;
     *                   not for domxml-to-native): see {@link QemuDiskArgs}
     */
    static List<String> build(DomainDef d, Path monitor, Path daemonPidFile, boolean imagesRead) {
        return build(d, monitor, daemonPidFile, imagesRead, QemuVolumeFiles.NONE);
    }

    /**
     * qemuBuildSmpCommandLine: the fixed online vCPUs (hot-pluggable ones are added by
     * device_add), the maximum when it differs, and {@code <cpu><topology>} or one core per socket.
     * QEMU 7.2 has {@code dies}, so libvirt always passes it with a topology.
     */
    static String smp(DomainDef d) {
        int max = d.vcpusMax();
        int boot = QemuVcpuHotplug.bootVcpus(d);
        StringBuilder s = new StringBuilder(Integer.toString(boot));
        if (boot != max) {
            s.append(",maxcpus=").append(max);
        }
        int[] t = QemuVcpuHotplug.topology(d);
        if (t != null) {
            s.append(",sockets=").append(t[0]).append(",dies=").append(t[1]).append(",cores=").append(t[2])
                    .append(",threads=").append(t[3]);
        } else {
            s.append(",sockets=").append(max).append(",cores=1,threads=1");
        }
        return s.toString();
    }

    /** @param volumes the files of the volume disks ({@link QemuVolumeFiles#translate}) */
    static List<String> build(DomainDef d, Path monitor, Path daemonPidFile, boolean imagesRead,
                              QemuVolumeFiles volumes) {
        List<String> a = new ArrayList<>();
        a.add(d.emulator());
        a.add("-name");
        a.add("guest=" + d.name().replace(",", ",,") + ",debug-threads=on");
        a.add("-S");
        machine(a, d);
        a.add("-m");
        a.add(Long.toString(d.memoryKiB() / 1024));
        a.add("-overcommit");
        a.add("mem-lock=off");
        a.add("-smp");
        a.add(smp(d));
        QemuIoThreads.commandLine(a, d);
        a.add("-uuid");
        a.add(d.uuidString());
        a.add("-display");
        a.add("none");
        a.add("-no-user-config");
        a.add("-nodefaults");
        a.add("-chardev");
        a.add("socket,id=charmonitor,path=" + monitor + ",server=on,wait=off");
        a.add("-mon");
        a.add("chardev=charmonitor,id=monitor,mode=control");
        a.add("-rtc");
        a.add("base=utc");
        a.add("-no-shutdown");
        a.add("-boot");
        a.add("strict=on");
        kernel(a, d);
        usbAndPciControllers(a, d);
        QemuDiskArgs.controllers(a, d);
        Map<DeviceDef, Integer> bootIndexes = QemuBootIndexes.of(d);
        QemuDiskArgs.disks(a, d, bootIndexes, imagesRead, volumes);
        QemuNetArgs.interfaces(a, d, bootIndexes);
        serials(a, d);
        a.add("-audiodev");
        a.add(json("id", "audio1", "driver", "none"));
        QemuVideo.commandLine(a, d);
        balloon(a, d);
        a.add("-msg");
        a.add("timestamp=on");
        if (daemonPidFile != null) {
            a.add("-daemonize");
            a.add("-pidfile");
            a.add(daemonPidFile.toString());
        }
        return a;
    }

    /**
     * The USB controller (the i440fx's PIIX3 function; q35's qemu-xhci on its root port), on q35
     * after the PCI controllers in index order (qemuBuildControllersCommandLine), a root port
     * with its port and chassis numbers, a bridge with its id and address.
     */
    static void usbAndPciControllers(List<String> a, DomainDef d) {
        if (!QemuXmlOptions.isQ35(d)) {
            a.add("-device");
            a.add(json("driver", "piix3-usb-uhci", "id", "usb", "bus", "pci.0", "addr", "0x1.0x2"));
            return;
        }
        List<DeviceDef> pci = new ArrayList<>();
        for (DeviceDef c : d.controllers()) {
            if ("pci".equals(c.node().attr("type")) && !QemuPcieSlots.ROOT.equals(c.model())) {
                pci.add(c);
            }
        }
        pci.sort(Comparator.comparingInt(DeviceDef::controllerIndex));
        for (DeviceDef c : pci) {
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("driver", c.node().childAttr("model", "name"));
            XmlNode t = c.node().child("target");
            if (t != null && t.attr("port") != null) {
                dev.put("port", QemuPciSlots.num(t.attr("port")));
            }
            if (t != null && t.attr("chassis") != null) {
                dev.put("chassis", Integer.parseInt(t.attr("chassis")));
            }
            dev.put("id", "pci." + c.controllerIndex());
            QemuDeviceProps.address(dev, d, c);
            a.add("-device");
            a.add(QmpCodec.json(dev));
        }
        for (DeviceDef c : d.controllers()) {
            if ("usb".equals(c.node().attr("type")) && "qemu-xhci".equals(c.model())) {
                Map<String, Object> dev = new LinkedHashMap<>();
                dev.put("driver", "qemu-xhci");
                if (c.node().attr("ports") != null) { // qemuBuildUSBControllerDevProps: both port kinds
                    dev.put("p2", Integer.parseInt(c.node().attr("ports")));
                    dev.put("p3", Integer.parseInt(c.node().attr("ports")));
                }
                dev.put("id", "usb");
                QemuDeviceProps.address(dev, d, c);
                a.add("-device");
                a.add(QmpCodec.json(dev));
            }
        }
    }

    private static void machine(List<String> a, DomainDef d) {
        a.add("-machine");
        a.add(d.osMachine() + ",usb=off,dump-guest-core=off" + (d.features().contains("acpi") ? "" : ",acpi=off"));
        a.add("-accel");
        a.add(d.virtType().equals("kvm") ? "kvm" : "tcg");
        a.add("-cpu");
        a.add(cpuModel(d));
    }

    /** The CPU model QEMU runs (QemuXmlOptions fills in qemu64 when the XML names none). */
    static String cpuModel(DomainDef d) {
        XmlNode cpu = d.cpuNode();
        String model = cpu == null ? null : cpu.childText("model");
        return model != null ? model : "qemu64";
    }

    private static void kernel(List<String> a, DomainDef d) {
        String[][] options = {{"kernel", "-kernel"}, {"initrd", "-initrd"}, {"cmdline", "-append"}};
        for (String[] o : options) {
            String v = d.osValue(o[0]);
            if (v != null) {
                a.add(o[1]);
                a.add(v);
            }
        }
    }

    private static void serials(List<String> a, DomainDef d) {
        List<DeviceDef> serials = d.devices(DeviceKind.SERIAL);
        for (int i = 0; i < serials.size(); i++) {
            XmlNode log = serials.get(i).node().child("log");
            StringBuilder chr = new StringBuilder("pty,id=").append(QemuDomainXml.serialChardev(i));
            if (log != null && log.attr("file") != null) {
                chr.append(",logfile=").append(log.attr("file").replace(",", ",,"))
                        .append(",logappend=").append("on".equals(log.attr("append")) ? "on" : "off");
            }
            a.add("-chardev");
            a.add(chr.toString());
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("driver", "isa-serial");
            dev.put("chardev", QemuDomainXml.serialChardev(i));
            dev.put("id", "serial" + i);
            dev.put("index", i);
            a.add("-device");
            a.add(QmpCodec.json(dev));
        }
    }

    private static void balloon(List<String> a, DomainDef d) {
        for (DeviceDef b : d.devices(DeviceKind.MEMBALLOON)) {
            if ("virtio".equals(b.node().attr("model"))) {
                Map<String, Object> dev = new LinkedHashMap<>();
                dev.put("driver", "virtio-balloon-pci");
                dev.put("id", "balloon0");
                QemuDeviceProps.address(dev, d, b);
                a.add("-device");
                a.add(QmpCodec.json(dev));
            }
        }
    }

    private static String json(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return QmpCodec.json(m);
    }

    /**
     * The command line as libvirt writes it in the domain's log: the environment QEMU gets
     * ({@link QemuEnvironment}), a variable a line, then each option with its argument on a line
     * of its own, quoted as libvirt quotes.
     */
    static String toShell(Map<String, String> env, List<String> argv) {
        StringBuilder b = new StringBuilder();
        env.forEach((k, v) -> b.append(k).append('=').append(quote(v)).append(" \\\n"));
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            b.append(quote(arg));
            boolean option = arg.startsWith("-") && i + 1 < argv.size() && !argv.get(i + 1).startsWith("-");
            if (option) {
                b.append(' ').append(quote(argv.get(++i)));
            }
            b.append(i + 1 < argv.size() ? " \\\n" : "\n");
        }
        return b.toString();
    }

    /** The command line on one line, as {@code virsh domxml-to-native qemu-argv} prints it. */
    static String toLine(Map<String, String> env, List<String> argv) {
        StringBuilder b = new StringBuilder();
        env.forEach((k, v) -> b.append(k).append('=').append(quote(v)).append(' '));
        for (String arg : argv) {
            b.append(quote(arg)).append(' ');
        }
        return b.substring(0, b.length() - 1);
    }

    /** libvirt's virBufferEscapeShell: single quotes only around shell metacharacters. */
    private static String quote(String s) {
        if (s.isEmpty()) {
            return "''";
        }
        if (s.chars().noneMatch(c -> "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
