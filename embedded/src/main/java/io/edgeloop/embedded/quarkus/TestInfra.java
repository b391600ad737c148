package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.containers.ContainerEngine;
import java.util.Locale;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Which servers the test resources start, chosen by system property {@code edgeloop.test.infra}: {@code embedded}
 * (default: in-process servers), {@code containers} (the resources start containers; the {@code containers} Maven
 * profile) or {@code devservices} (the resources start nothing and Quarkus' Dev Services start the containers from the
 * configured images; the {@code devservices} Maven profile). As a JUnit condition (registered for automatic detection,
 * which both profiles turn on), it skips every test with the reason when containers are asked for and no engine
 * answers: the layer never fails for want of an engine, and never passes silently either.
 */
public final class TestInfra implements ExecutionCondition {
    /** The system property that chooses. */
    public static final String PROPERTY = "edgeloop.test.infra";

    /** Whether the test resources start containers instead of in-process servers. */
    public static boolean containers() {
        return mode().equals("containers");
    }

    /** Whether Quarkus' Dev Services provide the servers (the test resources start none). */
    public static boolean devServices() {
        return mode().equals("devservices");
    }

    private static String mode() {
        String v = System.getProperty(PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "containers", "devservices" -> v;
            case "embedded", "" -> "embedded";
            default ->
                throw new IllegalArgumentException(PROPERTY + " must be embedded, containers or devservices, is " + v);
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
        if (!containers() && !devServices()) {
            return ConditionEvaluationResult.enabled("in-process servers");
        }
        return ContainerEngine.unavailable()
                .map(why -> ConditionEvaluationResult.disabled("container layer skipped: " + why))
                .orElseGet(() -> ConditionEvaluationResult.enabled("containers"));
    }
}
