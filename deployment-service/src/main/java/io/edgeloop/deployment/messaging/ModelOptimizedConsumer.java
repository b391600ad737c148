package io.edgeloop.deployment.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.common.TraceContext;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.deployment.domain.AssignmentPush;
import io.edgeloop.deployment.domain.FleetService;
import io.edgeloop.deployment.domain.VariantOption;
import io.edgeloop.deployment.grpc.ArtifactSignatures;
import io.edgeloop.deployment.grpc.WatchHub;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns each ModelOptimized event into a staged rollout (a variant per device among the event's variants, signed by
 * the registry) through the shared event library (contract validation, the rollout and the inbox mark in one
 * transaction), then pushes the first wave's assignments to the devices' live watch streams after the commit.
 */
@ApplicationScoped
public class ModelOptimizedConsumer implements EventHandler<ModelOptimized> {
    @Inject
    EventConsumer consumer;

    @Inject
    FleetService fleet;

    @Inject
    WatchHub hub;

    @Inject
    Tracer tracer;

    @Inject
    ArtifactSignatures signatures;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    @Incoming(Topics.MODEL_OPTIMIZED)
    @Blocking(ordered = true)
    public void onModelOptimized(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<ModelOptimized> contract() {
        return EventContracts.MODEL_OPTIMIZED;
    }

    @Override
    public void apply(ModelOptimized event) {
        VariantSummary variant = recommendedVariant(event);
        List<VariantOption> variants = deployableVariants(event).stream()
                .map(v -> {
                    var sig = signatures.of(v.getArtifactSha256());
                    return option(
                            v,
                            v.getVariantId().equals(variant.getVariantId()),
                            sig.map(ArtifactSignatures.Signature::signature).orElse(""),
                            sig.map(ArtifactSignatures.Signature::signingKeyId).orElse(""));
                })
                .toList();
        Context parent = parentContext(event.getMeta().getTraceparent());
        Span span = tracer.spanBuilder("rollout " + event.getModelName())
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(parent)
                .setAttribute("edgeloop.model", event.getModelName() + "@v" + event.getModelVersion())
                .setAttribute("edgeloop.variant_id", variant.getVariantId())
                .setAttribute("messaging.message.id", event.getMeta().getEventId())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            List<AssignmentPush> pushes = fleet.startRollout(event, variants, TraceContext.currentTraceparent());
            if (!pushes.isEmpty()) {
                txRegistry.registerInterposedSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {}

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            hub.pushAll(pushes);
                        }
                    }
                });
            }
        } finally {
            span.end();
        }
    }

    /**
     * Continues the loop's trace: the consumer span when the connector made one current in the event's trace (the
     * record carried the relay's traceparent header), else the trace recorded in the event's metadata.
     */
    static Context parentContext(String eventTraceparent) {
        var current = Span.current().getSpanContext();
        String eventTraceId = TraceContext.traceId(eventTraceparent);
        if (current.isValid() && (eventTraceId.isEmpty() || eventTraceId.equals(current.getTraceId()))) {
            return Context.current();
        }
        return eventTraceId.isEmpty() ? Context.current() : TraceContext.contextOf(eventTraceparent);
    }

    /**
     * The recommended variant, validated. A ModelOptimized event without a deployable recommended variant can never
     * be processed: it goes to the dead-letter topic.
     */
    static VariantSummary recommendedVariant(ModelOptimized event) {
        List<String> problems = new ArrayList<>();
        if (event.getModelName().isBlank()) {
            problems.add("model_name is blank");
        }
        if (event.getModelVersion() <= 0) {
            problems.add("model_version must be positive");
        }
        VariantSummary variant = event.getVariantsList().stream()
                .filter(v -> v.getVariantId().equals(event.getRecommendedVariantId()))
                .findFirst()
                .orElse(null);
        if (variant == null) {
            problems.add("recommended_variant_id '" + event.getRecommendedVariantId()
                    + "' is not among the event's variants");
        } else {
            if (!Hashing.isSha256Hex(variant.getArtifactSha256())) {
                problems.add("variant artifact_sha256 is not a hex sha256");
            }
            if (variant.getSizeBytes() <= 0) {
                problems.add("variant size_bytes must be positive");
            }
        }
        if (!problems.isEmpty()) {
            throw new Events.PoisonEventException(
                    "ModelOptimized " + event.getMeta().getEventId() + ": " + String.join("; ", problems));
        }
        return variant;
    }

    /**
     * The variants a device may get: every variant with a hex sha256, a positive size and a distinct id (invalid
     * extra variants are skipped; the recommended one was validated by {@link #recommendedVariant}).
     */
    static List<VariantSummary> deployableVariants(ModelOptimized event) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return event.getVariantsList().stream()
                .filter(v -> !v.getVariantId().isBlank()
                        && Hashing.isSha256Hex(v.getArtifactSha256())
                        && v.getSizeBytes() > 0
                        && seen.add(v.getVariantId()))
                .toList();
    }

    static VariantOption option(VariantSummary v, boolean recommended, String signature, String keyId) {
        boolean est = v.hasEstimate();
        return new VariantOption(
                v.getVariantId(),
                v.getTarget(),
                v.getFormat().isBlank() ? "onnx" : v.getFormat(),
                v.getArtifactSha256(),
                v.getSizeBytes(),
                est && v.getEstimate().getRamBytes() > 0 ? v.getEstimate().getRamBytes() : -1,
                est && v.getEstimate().getFlashBytes() > 0 ? v.getEstimate().getFlashBytes() : -1,
                v.getAccuracy(),
                recommended,
                signature,
                keyId,
                v.hasSignature() ? v.getSignature() : null);
    }
}
