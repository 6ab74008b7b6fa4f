package io.jvirtd.model.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import org.junit.jupiter.api.Test;

/** virDomainObjListAddLocked's refusals, shared by the drivers' domain lists. */
class DomainListAddTest {

    private static final byte[] A = Uuids.parse("6695eb01-f6a4-8304-79aa-97f2502e193f").orElseThrow();
    private static final byte[] B = Uuids.parse("6695eb01-f6a4-8304-79aa-97f2502e1940").orElseThrow();

    @Test
    void theUuidIsCheckedBeforeTheNameThenTheRunState() {
        assertRefused(VirErrorNumber.OPERATION_FAILED, "operation failed: domain 'n' already exists with uuid "
                + Uuids.format(B), () -> DomainListAdd.check("n", A, "n", B, false, false, true));
        assertRefused(VirErrorNumber.OPERATION_FAILED, "operation failed: domain 'old' is already defined with uuid "
                + Uuids.format(A), () -> DomainListAdd.check("n", A, "old", A, true, true, false));
        assertRefused(VirErrorNumber.OPERATION_INVALID, "Requested operation is not valid: domain 'n' is already active",
                () -> DomainListAdd.check("n", A, "n", A, true, true, false));
        assertRefused(VirErrorNumber.OPERATION_INVALID,
                "Requested operation is not valid: domain 'n' is already being started",
                () -> DomainListAdd.check("n", A, "n", A, true, false, false));
        DomainListAdd.check("n", A, "n", A, false, true, false); // a define updates a running domain's config
        DomainListAdd.check("n", A, "n", A, true, false, true); // a create starts a defined one
    }

    private static void assertRefused(VirErrorNumber code, String message, Runnable r) {
        VirException e = assertThrows(VirException.class, r::run);
        assertEquals(code.number(), e.code());
        assertEquals(VirErrorDomain.DOMAIN.number(), e.domain());
        assertEquals(message, e.getMessage());
    }
}
