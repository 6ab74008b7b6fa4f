package io.jvirtd.rpc.message;

import io.jvirtd.rpc.xdr.XdrFixed;
import io.jvirtd.rpc.xdr.XdrOptional;

/**
 * libvirt's error struct (virNetMessageError, the same layout as remote_error): what an error
 * reply carries. Field order is wire order. {@code dom} and {@code net} are never filled by
 * libvirtd but keep their place on the wire. Immutable.
 */
public record RpcError(int code, int domain, @XdrOptional String message, int level,
                       @XdrOptional ErrorDomain dom, @XdrOptional String str1, @XdrOptional String str2,
                       @XdrOptional String str3, int int1, int int2, @XdrOptional ErrorNetwork net) {

    /** virErrorLevel VIR_ERR_ERROR: what libvirtd always sends. */
    public static final int LEVEL_ERROR = 2;
    /** virErrorNumber VIR_ERR_RPC and virErrorDomain VIR_FROM_RPC. */
    public static final int VIR_ERR_RPC = 39;
    public static final int VIR_FROM_RPC = 7;
    /** virErrorNumber VIR_ERR_INTERNAL_ERROR. */
    public static final int VIR_ERR_INTERNAL_ERROR = 1;

    /** virNetMessageDomain: a domain handle (name, uuid, id). */
    public record ErrorDomain(String name, @XdrFixed(16) byte[] uuid, int id) {
    }

    /** virNetMessageNetwork: a network handle (name, uuid). */
    public record ErrorNetwork(String name, @XdrFixed(16) byte[] uuid) {
    }

    /** An RPC-layer error as libvirt raises it with format "%s": str1 "%s", str2 the text. */
    public static RpcError rpc(String text) {
        return new RpcError(VIR_ERR_RPC, VIR_FROM_RPC, text, LEVEL_ERROR, null, "%s", text, null, -1, -1, null);
    }

    /**
     * VIR_ERR_INTERNAL_ERROR raised in the RPC layer, as virReportError(VIR_ERR_INTERNAL_ERROR,
     * "%s", detail) in a file whose VIR_FROM_THIS is VIR_FROM_RPC: "internal error: detail".
     */
    public static RpcError internal(String detail) {
        return new RpcError(VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC, "internal error: " + detail, LEVEL_ERROR, null,
                "internal error: %s", detail, null, -1, -1, null);
    }
}
