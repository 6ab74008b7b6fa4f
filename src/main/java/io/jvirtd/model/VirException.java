package io.jvirtd.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A libvirt error: the one exception type drivers raise for anything a client should see. It
 * carries the fields of libvirt's {@code virError} exactly as libvirt fills them, so the program
 * layer can copy them 1:1 into the wire error struct (docs/protocol.md §6) and clients print the
 * text users know.
 *
 * <p>Build it with {@link #of} (libvirt's {@code virReportErrorHelper}: message from the code's
 * template, {@code str1} = template, {@code str2} = detail) or one of the named factories; the raw
 * constructor is for errors whose fields do not follow that pattern (e.g. copied from a peer).
 *
 * <p>Immutable. It is an expected answer, not a bug, so no stack trace is captured: failed
 * lookups are common and filling in a trace per call would be wasted work.
 */
public final class VirException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@code VIR_ERR_WARNING}. */
    public static final int LEVEL_WARNING = 1;
    /** {@code VIR_ERR_ERROR}: what libvirtd sends in practice. */
    public static final int LEVEL_ERROR = 2;

    private final int code;
    private final int domain;
    private final int level;
    private final String str1;
    private final String str2;
    private final String str3;
    private final int int1;
    private final int int2;

    /** All fields as they go on the wire; {@code message} may be null (clients show "Unknown error"). */
    public VirException(int code, int domain, String message, int level,
                        String str1, String str2, String str3, int int1, int int2) {
        super(message, null, false, false);
        this.code = code;
        this.domain = domain;
        this.level = level;
        this.str1 = str1;
        this.str2 = str2;
        this.str3 = str3;
        this.int1 = int1;
        this.int2 = int2;
    }

    /**
     * What {@code virReportError(code, fmt, ...)} produces in a file whose {@code VIR_FROM_THIS}
     * is {@code domain}: message = the code's template with {@code info} put in (or the plain
     * template when {@code info} is null), str1 = the template, str2 = info, int1 = int2 = -1.
     *
     * @param info the already formatted detail, or {@code null} for none
     */
    public static VirException of(VirErrorNumber code, VirErrorDomain domain, String info) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(domain, "domain");
        String template = code.template(info != null);
        String message = template == null ? null : info == null ? template : fill(template, info);
        return new VirException(code.number(), domain.number(), message, LEVEL_ERROR,
                template, info, null, -1, -1);
    }

    /** {@link #of} with a {@link String#format} detail, like virReportError's printf arguments (never localized). */
    public static VirException format(VirErrorNumber code, VirErrorDomain domain,
                                      String detailFormat, Object... args) {
        return of(code, domain, String.format(Locale.ROOT, detailFormat, args));
    }

    /**
     * libvirt's {@code virReportUnsupportedError()} raised by the public API when the driver
     * lacks the method: "this function is not supported by the connection driver: virX".
     *
     * @param domain the API family's domain (virConnect and virNode calls use DOMAIN, see
     *               docs/protocol.md §6)
     * @param apiName the public API name, e.g. {@code virNodeGetMemoryStats}
     */
    public static VirException noSupport(VirErrorDomain domain, String apiName) {
        return of(VirErrorNumber.NO_SUPPORT, domain, apiName);
    }

    /** VIR_ERR_INVALID_ARG: "invalid argument: detail". */
    public static VirException invalidArg(VirErrorDomain domain, String detail) {
        return of(VirErrorNumber.INVALID_ARG, domain, detail);
    }

    /**
     * A driver failure that set no error: what the public API's virDispatchError reports then
     * (virErrorGenericFailure: INTERNAL_ERROR from VIR_FROM_NONE, no "internal error" prefix).
     */
    public static VirException unknownCause() {
        return new VirException(VirErrorNumber.INTERNAL_ERROR.number(), VirErrorDomain.NONE.number(),
                "An error occurred, but the cause is unknown", LEVEL_ERROR, null, null, null, 0, 0);
    }

    /** VIR_ERR_INTERNAL_ERROR: "internal error: detail". */
    public static VirException internalError(VirErrorDomain domain, String detail) {
        return of(VirErrorNumber.INTERNAL_ERROR, domain, detail);
    }

    /** VIR_ERR_OPERATION_INVALID: "Requested operation is not valid: detail". */
    public static VirException operationInvalid(VirErrorDomain domain, String detail) {
        return of(VirErrorNumber.OPERATION_INVALID, domain, detail);
    }

    /**
     * VIR_ERR_OPERATION_DENIED: "operation forbidden: detail" (with a null detail libvirt's text
     * is "operation forbidden for read only access").
     */
    public static VirException operationDenied(VirErrorDomain domain, String detail) {
        return of(VirErrorNumber.OPERATION_DENIED, domain, detail);
    }

    /** VIR_ERR_RPC, whose template is a bare {@code "%s"}: message = str2 = detail. */
    public static VirException rpc(VirErrorDomain domain, String detail) {
        return of(VirErrorNumber.RPC, domain, detail);
    }

    /**
     * libvirt's {@code virReportSystemError(errno, fmt, ...)}: code SYSTEM_ERROR, detail =
     * "context: strerror" (or just strerror), int1 = errno.
     *
     * @param context the formatted context, or {@code null} for none
     * @param strerror the C library's text for {@code errno}, e.g. "No such file or directory"
     */
    public static VirException systemError(VirErrorDomain domain, int errno,
                                           String context, String strerror) {
        String detail = context == null ? strerror : context + ": " + strerror;
        String template = VirErrorNumber.SYSTEM_ERROR.messageWithInfo();
        return new VirException(VirErrorNumber.SYSTEM_ERROR.number(), domain.number(),
                fill(template, detail), LEVEL_ERROR, template, detail, null, errno, -1);
    }

    /**
     * libvirt's {@code virCheckFlags(supported, ...)}: throws INVALID_ARG "unsupported flags
     * (0x..) in function F" naming the bits outside {@code supported}.
     *
     * @param function the C function name libvirt reports (e.g. {@code testNodeGetCPUStats});
     *                 clients show it, so keep libvirt's
     */
    public static void checkFlags(int flags, int supported, VirErrorDomain domain, String function) {
        int unsupported = flags & ~supported;
        if (unsupported != 0) {
            // virCheckFlags -> virReportInvalidArg: the bare text, str1 the function, str2 "flags".
            throw new VirException(VirErrorNumber.INVALID_ARG.number(), domain.number(),
                    "unsupported flags (0x" + Integer.toHexString(unsupported) + ") in function " + function,
                    LEVEL_ERROR, function, "flags", null, 0, 0);
        }
    }

    /** Puts {@code info} in place of the template's single {@code %s}, literally. */
    private static String fill(String template, String info) {
        int at = template.indexOf("%s");
        return at < 0 ? template : template.substring(0, at) + info + template.substring(at + 2);
    }

    /** The {@code virErrorNumber} value. */
    public int code() {
        return code;
    }

    /** The code as an enum, or {@code null} if libvirt 9.0 does not know it. */
    public VirErrorNumber errorNumber() {
        return VirErrorNumber.byNumber(code);
    }

    /** The {@code virErrorDomain} value. */
    public int domain() {
        return domain;
    }

    /** The fully formatted text clients show verbatim; may be null. */
    public String message() {
        return getMessage();
    }

    /** 1 warning, 2 error. */
    public int level() {
        return level;
    }

    public String str1() {
        return str1;
    }

    public String str2() {
        return str2;
    }

    public String str3() {
        return str3;
    }

    public int int1() {
        return int1;
    }

    public int int2() {
        return int2;
    }

    @Override
    public String toString() {
        return "VirException[code=" + code + ", domain=" + domain + ", level=" + level
                + ", message=" + getMessage() + ", str1=" + str1 + ", str2=" + str2
                + ", str3=" + str3 + ", int1=" + int1 + ", int2=" + int2 + "]";
    }
}
