package io.jvirtd.driver.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.secret.SecretRef;
import io.jvirtd.model.spi.SecretOps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secret driver's state and files, without a daemon: what the ITs cannot provoke. */
class SecretDriverTest {

    private static final String U = "3c0ffee0-0000-4000-8000-000000000001";

    @TempDir
    Path tmp;

    private static String xml(String ephemeral, String usage) {
        return "<secret ephemeral='" + ephemeral + "' private='no'><uuid>" + U + "</uuid>"
                + "<usage type='ceph'><name>" + usage + "</name></usage></secret>";
    }

    private List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedSaveLeavesNothingDefined() throws IOException {
        Path notAFolder = tmp.resolve("file");
        Files.writeString(notAFolder, "x");
        SecretOps ops = SecretDriver.load(notAFolder.resolve("secrets"), null).connect();
        VirException e = assertThrows(VirException.class, () -> ops.secretDefineXML(xml("no", "a"), 0));
        assertEquals(VirErrorNumber.SYSTEM_ERROR.number(), e.code());
        assertEquals(0, ops.connectNumOfSecrets());
        // an ephemeral secret needs no file
        ops.secretDefineXML(xml("yes", "a"), 0);
        assertEquals(1, ops.connectNumOfSecrets());
    }

    @Test
    void redefiningMovesTheSecretBetweenMemoryAndDisk() throws IOException {
        Path dir = tmp.resolve("secrets");
        SecretDriver driver = SecretDriver.load(dir, null);
        SecretOps ops = driver.connect();
        List<SecretEvent> seen = new ArrayList<>();
        ops.connectSecretEventRegisterAny(null, SecretEvent.ID_LIFECYCLE, seen::add);
        SecretRef s = ops.secretDefineXML(xml("yes", "a"), 0);
        byte[] value = {0, 1, 2, (byte) 0xff};
        ops.secretSetValue(s, value, 0);
        assertEquals(List.of(), files(dir));

        ops.secretDefineXML(xml("no", "a"), 0);
        assertEquals(List.of(U + ".base64", U + ".xml"), files(dir), "the value follows the secret to disk");
        assertArrayEquals(value, SecretDriver.load(dir, null).connect().secretGetValue(s, 0));

        ops.secretDefineXML(xml("yes", "a"), 0);
        assertEquals(List.of(), files(dir), "an ephemeral secret leaves the disk");
        assertArrayEquals(value, ops.secretGetValue(s, 0));
        assertEquals(3, seen.size());
    }

    @Test
    void loadingSkipsFilesThatAreNotSecretsOfTheirName() throws IOException {
        Path dir = tmp.resolve("secrets");
        SecretOps ops = SecretDriver.load(dir, null).connect();
        SecretRef s = ops.secretDefineXML(xml("no", "a"), 0);
        ops.secretSetValue(s, "pw".getBytes(StandardCharsets.UTF_8), 0);
        Files.writeString(dir.resolve("broken.xml"), "<secret");
        Files.copy(dir.resolve(U + ".xml"), dir.resolve("3c0ffee0-0000-4000-8000-000000000002.xml"));

        SecretOps again = SecretDriver.load(dir, null).connect();
        assertEquals(List.of(U), again.connectListSecrets(10));
        assertArrayEquals("pw".getBytes(StandardCharsets.UTF_8), again.secretGetValue(s, 0));
        assertEquals(List.of(), files(dir).stream().filter(n -> n.startsWith(".")).toList(), "no temporary files");
    }

    @Test
    void undefineDropsFilesAndMemoryAndTheUuidIsFreeAgain() throws IOException {
        Path dir = tmp.resolve("secrets");
        SecretOps ops = SecretDriver.load(dir, null).connect();
        SecretRef s = ops.secretDefineXML(xml("no", "a"), 0);
        ops.secretSetValue(s, new byte[] {1}, 0);
        ops.secretUndefine(s);
        assertEquals(List.of(), files(dir));
        VirException e = assertThrows(VirException.class, () -> ops.secretLookupByUUID(Uuids.parse(U).orElseThrow()));
        assertEquals(VirErrorNumber.NO_SECRET.number(), e.code());
        ops.secretDefineXML(xml("no", "b"), 0);
        assertEquals("b", ops.secretLookupByUUID(Uuids.parse(U).orElseThrow()).usageId());
    }
}
