package io.edgeloop.data.domain;

import java.time.Instant;

/**
 * A recording as received, before it is resampled and cut into windows.
 *
 * @param format how it arrived: {@code json}, {@code csv} or {@code wav}
 * @param label class label of every window (null or empty: unlabeled)
 * @param source free-form origin of the windows (null: the format)
 * @param device the device that recorded it (optional)
 * @param startedAt when it started (optional)
 * @param sampleRateHz its sampling rate (null: the data set's)
 * @param stride values between the starts of two windows (null: the window length)
 * @param axes the values of each axis, in the data set's axis order, all of one length (float32)
 */
public record RecordingUpload(
        String format,
        String label,
        String source,
        String device,
        Instant startedAt,
        Double sampleRateHz,
        Integer stride,
        float[][] axes) {
    /** Values per axis. */
    public int length() {
        return axes.length == 0 ? 0 : axes[0].length;
    }
}
