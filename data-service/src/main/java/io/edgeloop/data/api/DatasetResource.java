package io.edgeloop.data.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.api.Dtos.CsvImportResponse;
import io.edgeloop.data.api.Dtos.DatasetSchema;
import io.edgeloop.data.api.Dtos.IngestResponse;
import io.edgeloop.data.api.Dtos.SnapshotRequest;
import io.edgeloop.data.api.Dtos.SnapshotView;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.DatasetCatalog;
import io.edgeloop.data.domain.DatasetSettings;
import io.edgeloop.data.domain.DatasetSummary;
import io.edgeloop.data.domain.ImportProgress;
import io.edgeloop.data.domain.IngestLog;
import io.edgeloop.data.domain.SampleCandidate;
import io.edgeloop.data.domain.SampleIngestor;
import io.edgeloop.data.domain.SnapshotExport;
import io.edgeloop.data.domain.SnapshotService;
import io.edgeloop.data.persistence.SnapshotEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.StrictJson;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** REST API: dataset schemas, sample ingest (JSON and CSV) and snapshots. Errors are problem+json. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DatasetResource {
    @Inject
    DatasetCatalog catalog;

    @Inject
    SampleIngestor ingestor;

    @Inject
    SnapshotService snapshots;

    @Inject
    DataConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    DatasetSettings settings;

    @Inject
    SnapshotExport exporter;

    @Inject
    IngestLog ingestLog;

    @Inject
    ImportProgress imports;

    @Inject
    SecurityIdentity identity;

    @ConfigProperty(name = StrictJson.MAX_STRING_LENGTH_KEY, defaultValue = "65536")
    int maxStringLength;

    /** All datasets. */
    @GET
    public List<DatasetSummary> list() {
        return catalog.list();
    }

    /** Creates a dataset (201) or confirms an identical one (200); 409 for a different schema. */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "vibration",
                                            summary = "Three features, three classes",
                                            value =
                                                    "{\"featureNames\":[\"x0\",\"y0\",\"z0\"],\"labels\":[\"normal\",\"imbalance\",\"bearing\"],\"dataKind\":\"features\"}")))
    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public Response define(@PathParam("name") String name, DatasetSchema schema) {
        if (schema == null) {
            throw ApiException.badRequest("request body required: {\"featureNames\":[...],\"labels\":[...]}");
        }
        DatasetCatalog.Defined defined = catalog.define(
                name,
                schema.featureNames(),
                schema.labels(),
                schema.dataKind(),
                schema.sampleShape(),
                schema.sampleRateHz(),
                schema.featureKinds());
        if (defined.created()) {
            return Response.created(URI.create("/datasets/" + name))
                    .entity(defined.dataset())
                    .build();
        }
        return Response.ok(defined.dataset()).build();
    }

    /**
     * A data set's settings: how new samples are checked for outliers (mode, threshold, whether defaults) and what
     * counts as a duplicate ({@code keep}: every row is a sample, only an upload sent again is a duplicate;
     * {@code drop}: identical features and label are one sample).
     */
    @GET
    @Path("/{name}/settings")
    public DatasetSettings.Settings settings(@PathParam("name") String name) {
        return settings.get(name);
    }

    /**
     * Changes a data set's settings, e.g. {@code {"outliers": {"mode": "per-class", "madThreshold": 10},
     * "duplicates": "drop"}} (mode {@code dataset}, {@code per-class} or {@code off}; duplicates {@code keep} or
     * {@code drop}; each field optional, at least one). Applies to samples ingested from now on.
     */
    @PUT
    @Path("/{name}/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public DatasetSettings.Settings changeSettings(@PathParam("name") String name, SettingsRequest body) {
        if (body == null || body.outliers() == null && body.duplicates() == null) {
            throw ApiException.invalid(
                    "nothing to change",
                    List.of(new io.edgeloop.kit.api.Problem.FieldError(
                            "outliers", "outliers or duplicates is required")));
        }
        return settings.change(
                name,
                body.outliers() == null
                        ? null
                        : new DatasetSettings.OutlierChange(
                                body.outliers().mode(), body.outliers().madThreshold()),
                body.duplicates());
    }

    /** {@code PUT /datasets/{name}/settings} body. */
    public record SettingsRequest(OutlierRequest outliers, String duplicates) {}

    /** Outlier settings to change; null fields stay. */
    public record OutlierRequest(String mode, Double madThreshold) {}

    /** A dataset's schema, sample count and latest snapshot version. */
    @GET
    @Path("/{name}")
    public DatasetSummary get(@PathParam("name") String name) {
        return catalog.get(name);
    }

    /**
     * Ingests a JSON batch of samples, atomically. The body is read as a stream: a batch past {@code
     * edgeloop.data.max-batch-size} samples is refused (413) at the first sample too many, before the rest is read.
     */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "two-samples",
                                            summary = "Two labelled readings",
                                            value =
                                                    "{\"samples\":[{\"features\":[0.12,-0.5,9.81],\"label\":\"normal\",\"source\":\"bench-1\"},{\"features\":[0.9,-0.1,9.2],\"label\":\"imbalance\",\"source\":\"bench-1\"}]}")))
    @POST
    @Path("/{name}/samples")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DATA)
    public Response ingest(@PathParam("name") String name, InputStream body) throws IOException {
        catalog.requireLive(name); // 404 before reading the body (no sample count)
        Sources sources = new Sources();
        SampleIngestor.IngestResult result = ingestLog.logged(
                new IngestLog.Request(name, Caller.subject(identity), "json", null),
                () -> {
                    List<SampleCandidate> candidates = new SampleBatchReader(
                                    json, config.maxBatchSize(), config.maxFeatures(), maxStringLength)
                            .read(body);
                    if (candidates == null) {
                        throw ApiException.badRequest("request body required: {\"samples\":[...]}");
                    }
                    sources.addAll(candidates);
                    return ingestor.ingest(name, candidates);
                },
                r -> new IngestLog.Outcome(
                        r.accepted() > 0 ? 201 : 200,
                        r.accepted() + r.duplicates(),
                        r.accepted(),
                        r.duplicates(),
                        0,
                        List.of(),
                        sources.summary()));
        return respond(result);
    }

    /**
     * Imports a CSV file, streamed and stored a chunk at a time in one transaction. The header names the columns;
     * by default the data set's features are the columns named like them (any order), the label is {@code label} and
     * {@code source} (optional) each row's source. Query parameters map other layouts: {@code delimiter} (one
     * character or {@code tab}), {@code feature} (repeated: the file's column for each feature, in the data set's
     * order), {@code label}, {@code source}, {@code unmapped=ignore} (other columns are ignored instead of refused)
     * and {@code onInvalid=skip} (valid rows are stored and the invalid ones returned, instead of nothing stored).
     * The body may be of any size (no row limit); its progress is {@code GET /datasets/{name}/imports/{importId}}
     * ({@code importId}: the caller's, else a UUID returned with the result).
     */
    @POST
    @Path("/{name}/samples/csv")
    @Consumes("text/csv")
    @RolesAllowed(Roles.DATA)
    public Response ingestCsv(
            @PathParam("name") String name,
            @QueryParam("delimiter") String delimiter,
            @QueryParam("feature") List<String> features,
            @QueryParam("label") String label,
            @QueryParam("source") String source,
            @QueryParam("unmapped") String unmapped,
            @QueryParam("onInvalid") String onInvalid,
            @QueryParam("importId") String importId,
            @jakarta.ws.rs.HeaderParam("Content-Type") String contentType,
            InputStream body)
            throws IOException {
        DatasetSummary ds = catalog.get(name); // 404 before parsing
        Sources sources = new Sources();
        ImportProgress.Tracker progress = imports.start(name, "csv", Caller.subject(identity), importId);
        SampleIngestor.ImportResult r = ImportProgress.tracked(
                progress,
                () -> ingestLog.logged(
                        new IngestLog.Request(name, Caller.subject(identity), "csv", null),
                        () -> {
                            CsvMapping mapping = CsvMapping.of(
                                    delimiter,
                                    features,
                                    label,
                                    source,
                                    unmapped,
                                    onInvalid,
                                    ds.featureNames().size());
                            try (CsvSamples csv = CsvSamples.open(
                                    progress.counting(body), charset(contentType), mapping, ds.featureNames())) {
                                return ingestor.ingestAll(
                                        name,
                                        max -> {
                                            List<SampleCandidate> chunk = csv.next(max);
                                            sources.addAll(chunk);
                                            return chunk;
                                        },
                                        mapping.storeValidRows(),
                                        null,
                                        progress);
                            }
                        },
                        i -> new IngestLog.Outcome(
                                i.accepted() > 0 ? 201 : 200,
                                i.rows(),
                                i.accepted(),
                                i.duplicates(),
                                i.invalid(),
                                i.errors(),
                                sources.summary())),
                i -> new ImportProgress.Done(
                        i.accepted() > 0 ? 201 : 200, i.rows(), i.accepted(), i.duplicates(), i.invalid()));
        return Response.status(r.accepted() > 0 ? 201 : 200)
                .entity(new CsvImportResponse(
                        r.accepted(), r.duplicates(), r.rows(), r.invalid(), r.errors(), progress.id()))
                .build();
    }

    /**
     * Cuts a snapshot: 201 when new, 200 with the latest one when nothing changed. The JSON body is optional (an
     * empty POST without a content type is a manual cut).
     */
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "with-spec",
                                            summary = "A snapshot whose DataReady asks for a 2-layer MLP",
                                            value =
                                                    "{\"trainingSpec\":{\"architecture\":\"mlp\",\"hiddenUnits\":[32,16],\"maxEpochs\":30,\"normalization\":\"standard\"}}")))
    @POST
    @Path("/{name}/snapshots")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.DATA)
    public Response cut(@PathParam("name") String name, String body) throws JsonProcessingException {
        SnapshotRequest request = body == null || body.isBlank() ? null : json.readValue(body, SnapshotRequest.class);
        String trigger = request == null || request.trigger() == null ? "manual" : request.trigger();
        TrainingSpec spec = request == null ? null : TrainingSpecs.parse(request.trainingSpec());
        SnapshotService.CutResult result = snapshots.cut(name, trigger, null, spec);
        SnapshotView view = SnapshotView.of(result.snapshot());
        if (result.created()) {
            return Response.created(URI.create("/datasets/" + name + "/snapshots/" + view.version()))
                    .entity(view)
                    .build();
        }
        return Response.ok(view).build();
    }

    /** Snapshots of a dataset, oldest first. */
    @GET
    @Path("/{name}/snapshots")
    public List<SnapshotView> snapshots(@PathParam("name") String name) {
        return snapshots.list(name).stream().map(SnapshotView::of).toList();
    }

    /** One snapshot ({@code latest} or 0 for the latest). */
    @GET
    @Path("/{name}/snapshots/{version}")
    public SnapshotView snapshot(@PathParam("name") String name, @PathParam("version") String version) {
        int v;
        if (version.equals("latest")) {
            v = 0;
        } else {
            try {
                v = Integer.parseInt(version);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("version must be a number or 'latest', got '" + version + "'");
            }
        }
        return SnapshotView.of(snapshots.get(name, v));
    }

    /**
     * A snapshot's samples, streamed: {@code format=csv} (default; feature columns, {@code label}, {@code split},
     * importable again) or {@code ndjson}. 404 unknown data set or version, 400 bad format or version.
     */
    @GET
    @Path("/{name}/snapshots/{version}/export")
    @Produces({"text/csv", "application/x-ndjson"})
    public Response export(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @QueryParam("format") @DefaultValue("csv") String format) {
        SnapshotExport.Format f;
        try {
            f = SnapshotExport.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(
                    "invalid query", List.of(new io.edgeloop.kit.api.Problem.FieldError("format", e.getMessage())));
        }
        SnapshotView view = snapshot(name, version); // 404/400 before streaming
        SnapshotEntity s = snapshots.get(name, view.version());
        // the snapshot's data set, also when deleted (its snapshots stay readable)
        List<String> features = List.of(snapshots.datasetOf(s).featureNames);
        StreamingOutput body = out -> exporter.write(s, features, f, out);
        return Response.ok(body, f == SnapshotExport.Format.CSV ? "text/csv; charset=UTF-8" : "application/x-ndjson")
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + name + "-v" + view.version() + "."
                                + f.name().toLowerCase(java.util.Locale.ROOT) + "\"")
                .build();
    }

    /** The charset a {@code text/csv} body declares (UTF-8 when none); 415 for one this JVM does not know. */
    static java.nio.charset.Charset charset(String contentType) {
        String name = contentType == null
                ? null
                : MediaType.valueOf(contentType).getParameters().get("charset");
        if (name == null || name.isBlank()) {
            return java.nio.charset.StandardCharsets.UTF_8;
        }
        try {
            return java.nio.charset.Charset.forName(name.trim());
        } catch (IllegalArgumentException e) {
            throw new ApiException(415, "Unsupported Media Type", "unknown charset '" + name + "'", List.of());
        }
    }

    private static Response respond(SampleIngestor.IngestResult result) {
        return Response.status(result.accepted() > 0 ? 201 : 200)
                .entity(new IngestResponse(result.accepted(), result.duplicates()))
                .build();
    }
}
