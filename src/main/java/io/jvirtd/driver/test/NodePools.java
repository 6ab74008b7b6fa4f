package io.jvirtd.driver.test;

import org.w3c.dom.Document;

/**
 * Loads the storage pools and their volumes of a node file into a host (test_driver.c's loader for them), with
 * {@code file=} references resolved as {@link NodeDomains#resolve} does. Runs once while a host
 * is built, before any connection can see it. Stateless.
 */
final class NodePools {

    private NodePools() {
    }

    static void load(MockHost host, Document doc, String nodeFile) {
    }
}
