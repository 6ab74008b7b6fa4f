package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.rpc.loop.EventLoop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a start has not made its own last status write, a status write from elsewhere (the
 * event thread's, after QEMU's RESUME) keeps "paused, starting up" on disk, so a daemon killed
 * before the start finished setting QEMU up leaves a run the restart kills, not one it keeps.
 */
class QemuStartingStatusTest {

    @TempDir
    Path dir;
    private EventLoop loop;
    private ExecutorService eventThread;
    private QemuLifecycle life;
    private QemuDomain d;

    @BeforeEach
    void setUp() throws Exception {
        loop = new EventLoop("test-loop");
        loop.start();
        eventThread = Executors.newSingleThreadExecutor();
        QemuPaths paths = QemuPaths.under(dir);
        Files.createDirectories(paths.stateDir());
        life = new QemuLifecycle(paths, new QemuDomains(), new EventBus(), new LoopForDrivers(loop), eventThread,
                null, null, null, null);
        String xml = "<domain type='qemu'><name>starting</name><uuid>6d5a9a7c-0b3e-4a43-8f38-2f4d3c1d2e12</uuid>"
                + "<memory unit='MiB'>16</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices/></domain>";
        d = life.domains.addOrFind(QemuLifecycle.parse(xml), false);
        synchronized (d) {
            d.liveDef = DomainDef.parse(xml.replace("<domain type='qemu'>", "<domain type='qemu' id='4'>"),
                    DomainDef.PARSE_STATUS, QemuXmlOptions.OPTIONS);
            d.pid = 4242;
            d.state = DomainState.RUNNING; // as the RESUME event of the start's cont leaves it
            d.reason = StateReason.Running.BOOTED;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        eventThread.shutdownNow();
        loop.quit();
        assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void aStatusWriteDuringTheStartKeepsStartingUpUntilTheStartsLastWrite() throws Exception {
        synchronized (d) {
            d.starting = true;
        }
        life.saveStatus(d);
        StatusFile.Status s = StatusFile.read(life.paths.statusFile("starting"));
        assertEquals(DomainState.PAUSED, s.state());
        assertEquals(StateReason.Paused.STARTING_UP, s.reason());

        synchronized (d) {
            d.starting = false; // the start's last write
        }
        life.saveStatus(d);
        s = StatusFile.read(life.paths.statusFile("starting"));
        assertEquals(DomainState.RUNNING, s.state());
        assertEquals(StateReason.Running.BOOTED, s.reason());
    }
}
