package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The block-job waits fed by JOB_STATUS_CHANGE: order of event and wait, other jobs, a QEMU that goes away. */
class QemuBlockJobsTest {

    private final QemuBlockJobs jobs = new QemuBlockJobs();
    private final QemuDomain d = new QemuDomain(1, new byte[16]);

    private void status(String id, String s) {
        jobs.onStatusChange(d, Map.of("id", id, "status", s));
    }

    @Test
    void anEventThatCameBeforeTheWaitCounts() {
        jobs.expect(d, "commit-vda-libvirt-2-format");
        status("commit-vda-libvirt-2-format", "created");
        status("commit-vda-libvirt-2-format", "ready");
        assertEquals("ready", jobs.await(d, "commit-vda-libvirt-2-format", Set.of("ready", "pending"), 1000));
        assertTrue(jobs.hasActive(d));
        status("commit-vda-libvirt-2-format", "concluded");
        assertFalse(jobs.hasActive(d));
    }

    /** After a restart query-jobs seeds what no event told; an older answer never undoes a newer event. */
    @Test
    void aStatusFromQueryJobsCountsOnlyWhenItIsFurtherAlong() {
        jobs.expect(d, "j");
        jobs.seed(d, "j", "ready");
        assertEquals("ready", jobs.await(d, "j", Set.of("ready"), 1000));
        status("j", "concluded"); // the event after the answer
        jobs.seed(d, "j", "ready"); // an answer older than it
        assertEquals("concluded", jobs.await(d, "j", Set.of("concluded", "ready"), 1000));
        jobs.seed(d, "other", "ready"); // not registered: ignored
        assertThrows(VirException.class, () -> jobs.await(d, "other", Set.of("ready"), 10));
    }

    @Test
    void aWaiterWakesOnTheStatusItWantsAndNotBefore() throws Exception {
        jobs.expect(d, "j");
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> jobs.await(d, "j", Set.of("pending"), 10_000));
        status("j", "running");
        status("other", "pending"); // not registered: ignored
        assertThrows(java.util.concurrent.TimeoutException.class, () -> got.get(200, TimeUnit.MILLISECONDS));
        status("j", "waiting");
        status("j", "pending");
        assertEquals("pending", got.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aQemuThatGoesAwayFailsTheWaiter() throws Exception {
        jobs.expect(d, "j");
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> jobs.await(d, "j", Set.of("ready"), 10_000));
        jobs.domainGone(d);
        Exception e = assertThrows(Exception.class, () -> got.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof VirException && e.getCause().getMessage().contains("domain is not running"),
                String.valueOf(e.getCause()));
        jobs.forget(d, "j");
        assertFalse(jobs.hasActive(d));
    }
}
