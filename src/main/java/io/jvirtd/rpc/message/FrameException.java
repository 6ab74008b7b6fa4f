package io.jvirtd.rpc.message;

/** The byte stream cannot be a sequence of messages; the connection must be closed. */
public final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public FrameException(String message) {
        super(message);
    }
}
