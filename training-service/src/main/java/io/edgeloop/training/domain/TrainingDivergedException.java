package io.edgeloop.training.domain;

/**
 * Training diverged: an epoch's train loss was not a finite number (NaN or infinite), so every later weight update is
 * meaningless. Raised at the end of that epoch instead of returning the network as it was before training (what early
 * stopping on a NaN validation loss would otherwise keep); the run fails with this message.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int epoch;

    /**
     * @param epoch the 1-based epoch whose loss was not finite
     * @param loss that loss
     * @param learningRate the spec's initial learning rate
     */
    public TrainingDivergedException(int epoch, double loss, double learningRate) {
        super("training diverged in epoch " + epoch + ": the train loss is " + loss + "; lower learningRate ("
                + learningRate + "), or try another normalization or batchSize");
        this.epoch = epoch;
    }

    /** The 1-based epoch whose loss was not finite. */
    public int epoch() {
        return epoch;
    }
}
