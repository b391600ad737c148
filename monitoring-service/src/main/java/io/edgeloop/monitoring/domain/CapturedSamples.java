package io.edgeloop.monitoring.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobHandler;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.jobs.PermanentJobFailure;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.Codec;
import io.edgeloop.monitoring.persistence.InferenceRecordEntity;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.edgeloop.monitoring.persistence.TelemetryWindowEntity;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Active learning: the inputs devices captured with their inferences (agent setting {@code telemetry.capture-inputs},
 * by default those the model was unsure of) become unlabeled samples of the version's dataset, pre-labelled with the
 * served version's prediction and confidence. With {@code edgeloop.monitoring.active-learning.enabled}, a telemetry
 * window whose stored inference records carry inputs enqueues one durable job (kind {@link #KIND}, key = window id)
 * in the window's transaction; the job reads the version's facts (class labels, lineage dataset: remote, hence a job
 * and not the telemetry transaction) and publishes, in the transaction that completes it, one {@code SampleCaptured}
 * per captured inference through the outbox (topic {@code sample-captured}, key = dataset). Inferences already
 * labelled by feedback (they became {@code SampleLabelled}) and versions without a dataset publish nothing.
 */
@ApplicationScoped
public class CapturedSamples implements JobHandler {
    /** The job kind. */
    public static final String KIND = "captured-samples";

    private static final Logger LOG = Logger.getLogger(CapturedSamples.class);

    @Inject
    MonitoringConfig config;

    @Inject
    Jobs jobs;

    @Inject
    InferenceStore inferences;

    @Inject
    PerformanceMonitor performance;

    @Inject
    Outbox outbox;

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Enqueues, in the caller's transaction, a job for each of {@code windows} (stored for the first time) whose
     * records carry captured inputs; nothing when active learning is off.
     *
     * @return jobs enqueued
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int enqueue(List<TelemetryWindow> windows) {
        if (!config.activeLearning().enabled()) {
            return 0;
        }
        int n = 0;
        for (TelemetryWindow w : windows) {
            if (carriesCaptures(w) && jobs.enqueue(KIND, w.getWindowId(), new byte[0])) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether {@code w}'s inference records are kept (a window that ran inferences, not synthetic) and one of them
     * carries its input.
     */
    static boolean carriesCaptures(TelemetryWindow w) {
        return w.getInferenceCount() > 0
                && !TelemetryWindowEntity.SYNTHETIC.equals(TelemetryValidation.source(w))
                && w.getInferencesList().stream().anyMatch(r -> r.getInputCount() > 0);
    }

    @Override
    public void run(Job job) {
        String windowId = job.key();
        List<InferenceRecordEntity> rows = QuarkusTransaction.requiringNew().call(() -> inferences.captured(windowId));
        VersionFacts facts = null;
        if (!rows.isEmpty()) {
            InferenceRecordEntity first = rows.get(0);
            facts = facts(first.modelName, first.modelVersion);
        }
        VersionFacts known = facts;
        QuarkusTransaction.requiringNew().run(() -> {
            jobs.complete(job);
            int published = known == null ? 0 : publish(rows, known);
            LOG.debugf("window %s: %d captured input(s) published as SampleCaptured", windowId, published);
        });
    }

    /** The version's facts; a version the registry does not know fails the job for good. */
    private VersionFacts facts(String model, int version) {
        try {
            return performance.facts(model, version);
        } catch (PerformanceMonitor.FactsUnavailableException e) {
            Status.Code code = Status.fromThrowable(e.getCause()).getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT) {
                throw new PermanentJobFailure(e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Enqueues a SampleCaptured per row not yet labelled; returns how many. */
    int publish(List<InferenceRecordEntity> rows, VersionFacts facts) {
        if (facts.datasetName() == null) {
            LOG.debugf("captured inputs of a version without a dataset: no samples");
            return 0;
        }
        int n = 0;
        for (InferenceRecordEntity row : rows) {
            if (row.trueClass != null) {
                continue; // ground truth arrived first: it was published as SampleLabelled
            }
            SampleCaptured event = event(row, facts);
            outbox.enqueue(Topics.SAMPLE_CAPTURED, facts.datasetName(), event.getMeta(), event);
            n++;
        }
        return n;
    }

    /** The event for one captured inference of a version with a dataset. */
    static SampleCaptured event(InferenceRecordEntity row, VersionFacts facts) {
        EventMeta meta = Events.newMeta(DriftMonitor.PRODUCER, UUID.randomUUID().toString(), "");
        SampleCaptured.Builder event = SampleCaptured.newBuilder()
                .setMeta(meta)
                .setDatasetName(facts.datasetName())
                .setModelName(row.modelName)
                .setModelVersion(row.modelVersion)
                .setInferenceId(row.inferenceId)
                .setDeviceId(row.deviceId)
                .setConfidence(row.confidence)
                .setInferredAt(ProtoTime.of(row.inferredAt));
        if (row.predictedClass >= 0 && row.predictedClass < facts.classLabels().size()) {
            event.setPredictedLabel(facts.classLabels().get(row.predictedClass));
        }
        for (float v : Codec.floats(row.input)) {
            event.addFeatures(v);
        }
        return event.build();
    }
}
