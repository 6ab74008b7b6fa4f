package io.jvirtd.model.conf;

import java.util.List;

/**
 * What a driver tells the domain XML parser, as libvirt's {@code virDomainXMLOption} (its
 * {@code virDomainDefParserConfig} and {@code virXMLNamespace}): the default architecture, the
 * driver's XML namespace, its post-parse fill-ins and its validation. Each driver builds one
 * and passes it to every {@link DomainDef#parse}; a parsed definition keeps it, so
 * {@link DomainDef#copyViaXml} parses again the same way.
 *
 * <p>Where the hooks run (a simplification of virDomainDefPostParse): {@link DevicePostParse}
 * for each device before the generic device defaults (testDomainDevicesDefPostParse's place),
 * {@link PostParse} after all generic post-parse steps (the driver's implicit devices, defaults
 * and addresses), then {@link Validate} (domainValidateCallback).
 *
 * <p>Immutable; safe from any thread. The hooks must be too.
 */
public final class DomainXmlOptions {

    /** A device fill-in, run before the generic device defaults. */
    @FunctionalInterface
    public interface DevicePostParse {
        void apply(DomainDef def, DeviceDef dev);
    }

    /** A domain fill-in, run after the generic post-parse. */
    @FunctionalInterface
    public interface PostParse {
        void apply(DomainDef def, int parseFlags);
    }

    /** A check of the post-parsed definition; throws libvirt's VirException. */
    @FunctionalInterface
    public interface Validate {
        void check(DomainDef def, int parseFlags);
    }

    /**
     * One element of the driver's namespace directly below {@code <domain>}: its local name,
     * its text, and the element alone as libxml2 dumps it (namespace declaration included).
     */
    public record NsElement(String name, String text, String xml) {
    }

    /**
     * libvirt's {@code virXMLNamespace}: the elements in {@code uri} below {@code <domain>}
     * become the definition's {@link DomainDef#namespaceData()} (never formatted back, as for
     * the test driver, which has no namespace formatter).
     */
    public interface Namespace {
        String uri();

        /** @return the driver's immutable namespace data; throws VirException on bad values */
        Object parse(List<NsElement> elements);
    }

    /** A parser with no driver callbacks (libvirt's default config on an x86_64 host). */
    public static final DomainXmlOptions GENERIC = new DomainXmlOptions("x86_64", null, null, null, null);

    private final String defaultArch;
    private final Namespace namespace;
    private final DevicePostParse devicePostParse;
    private final PostParse postParse;
    private final Validate validate;

    private DomainXmlOptions(String defaultArch, Namespace namespace, DevicePostParse devicePostParse,
                             PostParse postParse, Validate validate) {
        this.defaultArch = defaultArch;
        this.namespace = namespace;
        this.devicePostParse = devicePostParse;
        this.postParse = postParse;
        this.validate = validate;
    }

    /** {@code defArch}: the architecture of a domain whose {@code <os><type>} names none. */
    public DomainXmlOptions withDefaultArch(String arch) {
        return new DomainXmlOptions(arch, namespace, devicePostParse, postParse, validate);
    }

    public DomainXmlOptions withNamespace(Namespace ns) {
        return new DomainXmlOptions(defaultArch, ns, devicePostParse, postParse, validate);
    }

    public DomainXmlOptions withDevicePostParse(DevicePostParse hook) {
        return new DomainXmlOptions(defaultArch, namespace, hook, postParse, validate);
    }

    public DomainXmlOptions withPostParse(PostParse hook) {
        return new DomainXmlOptions(defaultArch, namespace, devicePostParse, hook, validate);
    }

    public DomainXmlOptions withValidate(Validate hook) {
        return new DomainXmlOptions(defaultArch, namespace, devicePostParse, postParse, hook);
    }

    String defaultArch() {
        return defaultArch;
    }

    Namespace namespace() {
        return namespace;
    }

    void devicePostParse(DomainDef def, DeviceDef dev) {
        if (devicePostParse != null) {
            devicePostParse.apply(def, dev);
        }
    }

    void postParse(DomainDef def, int flags) {
        if (postParse != null) {
            postParse.apply(def, flags);
        }
    }

    void validate(DomainDef def, int flags) {
        if (validate != null) {
            validate.check(def, flags);
        }
    }
}
