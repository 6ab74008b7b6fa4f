package io.jvirtd.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What {@link RequiresTools} does: outside CI the annotated class or method is disabled when a
 * tool is missing (JUnit reports it skipped with the reason and runs none of its lifecycle);
 * under CI it stays enabled and the first callback JUnit runs for it, before any
 * {@code @BeforeAll} or {@code @BeforeEach} method, fails with {@link Tool}'s one line.
 * Stateless.
 */
final class ToolCondition implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Tool> absent = firstMissing(context.getElement());
        if (absent.isEmpty() || Tool.inCi()) {
            return ConditionEvaluationResult.enabled("tools present, or CI: checked before set-up");
        }
        return ConditionEvaluationResult.disabled(absent.get().absence() + "; test skipped (under CI=true it fails)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failUnderCi(context.getElement());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // the class's own annotation was checked in beforeAll; here only a method's counts
        failUnderCi(context.getTestMethod().map(m -> (AnnotatedElement) m));
    }

    private static void failUnderCi(Optional<AnnotatedElement> element) {
        firstMissing(element).ifPresent(t -> fail(Tool.ciFailure(System.getenv("CI"), t)));
    }

    private static Optional<Tool> firstMissing(Optional<AnnotatedElement> element) {
        return AnnotationSupport.findAnnotation(element, RequiresTools.class).stream()
                .flatMap(a -> java.util.Arrays.stream(a.value()))
                .filter(t -> t.find().isEmpty())
                .findFirst();
    }
}
