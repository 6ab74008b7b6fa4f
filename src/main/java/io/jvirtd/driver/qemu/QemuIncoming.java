package io.jvirtd.driver.qemu;

import java.nio.file.Path;
import java.util.List;

/**
 * Saved state a starting QEMU loads before it runs (a restore): QEMU starts with
 * {@code -incoming defer}, and once its monitor is up {@link #load} feeds it the migration
 * stream and waits until it is in. Worker thread, under the domain's job.
 */
interface QemuIncoming {

    /** QEMU waits for {@code migrate-incoming} instead of running the guest from scratch. */
    List<String> ARGS = List.of("-incoming", "defer");

    /**
     * Loads the state into the paused QEMU behind {@code mon}; its run folder {@code runDir}
     * holds any socket the transfer needs. Throws with libvirt's error when it fails.
     */
    void load(QmpMonitor mon, Path runDir);

    /** The guest ran when it was saved (the image's was_running, or the caller's choice). */
    boolean wasRunning();
}
