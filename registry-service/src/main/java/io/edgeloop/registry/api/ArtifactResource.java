package io.edgeloop.registry.api;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.domain.OrphanSweep;
import io.edgeloop.registry.domain.OrphanSweeper;
import io.edgeloop.registry.signing.ArtifactSignature;
import io.edgeloop.registry.signing.ArtifactSigner;
import io.edgeloop.registry.storage.ArtifactStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /artifacts/{sha256}}: streams an artifact's bytes ({@code application/octet-stream}, strong ETag = the
 * digest, {@code If-None-Match} and single {@code Range: bytes=...} requests supported). 400 for a malformed digest,
 * 404 for an unknown one, 416 for an unsatisfiable range. For registered content, the registry's Ed25519 signature
 * of the digest comes in {@value #SIGNATURE_HEADER} (base64) and the id of the key that made it in {@value
 * #KEY_HEADER} (public keys: {@code GET /signing-keys}); content that no version or variant references is served
 * without them. Viewers and devices may download.
 *
 * <p>{@code POST /artifacts/gc[?minAge=PT1H]} (operators): deletes now the blobs that were uploaded more than
 * {@code minAge} (ISO-8601; absent or empty: {@code edgeloop.registry.orphan-gc.min-age}) ago and that no version or variant
 * references, and answers what it deleted; 400 for a malformed or negative {@code minAge}. Needs {@code admin}.
 */
@Path("/artifacts")
@RolesAllowed(Roles.VIEWER)
public class ArtifactResource {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Response header with the base64 Ed25519 signature of the artifact's raw SHA-256 digest. */
    public static final String SIGNATURE_HEADER = "X-Edgeloop-Signature";

    /** Response header with the id of the key that made the signature. */
    public static final String KEY_HEADER = "X-Edgeloop-Signing-Key";

    @Inject
    ArtifactStore store;

    @Inject
    ArtifactSigner signer;

    @Inject
    OrphanSweeper sweeper;

    @Inject
    RegistryConfig config;

    /** Runs an orphan garbage-collection sweep now (see the class comment). */
    @POST
    @Path("gc")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public OrphanSweep collectOrphans(@QueryParam("minAge") String minAge) {
        Duration age = config.orphanGc().minAge();
        if (minAge != null && !minAge.isBlank()) {
            try {
                age = Duration.parse(minAge.trim());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(
                        "minAge must be an ISO-8601 duration such as PT1H or P7D, got '" + minAge + "'");
            }
            if (age.isNegative()) {
                throw ApiException.badRequest("minAge must not be negative, got " + minAge);
            }
        }
        return sweeper.collectOrphans(age);
    }

    @GET
    @Path("{sha256}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.VIEWER) // devices download over gRPC, with the grant of their assignment
    public Response download(
            @PathParam("sha256") String sha256,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @HeaderParam("Range") String range)
            throws IOException {
        if (!Hashing.isSha256Hex(sha256)) {
            throw ApiException.badRequest("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        OptionalLong stored = store.size(sha256);
        if (stored.isEmpty()) {
            throw ApiException.notFound("no artifact with sha256 " + sha256);
        }
        long size = stored.getAsLong();
        Optional<ArtifactSignature> signed = signer.signature(sha256);
        String signature = signed.map(ArtifactSignature::signature).orElse(null);
        String keyId = signed.map(ArtifactSignature::keyId).orElse(null);
        String etag = "\"" + sha256 + "\"";
        if (ifNoneMatch != null
                && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            return Response.notModified()
                    .header(HttpHeaders.ETAG, etag)
                    .header(SIGNATURE_HEADER, signature)
                    .header(KEY_HEADER, keyId)
                    .build();
        }
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
            try {
                if (m.group(1).isEmpty()) { // suffix: the last N bytes
                    start = Math.max(0, size - Long.parseLong(m.group(2)));
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        end = Math.min(end, Long.parseLong(m.group(2)));
                    }
                }
            } catch (NumberFormatException e) {
                throw unsatisfiable(range, size);
            }
            if (start >= size || start > end) {
                throw unsatisfiable(range, size);
            }
            partial = true;
        }
        long first = start;
        long length = end - start + 1;
        StreamingOutput body = out -> copy(sha256, first, length, out);
        Response.ResponseBuilder response = Response.status(partial ? 206 : 200)
                .type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.ETAG, etag)
                .header("Accept-Ranges", "bytes")
                .header(SIGNATURE_HEADER, signature)
                .header(KEY_HEADER, keyId)
                .header(HttpHeaders.CONTENT_LENGTH, Math.max(0, length))
                .entity(body);
        if (partial) {
            response.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        return response.build();
    }

    private void copy(String sha256, long offset, long length, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(ArtifactStore.COPY_BUFFER_BYTES);
        long remaining = length;
        try (SeekableByteChannel channel = store.open(sha256, offset)) {
            while (remaining > 0) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), remaining));
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new IOException("artifact " + sha256 + " ended early");
                }
                out.write(buffer.array(), 0, n);
                remaining -= n;
            }
        }
    }

    private static ApiException unsatisfiable(String range, long size) {
        return new ApiException(
                416,
                "Range Not Satisfiable",
                "range '" + range + "' is outside the artifact's " + size + " bytes",
                List.of());
    }
}
