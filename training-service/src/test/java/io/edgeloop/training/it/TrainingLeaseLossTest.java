package io.edgeloop.training.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.jobs.LeaseLostException;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.training.domain.TrainingPipeline;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A worker that loses the lease on its training job (it stalled past the lease and another worker took the job over)
 * stops at the end of the epoch it is in: it records no further progress, registers nothing and announces nothing, leaving the run
 * to the worker that holds the job now.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingLeaseLossTest {
    @Inject
    @GrpcService
    FakeDatasetService datasets;

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @Inject
    TrainingPipeline pipeline;

    @Inject
    Jobs jobs;

    @Inject
    EntityManager em;

    @Test
    void aRunWhoseLeaseIsLostStopsAtTheEndOfItsEpoch() {
        String dataset = "vibration-lease";
        datasets.define(dataset, 1);
        DataReady event = DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(dataset)
                .setDatasetVersion(1)
                .setSnapshotId(dataset + "@v1")
                .setContentHash(FakeDatasetService.contentHash(dataset, 1))
                .setFeatureCount(8)
                .addAllClassLabels(SensorSimulator.LABELS)
                .build();
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        // the job is held by another worker (so this process' runner leaves it alone); this test plays a worker
        // whose claim of it lapsed
        QuarkusTransaction.requiringNew().run(() -> {
            pipeline.queueForEvent(event);
            em.createQuery("update JobRecord set status = ?1, leaseOwner = 'training-service@other',"
                            + " leaseUntil = ?2, attempts = 1 where kind = ?3 and jobKey = ?4")
                    .setParameter(1, JobRecord.Status.RUNNING)
                    .setParameter(2, Instant.now().plusSeconds(600))
                    .setParameter(3, TrainingPipeline.JOB_KIND)
                    .setParameter(4, runId)
                    .executeUpdate();
        });
        JobRecord record = jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow();
        // the renewal found the lease taken (JobRunner sets the flag); the trainer sees it after its first epoch
        AtomicBoolean lost = new AtomicBoolean(true);
        Job claim = new Job(
                record.id, TrainingPipeline.JOB_KIND, runId, event.toByteArray(), 1, 3, "training-service@me", lost);

        assertThrows(LeaseLostException.class, () -> pipeline.runJob(claim));
        TrainingRun run = QuarkusTransaction.requiringNew().call(() -> TrainingRun.findById(runId));
        assertEquals(0, progress(runId), "no epoch recorded over the new owner's run");
        assertNotEquals(TrainingRun.Status.SUCCEEDED, run.status);
        assertNotEquals(TrainingRun.Status.FAILED, run.status, "the run is the new owner's, not failed by this one");
        assertEquals(0, registry.requestsForRun(runId).size(), "nothing registered");
        long events = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list("topic", Topics.MODEL_TRAINED).stream()
                        .map(o -> Events.parse(o.payload, ModelTrained.parser(), ModelTrained::getMeta))
                        .filter(e -> e.getTrainingRunId().equals(runId))
                        .count());
        assertEquals(0, events, "nothing announced");
    }

    private static int progress(String runId) {
        Integer epoch =
                QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(runId).progressEpoch);
        return epoch == null ? 0 : epoch;
    }
}
