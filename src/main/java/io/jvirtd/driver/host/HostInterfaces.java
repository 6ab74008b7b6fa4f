package io.jvirtd.driver.host;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.InterfaceDef;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.model.spi.InterfaceOps;

import java.util.ArrayList;
import java.util.List;

/**
 * libvirt's udev interface backend (interface_backend_udev.c) over sysfs: every interface under
 * {@code sys/class/net}, active when its operstate is "up", described read-only. Define, undefine,
 * start, stop and the change transactions are not in that backend, so they keep the SPI's
 * NO_SUPPORT exactly as libvirtd answers them. Only the ethernet form of the XML is built: a bridge,
 * bond or vlan is described as ethernet too (libvirt would add its members or tag).
 *
 * <p>Stateless: every call reads sysfs again. Thread-safe; calls block on file reads, worker threads only.
 */
public final class HostInterfaces implements InterfaceOps {

    private static final VirErrorDomain I = VirErrorDomain.INTERFACE;
    /** VIR_CONNECT_LIST_INTERFACES_INACTIVE / _ACTIVE. */
    private static final int LIST_INACTIVE = 1;
    private static final int LIST_ACTIVE = 2;
    /** VIR_INTERFACE_XML_INACTIVE. */
    private static final int XML_INACTIVE = 1;

    private final SysfsNet net;

    HostInterfaces(SysfsNet net) {
        this.net = net;
    }

    private List<SysfsNet.Iface> withStatus(boolean active) {
        List<SysfsNet.Iface> out = new ArrayList<>();
        for (SysfsNet.Iface i : net.list()) {
            if (SysfsNet.up(i) == active) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<String> names(List<SysfsNet.Iface> ifaces, int maxnames) {
        List<String> out = new ArrayList<>();
        for (SysfsNet.Iface i : ifaces) {
            if (out.size() >= maxnames) {
                break;
            }
            out.add(i.name());
        }
        return out;
    }

    @Override
    public int connectNumOfInterfaces() {
        return withStatus(true).size();
    }

    @Override
    public List<String> connectListInterfaces(int maxnames) {
        return names(withStatus(true), maxnames);
    }

    @Override
    public int connectNumOfDefinedInterfaces() {
        return withStatus(false).size();
    }

    @Override
    public List<String> connectListDefinedInterfaces(int maxnames) {
        return names(withStatus(false), maxnames);
    }

    @Override
    public List<InterfaceRef> connectListAllInterfaces(int flags) {
        VirException.checkFlags(flags, LIST_ACTIVE | LIST_INACTIVE, I, "udevConnectListAllInterfaces");
        List<InterfaceRef> out = new ArrayList<>();
        for (SysfsNet.Iface i : net.list()) {
            boolean up = SysfsNet.up(i);
            if ((flags & (LIST_ACTIVE | LIST_INACTIVE)) != 0
                    && !((up && (flags & LIST_ACTIVE) != 0) || (!up && (flags & LIST_INACTIVE) != 0))) {
                continue;
            }
            out.add(new InterfaceRef(i.name(), i.mac()));
        }
        return out;
    }

    private SysfsNet.Iface find(String name) {
        SysfsNet.Iface i = net.find(name);
        if (i == null) {
            throw VirException.of(VirErrorNumber.NO_INTERFACE, I, "couldn't find interface named '" + name + "'");
        }
        return i;
    }

    @Override
    public InterfaceRef interfaceLookupByName(String name) {
        SysfsNet.Iface i = find(name);
        return new InterfaceRef(i.name(), i.mac());
    }

    /** udevInterfaceLookupByMACString: udev matches the address text exactly. */
    @Override
    public InterfaceRef interfaceLookupByMACString(String mac) {
        List<SysfsNet.Iface> hits = new ArrayList<>();
        for (SysfsNet.Iface i : net.list()) {
            if (i.mac().equals(mac)) {
                hits.add(i);
            }
        }
        if (hits.isEmpty()) {
            throw VirException.of(VirErrorNumber.NO_INTERFACE, I,
                    "couldn't find interface with MAC address '" + mac + "'");
        }
        if (hits.size() > 1) {
            throw VirException.of(VirErrorNumber.MULTIPLE_INTERFACES, I,
                    "the MAC address '" + mac + "' matches multiple interfaces");
        }
        return new InterfaceRef(hits.get(0).name(), hits.get(0).mac());
    }

    /** udevInterfaceGetXMLDesc: the same description active or inactive. */
    @Override
    public String interfaceGetXMLDesc(InterfaceRef iface, int flags) {
        VirException.checkFlags(flags, XML_INACTIVE, I, "udevInterfaceGetXMLDesc");
        return definition(find(iface.name())).format();
    }

    @Override
    public boolean interfaceIsActive(InterfaceRef iface) {
        return SysfsNet.up(find(iface.name()));
    }

    /** udevGetIfaceDef for an ethernet device: mtu, link and MAC, through the shared model. */
    static InterfaceDef definition(SysfsNet.Iface i) {
        StringBuilder xml = new StringBuilder("<interface type='ethernet' name='")
                .append(SysfsNet.esc(i.name())).append("'>");
        String mtu = SysfsNet.read(i.sysPath().resolve("mtu"));
        if (mtu != null && mtu.matches("\\d+") && !mtu.equals("0")) {
            xml.append("<mtu size='").append(mtu).append("'/>");
        }
        xml.append(SysfsNet.linkXml(i));
        if (!i.mac().isEmpty()) {
            xml.append("<mac address='").append(SysfsNet.esc(i.mac())).append("'/>");
        }
        return InterfaceDef.parse(xml.append("</interface>").toString(), 0);
    }
}
