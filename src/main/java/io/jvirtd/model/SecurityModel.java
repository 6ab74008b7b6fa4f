package io.jvirtd.model;

import java.util.Objects;

/**
 * libvirt's {@code virSecurityModel}: the host's security driver name and its domain of
 * interpretation. Both empty when the host has no security driver.
 */
public record SecurityModel(String model, String doi) {
    /** libvirt's {@code VIR_SECURITY_MODEL_BUFLEN} (256) includes the NUL. */
    public static final int MODEL_BUFLEN = 256;
    /** libvirt's {@code VIR_SECURITY_DOI_BUFLEN} (256) includes the NUL. */
    public static final int DOI_BUFLEN = 256;

    public SecurityModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(doi, "doi");
    }

    /** The answer of a host without a security driver. */
    public static SecurityModel none() {
        return new SecurityModel("", "");
    }
}
