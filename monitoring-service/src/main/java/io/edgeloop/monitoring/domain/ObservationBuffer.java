package io.edgeloop.monitoring.domain;

import io.edgeloop.common.sketch.FeatureSketches;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllFloatsSketch;

/**
 * The most recent observed input rows of a model, assembled from the inputs of telemetry windows ("chunks": a raw
 * sample or per-feature sketches), newest first, up to a capacity in rows. Pure logic over chunks loaded by the
 * caller.
 */
public final class ObservationBuffer {
    private ObservationBuffer() {}

    /**
     * The inputs of one telemetry window: a sample of raw rows, or one quantile sketch per feature over all of them.
     *
     * @param id increasing with arrival
     * @param deviceId reporting device
     * @param rows rows in {@code data}, or the values each sketch summarizes
     * @param featureCount values per row
     * @param data row-major values, {@code rows * featureCount} long; empty for a sketch chunk
     * @param sketches one sketch per feature, or null for a chunk of raw rows
     */
    public record Chunk(
            long id, String deviceId, int rows, int featureCount, float[] data, List<KllFloatsSketch> sketches) {
        public Chunk {
            if (sketches == null && data.length != (long) rows * featureCount) {
                throw new IllegalArgumentException(
                        "chunk " + id + " has " + data.length + " values, not " + rows + " x " + featureCount);
            }
            if (sketches != null && sketches.size() != featureCount) {
                throw new IllegalArgumentException(
                        "chunk " + id + " has " + sketches.size() + " sketches, not " + featureCount);
            }
        }

        /** A chunk of raw rows. */
        public Chunk(long id, String deviceId, int rows, int featureCount, float[] data) {
            this(id, deviceId, rows, featureCount, data, null);
        }
    }

    /**
     * The newest rows of the buffer: raw values when every chunk used holds raw rows, otherwise one merged sketch per
     * feature (raw rows of the older agents that still send them are added to it).
     *
     * @param columns values per feature, {@code columns[feature][row]}; null when {@code sketches} is set
     * @param sketches per feature, every selected input; null when {@code columns} is set
     * @param rows rows selected
     * @param deviceIds devices whose rows were selected, sorted
     */
    public record Selection(double[][] columns, KllFloatsSketch[] sketches, int rows, Set<String> deviceIds) {
        /** Raw rows. */
        public Selection(double[][] columns, int rows, Set<String> deviceIds) {
            this(columns, null, rows, deviceIds);
        }

        /** Whether the selection is sketched. */
        public boolean sketched() {
            return sketches != null;
        }
    }

    /**
     * Id of the oldest chunk that still contributes to a buffer of {@code capacity} rows, given chunk sizes newest
     * first: chunks older than it can be deleted. Returns {@code Long.MIN_VALUE} when every chunk is needed.
     *
     * @param idsNewestFirst chunk ids, newest first
     * @param rowsNewestFirst their row counts
     */
    public static long oldestNeeded(List<Long> idsNewestFirst, List<Integer> rowsNewestFirst, int capacity) {
        long total = 0;
        for (int i = 0; i < idsNewestFirst.size(); i++) {
            total += rowsNewestFirst.get(i);
            if (total >= capacity) {
                return idsNewestFirst.get(i);
            }
        }
        return Long.MIN_VALUE;
    }

    /**
     * Selects the newest {@code capacity} rows with {@code featureCount} features (chunks with another width are
     * skipped); from the oldest chunk used only its newest rows are taken. Rows come out oldest first.
     *
     * @param newestFirst chunks, newest first
     */
    public static Selection select(List<Chunk> newestFirst, int featureCount, int capacity) {
        if (newestFirst.stream().anyMatch(c -> c.sketches() != null && c.featureCount() == featureCount)) {
            return merge(newestFirst, featureCount, capacity);
        }
        int total = 0;
        int used = 0;
        for (Chunk c : newestFirst) {
            if (total >= capacity) {
                break;
            }
            if (c.featureCount() == featureCount) {
                total += Math.min(c.rows(), capacity - total);
            }
            used++;
        }
        double[][] columns = new double[featureCount][total];
        Set<String> devices = new TreeSet<>();
        int pos = total;
        int remaining = total;
        for (int i = 0; i < used && remaining > 0; i++) {
            Chunk c = newestFirst.get(i);
            if (c.featureCount() != featureCount || c.rows() == 0) {
                continue;
            }
            int take = Math.min(c.rows(), remaining);
            int firstRow = c.rows() - take; // newest rows of the chunk are its last ones
            pos -= take;
            for (int r = 0; r < take; r++) {
                int base = (firstRow + r) * featureCount;
                for (int f = 0; f < featureCount; f++) {
                    columns[f][pos + r] = c.data()[base + f];
                }
            }
            remaining -= take;
            devices.add(c.deviceId());
        }
        return new Selection(columns, total, devices);
    }

    /**
     * The sketch form of {@link #select}: whole chunks, newest first, until {@code capacity} rows are reached (the
     * oldest chunk used counts whole, so the selection can exceed the capacity by less than one window).
     */
    private static Selection merge(List<Chunk> newestFirst, int featureCount, int capacity) {
        KllFloatsSketch[] merged = new KllFloatsSketch[featureCount];
        for (int f = 0; f < featureCount; f++) {
            merged[f] = KllFloatsSketch.newHeapInstance(FeatureSketches.DEFAULT_K);
        }
        Set<String> devices = new TreeSet<>();
        int total = 0;
        for (Chunk c : newestFirst) {
            if (total >= capacity) {
                break;
            }
            if (c.featureCount() != featureCount || c.rows() == 0) {
                continue;
            }
            for (int f = 0; f < featureCount; f++) {
                if (c.sketches() != null) {
                    merged[f].merge(c.sketches().get(f));
                } else {
                    for (int r = 0; r < c.rows(); r++) {
                        merged[f].update(c.data()[r * featureCount + f]);
                    }
                }
            }
            total += c.rows();
            devices.add(c.deviceId());
        }
        return new Selection(null, merged, total, devices);
    }
}
