package io.jvirtd.driver.schema;

import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.it.InteropEnvironment;

import java.nio.file.Files;

import org.junit.jupiter.api.Assumptions;

/**
 * The schemas of the libvirt installed on this machine, for tests that validate: Debian's
 * libvirt0 installs them (it comes with libvirt-clients, which CI installs). Without them the
 * test is skipped, except under CI, where it fails.
 */
public final class InstalledSchemas {

    private InstalledSchemas() {
    }

    /** A validator over {@link RelaxNgSchemas#SYSTEM_FOLDER}, or skip/fail the test. */
    public static RelaxNgSchemas require() {
        if (!Files.isRegularFile(RelaxNgSchemas.SYSTEM_FOLDER.resolve("domain.rng"))) {
            String msg = "libvirt's schemas are not installed in " + RelaxNgSchemas.SYSTEM_FOLDER
                    + " (Debian: apt-get install libvirt0)";
            if (InteropEnvironment.inCi()) {
                fail("CI and " + msg);
            }
            Assumptions.assumeTrue(false, msg + "; test skipped");
        }
        return RelaxNgSchemas.system();
    }
}
