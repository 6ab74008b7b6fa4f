package io.jvirtd.driver.qemu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What QEMU's block graph says about image files, for reconciling after a daemon restart:
 * which files a disk of the guest reads now ({@code query-block}: each drive's inserted image
 * and its backing chain), which files any node has open ({@code query-named-block-nodes}).
 * Stateless; a worker thread (one QMP round trip).
 */
final class QemuBlockGraph {

    private QemuBlockGraph() {
    }

    /** The files of every drive's chain, top to bottom. */
    static Set<String> imagesInUse(QmpMonitor mon) {
        return imagesOf(mon.execute("query-block", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
    }

    /**
     * The nodes of QEMU's block graph by the file they have open ({@code query-named-block-nodes},
     * flat: format and protocol nodes, whether a drive uses them or not).
     */
    static Map<String, List<String>> nodesByFile(QmpMonitor mon) {
        return nodesByFileOf(mon.execute("query-named-block-nodes", Map.of("flat", true),
                QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
    }

    /** {@link #nodesByFile} from a {@code query-named-block-nodes} answer. */
    static Map<String, List<String>> nodesByFileOf(Object namedNodes) {
        Map<String, List<String>> out = new HashMap<>();
        if (namedNodes instanceof List<?> nodes) {
            for (Object o : nodes) {
                if (o instanceof Map<?, ?> n && n.get("file") != null) {
                    out.computeIfAbsent(n.get("file").toString(), f -> new ArrayList<>())
                            .add(String.valueOf(n.get("node-name")));
                }
            }
        }
        return out;
    }

    /** {@link #imagesInUse} from a {@code query-block} answer. */
    @SuppressWarnings("unchecked")
    static Set<String> imagesOf(Object queryBlock) {
        Set<String> out = new HashSet<>();
        if (queryBlock instanceof List<?> drives) {
            for (Object o : drives) {
                if (o instanceof Map<?, ?> drive && drive.get("inserted") instanceof Map<?, ?> inserted) {
                    for (Object img = inserted.get("image"); img instanceof Map<?, ?> m; img = m.get("backing-image")) {
                        Object f = ((Map<String, Object>) m).get("filename");
                        if (f != null) {
                            out.add(f.toString());
                        }
                    }
                }
            }
        }
        return out;
    }
}
