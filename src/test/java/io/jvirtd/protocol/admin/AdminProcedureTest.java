package io.jvirtd.protocol.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jvirtd.protocol.admin.AdminTypes.ConnectListServersRet;
import io.jvirtd.protocol.admin.AdminTypes.NonnullClient;
import io.jvirtd.protocol.admin.AdminTypes.NonnullServer;
import io.jvirtd.protocol.admin.AdminTypes.ServerLookupClientRet;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The admin program's table and records against admin_protocol.x and captured bodies. */
class AdminProcedureTest {

    @Test
    void tableHasTheNineteenProceduresOf90InOrder() {
        assertEquals(19, AdminProcedure.values().length);
        for (int n = 1; n <= 19; n++) {
            AdminProcedure p = AdminProcedure.byNumber(n);
            assertNotNull(p, "procedure " + n);
            assertEquals(n, p.number());
            assertNotNull(p.argsCodec());
            assertNotNull(p.retCodec());
        }
        assertNull(AdminProcedure.byNumber(0));
        assertNull(AdminProcedure.byNumber(20));
        assertEquals(0x06900690, AdminProcedure.PROGRAM);
    }

    private static <T> byte[] encode(Class<T> type, T value) {
        XdrWriter w = new XdrWriter(64);
        XdrCodec.of(type).encode(w, value);
        byte[] out = new byte[w.position()];
        System.arraycopy(w.array(), 0, out, 0, out.length);
        return out;
    }

    @Test
    void listServersReplyBodyIsLibvirtdsBytes() {
        // reply body of CONNECT_LIST_SERVERS as captured from libvirtd 9.0 (len 60 - 28 header)
        byte[] expected = HexFormat.of().parseHex("00000002" + "00000005" + "61646d696e000000"
                + "00000008" + "6c69627669727464" + "00000002");
        ConnectListServersRet ret = new ConnectListServersRet(
                List.of(new NonnullServer("admin"), new NonnullServer("libvirtd")), 2);
        assertArrayEquals(expected, encode(ConnectListServersRet.class, ret));
        assertEquals(ret, XdrCodec.of(ConnectListServersRet.class).decode(new XdrReader(expected, 0, expected.length)));
    }

    @Test
    void clientHandleCarriesUnsignedIdAndSecondsTimestamp() {
        // SERVER_LOOKUP_CLIENT reply of the capture: libvirtd, id 46, timestamp 1795641688, tcp
        byte[] expected = HexFormat.of().parseHex("00000008" + "6c69627669727464" + "000000000000002e"
                + "000000006b075158" + "00000001");
        ServerLookupClientRet ret = new ServerLookupClientRet(
                new NonnullClient(new NonnullServer("libvirtd"), 46, 1795641688L, 1));
        assertArrayEquals(expected, encode(ServerLookupClientRet.class, ret));
        assertEquals(60 - 28, expected.length);
    }
}
