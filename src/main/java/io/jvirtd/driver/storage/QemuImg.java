package io.jvirtd.driver.storage;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qemu-img} (Debian's qemu-utils) for what libvirt's storage backends use it for:
 * {@code info --output=json} to learn a file's format and sizes, {@code create}, {@code resize}
 * and {@code convert}; the QEMU driver its {@code snapshot} (internal snapshots of shut-off
 * guests) and {@code create -b} (external overlays). A failure is libvirt's virCommandRun error: "internal error: Child
 * process (ARGV) unexpected exit status N: STDERR". Stateless; worker threads only (it waits
 * for a process).
 */
public final class QemuImg {

    private static final JsonFactory JSON = new JsonFactory();
    /** Longest a metadata command may take; data copies (convert) get no limit. */
    private static final long META_TIMEOUT_SECONDS = 60;

    private final String binary;

    public QemuImg(String binary) {
        this.binary = binary;
    }

    /** What {@code qemu-img info} says about a file. */
    record Info(String format, long virtualSize, long actualSize, long clusterSize, String compat,
                boolean lazyRefcounts, boolean extendedL2, String backingFile, String backingFormat) {
    }

    /** {@code qemu-img info --output=json -U PATH}: probed format, sizes, qcow2 details. */
    Info info(String path) {
        String out = run(List.of(binary, "info", "--output=json", "-U", path), true);
        try (JsonParser p = JSON.createParser(out)) {
            String format = "raw";
            long virtual = 0;
            long actual = 0;
            long cluster = 0;
            String compat = null;
            boolean lazy = false;
            boolean extL2 = false;
            String backing = null;
            String backingFormat = null;
            List<String> stack = new ArrayList<>();
            String field = null;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT, START_ARRAY -> {
                        stack.add(field == null ? "" : field);
                        field = null;
                    }
                    case END_OBJECT, END_ARRAY -> stack.remove(stack.size() - 1);
                    default -> {
                        String where = String.join("/", stack) + "/" + field;
                        switch (where) {
                            case "/format" -> format = p.getText();
                            case "/virtual-size" -> virtual = p.getLongValue();
                            case "/actual-size" -> actual = p.getLongValue();
                            case "/cluster-size" -> cluster = p.getLongValue();
                            case "/backing-filename" -> backing = p.getText();
                            case "/backing-filename-format" -> backingFormat = p.getText();
                            case "/format-specific/data/compat" -> compat = p.getText();
                            case "/format-specific/data/lazy-refcounts" -> lazy = t == JsonToken.VALUE_TRUE;
                            case "/format-specific/data/extended-l2" -> extL2 = t == JsonToken.VALUE_TRUE;
                            default -> {
                                // not needed
                            }
                        }
                    }
                }
            }
            return new Info(format, virtual, actual, cluster, compat, lazy, extL2, backing, backingFormat);
        } catch (IOException e) {
            throw VirException.internalError(VirErrorDomain.STORAGE,
                    "cannot parse qemu-img output '" + out.strip() + "': " + e.getMessage());
        }
    }

    /** Runs {@code argv} (argv[0] is qemu-img); its standard output. */
    public String run(List<String> argv, boolean bounded) {
        Process proc;
        try {
            proc = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.NONE, 2, "Cannot find '" + binary + "' in path",
                    "No such file or directory");
        }
        try {
            byte[][] streams = new byte[2][];
            Thread errReader = new Thread(() -> streams[1] = readAll(proc.getErrorStream()), "qemu-img-stderr");
            errReader.setDaemon(true);
            errReader.start();
            streams[0] = readAll(proc.getInputStream());
            boolean done = bounded ? proc.waitFor(META_TIMEOUT_SECONDS, TimeUnit.SECONDS) : proc.waitFor() >= 0;
            if (!done) {
                proc.destroyForcibly();
                throw VirException.internalError(VirErrorDomain.NONE,
                        "Child process (" + String.join(" ", argv) + ") did not finish in time");
            }
            errReader.join();
            int status = proc.exitValue();
            if (status != 0) {
                String err = streams[1] == null ? "" : new String(streams[1], StandardCharsets.UTF_8).strip();
                throw VirException.internalError(VirErrorDomain.NONE, "Child process (" + String.join(" ", argv)
                        + ") unexpected exit status " + status + (err.isEmpty() ? "" : ": " + err));
            }
            return new String(streams[0], StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            throw VirException.internalError(VirErrorDomain.NONE, "interrupted waiting for " + binary);
        }
    }

    String binary() {
        return binary;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
