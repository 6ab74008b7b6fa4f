package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.conf.DomainDef;
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
 * A define (no job) and a --config change of a job holder, in either order: the later one
 * wins in the config file and in memory alike, as libvirt's writers under the domain's lock.
 * The order is made certain with the config lock's queue ({@link LockQueue}). Before, a change
 * that came after a define wrote its file but left the define's definition in memory (the
 * AffectedDefs writers), or edited a definition that was no longer the domain's (the pins).
 */
class QemuConfigWriteTest {

    private static final String XML = "<domain type='qemu'><name>cfg</name>"
            + "<uuid>6d5a9a7c-0b3e-4a43-8f38-2f4d3c1d2e13</uuid><memory unit='MiB'>16</memory>"
            + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices/></domain>";

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
        Files.createDirectories(paths.configDir());
        Files.createDirectories(paths.stateDir());
        life = new QemuLifecycle(paths, new QemuDomains(), new EventBus(), new LoopForDrivers(loop), eventThread,
                null, null, null, null);
        d = life.domains.addOrFind(QemuLifecycle.parse(XML), false);
    }

    @AfterEach
    void tearDown() throws Exception {
        eventThread.shutdownNow();
        loop.quit();
        assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void aConfigChangeAfterADefineWinsInFileAndMemory() throws Exception {
        TestGuests.qemu(); // define asks the emulator for its capabilities
        AffectedDefs defs = AffectedDefs.resolve(d, AffectedDefs.AFFECT_CONFIG); // the change's copy, taken first
        defs.persistent().setMemoryKiB(49152);

        LockQueue.inOrder(d.configWrite, () -> life.define(XML.replace(">16<", ">32<"), false),
                () -> defs.savePersistent(life, d));

        String file = Files.readString(life.paths.configFile("cfg"));
        assertTrue(file.contains("<memory unit='KiB'>49152</memory>"), file);
        assertEquals(file, inMemory());
    }

    @Test
    void aDefineAfterAConfigChangeWinsInFileAndMemory() throws Exception {
        TestGuests.qemu();
        AffectedDefs defs = AffectedDefs.resolve(d, AffectedDefs.AFFECT_CONFIG);
        defs.persistent().setMemoryKiB(49152);

        LockQueue.inOrder(d.configWrite, () -> defs.savePersistent(life, d),
                () -> life.define(XML.replace(">16<", ">32<"), false));

        String file = Files.readString(life.paths.configFile("cfg"));
        assertTrue(file.contains("<memory unit='KiB'>32768</memory>"), file);
        assertEquals(file, inMemory());
    }

    @Test
    void aPinAfterADefineEditsTheDefinedDefinition() throws Exception {
        TestGuests.qemu();
        LockQueue.inOrder(d.configWrite, () -> life.define(XML.replace(">16<", ">32<"), false),
                () -> life.editPersistent(d, def -> def.setVcpuPin(0, "0")));

        String file = Files.readString(life.paths.configFile("cfg"));
        assertTrue(file.contains("<memory unit='KiB'>32768</memory>"), file);
        assertTrue(file.contains("vcpupin"), file);
        assertEquals(file, inMemory());
    }

    private String inMemory() {
        synchronized (d) {
            return d.persistentDef.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE);
        }
    }
}
