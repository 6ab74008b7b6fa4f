package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The domain's job rule as libvirt's VIR_JOB_DEFAULT_MASK: a destroy job (VIR_JOB_DESTROY) runs
 * while a snapshot delete holds its async job, instead of waiting out the job timeout.
 */
class QemuDomainJobsTest {

    /** Far below the job wait (QemuDomain.JOB_WAIT_SECONDS): only a job that does not wait passes. */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    private final QemuDomain d = new QemuDomain(1, new byte[16]);

    @Test
    void aDestroyJobRunsDuringAnAsyncJob() {
        d.beginAsyncJob();
        try {
            assertTimeoutPreemptively(AT_ONCE, () -> {
                d.beginDestroyJob();
                d.endDestroyJob();
            });
        } finally {
            d.endAsyncJob();
        }
    }

    @Test
    void theAsyncJobsOwnerCanForbidQueriesAfterADestroyJob() {
        d.beginAsyncJob();
        try {
            assertTimeoutPreemptively(AT_ONCE, () -> {
                d.beginDestroyJob();
                d.endDestroyJob();
                d.forbidQueries(); // the destroy job gave the normal job back
                d.allowQueries();
            });
        } finally {
            d.endAsyncJob();
        }
    }
}
