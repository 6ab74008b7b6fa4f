package io.jvirtd.driver.test;

import org.w3c.dom.Document;

/**
 * Loads the interfaces of a node file into a host (test_driver.c's loader for them), with
 * {@code file=} references resolved as {@link NodeDomains#resolve} does. Runs once while a host
 * is built, before any connection can see it. Stateless.
 */
final class NodeInterfaces {

    private NodeInterfaces() {
    }

    static void load(MockHost host, Document doc, String nodeFile) {
    }
}
