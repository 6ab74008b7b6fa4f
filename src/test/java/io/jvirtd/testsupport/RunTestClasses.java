package io.jvirtd.testsupport;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes with the JUnit Platform launcher and prints one line per test or class
 * that finished or was skipped: {@code STATUS<TAB>unique id<TAB>reason}, STATUS being
 * SUCCESSFUL, ABORTED, FAILED or SKIPPED and the reason the first line of the exception's
 * message or the skip reason (newlines shown as {@code \n}). {@link ToolTest} runs it in a child
 * JVM with an environment of its choosing, which one JVM cannot give itself.
 *
 * <p>Usage: {@code java -cp TEST_CLASSPATH io.jvirtd.testsupport.RunTestClasses CLASS...}
 */
public final class RunTestClasses {

    private RunTestClasses() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(args).map(c -> selectClass(c)).toList())
                .build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                print(out, "SKIPPED", id, reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                Optional<Throwable> t = result.getThrowable();
                print(out, result.getStatus().name(), id,
                        t.map(e -> e.getClass().getName() + ": " + e.getMessage()).orElse(""));
            }
        });
    }

    private static void print(PrintStream out, String status, TestIdentifier id, String reason) {
        if (id.getParentId().isEmpty()) {
            return; // the engine itself
        }
        out.println(status + "\t" + id.getUniqueId() + "\t" + String.valueOf(reason).replace("\n", "\\n"));
    }
}
