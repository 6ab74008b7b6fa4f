package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.mockhost.StoragePools.Pool;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;
import io.jvirtd.model.conf.StorageVolDef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Loads the storage pools and their volumes of a node file into a host (test_driver.c's
 * testParseStorage and testOpenVolumesForPool), with {@code file=} references resolved as
 * {@link NodeDomains#resolve} does: each pool is added as a persistent, running pool with the
 * default sizes, then its {@code <volume>} children (inline or {@code file=}) are added, each
 * volume's path defaulting to the pool's target path + "/" + name and its key to its path, and
 * its allocation counted against the pool (with no capacity check, as there). Runs once while a
 * host is built, before any connection can see it. Stateless.
 */
final class NodePools {

    private NodePools() {
    }

    static void load(MockHost host, Document doc, String nodeFile) {
        StoragePools pools = host.storagePools();
        pools.lock();
        try {
            for (Element e : NodeDomains.children(doc.getDocumentElement(), "pool")) {
                Element poolElem = NodeDomains.resolve(e, "pool", nodeFile);
                Pool pool = pools.listAdd(StoragePoolDef.fromElement(poolElem), false);
                pool.setDefaults();
                pool.active = true;
                for (Element v : NodeDomains.children(poolElem, "volume")) {
                    Element volElem = NodeDomains.resolve(v, "volume", nodeFile);
                    StorageVolDef vol = StorageVolDef.fromElement(pool.def.type(), volElem);
                    if (vol.path() == null) {
                        vol.setPath(MockStorage.volumePath(pool, vol.name()));
                    }
                    if (vol.key() == null) {
                        vol.setKey(vol.path());
                    }
                    if (!pool.addVolume(vol)) {
                        throw VirException.unknownCause();
                    }
                    long alloc = pool.def.allocation() + vol.allocation();
                    pool.def.setSizes(pool.def.capacity(), alloc, pool.def.capacity() - alloc);
                }
            }
        } finally {
            pools.unlock();
        }
    }
}
