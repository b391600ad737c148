package io.edgeloop.console.events;

import com.google.protobuf.Message;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.TraceContext;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.console.events.LoopEvent.Link;
import io.edgeloop.console.web.Fmt;
import io.edgeloop.console.web.Names;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.events.v1.SampleLabelled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns an event record into a {@link LoopEvent}: parsed and checked by the event type's contract (the one every
 * consumer of the loop uses), described in words, with links to the console pages of the objects it is about (data
 * set, training run, model version, rollout, monitoring page) and to its trace.
 */
public final class LoopEvents {
    private static final Map<String, EventContract<?>> BY_TOPIC =
            EventContracts.ALL.stream().collect(Collectors.toMap(EventContract::topic, Function.identity()));

    private final String traceUrl;

    /**
     * @param traceUrl the trace UI's link with {@code {traceId}} in it, or empty: trace ids are not linked
     */
    public LoopEvents(Optional<String> traceUrl) {
        this.traceUrl = traceUrl.filter(u -> !u.isBlank()).orElse(null);
    }

    /** Whether {@code topic} carries events of the loop. */
    public static boolean known(String topic) {
        return BY_TOPIC.containsKey(topic);
    }

    /**
     * The event of a record of {@code topic}, without its sequence number.
     *
     * @param headerTraceparent the record's {@code traceparent} header, used when the event's meta has none
     * @param recordTime the record's timestamp (ms), used when the event's meta has no time
     * @throws RuntimeException when the value is not a usable event of the topic's type (a poison record)
     */
    public LoopEvent of(String topic, byte[] value, String headerTraceparent, long recordTime) {
        EventContract<?> contract = BY_TOPIC.get(topic);
        if (contract == null) {
            throw new IllegalArgumentException("not an event topic: " + topic);
        }
        return read(contract, value, headerTraceparent, recordTime);
    }

    private <E extends Message> LoopEvent read(
            EventContract<E> contract, byte[] value, String headerTraceparent, long recordTime) {
        E event = contract.parse(value);
        EventMeta meta = contract.meta(event);
        Instant at =
                meta.hasOccurredAt() ? ProtoTime.toInstant(meta.getOccurredAt()) : Instant.ofEpochMilli(recordTime);
        String traceId = TraceContext.traceId(meta.getTraceparent());
        if (traceId.isEmpty() && headerTraceparent != null) {
            traceId = TraceContext.traceId(headerTraceparent);
        }
        List<Link> links = new ArrayList<>();
        String summary = describe(event, links);
        return new LoopEvent(
                0,
                meta.getEventId(),
                contract.simpleName(),
                contract.topic(),
                at.toString(),
                Fmt.time(at.toString()),
                meta.getProducer(),
                meta.getCorrelationId(),
                traceId,
                traceUrl == null || traceId.isEmpty() ? null : traceUrl.replace("{traceId}", traceId),
                List.copyOf(links),
                summary);
    }

    private static String describe(Message event, List<Link> links) {
        if (event instanceof DataReady e) {
            links.add(dataset(e.getDatasetName()));
            return String.format(
                    Locale.ROOT,
                    "snapshot %s (%s): %d train, %d validation, %d test samples of %d classes",
                    e.getSnapshotId(),
                    e.getTrigger().isEmpty() ? "manual" : e.getTrigger(),
                    e.getTrainCount(),
                    e.getValidationCount(),
                    e.getTestCount(),
                    e.getClassLabelsCount());
        }
        if (event instanceof ModelTrained e) {
            links.add(version(e.getModelName(), e.getModelVersion()));
            links.add(id("training run ", e.getTrainingRunId(), "/training/"));
            links.add(dataset(e.getDatasetName()));
            return String.format(
                    Locale.ROOT,
                    "trained on %s in %d epochs (%s): test accuracy %s",
                    e.getSnapshotId(),
                    e.getEpochs(),
                    e.getArchitecture(),
                    Fmt.percent(e.hasTestMetrics() ? e.getTestMetrics().getAccuracy() : null));
        }
        if (event instanceof ModelOptimized e) {
            links.add(version(e.getModelName(), e.getModelVersion()));
            return String.format(
                    Locale.ROOT,
                    "%d variants, recommended %s; float accuracy %s",
                    e.getVariantsCount(),
                    e.getRecommendedVariantId(),
                    Fmt.percent(e.getFloatAccuracy()));
        }
        if (event instanceof Deployed e) {
            return deployed(e, links);
        }
        if (event instanceof DriftDetected e) {
            links.add(new Link(
                    "drift of " + e.getModelName(), name(e.getModelName()) ? "/monitoring/" + e.getModelName() : null));
            links.add(version(e.getModelName(), e.getModelVersion()));
            links.add(dataset(e.getDatasetName()));
            if (e.hasPerformance()) {
                return "live accuracy fell: " + e.getPerformance().getReason();
            }
            return String.format(
                    Locale.ROOT,
                    "score %.4f against threshold %.4f (%s), %d features, %d rows from %d devices",
                    e.getDriftScore(),
                    e.getThreshold(),
                    e.getMethod(),
                    e.getFeaturesCount(),
                    e.getWindowSampleCount(),
                    e.getDeviceIdsCount());
        }
        if (event instanceof SampleLabelled e) {
            links.add(dataset(e.getDatasetName()));
            links.add(version(e.getModelName(), e.getModelVersion()));
            return String.format(
                    Locale.ROOT,
                    "label %s for inference %s on %s (predicted %s)",
                    e.getLabel(),
                    e.getInferenceId(),
                    e.getDeviceId(),
                    e.getPredictedLabel().isEmpty() ? "-" : e.getPredictedLabel());
        }
        if (event instanceof SampleCaptured e) {
            links.add(dataset(e.getDatasetName()));
            links.add(version(e.getModelName(), e.getModelVersion()));
            return String.format(
                    Locale.ROOT,
                    "unsure inference %s on %s captured (predicted %s at %s)",
                    e.getInferenceId(),
                    e.getDeviceId(),
                    e.getPredictedLabel().isEmpty() ? "-" : e.getPredictedLabel(),
                    Fmt.percent((double) e.getConfidence()));
        }
        return event.getDescriptorForType().getName();
    }

    private static String deployed(Deployed e, List<Link> links) {
        String rollout = e.getRolloutId().isEmpty() ? e.getDeploymentId() : e.getRolloutId();
        links.add(id("rollout ", rollout, "/fleet#rollout-"));
        links.add(version(e.getModelName(), e.getModelVersion()));
        String phase = e.getPhase().isEmpty() ? "deployed" : e.getPhase();
        StringBuilder s = new StringBuilder(phase);
        if (e.getWavesTotal() > 0) {
            s.append(String.format(Locale.ROOT, " (wave %d of %d)", e.getWave(), e.getWavesTotal()));
        }
        s.append(String.format(
                Locale.ROOT,
                ": %s on %d of %d devices",
                e.getVariantId().isEmpty() ? "-" : e.getVariantId(),
                e.getDevicesActive(),
                e.getDevicesTargeted()));
        if (!e.getReason().isEmpty()) {
            s.append("; ").append(e.getReason());
        }
        return s.toString();
    }

    private static Link dataset(String name) {
        return new Link("data set " + name, name(name) ? "/datasets/" + name : null);
    }

    private static Link version(String model, int version) {
        return new Link(
                "model " + model + " v" + version,
                name(model) && version > 0 ? "/models/" + model + "?version=" + version : null);
    }

    private static Link id(String what, String id, String path) {
        return new Link(what + id, Names.isId(id) ? path + id : null);
    }

    private static boolean name(String s) {
        return Names.isName(s);
    }
}
