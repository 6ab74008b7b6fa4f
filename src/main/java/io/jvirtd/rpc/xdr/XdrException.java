package io.jvirtd.rpc.xdr;

/**
 * Bytes that cannot be XDR for the expected type (truncated input, a length over its declared
 * maximum, an unknown union arm), or a value that cannot be encoded (null where XDR has no
 * null, a string longer than its maximum).
 *
 * <p>Unchecked because it always means "the peer sent garbage" or "the program built a bad
 * value"; the RPC layer maps it to libvirt's "Unable to decode message payload" in one place.
 * The message names the field when the codec knows it, as {@code Record.component.inner}.
 * Immutable; any thread.
 */
public final class XdrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String detail;
    /** Outermost record on the path, or null when the failure is outside any record. */
    private final String record;
    /** Component path below {@link #record}, e.g. {@code dom.name} or {@code params[3].field}. */
    private final String path;

    public XdrException(String detail) {
        this(detail, null, null, null);
    }

    private XdrException(String detail, String record, String path, Throwable cause) {
        super(path == null ? detail : where(record, path) + ": " + detail, cause, false, true);
        this.detail = detail;
        this.record = record;
        this.path = path;
    }

    /** What went wrong, without the field path. */
    public String detail() {
        return detail;
    }

    /** Where it went wrong, e.g. {@code DomainGetStateArgs.dom.name}; null when unknown. */
    public String field() {
        return path == null ? null : where(record, path);
    }

    private static String where(String record, String path) {
        return record == null ? path : record + "." + path;
    }

    /**
     * This failure seen from one level up: component {@code component} of record
     * {@code recordName}. Only the error path allocates the wrapper.
     */
    XdrException inComponent(String recordName, String component) {
        String inner = path == null ? component : component + joiner(path) + path;
        return new XdrException(detail, recordName, inner, this);
    }

    /** This failure inside element {@code index} of a variable array. */
    XdrException inElement(int index) {
        String element = "[" + index + "]";
        // The element's own record name is dropped: the enclosing component names the list.
        return new XdrException(detail, null,
                path == null ? element : element + joiner(path) + path, this);
    }

    private static String joiner(String innerPath) {
        return innerPath.startsWith("[") ? "" : ".";
    }
}
