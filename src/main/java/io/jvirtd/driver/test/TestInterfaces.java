package io.jvirtd.driver.test;

import io.jvirtd.model.spi.InterfaceOps;

/**
 * One connection's view of its host's interfaces: test_driver.c's interface entry points.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's.
 */
final class TestInterfaces implements InterfaceOps {

    private final MockHost host;

    TestInterfaces(MockHost host) {
        this.host = host;
    }
}
