package io.edgeloop.data.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.RecordingStore;
import io.edgeloop.data.persistence.RecordingStore.RecordingRow;
import io.edgeloop.data.persistence.RecordingStore.WindowRow;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Imports recordings into {@code timeseries} data sets: resamples a recording to the data set's rate
 * ({@link Resampler}), cuts it into windows ({@link RecordingWindows}) stored as samples of the recording's label and
 * source (through {@link SampleIngestor}, in one transaction with the {@code recording} row: all or nothing), and
 * lists the stored recordings. The same recording sent again (same values, rate, label, source, device, start and
 * stride) stores nothing.
 */
@ApplicationScoped
public class RecordingImporter {
    private static final Logger LOG = Logger.getLogger(RecordingImporter.class);

    /** Source of windows whose recording names none. */
    public static final String DEFAULT_SOURCE = "recording";

    /** Longest {@code device}. */
    public static final int MAX_DEVICE_LENGTH = 200;

    @Inject
    SampleStore samples;

    @Inject
    RecordingStore recordings;

    @Inject
    SampleIngestor ingestor;

    @Inject
    DatasetCatalog catalog;

    @Inject
    DataConfig config;

    /**
     * Outcome of an import.
     *
     * @param recording the stored recording (the earlier one when this was sent before)
     * @param created false when the same recording was stored already (nothing stored now)
     * @param accepted windows stored as new samples
     * @param duplicates windows not stored because they were stored already
     */
    public record Imported(RecordingRow recording, boolean created, long accepted, long duplicates) {}

    /** A page of recordings; {@code next} is the {@code after} of the next page, null on the last. */
    public record Page(List<RecordingRow> recordings, String next) {}

    /** A recording and its live windows, by offset. */
    public record Detail(RecordingRow recording, List<WindowRow> windows) {}

    /** The layout of a live time-series data set (404 unknown, 422 not a time series). */
    @Transactional
    public TimeseriesLayout layout(String dataset) {
        return TimeseriesLayout.of(catalog.require(dataset));
    }

    /**
     * Resamples, windows and stores one recording.
     *
     * @param who the caller's principal name
     * @throws ApiException 404 unknown data set; 422 naming the field (not a time series, wrong axes, unknown label,
     *     too short for one window, bad stride, too many windows); 413 longer than {@code recording.max-length}
     */
    @Transactional
    public Imported importRecording(String dataset, RecordingUpload upload, String who) {
        return importRecording(dataset, upload, who, null);
    }

    /** As {@link #importRecording(String, RecordingUpload, String)}, telling {@code progress} (may be null) the windows. */
    @Transactional
    public Imported importRecording(
            String dataset, RecordingUpload upload, String who, SampleIngestor.ProgressSink progress) {
        DatasetNames.require(dataset);
        DatasetEntity ds =
                samples.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        TimeseriesLayout layout = TimeseriesLayout.of(ds);
        checkUpload(ds, layout, upload);
        Double from = upload.sampleRateHz() != null ? upload.sampleRateHz() : ds.sampleRateHz;
        Double to = ds.sampleRateHz != null ? ds.sampleRateHz : from;
        float[][] signal = resample(upload.axes(), from, to);
        int stride = upload.stride() == null ? layout.length() : upload.stride();
        int windows = RecordingWindows.count(signal[0].length, layout.length(), stride);
        if (windows == 0) {
            throw invalid(
                    "axes",
                    "the recording has " + signal[0].length + " values per axis"
                            + (java.util.Objects.equals(from, to) ? "" : " at " + to + " Hz")
                            + ", fewer than one window of " + layout.length());
        }
        if (windows > config.recording().maxWindows()) {
            throw invalid(
                    "stride",
                    "stride " + stride + " cuts " + windows + " windows, more than "
                            + config.recording().maxWindows() + " (edgeloop.data.recording.max-windows)");
        }
        byte[] hash = contentHash(ds.name, upload, stride);
        String hex = HexFormat.of().formatHex(hash);
        Optional<RecordingRow> earlier = recordings.byContent(ds.name, hex);
        if (earlier.isPresent()) {
            long id = earlier.get().id();
            int restored = recordings.restore(id);
            if (restored >= 0) {
                LOG.infof("dataset %s: deleted recording %d sent again, %d windows restored", ds.name, id, restored);
                return new Imported(recordings.get(ds.name, id).orElseThrow(), true, restored, 0);
            }
            LOG.debugf("dataset %s: recording %d sent again, nothing stored", ds.name, id);
            return new Imported(earlier.get(), false, 0, earlier.get().windowCount());
        }
        String label = upload.label() == null || upload.label().isEmpty() ? null : upload.label();
        String source = upload.source() == null || upload.source().isBlank() ? DEFAULT_SOURCE : upload.source();
        long id = recordings.insert(
                new RecordingRow(
                        0,
                        ds.name,
                        label,
                        source,
                        upload.device(),
                        upload.startedAt(),
                        to,
                        from,
                        signal[0].length,
                        stride,
                        windows,
                        upload.format(),
                        who,
                        Instant.now().truncatedTo(ChronoUnit.MICROS)),
                hex);
        SampleIngestor.ImportResult r = ingestor.ingestAll(
                ds.name,
                new RecordingWindows(signal, layout.length(), stride, label, source),
                false,
                new SampleIngestor.RecordingLink(id, hash, stride),
                progress);
        LOG.infof("dataset %s: recording %d, %d windows, %d stored", ds.name, id, windows, r.accepted());
        return new Imported(recordings.get(ds.name, id).orElseThrow(), true, r.accepted(), r.duplicates());
    }

