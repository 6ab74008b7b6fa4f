package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Opens test-driver connections for a test and closes them after it. */
class DomainTestSupport implements AutoCloseable {

    private final MockHostDriver driver = new MockHostDriver();
    private final List<HypervisorConnection> open = new ArrayList<>();

    HypervisorConnection connect(String uri) {
        HypervisorConnection c = driver.open(URI.create(uri), uri, false).orElseThrow();
        open.add(c);
        return c;
    }

    HypervisorConnection connectDefault() {
        return connect("test:///default");
    }

    @Override
    public void close() {
        open.forEach(HypervisorConnection::close);
    }

    static VirException assertError(VirErrorNumber code, VirErrorDomain domain, String message, Runnable call) {
        VirException e = assertThrows(VirException.class, call::run);
        assertEquals(message, e.message(), e.toString());
        assertEquals(code.number(), e.code(), e.toString());
        assertEquals(domain.number(), e.domain(), e.toString());
        return e;
    }
}
