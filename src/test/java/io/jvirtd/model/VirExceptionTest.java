package io.jvirtd.model;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Error fields against what libvirtd 9.0 was observed to send (docs/protocol.md §6). */
class VirExceptionTest {

    @Test
    void lookupMissWithoutDetailUsesThePlainTemplate() {
        // Observed bytes: code 42, domain 12, message = str1 = "Domain not found", str2 absent.
        VirException e = VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST, null);
        assertFields(e, 42, 12, "Domain not found", "Domain not found", null);
    }

    @Test
    void lookupMissWithDetailFillsTheInfoTemplate() {
        VirException e = VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST,
                "no domain with matching name 'x'");
        assertFields(e, 42, 12, "Domain not found: no domain with matching name 'x'",
                "Domain not found: %s", "no domain with matching name 'x'");
    }

    @Test
    void unknownProcedureIsAnRpcErrorWithBareTemplate() {
        VirException e = VirException.rpc(VirErrorDomain.RPC, "unknown procedure: 9999");
        assertFields(e, 39, 7, "unknown procedure: 9999", "%s", "unknown procedure: 9999");
    }

    /** Wire text is printf's, never the daemon's locale: no grouping, ASCII digits, a dot. */
    @Test
    void formattedDetailIgnoresTheLocale() {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
            VirException e = VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.DOMAIN,
                    "value %d of %s is over %.1f", 219942, "x", 2.5);
            assertEquals("invalid argument: value 219942 of x is over 2.5", e.message());
            Locale.setDefault(Locale.GERMANY);
            assertEquals("invalid argument: 1.5", VirException.format(VirErrorNumber.INVALID_ARG,
                    VirErrorDomain.DOMAIN, "%.1f", 1.5).message());
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    @Test
    void noSupportNamesThePublicApi() {
        VirException e = VirException.noSupport(VirErrorDomain.DOMAIN, "virNodeGetMemoryStats");
        assertFields(e, 3, 20,
                "this function is not supported by the connection driver: virNodeGetMemoryStats",
                "this function is not supported by the connection driver: %s",
                "virNodeGetMemoryStats");
    }

    @Test
    void namedFactoriesUseLibvirtTemplates() {
        assertEquals("invalid argument: Range exceeds available cells",
                VirException.invalidArg(VirErrorDomain.TEST, "Range exceeds available cells").message());
        assertEquals("internal error: hypervisor connection not open",
                VirException.internalError(VirErrorDomain.RPC, "hypervisor connection not open").message());
        assertEquals("Requested operation is not valid: domain is not running",
                VirException.operationInvalid(VirErrorDomain.TEST, "domain is not running").message());
        assertEquals("operation forbidden: read only access prevents virDomainSuspend",
                VirException.operationDenied(VirErrorDomain.DOMAIN,
                        "read only access prevents virDomainSuspend").message());
        assertEquals("no connection driver available for bogus:///x",
                VirException.of(VirErrorNumber.NO_CONNECT, VirErrorDomain.NONE, "bogus:///x").message());
    }

    @Test
    void templatesThatAreNotPrefixesStayLibvirts() {
        assertEquals("domain vm1 exists already",
                VirException.of(VirErrorNumber.DOM_EXIST, VirErrorDomain.TEST, "vm1").message());
        assertEquals("operation forbidden for read only access",
                VirException.operationDenied(VirErrorDomain.DOMAIN, null).message());
        assertEquals("XML description is invalid or not well formed",
                VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.TEST, null).message());
    }

    @Test
    void detailWithPercentSignsIsInsertedLiterally() {
        VirException e = VirException.internalError(VirErrorDomain.TEST, "100%s done %d");
        assertEquals("internal error: 100%s done %d", e.message());
    }

    @Test
    void systemErrorCarriesErrnoInInt1() {
        VirException e = VirException.systemError(VirErrorDomain.TEST, 2,
                "cannot open '/x'", "No such file or directory");
        assertEquals(38, e.code());
        assertEquals("cannot open '/x': No such file or directory", e.message());
        assertEquals("%s", e.str1());
        assertEquals(2, e.int1());
        assertEquals(-1, e.int2());
    }

    @Test
    void checkFlagsReportsOnlyTheUnsupportedBitsInHex() {
        VirException e = assertThrows(VirException.class, () -> VirException.checkFlags(
                0x80000001, 1, VirErrorDomain.TEST, "testConnectListAllNodeDevices"));
        // As python shows for libvirt's own test driver: no "invalid argument: " prefix.
        assertEquals("unsupported flags (0x80000000) in function testConnectListAllNodeDevices", e.message());
        assertEquals(8, e.code());
        assertEquals("testConnectListAllNodeDevices", e.str1());
        assertEquals("flags", e.str2());
        assertEquals(0, e.int1());
        VirException.checkFlags(1, 1, VirErrorDomain.TEST, "f");
    }

    @Test
    void rawConstructorKeepsEveryField() {
        VirException e = new VirException(1, 7, null, 2, "a", "b", "c", 0, 5);
        assertNull(e.message());
        assertEquals("c", e.str3());
        assertEquals(0, e.int1());
        assertEquals(5, e.int2());
        assertEquals(VirErrorNumber.INTERNAL_ERROR, e.errorNumber());
    }

    private static void assertFields(VirException e, int code, int domain, String message,
                                     String str1, String str2) {
        assertEquals(code, e.code(), "code");
        assertEquals(domain, e.domain(), "domain");
        assertEquals(message, e.message(), "message");
        assertEquals(VirException.LEVEL_ERROR, e.level(), "level");
        assertEquals(str1, e.str1(), "str1");
        assertEquals(str2, e.str2(), "str2");
        assertNull(e.str3(), "str3");
        assertEquals(-1, e.int1(), "int1");
        assertEquals(-1, e.int2(), "int2");
    }
}
