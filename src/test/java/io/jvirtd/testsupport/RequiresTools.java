package io.jvirtd.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tools a test class (or method) needs from its set-up on. Without one of them nothing of
 * it runs, neither {@code @BeforeAll}/{@code @BeforeEach} nor the tear-downs, so no tear-down
 * trips over what an aborted set-up never made: the class is skipped with the reason, or under
 * CI fails once with one line ({@link Tool#missing}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ToolCondition.class)
public @interface RequiresTools {
    Tool[] value();
}
