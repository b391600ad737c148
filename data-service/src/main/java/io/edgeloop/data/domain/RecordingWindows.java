package io.edgeloop.data.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a recording into windows of {@code length} values per axis, {@code stride} values apart, lazily (a chunk at a
 * time for {@link SampleIngestor#ingestAll}): window {@code w} starts at value {@code w * stride} and is flattened
 * axis-major. Only whole windows are cut (a tail shorter than a window is left out).
 */
final class RecordingWindows implements SampleIngestor.CandidateSource {
    private final float[][] axes;
    private final int length;
    private final int stride;
    private final String label;
    private final String source;
    private final int count;
    private int next;

    RecordingWindows(float[][] axes, int length, int stride, String label, String source) {
        this.axes = axes;
        this.length = length;
        this.stride = stride;
        this.label = label;
        this.source = source;
        this.count = count(axes[0].length, length, stride);
    }

    /** Whole windows of {@code length} values, {@code stride} apart, in {@code values} values (0 when too short). */
    static int count(long values, int length, int stride) {
        return values < length ? 0 : (int) Math.min(Integer.MAX_VALUE, (values - length) / stride + 1);
    }

    @Override
    public List<SampleCandidate> next(int max) {
        List<SampleCandidate> out = new ArrayList<>(Math.min(max, count - next));
        while (out.size() < max && next < count) {
            out.add(window(next++));
        }
        return out;
    }

    private SampleCandidate window(int w) {
        int start = w * stride;
        List<Double> values = new ArrayList<>(axes.length * length);
        for (float[] axis : axes) {
            for (int i = start; i < start + length; i++) {
                values.add((double) axis[i]);
            }
        }
        return new SampleCandidate(location(w, start), values, null, label, source, null);
    }

    /** Errors about a window name it: {@code windows[3]} (offset in the message). */
    private static SampleLocation location(int w, int start) {
        return SampleLocation.upload("windows[" + w + "]", "offset " + start + ": ");
    }
}
