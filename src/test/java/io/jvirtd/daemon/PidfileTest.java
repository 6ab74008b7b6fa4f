package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pid file: written whole by rename, locked, taken over from the dead, never from the living. */
class PidfileTest {

    @TempDir
    Path dir;

    private static String myPid() {
        return ProcessHandle.current().pid() + "\n";
    }

    @Test
    void holdsThePidAndIsRemovedAtClose() throws Exception {
        Path p = dir.resolve("jvirtd.pid");
        try (Pidfile f = Pidfile.acquire(p)) {
            assertEquals(myPid(), Files.readString(p));
        }
        assertFalse(Files.exists(p));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "no temporary file left");
        }
    }

    @Test
    void staleFileOfADeadDaemonIsTakenOver() throws Exception {
        Path p = dir.resolve("jvirtd.pid");
        Files.writeString(p, "99999999\n");
        try (Pidfile f = Pidfile.acquire(p)) {
            assertEquals(myPid(), Files.readString(p));
        }
    }

    @Test
    void staleTemporaryFilesOfAKilledStartAreRemoved() throws Exception {
        Path p = dir.resolve("jvirtd.pid");
        Path leftover = dir.resolve(".jvirtd.pid.12345.tmp");
        Files.writeString(leftover, "4242\n");
        try (Pidfile f = Pidfile.acquire(p)) {
            assertFalse(Files.exists(leftover));
        }
    }

    @Test
    void lockedFileIsNotTakenOverAndKeepsItsContent() throws Exception {
        Path p = dir.resolve("jvirtd.pid");
        Files.writeString(p, "4242\n");
        // Another process would hold this lock; within one JVM the JDK reports the overlap.
        try (FileChannel other = FileChannel.open(p, StandardOpenOption.WRITE); FileLock l = other.lock()) {
            IOException e = assertThrows(IOException.class, () -> Pidfile.acquire(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("another daemon"),
                    e.getMessage());
            assertEquals("4242\n", Files.readString(p));
        }
    }

    @Test
    void closeLeavesAFileThatIsNoLongerOurs() throws Exception {
        Path p = dir.resolve("jvirtd.pid");
        Pidfile f = Pidfile.acquire(p);
        Files.delete(p);
        Files.writeString(p, "777\n"); // someone else's now
        f.close();
        assertEquals("777\n", Files.readString(p));
    }
}
