package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * {@code <features>} (virDomainFeaturesDefParse / virDomainDefFormatFeatures): every feature
 * in libvirt's enum order, old-style booleans as {@code <acpi/>}, switches with
 * {@code state='on|off'}. Stateless; safe from any thread.
 */
final class Features {

    private Features() {
    }

    private static final List<String> HYPERV = List.of("relaxed", "vapic", "spinlocks",
            "vpindex", "runtime", "synic", "stimer", "reset", "vendor_id", "frequencies",
            "reenlightenment", "tlbflush", "ipi", "evmcs", "avic");
    private static final List<String> KVM = List.of("hidden", "hint-dedicated", "poll-control",
            "pv-ipi", "dirty-ring");
    private static final List<String> XEN = List.of("e820_host", "passthrough");
    private static final List<String> CAPS = List.of("audit_control", "audit_write",
            "block_suspend", "chown", "dac_override", "dac_read_search", "fowner", "fsetid",
            "ipc_lock", "ipc_owner", "kill", "lease", "linux_immutable", "mac_admin",
            "mac_override", "mknod", "net_admin", "net_bind_service", "net_broadcast", "net_raw",
            "setgid", "setfcap", "setpcap", "setuid", "sys_admin", "sys_boot", "sys_chroot",
            "sys_module", "sys_nice", "sys_pacct", "sys_ptrace", "sys_rawio", "sys_resource",
            "sys_time", "sys_tty_config", "syslog", "wake_alarm");

    static XmlNode canon(XElem feats) {
        for (XElem e : feats.elements()) {
            // virDomainFeaturesDefParse reads ./features/* in document order
            if (!Enums.FEATURES.contains(e.local)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "unexpected feature '" + e.local + "'");
            }
        }
        XmlNode n = new XmlNode("features");
        for (String name : Enums.FEATURES) {
            XElem f = null;
            for (XElem e : feats.elements()) {
                if (e.uri == null && e.local.equals(name)) {
                    f = e;
                    break;
                }
            }
            if (f == null) {
                continue;
            }
            XmlNode out = switch (name) {
                case "acpi", "pae", "viridian", "privnet" -> new XmlNode(name);
                case "apic" -> new XmlNode("apic").attr("eoi", f.attr("eoi"));
                case "hap", "pmu", "vmcoreinfo", "pvspinlock", "vmport", "htm", "nested-hv",
                        "ccf-assist" -> new XmlNode(name).attr("state",
                        f.attr("state") == null ? "on" : f.attr("state"));
                case "smm" -> {
                    XmlNode s = new XmlNode("smm").attr("state",
                            f.attr("state") == null ? "on" : f.attr("state"));
                    XElem tseg = f.child("tseg");
                    if (tseg != null && "on".equals(s.attr("state"))) {
                        s.add(new XmlNode("tseg").attr("unit", tseg.attr("unit") == null ? "MiB"
                                : tseg.attr("unit")).text(tseg.text()));
                    }
                    yield s;
                }
                case "hyperv" -> hyperv(f);
                case "kvm" -> sub(f, "kvm", KVM, List.of("state", "size"));
                case "xen" -> sub(f, "xen", XEN, List.of("state", "mode"));
                case "capabilities" -> {
                    XmlNode c = sub(f, "capabilities", CAPS, List.of("state"));
                    String policy = f.attr("policy");
                    if ((policy != null && !"default".equals(policy)) || !c.children().isEmpty()) {
                        c.attr("policy", policy == null ? "default" : policy);
                    }
                    yield c.attrs().isEmpty() && c.children().isEmpty() ? null : c;
                }
                case "gic" -> new XmlNode("gic").attr("version", f.attr("version"));
                case "ioapic" -> f.attr("driver") == null ? null
                        : new XmlNode("ioapic").attr("driver", f.attr("driver"));
                case "hpt" -> {
                    XmlNode h = new XmlNode("hpt").attr("resizing", f.attr("resizing"));
                    XElem mps = f.child("maxpagesize");
                    if (mps != null) {
                        long kib = Values.scaledKiB(mps, mps.text(), mps.attr("unit"),
                                "./features/hpt/maxpagesize", Long.MAX_VALUE, false);
                        if (kib > 0) {
                            h.add(new XmlNode("maxpagesize").attr("unit", "KiB").text(Long.toString(kib)));
                        }
                    }
                    yield h.attrs().isEmpty() && h.children().isEmpty() ? null : h;
                }
                case "msrs" -> new XmlNode("msrs").attr("unknown", f.attr("unknown"));
                case "cfpc", "sbbc", "ibs" -> f.attr("value") == null ? null
                        : new XmlNode(name).attr("value", f.attr("value"));
                case "tcg" -> {
                    XmlNode t = new XmlNode("tcg");
                    XElem tb = f.child("tb-cache");
                    if (tb != null) {
                        long kib = Values.scaledKiB(tb, tb.text(), tb.attr("unit"),
                                "./features/tcg/tb-cache", Long.MAX_VALUE, false);
                        if (kib > 0) {
                            t.add(new XmlNode("tb-cache").attr("unit", "KiB").text(Long.toString(kib)));
                        }
                    }
                    yield t.children().isEmpty() ? null : t;
                }
                default -> null;
            };
            if (out != null) {
                n.add(out);
            }
        }
        return n.children().isEmpty() ? null : n;
    }

    private static XmlNode hyperv(XElem f) {
        String mode = f.attr("mode") == null ? "custom" : f.attr("mode");
        // virDomainDefFormatFeatures opens and closes <hyperv> even with no feature inside
        XmlNode h = new XmlNode("hyperv").attr("mode", mode).alwaysOpen();
        for (String k : HYPERV) {
            XElem e = f.child(k);
            if (e == null || e.attr("state") == null) {
                continue;
            }
            XmlNode c = new XmlNode(k).attr("state", e.attr("state"));
            boolean on = "on".equals(e.attr("state"));
            if (k.equals("spinlocks") && on) {
                c.attr("retries", e.attr("retries"));
            } else if (k.equals("vendor_id") && on) {
                c.attr("value", e.attr("value"));
            } else if (k.equals("stimer") && on) {
                XElem direct = e.child("direct");
                if (direct != null && "on".equals(direct.attr("state"))) {
                    c.add(new XmlNode("direct").attr("state", "on"));
                }
            }
            h.add(c);
        }
        return h;
    }

    private static XmlNode sub(XElem f, String name, List<String> order, List<String> attrs) {
        XmlNode n = new XmlNode(name);
        for (String k : order) {
            XElem e = f.child(k);
            if (e == null || e.attr("state") == null) {
                continue;
            }
            XmlNode c = new XmlNode(k);
            for (String a : attrs) {
                c.attr(a, e.attr(a));
            }
            n.add(c);
        }
        return n;
    }
}
