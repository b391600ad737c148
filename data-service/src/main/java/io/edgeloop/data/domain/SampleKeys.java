package io.edgeloop.data.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.data.config.DataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Content addressing and deterministic split assignment of samples.
 *
 * <p>Sample id = hex sha256 over {@code utf8(dataset) 0x00 float32-big-endian(features...) 0x00 utf8(label)}, with
 * {@code -0.0} normalised to {@code 0.0}. Split = first 8 bytes of the id as an unsigned number, mod 100, compared
 * with the configured percentages.
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

    /** The bucket (0..99) of a sample id: its first 8 bytes as an unsigned number, mod 100. */
    public static int bucket(String sampleId) {
        byte[] bytes = HexFormat.of().parseHex(sampleId, 0, 16);
        long value = ByteBuffer.wrap(bytes).getLong();
        return (int) Long.remainderUnsigned(value, 100);
    }

    /** The split of a sample id under the configured percentages. */
    public Split splitOf(String sampleId) {
        int bucket = bucket(sampleId);
        if (bucket < trainPercent) {
            return Split.TRAIN;
        }
        if (bucket < trainPercent + validationPercent) {
            return Split.VALIDATION;
        }
        return Split.TEST;
    }
}
