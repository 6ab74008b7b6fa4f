package io.jvirtd.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * User and group names to numbers, from the local account files ({@code /etc/passwd},
 * {@code /etc/group}): the JDK names the owner of a file or a peer but gives no number for a
 * name. Stateless; any thread.
 */
public final class UnixAccounts {

    public static final Path PASSWD = Path.of("/etc/passwd");
    public static final Path GROUP = Path.of("/etc/group");

    private UnixAccounts() {
    }

    /** The number {@code database} (passwd or group format) gives {@code name}, or null when it has none. */
    public static Integer idOf(String name, Path database) {
        try {
            for (String line : Files.readAllLines(database, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(name)) {
                    return Integer.valueOf(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
