package io.jvirtd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jvirtd.protocol.admin.AdminProcedure;
import io.jvirtd.rpc.xdr.XdrCodec;

import org.junit.jupiter.api.Test;

/** The table builds codecs on first use, so this is where a bad declaration shows up in a build. */
class AdminTableTest {

    @Test
    void everyDeclaredCodecBuilds() {
        for (AdminProcedure p : AdminProcedure.values()) {
            assertNotNull(XdrCodec.of(p.args()), p.name());
            assertNotNull(XdrCodec.of(p.ret()), p.name());
        }
    }

    @Test
    void aBindingBuildsItsCodecsOnFirstUseAndKeepsTheSharedOnes() {
        AdminProcedure p = AdminProcedure.values()[0];
        AdminTable t = new AdminTable();
        bindAny(t, p);
        AdminTable.Binding b = t.get(p.number());
        assertSame(XdrCodec.of(p.args()), b.args());
        assertSame(b.args(), b.args());
        assertSame(XdrCodec.of(p.ret()), b.ret());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void bindAny(AdminTable t, AdminProcedure p) {
        t.bind(p, (Class) p.args(), (Class) p.ret(), (session, args) -> null);
    }
}
