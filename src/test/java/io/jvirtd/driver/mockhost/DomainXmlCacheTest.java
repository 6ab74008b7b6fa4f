package io.jvirtd.driver.mockhost;

import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * virDomainGetXMLDesc answers from the domain's cached XML while nothing changed, and never
 * from a stale one: every kind of change (tunables, state, redefinition, the persistent part
 * of a running domain) shows in the next call, for each flags variant on its own.
 */
class DomainXmlCacheTest {

    private final DomainTestSupport support = new DomainTestSupport();
    private final HypervisorConnection c = support.connectDefault();
    private final HypervisorConnection other = support.connectDefault();

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void unchangedDomainAnswersTheSameDocument() {
        DomainRef test = c.domains().domainLookupByName("test");
        String first = c.domains().domainGetXMLDesc(test, 0);
        assertSame(first, c.domains().domainGetXMLDesc(test, 0), "second call formats again");
        assertSame(first, other.domains().domainGetXMLDesc(other.domains().domainLookupByName("test"), 0));
        c.domains().connectListAllDomains(0);
        assertSame(first, c.domains().domainGetXMLDesc(test, 0), "listing invalidated the cached XML");
        c.domains().domainGetInfo(test); // a read through the ordinary path may bump the version: still correct
        assertEquals(first, c.domains().domainGetXMLDesc(test, 0));
    }

    @Test
    void everyChangeShowsInTheNextCall() {
        DomainRef test = c.domains().domainLookupByName("test");
        String live = c.domains().domainGetXMLDesc(test, 0);
        String inactive = c.domains().domainGetXMLDesc(test, DomainDef.XML_INACTIVE);

        other.domains().domainSetMemory(other.domains().domainLookupByName("test"), 4096);
        String afterMemory = c.domains().domainGetXMLDesc(test, 0);
        assertTrue(afterMemory.contains("<currentMemory unit='KiB'>4096</currentMemory>"), afterMemory);
        assertEquals(inactive, c.domains().domainGetXMLDesc(test, DomainDef.XML_INACTIVE), "live change leaks into config");

        other.domains().domainSetVcpusFlags(other.domains().domainLookupByName("test"), 1, Flags.AFFECT_CONFIG);
        assertTrue(c.domains().domainGetXMLDesc(test, DomainDef.XML_INACTIVE).contains("current='1'"));

        c.domains().domainDestroy(test);
        String stopped = c.domains().domainGetXMLDesc(c.domains().domainLookupByName("test"), 0);
        assertFalse(stopped.contains(" id="), stopped);
        assertNotEquals(live, stopped);

        DomainRef started = c.domains().domainCreate(c.domains().domainLookupByName("test"));
        String restarted = c.domains().domainGetXMLDesc(started, 0);
        assertTrue(restarted.startsWith("<domain type='test' id='"), restarted);

        c.domains().domainDestroy(started);
        String redefined = c.domains().domainGetXMLDesc(c.domains().domainLookupByName("test"), 0)
                .replace("<name>test</name>", "<name>test</name><title>cached?</title>");
        c.domains().domainDefineXML(redefined);
        assertTrue(c.domains().domainGetXMLDesc(c.domains().domainLookupByName("test"), 0).contains("<title>cached?</title>"));
    }
}
