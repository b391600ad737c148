package io.edgeloop.training.domain;

import io.edgeloop.kit.jobs.Job;
import io.edgeloop.kit.jobs.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Runs the durable {@code train} jobs (one per training run, from events and from the REST API). */
@ApplicationScoped
public class TrainingJobs implements JobHandler {
    @Inject
    TrainingPipeline pipeline;

    @Override
    public String kind() {
        return TrainingPipeline.JOB_KIND;
    }

    @Override
    public void run(Job job) throws InterruptedException {
        pipeline.runJob(job);
    }
}
