package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.containers.ContainerEngine;
import java.util.Locale;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Which servers the test resources start: the in-process ones (default) or containers, chosen by system property
 * {@code edgeloop.test.infra} ({@code embedded} | {@code containers}; the {@code containers} Maven profile sets it).
 * As a JUnit condition (registered for automatic detection, which that profile turns on), it skips every test with
 * the reason when containers are asked for and no engine answers: the layer never fails for want of an engine, and
 * never passes silently either.
 */
public final class TestInfra implements ExecutionCondition {
    /** The system property that chooses. */
    public static final String PROPERTY = "edgeloop.test.infra";

    /** Whether the test resources start containers instead of in-process servers. */
    public static boolean containers() {
        String v = System.getProperty(PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "containers" -> true;
            case "embedded", "" -> false;
            default -> throw new IllegalArgumentException(PROPERTY + " must be embedded or containers, is " + v);
        };
    }

    /** Says which server a test resource started, so a test log shows which layer ran. */
    static void log(String what, Object server, String address) {
        System.getLogger(TestInfra.class.getName())
                .log(
                        System.Logger.Level.INFO,
                        "{0} for the tests: {1} at {2}",
                        what,
                        server.getClass().getSimpleName(),
                        address);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!containers()) {
            return ConditionEvaluationResult.enabled("in-process servers");
        }
        return ContainerEngine.unavailable()
                .map(why -> ConditionEvaluationResult.disabled("container layer skipped: " + why))
                .orElseGet(() -> ConditionEvaluationResult.enabled("containers"));
    }
}
