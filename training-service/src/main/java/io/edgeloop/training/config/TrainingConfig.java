package io.edgeloop.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the training service ({@code edgeloop.training.*}). */
@ConfigMapping(prefix = "edgeloop.training")
public interface TrainingConfig {
    /** Upper bound on epochs per run. */
    @WithDefault("30")
    int maxEpochs();

    /** Epochs without a lower validation loss before a run stops early. */
    @WithDefault("5")
    int patience();

    /** Samples per mini-batch. */
    @WithDefault("32")
    int batchSize();

    /** Width of each of the two hidden layers of the default MLP. */
    @WithDefault("32")
    int hiddenUnits();

    /** Initial learning rate. */
    @WithDefault("0.01")
    float learningRate();

    /** Seed of weight initialization and shuffling. */
    @WithDefault("42")
    int seed();

    /** Default optimizer: {@code adam} or {@code sgd} (momentum 0.9). */
    @WithDefault("adam")
    String optimizer();

    /** Learning-rate schedule: {@code cosine} (decay to 1% over max-epochs) or {@code constant}. */
    @WithDefault("cosine")
    String lrSchedule();

    /** Epoch limit of each candidate of an architecture search. */
    @WithDefault("8")
    int searchMaxEpochs();

    /** Single-sample forward passes timed per search candidate (host latency, median). */
    @WithDefault("50")
    int searchLatencyRuns();

    /** Samples per message requested from data-service. */
    @WithDefault("512")
    int fetchBatchSize();

    /** Deadline of each gRPC call (the whole stream for streaming calls). */
    @WithDefault("60s")
    Duration grpcDeadline();

    /** Retries of transient gRPC failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED). */
    @WithDefault("5")
    int grpcMaxRetries();

    /** First retry delay; doubles per attempt up to {@link #grpcRetryMaxDelay()}. */
    @WithDefault("200ms")
    Duration grpcRetryDelay();

    /** Largest retry delay. */
    @WithDefault("5s")
    Duration grpcRetryMaxDelay();
}
