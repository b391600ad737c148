package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.edgeloop.training.persistence.TrainingEpoch;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a {@code kill -9} of training-service mid-run leaves behind (a RUNNING run, its job claimed by a process that
 * no longer renews the lease) is finished by the next worker, once: one registered version, one ModelTrained; and a
 * worker that lost its lease stops instead of finishing a run another worker owns.
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
        DataReady event = dataReady("vibration-crash");
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        QuarkusTransaction.requiringNew().run(() -> {
            pipeline.queueForEvent(event);
            TrainingRun run = TrainingRun.findById(runId);
            run.status = TrainingRun.Status.RUNNING;
            run.startedAt = Instant.now();
            run.progressEpoch = 3;
            run.attempt = 1;
            // the killed attempt had stored three epochs of its curve
            for (int epoch = 1; epoch <= 3; epoch++) {
                storedEpoch(runId, epoch);
            }
            holdJob(runId, "training-service@killed", Instant.now().plusSeconds(2));
        });

        await().atMost(Duration.ofMinutes(2))
                .until(() -> jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow().status == JobRecord.Status.DONE);
        JobRecord job = jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow();
        assertEquals(2, job.attempts, "the killed attempt and the one that finished");
        TrainingRun run = QuarkusTransaction.requiringNew().call(() -> TrainingRun.findById(runId));
        assertEquals(TrainingRun.Status.SUCCEEDED, run.status);
        assertNull(run.failureReason);
        assertEquals(1, registry.requestsForRun(runId).size(), "one model version for the snapshot");
        assertEquals(1, modelTrainedEvents(runId), "one ModelTrained for the run");
        // the second attempt trained from the start; its curve is the run's, the killed one's is kept apart
        assertEquals(2, run.attempt);
        List<Integer> curve = given().get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .body("attempt", everyItem(equalTo(2)))
                .extract()
                .jsonPath()
                .getList("epoch", Integer.class);
        assertEquals(run.epochs, curve.size());
        assertEquals(IntStream.rangeClosed(1, run.epochs).boxed().toList(), curve);
        given().queryParam("attempt", 1)
                .get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .body("epoch", contains(1, 2, 3))
                .body("attempt", everyItem(equalTo(1)));
    }

    /** Stores an epoch of attempt 1 as the trainer would have (call inside a transaction). */
    private static void storedEpoch(String runId, int epoch) {
        TrainingEpoch e = new TrainingEpoch();
        e.runId = runId;
        e.attempt = 1;
        e.seq = epoch;
        e.epoch = epoch;
        e.maxEpochs = 8;
        e.trainLoss = 1.0 / epoch;
        e.recordedAt = Instant.now();
        e.persist();
    }

    /**
     * A worker that lost the lease on its job (it stalled past the lease and another worker took the job over) stops
     * at the end of the epoch it is in: it records no progress, registers nothing and announces nothing, leaving the
     * run to the worker that holds the job now.
     */
    @Test
    void aRunWhoseLeaseIsLostStopsAtTheEndOfItsEpoch() {
        DataReady event = dataReady("vibration-lease");
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        // the job is held by another worker (so this process' runner leaves it alone); this test plays a worker
        // whose claim of it lapsed
        QuarkusTransaction.requiringNew().run(() -> {
            pipeline.queueForEvent(event);
            holdJob(runId, "training-service@other", Instant.now().plusSeconds(600));
        });
        JobRecord record = jobs.find(TrainingPipeline.JOB_KIND, runId).orElseThrow();
        // the renewal found the lease taken (JobRunner sets the flag); the trainer sees it after its first epoch
        Job claim = new Job(
                record.id,
                TrainingPipeline.JOB_KIND,
                runId,
                event.toByteArray(),
                1,
                3,
                "training-service@me",
                new AtomicBoolean(true));

        assertThrows(LeaseLostException.class, () -> pipeline.runJob(claim));
        TrainingRun run = QuarkusTransaction.requiringNew().call(() -> TrainingRun.findById(runId));
        assertNull(run.progressEpoch, "no epoch recorded over the new owner's run");
        assertEquals(
                0L,
                QuarkusTransaction.requiringNew().call(() -> TrainingEpoch.count("runId", runId)),
                "no epoch stored over the new owner's curve");
        assertNotEquals(TrainingRun.Status.SUCCEEDED, run.status);
        assertNotEquals(TrainingRun.Status.FAILED, run.status, "the run is the new owner's, not failed by this one");
        assertEquals(0, registry.requestsForRun(runId).size(), "nothing registered");
        assertEquals(0, modelTrainedEvents(runId), "nothing announced");
    }

    private DataReady dataReady(String dataset) {
        datasets.define(dataset, 1);
        return DataReady.newBuilder()
                .setMeta(Events.newMeta("data-service", "", ""))
                .setDatasetName(dataset)
                .setDatasetVersion(1)
                .setSnapshotId(dataset + "@v1")
                .setContentHash(FakeDatasetService.contentHash(dataset, 1))
                .setFeatureCount(8)
                .addAllClassLabels(SensorSimulator.LABELS)
                .build();
    }

    /** Marks the run's job RUNNING under {@code owner}'s lease until {@code until} (call inside a transaction). */
    private void holdJob(String runId, String owner, Instant until) {
        em.createQuery("update JobRecord set status = ?1, leaseOwner = ?2, leaseUntil = ?3, attempts = 1"
                        + " where kind = ?4 and jobKey = ?5")
                .setParameter(1, JobRecord.Status.RUNNING)
                .setParameter(2, owner)
                .setParameter(3, until)
                .setParameter(4, TrainingPipeline.JOB_KIND)
                .setParameter(5, runId)
                .executeUpdate();
    }

    private static long modelTrainedEvents(String runId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.<OutboxEvent>list("topic", Topics.MODEL_TRAINED).stream()
                        .map(o -> Events.parse(o.payload, ModelTrained.parser(), ModelTrained::getMeta))
                        .filter(e -> e.getTrainingRunId().equals(runId))
                        .count());
    }
}
