package io.jvirtd.model.domain;

import java.util.Objects;

/** virDomainScreenshot's answer: the MIME type and the image bytes the stream carries. */
public record Screenshot(String mimeType, byte[] image) {
    public Screenshot {
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(image, "image");
    }
}
