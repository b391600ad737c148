package io.edgeloop.common.sketch;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * One KLL quantile sketch per input feature of a model, updated row by row: the telemetry form of a window's inputs
 * that leaves the device instead of the rows themselves. A sketch of {@code n} values answers ranks and quantiles
 * within a normalized rank error of about 1.65 / k^0.96 (1.3% at the default k = 200) and merges with other sketches of
 * the same feature with the same guarantee, whatever the order. Also the codec of one sketch's serialized form.
 *
 * <p>Not thread-safe.
 */
public final class FeatureSketches {
    /** The agents' default accuracy parameter: about 1.3% rank error, 0.3 to 3 KB per feature and window. */
    public static final int DEFAULT_K = 200;

    /** Smallest k accepted (KLL's own minimum). */
    public static final int MIN_K = 8;

    /** Largest k accepted here: beyond it a sketch is larger than the raw inputs of a typical window. */
    public static final int MAX_K = 4096;

    /** Largest serialized sketch {@link #read} accepts. */
    public static final int MAX_BYTES = 256 * 1024;

    private final KllFloatsSketch[] sketches;

    /**
     * @param featureCount input features, at least 1
     * @param k accuracy parameter, {@link #MIN_K} to {@link #MAX_K}
     */
    public FeatureSketches(int featureCount, int k) {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1, was " + featureCount);
        }
        checkK(k);
        sketches = new KllFloatsSketch[featureCount];
        for (int i = 0; i < featureCount; i++) {
            sketches[i] = KllFloatsSketch.newHeapInstance(k);
        }
    }

    /** Fails unless {@code k} is a valid accuracy parameter ({@link #MIN_K} to {@link #MAX_K}). */
    public static int checkK(int k) {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("sketch k must be " + MIN_K + " to " + MAX_K + ", was " + k);
        }
        return k;
    }

    /** Values per row. */
    public int featureCount() {
        return sketches.length;
    }

    /** Rows added so far. */
    public long count() {
        return sketches[0].getN();
    }

    /**
     * Adds one row; non-finite values are not sketched (KLL ignores NaN; infinities are skipped alike).
     *
     * @throws IllegalArgumentException when the row has another width
     */
    public void update(float[] row) {
        if (row.length != sketches.length) {
            throw new IllegalArgumentException("row has " + row.length + " values, not " + sketches.length);
        }
        for (int i = 0; i < row.length; i++) {
            if (Float.isFinite(row[i])) {
                sketches[i].update(row[i]);
            }
        }
    }

    /** The sketch of feature {@code index}, live (not a copy). */
    public KllFloatsSketch feature(int index) {
        return sketches[index];
    }

    /** Each feature's sketch in its compact serialized form, in feature order. */
    public List<byte[]> toBytes() {
        List<byte[]> out = new ArrayList<>(sketches.length);
        for (KllFloatsSketch s : sketches) {
            out.add(s.toByteArray());
        }
        return out;
    }

    /**
     * A sketch from its serialized form, on the heap.
     *
     * @throws InvalidSketchException when the bytes are empty, too large or not a KLL float sketch
     */
    public static KllFloatsSketch read(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidSketchException("is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw new InvalidSketchException("has " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        try {
            KllFloatsSketch sketch = KllFloatsSketch.heapify(Memory.wrap(bytes));
            if (!sketch.isEmpty() && !(Float.isFinite(sketch.getMinItem()) && Float.isFinite(sketch.getMaxItem()))) {
                throw new InvalidSketchException("holds non-finite values");
            }
            return sketch;
        } catch (SketchesException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new InvalidSketchException("is not a KLL float sketch");
        }
    }

    /** A new sketch (accuracy {@code k}) holding everything the given sketches hold. */
    public static KllFloatsSketch merge(int k, Iterable<KllFloatsSketch> parts) {
        KllFloatsSketch union = KllFloatsSketch.newHeapInstance(checkK(k));
        for (KllFloatsSketch part : parts) {
            union.merge(part);
        }
        return union;
    }

    /** Serialized bytes that are not a valid feature sketch; the message completes "the sketch ...". */
    public static final class InvalidSketchException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidSketchException(String why) {
            super(why);
        }
    }
}
