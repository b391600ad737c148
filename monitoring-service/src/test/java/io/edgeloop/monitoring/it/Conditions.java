package io.edgeloop.monitoring.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for the service's asynchronous work in the end-to-end tests. */
final class Conditions {
    private Conditions() {}

    /** Polls {@code condition} every 100 ms until it holds (at most 60 s). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
