package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;

/**
 * A node device definition as libvirt 9.0 keeps it (src/conf/node_device_conf.c,
 * {@code virNodeDeviceDef}): name, sysfs path, device nodes, parent (by name or by the WWNs or
 * fabric of an FC parent) and the capability list ({@link NodeDeviceCaps}). {@link #parse} has
 * virNodeDeviceDefParseXML's checks and error texts in its order, for an existing device (node
 * files) or a device to create ({@code virNodeDeviceCreateXML}: named "new device", scsi_host
 * without host numbers); {@link #format} is byte-identical to virNodeDeviceDefFormat.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class NodeDeviceDef {

    /** virNodeDevCapType names, in libvirt's order (the index is the type number). */
    public static final List<String> CAP_TYPES = NodeDeviceCaps.TYPES;

    /** VIR_NODE_DEVICE_CREATE_XML_VALIDATE. */
    public static final int CREATE_XML_VALIDATE = 1;

    private static final List<String> DEVNODE_TYPES = List.of("dev", "link");

    private final String name;
    private final String sysfsPath;
    private final String devnode;
    private final List<String> devlinks;
    private final String parent;
    private final String parentWwnn;
    private final String parentWwpn;
    private final String parentFabricWwn;
    private final List<NodeDeviceCaps.Cap> caps;
    /** The bound kernel driver's name; never parsed from XML (libvirt reads it from the host only). */
    private final String driver;

    private NodeDeviceDef(String name, String sysfsPath, String devnode, List<String> devlinks, String parent,
                          String parentWwnn, String parentWwpn, String parentFabricWwn,
                          List<NodeDeviceCaps.Cap> caps) {
        this(name, sysfsPath, devnode, devlinks, parent, parentWwnn, parentWwpn, parentFabricWwn, caps, null);
    }

    private NodeDeviceDef(String name, String sysfsPath, String devnode, List<String> devlinks, String parent,
                          String parentWwnn, String parentWwpn, String parentFabricWwn,
                          List<NodeDeviceCaps.Cap> caps, String driver) {
        this.driver = driver;
        this.name = name;
        this.sysfsPath = sysfsPath;
        this.devnode = devnode;
        this.devlinks = List.copyOf(devlinks);
        this.parent = parent;
        this.parentWwnn = parentWwnn;
        this.parentWwpn = parentWwpn;
        this.parentFabricWwn = parentFabricWwn;
        this.caps = List.copyOf(caps);
    }

    public String name() {
        return name;
    }

    /** The parent device's name, or null. */
    public String parent() {
        return parent;
    }

    public String parentWwnn() {
        return parentWwnn;
    }

    public String parentWwpn() {
        return parentWwpn;
    }

    public String parentFabricWwn() {
        return parentFabricWwn;
    }

    /** The top-level capability type names in order (what virNodeDeviceListCaps of the test driver answers). */
    public List<String> capNames() {
        List<String> out = new ArrayList<>(caps.size());
        for (NodeDeviceCaps.Cap c : caps) {
            out.add(CAP_TYPES.get(c.type()));
        }
        return out;
    }

    /**
     * virNodeDeviceObjHasCap: a top-level capability of that type, or a nested one (fc_host and
     * vports under scsi_host, mdev_types under pci/css/ap_matrix, vpd under pci).
     */
    public boolean hasCap(int type) {
        for (NodeDeviceCaps.Cap c : caps) {
            if (c.type() == type || c.hasNested(type)) {
                return true;
            }
        }
        return false;
    }

    /** virNodeDeviceObjHasCapStr: false for a name libvirt does not know. */
    public boolean hasCap(String type) {
        int t = CAP_TYPES.indexOf(type);
        return t >= 0 && hasCap(t);
    }

    /** The first scsi_host capability with fc_host (virNodeDeviceFindFCCapDef), or null. */
    public NodeDeviceCaps.ScsiHost fcHost() {
        for (NodeDeviceCaps.Cap c : caps) {
            if (c instanceof NodeDeviceCaps.ScsiHost h && h.fcHost()) {
                return h;
            }
        }
        return null;
    }

    /** The first scsi_host capability with vport_ops (virNodeDeviceFindVPORTCapDef), or null. */
    public NodeDeviceCaps.ScsiHost vportHost() {
        for (NodeDeviceCaps.Cap c : caps) {
            if (c instanceof NodeDeviceCaps.ScsiHost h && h.vportOps()) {
                return h;
            }
        }
        return null;
    }

    /**
     * virNodeDeviceGetWWNs: the {wwnn, wwpn} of the first fc_host scsi_host capability;
     * INTERNAL_ERROR "Device is not a fibre channel HBA" otherwise.
     */
    public String[] wwns() {
        NodeDeviceCaps.ScsiHost h = fcHost();
        if (h == null) {
            throw VirException.internalError(VirErrorDomain.NODEDEV, "Device is not a fibre channel HBA");
        }
        return new String[] {h.wwnn(), h.wwpn()};
    }

    /**
     * The test driver's mock vHBA (testNodeDeviceMockCreateVport) made from this definition
     * after a format/parse round trip: renamed, with an fc_host scsi_host taking the new WWNs
     * and any other scsi_host counting its host and unique_id one up.
     */
    public NodeDeviceDef mockVport(String newName, String wwnn, String wwpn) {
        NodeDeviceDef copy = parse(format(), false);
        List<NodeDeviceCaps.Cap> newCaps = new ArrayList<>();
        for (NodeDeviceCaps.Cap c : copy.caps) {
            newCaps.add(c instanceof NodeDeviceCaps.ScsiHost h ? h.forVport(wwnn, wwpn) : c);
        }
        return new NodeDeviceDef(newName, copy.sysfsPath, copy.devnode, copy.devlinks, copy.parent,
                copy.parentWwnn, copy.parentWwpn, copy.parentFabricWwn, newCaps);
    }

    /**
     * This definition with the facts a host driver reads that libvirt's XML parser never takes in:
     * the bound kernel driver (null for none) and, for a storage capability, the logical block size
     * and block count (0 for none), as libvirt's udev driver fills them in.
     */
    public NodeDeviceDef withHostFacts(String driverName, long logicalBlockSize, long numBlocks) {
        List<NodeDeviceCaps.Cap> newCaps = new ArrayList<>();
        for (NodeDeviceCaps.Cap c : caps) {
            newCaps.add(c instanceof NodeDeviceCaps.Storage st ? st.withBlocks(logicalBlockSize, numBlocks) : c);
        }
        return new NodeDeviceDef(name, sysfsPath, devnode, devlinks, parent, parentWwnn, parentWwpn,
                parentFabricWwn, newCaps, driverName);
    }

    /**
     * virNodeDeviceDefParse on a client's or the driver's XML (document name
     * "(node_device_definition)").
     *
     * @param create true for a device to create (CREATE_DEVICE), false for an existing one
     */
    public static NodeDeviceDef parse(String xml, boolean create) {
        return parse(xml, create, false, null);
    }

    /**
     * {@link #parse(String, boolean)}, checked against nodedev.rng first when {@code validate}
     * (VIR_NODE_DEVICE_CREATE_XML_VALIDATE).
     */
    public static NodeDeviceDef parse(String xml, boolean create, boolean validate, SchemaValidator schemas) {
        Element root = VirXml.parseString(xml, "(node_device_definition)", "device", VirErrorDomain.NODEDEV)
                .getDocumentElement();
        if (validate) {
            SchemaCheck.against(schemas, "nodedev.rng", xml);
        }
        return fromElement(root, create);
    }

    /** virNodeDeviceDefParseXML on a {@code <device>} element. */
    public static NodeDeviceDef fromElement(Element e, boolean create) {
        String name;
        if (!create) {
            name = InterfaceXml.text(e, "name");
            if (name == null) {
                throw VirException.of(VirErrorNumber.NO_NAME, VirErrorDomain.NODEDEV, null);
            }
        } else {
            name = "new device";
        }
        String sysfsPath = InterfaceXml.text(e, "path");
        String devnode = null;
        List<String> devlinks = new ArrayList<>();
        for (Element dn : InterfaceXml.children(e, "devnode")) {
            int t = InterfaceXml.propEnum(dn, "type", DEVNODE_TYPES, true, false);
            String content = dn.getTextContent();
            if (t == 0) {
                devnode = content;
            } else {
                devlinks.add(content);
            }
        }
        String parent = InterfaceXml.text(e, "parent");
        Element parentEl = InterfaceXml.first(e, "parent");
        String parentWwnn = parentEl == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(parentEl, "wwnn"));
        String parentWwpn = parentEl == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(parentEl, "wwpn"));
        if (parentWwnn != null && parentWwpn == null) {
            throw InterfaceXml.xmlError(VirErrorDomain.NODEDEV, "when providing parent wwnn='" + parentWwnn
                    + "', the wwpn must also be provided");
        }
        if (parentWwnn == null && parentWwpn != null) {
            throw InterfaceXml.xmlError(VirErrorDomain.NODEDEV, "when providing parent wwpn='" + parentWwpn
                    + "', the wwnn must also be provided");
        }
        String parentFabric = parentEl == null ? null
                : InterfaceXml.nonEmpty(InterfaceXml.prop(parentEl, "fabric_wwn"));
        List<Element> capEls = InterfaceXml.children(e, "capability");
        if (capEls.isEmpty()) {
            throw VirException.internalError(VirErrorDomain.NODEDEV, "no device capabilities for '" + name + "'");
        }
        List<NodeDeviceCaps.Cap> caps = new ArrayList<>();
        for (Element c : capEls) {
            caps.add(NodeDeviceCaps.parse(c, name, create));
        }
        return new NodeDeviceDef(name, sysfsPath, devnode, devlinks, parent, parentWwnn, parentWwpn,
                parentFabric, caps);
    }

    /** virNodeDeviceDefFormat. */
    public String format() {
        InterfaceXml.Out out = new InterfaceXml.Out();
        out.open("<device>");
        out.text("name", name);
        out.text("path", sysfsPath);
        if (devnode != null) {
            out.line("<devnode type='dev'>" + InterfaceXml.escape(devnode) + "</devnode>");
        }
        for (String link : devlinks) {
            out.line("<devnode type='link'>" + InterfaceXml.escape(link) + "</devnode>");
        }
        out.text("parent", parent);
        if (driver != null) {
            out.open("<driver>");
            out.text("name", driver);
            out.close("</driver>");
        }
        for (NodeDeviceCaps.Cap c : caps) {
            out.open("<capability type='" + CAP_TYPES.get(c.type()) + "'>");
            c.format(out);
            out.close("</capability>");
        }
        out.close("</device>");
        return out.toString();
    }
}
