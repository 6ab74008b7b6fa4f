package io.jvirtd.driver.schema;

import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.testsupport.Tool;

import java.nio.file.Files;

import org.junit.jupiter.api.Assumptions;

/**
 * The schemas of the libvirt installed on this machine, for tests that validate: Debian's
 * libvirt0 installs them (it comes with libvirt-clients, which scripts/test installs). Without
 * them the test is skipped, except under CI ({@link Tool#inCi}), where it fails with one line.
 */
public final class InstalledSchemas {

    private InstalledSchemas() {
    }

    /** A validator over {@link RelaxNgSchemas#SYSTEM_FOLDER}, or skip/fail the test. */
    public static RelaxNgSchemas require() {
        if (!Files.isRegularFile(RelaxNgSchemas.SYSTEM_FOLDER.resolve("domain.rng"))) {
            String msg = "libvirt's schemas are not installed in " + RelaxNgSchemas.SYSTEM_FOLDER
                    + " (Debian: apt-get install libvirt0)";
            if (Tool.inCi()) {
                fail("CI and " + msg);
            }
            Assumptions.abort(msg + "; test skipped (under CI=true it fails)");
        }
        return RelaxNgSchemas.system();
    }
}