    /**
     * Deletes a recording of a live data set and its windows (soft: snapshots that hold them keep serving them; the
     * same recording sent again restores them); returns how many windows were deleted. 404 unknown or deleted.
     */
    @Transactional
    public int delete(String dataset, long id, String who) {
        catalog.require(dataset);
        samples.lockDataset(dataset); // one at a time with imports and snapshots of the data set
        if (recordings.get(dataset, id).isEmpty()) {
            throw ApiException.notFound("no recording " + id + " in dataset '" + dataset + "'");
        }
        int windows = recordings.delete(id, Instant.now().truncatedTo(ChronoUnit.MICROS), who);
        LOG.infof("dataset %s: recording %d deleted by %s with %d windows", dataset, id, who, windows);
        return windows;
    }

    /** Recordings of a live data set by id, a page at a time ({@code after}: the previous page's {@code next}). */
    @Transactional
    public Page page(String dataset, long after, int limit) {
        catalog.require(dataset);
        List<RecordingRow> rows = new ArrayList<>(recordings.page(dataset, after, limit + 1));
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = String.valueOf(rows.get(limit - 1).id());
        }
        return new Page(rows, next);
    }

    /** A recording of a live data set with its windows; 404 unknown. */
    @Transactional
    public Detail get(String dataset, long id) {
        catalog.require(dataset);
        RecordingRow row = recordings
                .get(dataset, id)
                .orElseThrow(() -> ApiException.notFound("no recording " + id + " in dataset '" + dataset + "'"));
        return new Detail(row, recordings.windows(id));
    }

    private void checkUpload(DatasetEntity ds, TimeseriesLayout layout, RecordingUpload upload) {
        List<FieldError> errors = new ArrayList<>();
        if (upload.axes().length != layout.axes().size()) {
            errors.add(new FieldError(
                    "axes",
                    "expected " + layout.axes().size() + " axes " + layout.axes() + ", got " + upload.axes().length));
        }
        String label = upload.label();
        if (label != null && !label.isEmpty() && !List.of(ds.labels).contains(label)) {
            errors.add(new FieldError(
                    "label", "unknown label '" + label + "' (known: " + String.join(", ", ds.labels) + ")"));
        }
        if (upload.source() != null && upload.source().length() > SampleValidator.MAX_SOURCE_LENGTH) {
            errors.add(new FieldError("source", "longer than " + SampleValidator.MAX_SOURCE_LENGTH + " characters"));
        }
        if (upload.device() != null && upload.device().length() > MAX_DEVICE_LENGTH) {
            errors.add(new FieldError("device", "longer than " + MAX_DEVICE_LENGTH + " characters"));
        }
        if (upload.stride() != null
                && (upload.stride() < 1 || upload.stride() > config.recording().maxLength())) {
            errors.add(new FieldError(
                    "stride", "must be 1 to " + config.recording().maxLength()));
        }
        Double rate = upload.sampleRateHz();
        if (rate != null && (!Double.isFinite(rate) || rate <= 0 || rate > DatasetCatalog.MAX_SAMPLE_RATE_HZ)) {
            errors.add(new FieldError("sampleRateHz", "must be > 0 and at most " + DatasetCatalog.MAX_SAMPLE_RATE_HZ));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid recording", errors);
        }
    }

    /** Each axis at {@code to} Hz (as is when a rate is unknown or both are equal); 413 when that is too long. */
    private float[][] resample(float[][] axes, Double from, Double to) {
        if (from == null || to == null || from.equals(to)) {
            return axes;
        }
        long length = Resampler.resampledLength(axes[0].length, from, to);
        if (length > config.recording().maxLength()) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    "the recording resampled from " + from + " to " + to + " Hz has " + length
                            + " values per axis, more than "
                            + config.recording().maxLength()
                            + " (edgeloop.data.recording.max-length)",
                    List.of(new FieldError(
                            "axes", "longer than " + config.recording().maxLength() + " values")));
        }
        float[][] out = new float[axes.length][];
        for (int a = 0; a < axes.length; a++) {
            out[a] = Resampler.resample(axes[a], from, to);
        }
        return out;
    }

    /** What makes a recording the same upload: data set, metadata, stride and every value as sent. */
    private static byte[] contentHash(String dataset, RecordingUpload u, int stride) {
        MessageDigest md = Hashing.sha256();
        String meta = String.join(
                "\u0000",
                "recording",
                dataset,
                String.valueOf(u.label()),
                String.valueOf(u.source()),
                String.valueOf(u.device()),
                String.valueOf(u.startedAt()),
                String.valueOf(u.sampleRateHz()),
                String.valueOf(stride),
                String.valueOf(u.axes().length));
        md.update(meta.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (float[] axis : u.axes()) {
            md.update((byte) 0);
            for (float v : axis) {
                if (buf.remaining() < Float.BYTES) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v + 0.0f);
            }
            md.update(buf.array(), 0, buf.position());
            buf.clear();
        }
        return md.digest();
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.invalid("invalid recording: " + message, List.of(new FieldError(field, message)));
    }
}
