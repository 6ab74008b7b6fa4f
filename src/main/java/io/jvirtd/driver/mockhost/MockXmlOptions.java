package io.jvirtd.driver.mockhost;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.DomainXmlOptions;
import io.jvirtd.model.conf.XmlNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mock host's domain XML options, libvirt's test driver xmlopt (src/test/test_driver.c
 * testDriverNew): default arch i686, testDomainDevicesDefPostParse's video model, and the
 * {@code test:} namespace of node files ({@code <test:runstate>}, {@code <test:transient/>},
 * {@code <test:hasmanagedsave/>}, {@code <test:domainsnapshot>}), parsed into {@link TestNs}.
 *
 * <p>Immutable; any thread.
 */
public final class MockXmlOptions {

    /** The test driver's XML namespace. */
    public static final String TEST_NS = "http://libvirt.org/schemas/domain/test/1.0";

    /** What the mock host passes to every domain parse. */
    public static final DomainXmlOptions OPTIONS = DomainXmlOptions.GENERIC
            .withDefaultArch("i686")
            .withDevicePostParse(MockXmlOptions::videoModel)
            .withNamespace(new DomainXmlOptions.Namespace() {
                @Override
                public String uri() {
                    return TEST_NS;
                }

                @Override
                public Object parse(List<DomainXmlOptions.NsElement> elements) {
                    return TestNs.parse(elements);
                }
            });

    private MockXmlOptions() {
    }

    /**
     * The {@code test:} namespace of a node-file domain (testDomainDefNamespaceParse).
     *
     * @param runstate the virDomainState to start the domain in (default 1, running)
     * @param snapshotXml the {@code <test:domainsnapshot>} elements as standalone XML
     */
    public record TestNs(int runstate, boolean transientDomain, boolean hasManagedSave, List<String> snapshotXml) {

        static final TestNs NONE = new TestNs(1, false, false, List.of());

        static TestNs parse(List<DomainXmlOptions.NsElement> elements) {
            boolean transientFlag = false;
            boolean managed = false;
            String runstate = null;
            List<String> snapshots = new ArrayList<>();
            for (DomainXmlOptions.NsElement e : elements) {
                switch (e.name()) {
                    case "domainsnapshot" -> snapshots.add(e.xml());
                    case "transient" -> transientFlag = true;
                    case "hasmanagedsave" -> managed = true;
                    case "runstate" -> {
                        if (runstate == null) {
                            runstate = e.text();
                        }
                    }
                    default -> {
                    }
                }
            }
            int state = 1;
            if (runstate != null) {
                Long parsed = CNumbers.strToUIntP(runstate, 10);
                if (parsed == null) {
                    throw xmlError("invalid runstate");
                }
                long v = parsed;
                if (v >= 8) {
                    throw xmlError("runstate '" + v + "' out of range'");
                }
                state = (int) v;
            }
            if (transientFlag && state == 5) {
                throw xmlError("transient domain cannot have runstate 'shutoff'");
            }
            if (managed && state != 5) {
                throw xmlError("domain with managedsave data can only have runstate 'shutoff'");
            }
            return new TestNs(state, transientFlag, managed, List.copyOf(snapshots));
        }

        /** The namespace data of {@code def}, or the defaults when its XML had none. */
        public static TestNs of(DomainDef def) {
            return def.namespaceData() instanceof TestNs ns ? ns : NONE;
        }
    }

    /**
     * testDomainGenerateIfnames: interfaces without a target get the first free "testnetN"
     * (the test driver runs it after parsing XML for define and create, not in its xmlopt).
     */
    public static void generateIfnames(DomainDef def) {
        Set<String> used = new HashSet<>();
        for (DeviceDef nic : def.interfaces()) {
            if (nic.interfaceTargetDev() != null) {
                used.add(nic.interfaceTargetDev());
            }
        }
        for (DeviceDef nic : def.interfaces()) {
            if (nic.interfaceTargetDev() != null) {
                continue;
            }
            String name = null;
            for (int i = 0; i < 1024; i++) {
                if (!used.contains("testnet" + i)) {
                    name = "testnet" + i;
                    break;
                }
            }
            if (name == null) {
                throw VirException.internalError(VirErrorDomain.TEST, "Exceeded max iface limit 1024");
            }
            used.add(name);
            nic.setInterfaceTargetDev(name);
        }
    }

    /** testDomainDevicesDefPostParse: a video without a model type gets the test driver's. */
    private static void videoModel(DomainDef def, DeviceDef dev) {
        if (dev.kind() != DeviceKind.VIDEO) {
            return;
        }
        XmlNode model = dev.node().child("model");
        if (model == null || (model.attr("type") != null && !"default".equals(model.attr("type")))) {
            return;
        }
        if ("xen".equals(def.osType()) || "linux".equals(def.osType())) {
            model.attr("type", "xen");
        } else if (def.osArch().startsWith("ppc64")) {
            model.attr("type", "vga");
        } else {
            model.attr("type", "cirrus");
        }
    }

    private static VirException xmlError(String detail) {
        return VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, detail);
    }
}
