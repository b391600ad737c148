package io.edgeloop.data.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.data.config.DataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Content addressing of samples and the split planner of a data set.
 *
 * <p>Sample id = hex sha256 over {@code utf8(dataset) 0x00 float32-big-endian(features...) 0x00 utf8(label)}, with
 * {@code -0.0} normalised to {@code 0.0}. Splits are stratified per class ({@link SplitPlanner}) with the configured
 * percentages.
 */
@ApplicationScoped
public class SampleKeys {
    private final int trainPercent;
    private final int validationPercent;

    public SampleKeys(DataConfig config) {
        this.trainPercent = config.split().trainPercent();
        this.validationPercent = config.split().validationPercent();
        if (trainPercent < 0 || validationPercent < 0 || trainPercent + validationPercent > 100) {
            throw new IllegalStateException("edgeloop.data.split: train-percent (" + trainPercent
                    + ") and validation-percent (" + validationPercent + ") must be >= 0 and sum to <= 100");
        }
    }

    /** The content-addressed id of a sample. */
    public static String sampleId(String dataset, float[] features, String label) {
        MessageDigest md = Hashing.sha256();
        md.update(dataset.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        ByteBuffer buf = ByteBuffer.allocate(features.length * Float.BYTES);
        for (float f : features) {
            buf.putFloat(f + 0.0f); // -0.0 + 0.0 == +0.0
        }
        md.update(buf.array());
        md.update((byte) 0);
        md.update(label.getBytes(StandardCharsets.UTF_8));
        return Hashing.hex(md);
    }

    /**
     * The key of an upload's chunk in {@link DuplicateMode#KEEP}: a hash chained over the upload's content so far
     * (start with {@link #uploadStart}), so the same batch or file sent again yields the same keys, chunk by chunk.
     */
    public static byte[] chunkKey(byte[] previous, List<SampleCandidate> chunk) {
        MessageDigest md = Hashing.sha256();
        md.update(previous);
        ByteBuffer buf = ByteBuffer.allocate(Double.BYTES * 64);
        for (SampleCandidate c : chunk) {
            md.update((byte) 1);
            if (c.features() != null) {
                // the values' bytes in one update per 64 (the same digest as one update per value)
                for (Double v : c.features()) {
                    if (!buf.hasRemaining()) {
                        md.update(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putDouble(v == null ? Double.NaN : v + 0.0);
                }
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            md.update((byte) 0);
            if (!c.unparsable().isEmpty()) {
                c.unparsable().entrySet().stream()
                        .sorted(java.util.Map.Entry.comparingByKey())
                        .forEach(e -> md.update(
                                (e.getKey() + "=" + e.getValue() + "\u0000").getBytes(StandardCharsets.UTF_8)));
            }
            for (String s : new String[] {c.label(), c.source(), c.rejected()}) {
                md.update(s == null ? new byte[] {2} : (s + "\u0000").getBytes(StandardCharsets.UTF_8));
            }
        }
        return md.digest();
    }

    /** The chain's start for an upload to {@code dataset}. */
    public static byte[] uploadStart(String dataset) {
        return Hashing.sha256().digest(("upload\u0000" + dataset).getBytes(StandardCharsets.UTF_8));
    }

    /** The id of row {@code index} of the chunk with key {@code chunkKey} ({@link DuplicateMode#KEEP}). */
    public static String rowId(byte[] chunkKey, int index) {
        MessageDigest md = Hashing.sha256();
        md.update(chunkKey);
        md.update(ByteBuffer.allocate(Integer.BYTES).putInt(index).array());
        return Hashing.hex(md);
    }

    /**
     * The order key of a sample within a batch: its id computed without the data set's name, so the order (and so
     * the splits) do not depend on what the data set is called.
     */
    public static String contentKey(float[] features, String label) {
        return sampleId("", features, label);
    }

    /** A planner starting from {@code counts} ({@code [class][train, validation, test]}) with the configured shares. */
    public SplitPlanner planner(long[][] counts) {
        return new SplitPlanner(trainPercent, validationPercent, counts);
    }
}
