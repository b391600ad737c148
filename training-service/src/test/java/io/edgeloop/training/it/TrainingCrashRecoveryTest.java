package io.edgeloop.training.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeloop.common.Events;
import io.edgeloop.common.SensorSimulator;
import io.edgeloop.common.Topics;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
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
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What a {@code kill -9} of training-service mid-run leaves behind (a RUNNING run, its job claimed by a process that
 * no longer renews the lease) is finished by the next worker, once: one registered version, one ModelTrained.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingCrashRecoveryTest {
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
    void aRunInterruptedByACrashIsTrainedOnceByTheNextWorker() {
        String dataset = "vibration-crash";
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
        QuarkusTransaction.requiringNew().run(() -> {
            pipeline.queueForEvent(event);
            TrainingRun run = TrainingRun.findById(runId);
            run.status = TrainingRun.Status.RUNNING;
            run.startedAt = Instant.now();
            run.progressEpoch = 3;
            em.createQuery("update JobRecord set status = ?1, leaseOwner = 'training-service@killed',"
                            + " leaseUntil = ?2, attempts = 1 where kind = ?3 and jobKey = ?4")
                    .setParameter(1, JobRecord.Status.RUNNING)
                    .setParameter(2, Instant.now().plusSeconds(2))
                    .setParameter(3, TrainingPipeline.JOB_KIND)
                    .setParameter(4, runId)
                    .executeUpdate();
        });

        await().atMost(Duration.ofMinutes(2))
                .until(() -> jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow().status == JobRecord.Status.DONE);
        JobRecord job = jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow();
        assertEquals(2, job.attempts, "the killed attempt and the one that finished");
        TrainingRun run = QuarkusTransaction.requiringNew().call(() -> TrainingRun.findById(runId));
        assertEquals(TrainingRun.Status.SUCCEEDED, run.status);
        assertNull(run.failureReason);
        assertEquals(1, registry.requestsForRun(runId).size(), "one model version for the snapshot");
        long events = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list("topic", Topics.MODEL_TRAINED).stream()
                        .map(o -> Events.parse(o.payload, ModelTrained.parser(), ModelTrained::getMeta))
                        .filter(e -> e.getTrainingRunId().equals(runId))
                        .count());
        assertEquals(1, events, "one ModelTrained for the run");
    }
}
