package io.edgeloop.training.domain;

import io.edgeloop.training.persistence.TrainingEpoch;
import io.edgeloop.training.persistence.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The per-epoch history of training runs (their learning curves): stores every epoch the trainer reports, with the
 * job attempt that trained it, and follows a run's epochs live. A retried attempt starts training over, so its epochs
 * are kept apart; the run's current {@code attempt} names the curve shown.
 */
@ApplicationScoped
public class EpochHistory {
    /**
     * Epochs a stream may hold for a slow reader: an attempt has at most 3 trainings (a distilling run) of at most 1000
     * epochs each, all of which a new follower is sent at once.
     */
    private static final int STREAM_BUFFER = 4096;

    private final Map<String, List<Follower>> followers = new ConcurrentHashMap<>();

    /**
     * One stored epoch.
     *
     * @param attempt the job attempt that trained it, from 1
     * @param seq 1-based position among the attempt's epochs
     * @param phase {@code teacher}, {@code student-alone} or {@code student} in a distilling run, else null
     * @param epoch 1-based epoch of its training
     * @param maxEpochs that training's epoch limit
     * @param trainLoss mean train loss over the epoch's batches
     * @param validationLoss validation loss after the epoch; null where not computed
     * @param validationAccuracy validation accuracy after the epoch; null where not computed
     * @param learningRate learning rate of the epoch's last update; null when unknown
     * @param durationSeconds wall-clock time of the epoch; null when not measured
     * @param recordedAt when it was stored
     */
    public record RecordedEpoch(
            int attempt,
            int seq,
            String phase,
            int epoch,
            int maxEpochs,
            double trainLoss,
            Double validationLoss,
            Double validationAccuracy,
            Double learningRate,
            Double durationSeconds,
            Instant recordedAt) {

        static RecordedEpoch of(TrainingEpoch e) {
            return new RecordedEpoch(
                    e.attempt,
                    e.seq,
                    e.phase,
                    e.epoch,
                    e.maxEpochs,
                    e.trainLoss,
                    e.validationLoss,
                    e.validationAccuracy,
                    e.learningRate,
                    e.durationSeconds,
                    e.recordedAt);
        }

        /** Whether this epoch comes after {@code attempt}'s epoch {@code seq}. */
        boolean after(int attempt, int seq) {
            return this.attempt > attempt || (this.attempt == attempt && this.seq > seq);
        }
    }

    /**
     * Stores a finished epoch of attempt {@code attempt} (with its wall-clock {@code seconds}, NaN = not measured) and
     * the run's progress (its last epoch), in a transaction of its own, then sends it to the run's followers.
     */
    public RecordedEpoch record(String runId, int attempt, String phase, EpochStats stats, double seconds) {
        RecordedEpoch saved = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = TrainingRun.findById(runId);
            run.attempt = attempt;
            run.progressPhase = phase;
            run.progressEpoch = stats.epoch();
            run.maxEpochs = stats.maxEpochs();
            run.progressTrainLoss = stats.trainLoss();
            run.progressValidationLoss = stats.validationLoss();
            run.progressValidationAccuracy = stats.validationAccuracy();
            TrainingEpoch e = new TrainingEpoch();
            e.runId = runId;
            e.attempt = attempt;
            e.seq = TrainingEpoch.countOfAttempt(runId, attempt) + 1;
            e.phase = phase;
            e.epoch = stats.epoch();
            e.maxEpochs = stats.maxEpochs();
            e.trainLoss = stats.trainLoss();
            e.validationLoss = finite(stats.validationLoss());
            e.validationAccuracy = finite(stats.validationAccuracy());
            e.learningRate = finite(stats.learningRate());
            e.durationSeconds = finite(seconds);
            e.recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // as stored: live = read back
            e.persist();
            return RecordedEpoch.of(e);
        });
        for (Follower f : followers.getOrDefault(runId, List.of())) {
            f.offer(saved);
        }
        return saved;
    }

    /** Ends the streams of a run that finished (SUCCEEDED or FAILED for good). */
    public void ended(String runId) {
        List<Follower> list = followers.remove(runId);
        if (list != null) {
            list.forEach(Follower::end);
        }
    }

    /**
     * The epochs of a run's attempt ({@code attempt} null = the run's current attempt, else the latest with epochs),
     * in order; call in a transaction.
     */
    public static List<RecordedEpoch> epochs(TrainingRun run, Integer attempt) {
        int which = attempt != null ? attempt : run.attempt != null ? run.attempt : TrainingEpoch.latestAttempt(run.id);
        return TrainingEpoch.ofAttempt(run.id, which).stream()
                .map(RecordedEpoch::of)
                .toList();
    }

    /**
     * Follows a run's learning curve: the current attempt's epochs stored so far, then every epoch as it is stored
     * (a later attempt's epochs restart the curve: their {@code attempt} is higher); completes when the run ends.
     * Subscribing reads the database on a worker thread.
     */
    public Multi<RecordedEpoch> follow(String runId) {
        return Multi.createFrom()
                .<RecordedEpoch>emitter(
                        emitter -> {
                            Follower f = new Follower(emitter);
                            followers.compute(runId, (k, list) -> {
                                List<Follower> l = list == null ? new CopyOnWriteArrayList<>() : list;
                                l.add(f);
                                return l;
                            });
                            emitter.onTermination(() -> followers.computeIfPresent(runId, (k, list) -> {
                                list.remove(f);
                                return list.isEmpty() ? null : list;
                            }));
                            // registered first, then read: an epoch stored in between is both read and offered, sent
                            // once
                            Stored stored = QuarkusTransaction.requiringNew().call(() -> {
                                TrainingRun run = TrainingRun.findById(runId);
                                if (run == null) {
                                    return new Stored(List.of(), true);
                                }
                                boolean over = run.status == TrainingRun.Status.SUCCEEDED
                                        || run.status == TrainingRun.Status.FAILED;
                                return new Stored(epochs(run, null), over);
                            });
                            f.start(stored);
                        },
                        STREAM_BUFFER)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** What a new follower reads: the epochs so far and whether the run already ended. */
    private record Stored(List<RecordedEpoch> epochs, boolean ended) {}

    /** One stream: holds live epochs back until the stored ones are sent, and sends each epoch once, in order. */
    private static final class Follower {
        private final MultiEmitter<? super RecordedEpoch> emitter;
        private final List<RecordedEpoch> pending = new ArrayList<>();
        private boolean started;
        private boolean endedEarly;
        private int attempt;
        private int seq;

        Follower(MultiEmitter<? super RecordedEpoch> emitter) {
            this.emitter = emitter;
        }

        synchronized void start(Stored stored) {
            stored.epochs().forEach(this::send);
            started = true;
            pending.forEach(this::send);
            pending.clear();
            if (stored.ended() || endedEarly) {
                emitter.complete();
            }
        }

        synchronized void offer(RecordedEpoch e) {
            if (started) {
                send(e);
            } else {
                pending.add(e);
            }
        }

        synchronized void end() {
            if (started) {
                emitter.complete();
            } else {
                endedEarly = true;
            }
        }

        private void send(RecordedEpoch e) {
            if (e.after(attempt, seq)) {
                attempt = e.attempt();
                seq = e.seq();
                emitter.emit(e);
            }
        }
    }
}
