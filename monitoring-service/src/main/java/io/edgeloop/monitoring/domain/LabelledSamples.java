package io.edgeloop.monitoring.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.Codec;
import io.edgeloop.monitoring.persistence.InferenceRecordEntity;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.SampleLabelled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns ground truth into training data: feedback for an inference whose input the device captured is published
 * (through the outbox, in the feedback's transaction) as {@code SampleLabelled}, which data-service stores as a
 * labelled sample of the version's dataset for the next snapshot. Inferences without a captured input, versions
 * without a dataset (uploaded models) and {@code edgeloop.monitoring.performance.labelled-samples=false} publish
 * nothing.
 */
@ApplicationScoped
public class LabelledSamples {
    private static final Logger LOG = Logger.getLogger(LabelledSamples.class);

    @Inject
    Outbox outbox;

    @Inject
    MonitoringConfig config;

    /**
     * Publishes the labelled sample of {@code row} (its true class just stored) when it has a captured input.
     *
     * @return whether an event was enqueued
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean publish(InferenceRecordEntity row, VersionFacts facts) {
        if (!config.performance().labelledSamples() || row.input == null || row.trueClass == null) {
            return false;
        }
        if (facts.datasetName() == null) {
            LOG.debugf(
                    "feedback for %s of %s v%d: the version has no dataset, no sample",
                    row.inferenceId, row.modelName, row.modelVersion);
            return false;
        }
        float[] input = Codec.floats(row.input);
        EventMeta meta = Events.newMeta(DriftMonitor.PRODUCER, UUID.randomUUID().toString(), "");
        SampleLabelled.Builder event = SampleLabelled.newBuilder()
                .setMeta(meta)
                .setDatasetName(facts.datasetName())
                .setModelName(row.modelName)
                .setModelVersion(row.modelVersion)
                .setInferenceId(row.inferenceId)
                .setDeviceId(row.deviceId)
                .setLabel(facts.classLabels().get(row.trueClass))
                .setConfidence(row.confidence)
                .setInferredAt(ProtoTime.of(row.inferredAt));
        if (row.predictedClass < facts.classLabels().size()) {
            event.setPredictedLabel(facts.classLabels().get(row.predictedClass));
        }
        for (float v : input) {
            event.addFeatures(v);
        }
        outbox.enqueue(Topics.SAMPLE_LABELLED, facts.datasetName(), meta, event.build());
        return true;
    }
}
