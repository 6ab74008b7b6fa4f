package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code virsh domiftune} as libvirt 9.0's QEMU driver answers it (qemuDomainGet/
 * SetInterfaceParameters): the seven bandwidth values of an interface's {@code <bandwidth>}
 * (0 where unset), and a change refused for the interface types that have no host device to
 * shape, which is every type this driver runs ({@code user}): libvirt's CONFIG_UNSUPPORTED.
 * Stateless; worker threads, reading the definitions under the domain's monitor.
 */
final class QemuInterfaceTune {

    private static final int TYPED_PARAM_STRING_OKAY = 4;
    private static final String[] NAMES = {"inbound.average", "inbound.peak", "inbound.burst", "inbound.floor",
        "outbound.average", "outbound.peak", "outbound.burst"};
    /** virNetDevSupportsBandwidth: the types with a host-side device. */
    private static final Set<String> SHAPEABLE = Set.of("bridge", "network", "direct", "ethernet");

    private final QemuLifecycle life;

    QemuInterfaceTune(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainGetInterfaceParameters; {@code device} null asks for the count (nparams 0). */
    List<TypedParameter> get(DomainRef dom, String device, int flags) {
        VirException.checkFlags(flags, QemuVcpuPins.AFFECT_LIVE | QemuVcpuPins.AFFECT_CONFIG | TYPED_PARAM_STRING_OKAY,
                VirErrorDomain.QEMU, "qemuDomainGetInterfaceParameters");
        QemuDomain d = life.domains.get(dom);
        XmlNode bw;
        synchronized (d) {
            DomainDef def = QemuVcpuPins.oneDef(d, flags & ~TYPED_PARAM_STRING_OKAY);
            bw = device == null ? null : find(def, device).node().child("bandwidth");
            bw = bw == null ? null : bw.copy();
        }
        XmlNode in = bw == null ? null : bw.child("inbound");
        XmlNode out = bw == null ? null : bw.child("outbound");
        List<TypedParameter> p = new ArrayList<>();
        String[] attrs = {"average", "peak", "burst", "floor", "average", "peak", "burst"};
        for (int i = 0; i < NAMES.length; i++) {
            XmlNode rate = i < 4 ? in : out;
            String v = rate == null ? null : rate.attr(attrs[i]);
            p.add(TypedParameter.ofUInt(NAMES[i], v == null ? 0 : (int) Long.parseLong(v)));
        }
        return p;
    }

    /** qemuDomainSetInterfaceParameters: the checks up to the interface type, which no type here passes. */
    void set(DomainRef dom, String device, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, QemuVcpuPins.AFFECT_LIVE | QemuVcpuPins.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetInterfaceParameters");
        Map<String, TypedParameter.Type> allowed = new LinkedHashMap<>();
        for (String n : NAMES) {
            allowed.put(n, TypedParameter.Type.UINT);
        }
        TypedParamChecks.validate(params, allowed);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            String type = null;
            synchronized (d) {
                DomainDef[] defs = QemuVcpuPins.defs(d, flags);
                DeviceDef live = defs[0] == null ? null : find(defs[0], device);
                DeviceDef config = defs[1] == null ? null : find(defs[1], device);
                if (live != null && !SHAPEABLE.contains(live.type())) {
                    type = live.type();
                } else if (config != null && !SHAPEABLE.contains(config.type())) {
                    type = config.type();
                }
            }
            if (type != null) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "setting bandwidth on interfaces of type '" + type + "' is not implemented yet");
            }
            // unreachable while QemuDeviceCheck admits only user interfaces
            throw VirException.noSupport(VirErrorDomain.QEMU, "virDomainSetInterfaceParameters");
        } finally {
            d.endJob();
        }
    }

    /** virDomainNetFind: by MAC address or host interface name. */
    private static DeviceDef find(DomainDef def, String device) {
        DeviceDef net = def.interfaceByNameOrMac(device);
        if (net == null) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN, "'" + device + "' is not a known interface");
        }
        return net;
    }
}
