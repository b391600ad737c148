package io.edgeloop.data.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.ImportProgress;
import io.edgeloop.data.domain.IngestLog;
import io.edgeloop.data.domain.RecordingImporter;
import io.edgeloop.data.domain.RecordingUpload;
import io.edgeloop.data.domain.TimeseriesLayout;
import io.edgeloop.data.persistence.RecordingStore.RecordingRow;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.StrictJson;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * REST API over recordings of {@code timeseries} data sets: import one recording (JSON, CSV or WAV), cut into
 * windows stored as samples; list and read the stored recordings.
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class RecordingResource {
    @Inject
    RecordingImporter importer;

    @Inject
    DataConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    SecurityIdentity identity;

    @Inject
    IngestLog ingestLog;

    @Inject
    ImportProgress imports;

    @ConfigProperty(name = StrictJson.MAX_STRING_LENGTH_KEY, defaultValue = "65536")
    int maxStringLength;

    /**
     * A stored recording.
     *
     * @param sampleRateHz rate of its windows (the data set's when it declares one), null when unknown
     * @param originalSampleRateHz rate it was sent at, null when unknown
     * @param length values per axis (after resampling)
     * @param stride values between the starts of two windows
     */
    public record RecordingView(
            long id,
            String datasetName,
            String label,
            String source,
            String device,
            Instant startedAt,
            Double sampleRateHz,
            Double originalSampleRateHz,
            int length,
            int stride,
            int windowCount,
            String format,
            String createdBy,
            Instant createdAt) {
        static RecordingView of(RecordingRow r) {
            return new RecordingView(
                    r.id(),
                    r.dataset(),
                    r.label(),
                    r.source(),
                    r.device(),
                    r.startedAt(),
                    r.sampleRateHz(),
                    r.originalRateHz(),
                    r.length(),
                    r.stride(),
                    r.windowCount(),
                    r.format(),
                    r.createdBy(),
                    r.createdAt());
        }
    }

    /**
     * Outcome of an import: the recording, windows stored and windows already stored, and the import's id ({@code
     * GET /datasets/{name}/imports/{importId}}).
     */
    public record ImportResponse(RecordingView recording, long accepted, long duplicates, String importId) {}

    /** A window of a recording: its offset in the (resampled) recording and its sample. */
    public record WindowView(int offset, String sampleId) {}

    /** A recording with its live windows, by offset. */
    public record RecordingDetail(RecordingView recording, List<WindowView> windows) {}

    /** A page of recordings; {@code next} is the {@code after} of the next page, null on the last. */
    public record RecordingPage(List<RecordingView> recordings, String next) {}

    /**
     * Imports one recording into a timeseries data set: {@code application/json} ({@code {"label","source","device",
     * "startedAt","sampleRateHz","axes":{"accX":[...],...}}}), {@code text/csv} (a column per axis, optional
     * timestamp column; query {@code delimiter}, {@code axis} (repeated), {@code timestamp}, {@code unmapped} and
     * the metadata {@code label}, {@code source}, {@code device}, {@code startedAt}, {@code sampleRateHz}) or {@code
     * audio/wav} (one-axis data sets; query {@code label}, {@code source}, {@code device}, {@code startedAt}).
     * Query {@code stride} for every format. 201 new, 200 the same recording was stored before (nothing stored).
     */
    @POST
    @Path("/{name}/recordings")
    @Consumes({MediaType.APPLICATION_JSON, "text/csv", "audio/wav", "audio/x-wav", "audio/wave"})
    @RolesAllowed(Roles.DATA)
    public Response importRecording(
            @PathParam("name") String name,
            @QueryParam("stride") String stride,
            @QueryParam("label") String label,
            @QueryParam("source") String source,
            @QueryParam("device") String device,
            @QueryParam("startedAt") String startedAt,
            @QueryParam("sampleRateHz") String sampleRateHz,
            @QueryParam("delimiter") String delimiter,
            @QueryParam("axis") List<String> axisColumns,
            @QueryParam("timestamp") String timestamp,
            @QueryParam("unmapped") String unmapped,
            @QueryParam("timestampUnit") String timestampUnit,
            @QueryParam("importId") String importId,
            @HeaderParam("Content-Type") String contentType,
            InputStream body)
            throws IOException {
        MediaType type = MediaType.valueOf(contentType == null ? MediaType.APPLICATION_JSON : contentType);
        String format = type.getSubtype().toLowerCase(Locale.ROOT).contains("json")
                ? "json"
                : type.getType().equalsIgnoreCase("text") ? "csv" : "wav";
        String from = source == null || source.isBlank() ? RecordingImporter.DEFAULT_SOURCE : source;
        ImportProgress.Tracker progress =
                imports.start(name, "recording-" + format, Caller.subject(identity), importId);
        RecordingQuery query = new RecordingQuery(
                stride,
                label,
                source,
                device,
                startedAt,
                sampleRateHz,
                delimiter,
                axisColumns,
                timestamp,
                unmapped,
                timestampUnit,
                contentType);
        RecordingImporter.Imported r = ImportProgress.tracked(
                progress,
                () -> ingestLog.logged(
                        new IngestLog.Request(name, Caller.subject(identity), "recording-" + format, from),
                        () -> importer.importRecording(
                                name,
                                upload(name, format, query, progress.counting(body)),
                                Caller.subject(identity),
                                progress),
                        i -> new IngestLog.Outcome(
                                i.created() ? 201 : 200,
                                i.accepted() + i.duplicates(),
                                i.accepted(),
                                i.duplicates(),
                                0,
                                List.of(),
                                null)),
                i -> new ImportProgress.Done(
                        i.created() ? 201 : 200, i.accepted() + i.duplicates(), i.accepted(), i.duplicates(), 0));
        ImportResponse entity =
                new ImportResponse(RecordingView.of(r.recording()), r.accepted(), r.duplicates(), progress.id());
        if (r.created()) {
            return Response.created(URI.create(
                            "/datasets/" + name + "/recordings/" + r.recording().id()))
                    .entity(entity)
                    .build();
        }
        return Response.ok(entity).build();
    }

    /** The query parameters and content type of a recording import. */
    private record RecordingQuery(
            String stride,
            String label,
            String source,
            String device,
            String startedAt,
            String sampleRateHz,
            String delimiter,
            List<String> axisColumns,
            String timestamp,
            String unmapped,
            String timestampUnit,
            String contentType) {}

    /** Reads the recording in its {@code format} ({@code json}, {@code csv}, {@code wav}); 422 naming bad input. */
    private RecordingUpload upload(String name, String format, RecordingQuery p, InputStream body) throws IOException {
        TimeseriesLayout layout = importer.layout(name); // 404 / 422 before reading the body
        QueryParams q = new QueryParams();
        Integer windowStride = q.integer("stride", p.stride());
        if (format.equals("json")) {
            q.done();
            return new RecordingJsonReader(
                            json, layout.axes(), config.recording().maxLength(), maxStringLength)
                    .read(body, windowStride);
        }
        if (format.equals("csv")) {
            RecordingCsvReader.Mapping mapping = q.csvMapping(
                    p.delimiter(), p.axisColumns(), p.timestamp(), p.timestampUnit(), p.unmapped(), layout);
            Double rate = q.decimal("sampleRateHz", p.sampleRateHz());
            Instant started = q.instant("startedAt", p.startedAt());
            q.done();
            RecordingCsvReader.Read csv = new RecordingCsvReader(
                            layout.axes(), config.recording().maxLength())
                    .read(body, DatasetResource.charset(p.contentType()), mapping);
            rate = rate != null ? rate : timestampRate(csv.timestampRateHz(), layout.sampleRateHz());
            return new RecordingUpload(
                    "csv", p.label(), p.source(), p.device(), started, rate, windowStride, csv.axes());
        }
        return wav(
                layout,
                q,
                body,
                new RecordingUpload("wav", p.label(), p.source(), p.device(), null, null, windowStride, null),
                p.startedAt(),
                p.sampleRateHz());
    }

    /** A WAV recording: {@code meta} with the file's mono values and rate ({@code sampleRateHz} may not be given). */
    private RecordingUpload wav(
            TimeseriesLayout layout,
            QueryParams q,
            InputStream body,
            RecordingUpload meta,
            String startedAt,
            String rate) {
        Instant started = q.instant("startedAt", startedAt);
        if (layout.axes().size() != 1) {
            q.add("sampleShape", "audio goes into a data set of one axis; this one has " + layout.axes());
        }
        if (rate != null) {
            q.add("sampleRateHz", "a WAV file carries its own sampling rate");
        }
        q.done();
        WavDecoder.Audio audio = WavDecoder.decode(body, config.recording().maxLength());
        return new RecordingUpload(
                "wav",
                meta.label(),
                meta.source(),
                meta.device(),
                started,
                audio.sampleRateHz(),
                meta.stride(),
                new float[][] {audio.values()});
    }

    /**
     * Recordings of a data set by id, a page at a time: {@code limit} (default {@code recording.default-page-size},
     * at most {@code recording.max-page-size}), {@code after} (the previous page's {@code next}). 422 naming a bad
     * query parameter, 404 unknown data set.
     */
    @GET
    @Path("/{name}/recordings")
    public RecordingPage list(
            @PathParam("name") String name, @QueryParam("limit") String limit, @QueryParam("after") String after) {
        QueryParams q = new QueryParams();
        int max = config.recording().maxPageSize();
        Integer size = q.integer("limit", limit);
        Long from = q.longInteger("after", after);
        if (size != null && (size < 1 || size > max)) {
            q.add("limit", "must be 1 to " + max + ", got " + size);
        }
        if (from != null && from < 0) {
            q.add("after", "must be a recording id (the previous page's next)");
        }
        q.done();
        RecordingImporter.Page page = importer.page(
                name,
                from == null ? 0 : from,
                size == null ? Math.min(config.recording().defaultPageSize(), max) : size);
        return new RecordingPage(
                page.recordings().stream().map(RecordingView::of).toList(), page.next());
    }

    /** A recording with its windows (offset and sample id, by offset); 404 unknown data set or recording. */
    @GET
    @Path("/{name}/recordings/{id}")
    public RecordingDetail get(@PathParam("name") String name, @PathParam("id") String id) {
        RecordingImporter.Detail d = importer.get(name, recordingId(id));
        return new RecordingDetail(
                RecordingView.of(d.recording()),
                d.windows().stream()
                        .map(w -> new WindowView(w.offset(), w.sampleId()))
                        .toList());
    }

    /** What a recording's deletion removed: its windows (samples) that were live. */
    public record DeletedRecording(long recording, int windowsDeleted) {}

    /**
     * Deletes a recording and its windows: 200 with the number of windows deleted. Soft: snapshots that hold them
     * keep serving them, and sending the same recording again restores it with those windows. 404 unknown data set,
     * unknown or already deleted recording.
     */
    @DELETE
    @Path("/{name}/recordings/{id}")
    @RolesAllowed(Roles.DATA)
    public DeletedRecording delete(@PathParam("name") String name, @PathParam("id") String id) {
        long recordingId = recordingId(id);
        return new DeletedRecording(recordingId, importer.delete(name, recordingId, Caller.subject(identity)));
    }

    private static long recordingId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no recording '" + id + "'");
        }
    }

    /** Relative difference within which a rate implied by timestamps is taken as the data set's. */
    static final double TIMESTAMP_TOLERANCE = 0.005;

    /**
     * The rate a CSV file's timestamps imply, taken as the data set's {@code declared} rate when within {@link
     * #TIMESTAMP_TOLERANCE} of it (timestamps of real devices jitter; resampling by 0.1% would only blur).
     */
    static Double timestampRate(Double fromTimestamps, Double declared) {
        if (fromTimestamps == null || !Double.isFinite(fromTimestamps) || fromTimestamps <= 0) {
            return null;
        }
        if (declared != null && Math.abs(fromTimestamps / declared - 1) <= TIMESTAMP_TOLERANCE) {
            return declared;
        }
        return fromTimestamps;
    }
}
