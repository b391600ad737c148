package io.edgeloop.monitoring.domain;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The most recent observed input rows of a model, assembled from the input samples of telemetry windows
 * ("chunks"), newest first, up to a capacity in rows. Pure logic over chunks loaded by the caller.
 */
public final class ObservationBuffer {
    private ObservationBuffer() {}

    /**
     * The input sample of one telemetry window.
     *
     * @param id increasing with arrival
     * @param deviceId reporting device
     * @param rows rows in {@code data}
     * @param featureCount values per row
     * @param data row-major values, {@code rows * featureCount} long
     */
    public record Chunk(long id, String deviceId, int rows, int featureCount, float[] data) {
        public Chunk {
            if (data.length != (long) rows * featureCount) {
                throw new IllegalArgumentException(
                        "chunk " + id + " has " + data.length + " values, not " + rows + " x " + featureCount);
            }
        }
    }

    /**
     * The newest rows of the buffer.
     *
     * @param columns values per feature, {@code columns[feature][row]}
     * @param rows rows selected
     * @param deviceIds devices whose rows were selected, sorted
     */
    public record Selection(double[][] columns, int rows, Set<String> deviceIds) {}

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
}
