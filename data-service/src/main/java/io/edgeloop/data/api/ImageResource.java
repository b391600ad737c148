package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.api.Dtos.IngestResponse;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.DatasetCatalog;
import io.edgeloop.data.domain.DatasetSummary;
import io.edgeloop.data.domain.IngestLog;
import io.edgeloop.data.domain.SampleCandidate;
import io.edgeloop.data.domain.SampleIngestor;
import io.edgeloop.data.domain.SampleLocation;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.kit.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** REST API: one PNG or JPEG image imported as one sample of an {@code image} data set. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.DATA)
public class ImageResource {
    /** Source of image samples whose request names none. */
    static final String DEFAULT_SOURCE = "image";

    @Inject
    DatasetCatalog catalog;

    @Inject
    SampleIngestor ingestor;

    @Inject
    DataConfig config;

    @Inject
    IngestLog ingestLog;

    @Inject
    SecurityIdentity identity;

    /**
     * Decodes the image ({@link ImageDecoder}: resized to the data set's {@code [C, H, W]}, C = 1 gray or 3 RGB,
     * values in [0, 1], channel-major) and stores it as one sample of {@code label} (absent: unlabeled) and {@code
     * source}. 201 {@code {"accepted":1,"duplicates":0}}, 200 the same image was sent before; 415 not PNG / JPEG,
     * 422 corrupt image, not an image data set ({@code dataKind}), unsupported shape ({@code sampleShape}), unknown
     * {@code label}; 413 too many pixels; 404.
     */
    @POST
    @Path("/{name}/images")
    @Consumes({"image/png", "image/jpeg"})
    public Response importImage(
            @PathParam("name") String name,
            @QueryParam("label") String label,
            @QueryParam("source") String source,
            InputStream body)
            throws IOException {
        DatasetSummary ds = catalog.get(name); // 404 before reading the body
        String from = source == null || source.isBlank() ? DEFAULT_SOURCE : source;
        SampleIngestor.IngestResult r = ingestLog.logged(
                new IngestLog.Request(name, Caller.subject(identity), "image", from),
                () -> {
                    int[] chw = shape(ds);
                    float[] pixels = ImageDecoder.decode(
                            body, chw[0], chw[1], chw[2], config.recording().maxImagePixels());
                    List<Double> values = new ArrayList<>(pixels.length);
                    for (float v : pixels) {
                        values.add((double) v);
                    }
                    SampleCandidate candidate = new SampleCandidate(location(), values, null, label, from, null);
                    return ingestor.ingest(name, List.of(candidate));
                },
                i -> new IngestLog.Outcome(
                        i.accepted() > 0 ? 201 : 200, 1, i.accepted(), i.duplicates(), 0, List.of(), null));
        return Response.status(r.accepted() > 0 ? 201 : 200)
                .entity(new IngestResponse(r.accepted(), r.duplicates()))
                .build();
    }

    /** {@code [C, H, W]} of an image data set ({@code [H, W]}: one channel); 422 for other kinds and shapes. */
    private static int[] shape(DatasetSummary ds) {
        if (!"image".equals(ds.dataKind())) {
            throw ApiException.invalid(
                    "not an image data set",
                    List.of(new FieldError(
                            "dataKind", "images go into an image data set; '" + ds.name() + "' is " + ds.dataKind())));
        }
        List<Integer> s = ds.sampleShape();
        if (s.size() == 2) {
            return new int[] {1, s.get(0), s.get(1)};
        }
        if (s.size() == 3 && (s.get(0) == 1 || s.get(0) == 3)) {
            return new int[] {s.get(0), s.get(1), s.get(2)};
        }
        throw ApiException.invalid(
                "unsupported sample shape",
                List.of(new FieldError(
                        "sampleShape", "images need [channels, height, width] with 1 or 3 channels, got " + s)));
    }

    /** Errors about the image name the request's parts: {@code body}, {@code label}, {@code source}. */
    private static SampleLocation location() {
        return SampleLocation.upload("body", "");
    }
}
