package io.jvirtd.driver.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake host tree in a temp folder for the host drivers' tests: files written with the text sysfs
 * and procfs would show, and the symbolic links sysfs has (class and bus entries into
 * {@code sys/devices}, {@code driver} links).
 */
final class FakeSysfs {

    private final Path root;

    FakeSysfs(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Writes {@code text} at {@code rel} (creating folders), with sysfs's trailing newline. */
    FakeSysfs file(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return this;
    }

    FakeSysfs bytes(String rel, byte[] data) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return this;
    }

    /** A symbolic link at {@code rel} to the folder {@code targetRel} (both under the root), made relative as sysfs's are. */
    FakeSysfs link(String rel, String targetRel) throws IOException {
        Path p = root.resolve(rel);
        Path target = root.resolve(targetRel);
        Files.createDirectories(p.getParent());
        Files.createDirectories(target);
        Files.createSymbolicLink(p, p.getParent().relativize(target));
        return this;
    }

    /** A network interface under {@code devDir} (a folder below sys/devices), linked from sys/class/net. */
    FakeSysfs net(String devDir, String name, String mac, String operstate, String speed, int mtu) throws IOException {
        String dir = devDir + "/net/" + name;
        file(dir + "/address", mac + "\n");
        file(dir + "/operstate", operstate + "\n");
        file(dir + "/mtu", mtu + "\n");
        file(dir + "/type", "1\n");
        if (speed != null) {
            file(dir + "/speed", speed + "\n");
        }
        return link("sys/class/net/" + name, dir);
    }
}
