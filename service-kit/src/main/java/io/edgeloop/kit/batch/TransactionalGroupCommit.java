package io.edgeloop.kit.batch;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.List;
import java.util.function.Function;

/**
 * The services' way of starting a {@link GroupCommit}: each batch runs in a transaction of its own ({@code
 * QuarkusTransaction.requiringNew()}), and the settings come from a config group named in the error when they are
 * wrong. {@link GroupCommit} itself stays free of Quarkus.
 */
public final class TransactionalGroupCommit {
    private TransactionalGroupCommit() {}

    /**
     * Starts the committers.
     *
     * @param name names the committer threads and log lines
     * @param batch applies a batch in the caller's (new) transaction, one result per item in order
     * @param maxBatch most items per transaction
     * @param committers transactions applying batches at once
     * @param settings the settings' config prefix, for the error ({@code edgeloop.deployment.reports})
     * @throws IllegalStateException naming {@code settings} when a setting is out of range
     */
    public static <I, O> GroupCommit<I, O> start(
            String name, Function<List<I>, List<O>> batch, int maxBatch, int committers, String settings) {
        try {
            return GroupCommit.<I, O>builder(
                            name, items -> QuarkusTransaction.requiringNew().call(() -> batch.apply(items)))
                    .maxBatch(maxBatch)
                    .committers(committers)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid " + settings + " settings: " + e.getMessage(), e);
        }
    }
}
