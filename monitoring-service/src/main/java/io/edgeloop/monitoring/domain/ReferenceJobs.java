package io.edgeloop.monitoring.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobHandler;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.kit.jobs.PermanentJobFailure;
import io.edgeloop.monitoring.grpc.SnapshotProfiler;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import io.edgeloop.proto.events.v1.DataReady;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Runs the durable {@code reference-profile} jobs: profiles a snapshot's TRAIN split (the job's payload is its
 * DataReady) and stores the drift reference together with the job's completion. A snapshot with a stored profile
 * completes at once; an empty or inconsistent split fails for good; data-service unavailable is retried.
 */
@ApplicationScoped
public class ReferenceJobs implements JobHandler {
    /** The job kind. */
    public static final String KIND = "reference-profile";

    private static final Logger LOG = Logger.getLogger(ReferenceJobs.class);

    @Inject
    SnapshotProfiler profiler;

    @Inject
    ReferenceStore references;

    @Inject
    Jobs jobs;

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job) {
        DataReady event;
        try {
            event = DataReady.parseFrom(job.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new PermanentJobFailure("job payload is not a DataReady event");
        }
        if (references.find(event.getSnapshotId()).isPresent()) {
            return;
        }
        ReferenceProfile profile;
        try {
            profile = profiler.profile(
                    event.getDatasetName(),
                    event.getDatasetVersion(),
                    event.getSnapshotId(),
                    event.getFeatureCount(),
                    event.getFeatureKindsList());
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND
                    || code == Status.Code.INVALID_ARGUMENT
                    || code == Status.Code.FAILED_PRECONDITION) {
                throw new PermanentJobFailure("data-service refused " + event.getSnapshotId() + ": " + code, e);
            }
            throw e;
        } catch (IllegalStateException e) {
            throw new PermanentJobFailure(e.getMessage(), e);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            jobs.complete(job);
            if (references.save(profile, event.getMeta().getEventId(), event.getTrigger())) {
                LOG.infof(
                        "reference profile %s stored (%d features, %d TRAIN rows, sample %d)",
                        profile.snapshotId(), profile.featureCount(), profile.trainCount(), profile.sampleSize());
            }
        });
    }
}
