package io.jvirtd.driver.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two halves of an atomic write, and the start-up removal of what a killed writer left. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPreparedWriteLeavesTheTargetAsItWasUntilCommitted() throws IOException {
        Path target = dir.resolve("a.xml");
        Files.writeString(target, "old");
        AtomicFiles.Pending p = AtomicFiles.prepare(target, bytes("new"), true);
        assertEquals("old", Files.readString(target));
        assertEquals(2, names().size(), names()::toString); // the target and one temporary file
        p.commit();
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("a.xml"), names());
    }

    @Test
    void aDiscardedWriteLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("b.xml");
        AtomicFiles.prepare(target, bytes("never"), true).discard();
        assertFalse(Files.exists(target));
        assertEquals(List.of(), names());
    }

    @Test
    void leftoversOfKilledWritersAreRemovedAndNothingElse() throws IOException {
        Path target = dir.resolve("c.xml");
        AtomicFiles.prepare(target, bytes("half"), true); // the writer dies here: never committed
        Files.writeString(dir.resolve("d.xml"), "kept");
        Files.writeString(dir.resolve(".hidden.xml"), "kept");
        Files.writeString(dir.resolve(".e.xml.new-"), "kept: no thread id");
        Files.writeString(dir.resolve(".f.xml.new-12x"), "kept: not a thread id");
        Files.writeString(dir.resolve(".g.xml.new-7"), "a leftover of another thread");
        assertEquals(2, AtomicFiles.removeLeftovers(dir));
        assertEquals(List.of(".e.xml.new-", ".f.xml.new-12x", ".hidden.xml", "d.xml"), names());
    }

    @Test
    void aWholeWriteIsPrepareThenCommit() throws IOException {
        Path target = dir.resolve("h.xml");
        AtomicFiles.write(target, "one");
        AtomicFiles.write(target, "two");
        assertEquals("two", Files.readString(target));
        assertTrue(AtomicFiles.isLeftover(".h.xml.new-1"));
        assertEquals(List.of("h.xml"), names());
    }

    @Test
    void ensureFolderMakesParentsKeepsAFolderAndRefusesAFileInTheWay() throws IOException {
        Path nested = dir.resolve("a/b/c");
        AtomicFiles.ensureFolder(nested);
        assertTrue(Files.isDirectory(nested));
        Files.writeString(nested.resolve("kept"), "x");
        AtomicFiles.ensureFolder(nested);
        assertEquals("x", Files.readString(nested.resolve("kept")), "an existing folder is left as it is");
        Path file = dir.resolve("plain");
        Files.writeString(file, "y");
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> AtomicFiles.ensureFolder(file));
        AtomicFiles.write(dir.resolve("d/e/target"), "z", false);
        assertEquals("z", Files.readString(dir.resolve("d/e/target")), "write makes the folder as before");
    }
}
