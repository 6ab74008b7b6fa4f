package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import org.junit.jupiter.api.Test;

/** The public-API argument checks with the exact error fields libvirt's macros produce. */
class ApiChecksTest {

    @Test
    void exclusiveFlagsNameBothFlagsAndTheCtlArgument() {
        VirException e = assertThrows(VirException.class, () -> ApiChecks.liveOrConfig(3, "virDomainGetVcpusFlags"));
        assertEquals(8, e.code());
        assertEquals(20, e.domain());
        assertEquals("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are "
                + "mutually exclusive", e.message());
        assertEquals("virDomainGetVcpusFlags", e.str1());
        assertEquals("ctl", e.str2());
        assertEquals(0, e.int1());
        ApiChecks.liveOrConfig(1, "virDomainGetVcpusFlags");
    }

    @Test
    void requiredFlagNamesTheMissingOneFirst() {
        VirException e = assertThrows(VirException.class, () -> ApiChecks.requires(4, 4, "VIR_DOMAIN_VCPU_MAXIMUM",
                2, "VIR_DOMAIN_AFFECT_CONFIG", "virDomainSetVcpusFlags", VirErrorDomain.DOMAIN));
        assertEquals("Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag "
                + "'VIR_DOMAIN_VCPU_MAXIMUM'", e.message());
        ApiChecks.requires(6, 4, "VIR_DOMAIN_VCPU_MAXIMUM", 2, "VIR_DOMAIN_AFFECT_CONFIG",
                "virDomainSetVcpusFlags", VirErrorDomain.DOMAIN);
    }

    @Test
    void pointerAndStringChecksUseLibvirtsTexts() {
        assertEquals("uri in virDomainGetMetadata must not be NULL",
                assertThrows(VirException.class, () -> ApiChecks.nonNull(null, "uri", "virDomainGetMetadata",
                        VirErrorDomain.DOMAIN)).message());
        assertEquals("key in virDomainSetMetadata must be NULL",
                assertThrows(VirException.class, () -> ApiChecks.isNull("k", "key", "virDomainSetMetadata",
                        VirErrorDomain.DOMAIN)).message());
        assertEquals("string new_name in virDomainRename must not be empty",
                assertThrows(VirException.class, () -> ApiChecks.nonEmpty("", "new_name", "virDomainRename",
                        VirErrorDomain.DOMAIN)).message());
    }

    @Test
    void memoryAboveTheHostBoundIsAnOverflow() {
        VirException e = assertThrows(VirException.class, () -> ApiChecks.memoryInRange(-1L));
        assertEquals(82, e.code());
        assertEquals("numerical overflow: input too large: 18446744073709551615", e.message());
        ApiChecks.memoryInRange(Long.MAX_VALUE / 1024 - 1);
    }
}
