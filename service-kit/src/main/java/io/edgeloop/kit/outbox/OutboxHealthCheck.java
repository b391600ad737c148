package io.edgeloop.kit.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the outbox: DOWN when events have been waiting for more than a minute (the broker is unreachable
 * or rejecting them), with the backlog, the parked rows (refused too often; they do not hold anything back and do not
 * make the check DOWN, operators replay them) and the last error as data.
 */
@Readiness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {
    private static final Duration STUCK_AFTER = Duration.ofMinutes(1);

    @Inject
    OutboxRelay relay;

    @Override
    public HealthCheckResponse call() {
        OutboxRelay.Backlog backlog = relay.backlog();
        long pending = backlog.pending();
        Instant oldest = backlog.oldest();
        boolean stuck = oldest != null && oldest.isBefore(Instant.now().minus(STUCK_AFTER));
        var builder = HealthCheckResponse.named("outbox")
                .status(!stuck)
                .withData("pending", pending)
                .withData("published", relay.publishedCount())
                .withData("parked", relay.parkedCount());
        if (relay.lastFailure() != null) {
            builder.withData("lastFailure", relay.lastFailure());
        }
        return builder.build();
    }
}
