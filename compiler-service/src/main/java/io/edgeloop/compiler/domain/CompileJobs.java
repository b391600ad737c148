package io.edgeloop.compiler.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobHandler;
import io.edgeloop.kit.jobs.PermanentJobFailure;
import io.edgeloop.proto.events.v1.ModelTrained;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Runs the durable {@code compile} jobs: the payload is the ModelTrained event that asked for the compilation. */
@ApplicationScoped
public class CompileJobs implements JobHandler {
    @Inject
    CompilationService compilations;

    @Override
    public String kind() {
        return CompilationService.JOB_KIND;
    }

    @Override
    public void run(Job job) {
        ModelTrained event;
        try {
            event = ModelTrained.parseFrom(job.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new PermanentJobFailure("job payload is not a ModelTrained event");
        }
        compilations.compile(CompileJob.fromEvent(event), job);
    }
}
