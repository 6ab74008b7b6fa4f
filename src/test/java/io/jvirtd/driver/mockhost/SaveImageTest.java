package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Save images are libvirt's test-driver format (magic, little-endian length, XML), so libvirt
 * and jvirtd restore each other's files; core dumps hold the magic only.
 */
class SaveImageTest {

    @TempDir
    Path dir;

    private final DomainTestSupport support = new DomainTestSupport();
    private final HypervisorConnection c = support.connectDefault();
    private final DomainRef test = c.domains().domainLookupByName("test");

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void saveWritesMagicLengthAndXmlThenRestoreRuns() throws Exception {
        Path file = dir.resolve("test.save");
        String live = c.domains().domainGetXMLDesc(test, Flags.SAVE_IMAGE_XML_SECURE);
        c.domains().domainSave(test, file.toString());
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.SAVED), c.domains().domainGetState(test, 0));
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals("TestGuestMagic\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 15));
        int len = ByteBuffer.wrap(bytes, 15, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(bytes.length - 19, len);
        assertEquals(live, new String(bytes, 19, len, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(c.domains().domainSaveImageGetXMLDesc(file.toString(), 0).startsWith("<domain type='test'>\n  <name>test</name>"));
        c.domains().domainRestore(file.toString());
        assertEquals(new DomainStateReason(DomainState.RUNNING, StateReason.Running.RESTORED), c.domains().domainGetState(test, 0));
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.DOMAIN,
                "Requested operation is not valid: domain 'test' is already active",
                () -> c.domains().domainRestore(file.toString()));
    }

    @Test
    void restoreErrorsAreLibvirts() throws Exception {
        VirException e = assertError(VirErrorNumber.SYSTEM_ERROR, VirErrorDomain.TEST,
                "cannot read domain image '" + dir + "/nope': No such file or directory",
                () -> c.domains().domainRestore(dir.resolve("nope").toString()));
        assertEquals(2, e.int1());
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "short");
        assertError(VirErrorNumber.SYSTEM_ERROR, VirErrorDomain.TEST,
                "incomplete save header in '" + junk + "': Success", () -> c.domains().domainRestore(junk.toString()));
        Files.writeString(junk, "NotTheMagicAtAll...");
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST, "internal error: mismatched header magic",
                () -> c.domains().domainRestore(junk.toString()));
        assertError(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                "argument unsupported: xml modification unsupported",
                () -> c.domains().domainRestoreFlags(junk.toString(), "<domain/>", 0));
    }

    @Test
    void coreDumpWritesTheMagicAndCrashStopsTheDomain() throws Exception {
        Path file = dir.resolve("core");
        c.domains().domainCoreDump(test, file.toString(), 0);
        assertEquals(15, Files.size(file));
        assertError(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                "Operation not supported: kdump-compressed format is not supported here",
                () -> c.domains().domainCoreDumpWithFormat(test, file.toString(), 1, 0));
        c.domains().domainCoreDump(test, file.toString(), Flags.DUMP_CRASH);
        assertEquals(new DomainStateReason(DomainState.SHUTOFF, StateReason.Shutoff.CRASHED), c.domains().domainGetState(test, 0));
        assertThrows(VirException.class, () -> c.domains().domainCoreDump(test, file.toString(), 0));
    }

    @Test
    void saveImageDefineXmlRewritesTheImage() throws Exception {
        Path file = dir.resolve("img");
        c.domains().domainSave(test, file.toString());
        String xml = c.domains().domainSaveImageGetXMLDesc(file.toString(), 0).replace("2097152", "1048576");
        c.domains().domainSaveImageDefineXML(file.toString(), xml, 0);
        c.domains().domainRestore(file.toString());
        assertEquals(1048576, c.domains().domainGetInfo(test).memory());
    }
}
