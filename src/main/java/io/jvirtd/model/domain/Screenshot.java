package io.jvirtd.model.domain;

import io.jvirtd.model.stream.BytesStream;
import io.jvirtd.model.stream.DataStream;

import java.util.Objects;

/**
 * virDomainScreenshot's answer: the MIME type and the stream that carries the picture after the
 * reply (a file the driver opened, read as the client takes it, or bytes already in memory).
 */
public record Screenshot(String mimeType, DataStream stream) {
    public Screenshot {
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(stream, "stream");
    }

    /** A picture already in memory. */
    public Screenshot(String mimeType, byte[] image) {
        this(mimeType, new BytesStream(Objects.requireNonNull(image, "image")));
    }
}
