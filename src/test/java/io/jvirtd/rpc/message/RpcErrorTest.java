package io.jvirtd.rpc.message;

import static io.jvirtd.rpc.xdr.XdrTestBytes.hex;
import static io.jvirtd.rpc.xdr.XdrTestBytes.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.rpc.message.RpcError.ErrorNetwork;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrTestBytes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RpcErrorTest {

    /** REPLY/ERROR to DOMAIN_LOOKUP_BY_NAME("nope") as libvirtd 9.0 sent it (docs/protocol.md §6). */
    private static final byte[] NO_DOMAIN_REPLY = hex(
            "00000070",  // length 112
            "20008086",  // program REMOTE
            "00000001",  // version 1
            "00000017",  // procedure 23 DOMAIN_LOOKUP_BY_NAME
            "00000001",  // type REPLY
            "00000008",  // serial 8
            "00000001",  // status ERROR
            "0000002a",  // code 42 VIR_ERR_NO_DOMAIN
            "0000000c",  // domain 12 VIR_FROM_TEST
            "00000001",  // message present
            "00000010 446f6d61 696e206e 6f742066 6f756e64",  // "Domain not found"
            "00000002",  // level 2 VIR_ERR_ERROR
            "00000000",  // dom absent
            "00000001",  // str1 present
            "00000010 446f6d61 696e206e 6f742066 6f756e64",  // "Domain not found"
            "00000000",  // str2 absent
            "00000000",  // str3 absent
            "ffffffff",  // int1 -1
            "ffffffff",  // int2 -1
            "00000000"); // net absent

    private static final RpcError NO_DOMAIN = new RpcError(42, 12, "Domain not found",
            RpcError.LEVEL_ERROR, null, "Domain not found", null, null, -1, -1, null);

    @Test
    void capturedNoDomainErrorDecodes() {
        XdrReader in = new XdrReader(NO_DOMAIN_REPLY, 28, NO_DOMAIN_REPLY.length - 28);
        assertEquals(NO_DOMAIN, XdrCodec.of(RpcError.class).decode(in));
        assertEquals(0, in.remaining());
    }

    @Test
    void encodingGivesTheCapturedBytes() {
        byte[] body = Arrays.copyOfRange(NO_DOMAIN_REPLY, 28, NO_DOMAIN_REPLY.length);
        assertEquals(words(body), words(XdrTestBytes.encode(RpcError.class, NO_DOMAIN)));
    }

    @Test
    void unknownProcedureErrorRoundTrips() {
        // What libvirtd sends for procedure 9999 (docs/protocol.md §6): code 39, domain 7, str1 "%s".
        RpcError e = new RpcError(39, 7, "unknown procedure: 9999", 2, null, "%s",
                "unknown procedure: 9999", null, -1, -1, null);
        assertEquals(e, XdrTestBytes.decode(RpcError.class, XdrTestBytes.encode(RpcError.class, e)));
    }

    @Test
    void presentNetworkIsEncodedAfterTheInts() {
        RpcError e = new RpcError(1, 19, null, 2, null, null, null, null, 0, 0,
                new ErrorNetwork("n", new byte[16]));
        byte[] wire = XdrTestBytes.encode(RpcError.class, e);
        assertEquals("00000001 00000013"                      // code, domain 19 NETWORK
                + " 00000000 00000002 00000000"               // message absent, level, dom absent
                + " 00000000 00000000 00000000"               // str1-3 absent
                + " 00000000 00000000"                        // int1, int2
                + " 00000001 00000001 6e000000"               // net present, name "n"
                + " 00000000 00000000 00000000 00000000",     // net.uuid
                words(wire));
    }

    @Test
    void truncatedErrorBodyThrows() {
        byte[] cut = Arrays.copyOfRange(NO_DOMAIN_REPLY, 28, NO_DOMAIN_REPLY.length - 4);
        XdrException e = assertThrows(XdrException.class, () -> XdrTestBytes.decode(RpcError.class, cut));
        assertEquals("RpcError.net", e.field());
    }
}
