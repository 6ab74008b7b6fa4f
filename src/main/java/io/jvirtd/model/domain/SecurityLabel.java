package io.jvirtd.model.domain;

import java.util.Objects;

/** virDomainGetSecurityLabel's {@code virSecurityLabel}: label text and enforcing flag. */
public record SecurityLabel(String label, boolean enforcing) {
    public SecurityLabel {
        Objects.requireNonNull(label, "label");
    }
}
