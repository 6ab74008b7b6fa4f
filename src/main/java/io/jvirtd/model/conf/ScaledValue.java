package io.jvirtd.model.conf;

/**
 * libvirt's scaled sizes ({@code virDomainParseMemory}: a number with an optional unit, KiB by
 * default) for drivers that parse their own subset of domain XML, with the same errors as the
 * full parser. Stateless.
 */
public final class ScaledValue {

    private ScaledValue() {
    }

    /**
     * A memory size in KiB, rounded up, from an element's text and its {@code unit} attribute.
     *
     * @param what the XPath libvirt names in its messages, e.g. "./memory[1]"; a missing value counts as absent: -1
     * @throws io.jvirtd.model.VirException libvirt's errors for a bad value, unit or overflow
     */
    public static long memoryKiB(String value, String unit, String what) {
        return Values.scaledKiB(null, value, unit == null || unit.isEmpty() ? null : unit, what, Long.MAX_VALUE, false);
    }
}
