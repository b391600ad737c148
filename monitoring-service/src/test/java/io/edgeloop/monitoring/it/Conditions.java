package io.edgeloop.monitoring.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for the service's asynchronous work in the end-to-end tests. */
final class Conditions {
    private Conditions() {}

    /** Polls {@code condition} every 100 ms until it holds (at most 60 s). */
    static void await(String what, BooleanSupplier condition) {
        org.awaitility.Awaitility.await(what)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }
}
