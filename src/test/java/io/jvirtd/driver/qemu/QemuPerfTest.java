package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@link QemuPerf}'s live-enable errors: virperf.c's, by the kind of event and the host's PMU. */
class QemuPerfTest {

    @Test
    void resctrlEventsAreUnsupportedArguments() {
        VirException e = QemuPerf.cannotEnable("mbml");
        assertEquals(VirErrorNumber.ARGUMENT_UNSUPPORTED.number(), e.code());
        assertEquals(VirErrorDomain.PERF.number(), e.domain());
        assertEquals("argument unsupported: unable to enable host cpu perf event for mbml", e.getMessage());
    }

    @Test
    void hardwareCountersFollowTheHostsPmuAndSoftwareEventsCannotBeOpened() {
        String cause = Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"))
                ? "Function not implemented" : "No such file or directory";
        assertEquals("unable to open host cpu perf event for cpu_cycles: " + cause,
                QemuPerf.cannotEnable("cpu_cycles").getMessage());
        assertEquals("unable to open host cpu perf event for task_clock: Function not implemented",
                QemuPerf.cannotEnable("task_clock").getMessage());
    }
}
