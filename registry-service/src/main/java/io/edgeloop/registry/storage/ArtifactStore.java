package io.edgeloop.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Content-addressed, write-once artifact storage keyed by the lower-case hex SHA-256 of the content. Implementations
 * verify every write against the announced digest and size before it becomes visible, leave nothing behind when a
 * write fails, and stream in constant memory.
 *
 * <p>The interface is small on purpose so that other backends fit it: an S3-compatible store would map a blob to
 * the object key {@code sha256/<digest>}, implement {@link #begin} as a multipart upload hashed on the way (parts
 * of 5 MiB+ buffered to a temp file, not memory) that is completed only when {@link ArtifactUpload#commit()} has
 * verified digest and size (and aborted on {@link ArtifactUpload#close()}), {@link #size} as HEAD, {@link #open} as
 * a ranged GET wrapped in a channel, {@link #delete} as DELETE, {@link #list} as a paginated ListObjectsV2 under
 * {@code sha256/} (its {@code LastModified} is the last upload time) and {@link #describe} as HEAD; an upload of
 * content that is already stored refreshes {@code LastModified} with a metadata-replacing CopyObject of the object onto
 * itself. Everything else in the registry (signatures, references, garbage collection) lives in the database and
 * does not depend on the backend.
 *
 * <p>Every blob has a "last uploaded at" time ({@link StoredBlob#lastUploadedAt()}): when it was stored, or when the
 * same content was uploaded again (the verified no-op write). Orphan garbage collection keeps blobs uploaded recently,
 * so a client that uploads right before it registers keeps its blob.
 */
public interface ArtifactStore {
    /** Buffer size used when copying streams. */
    int COPY_BUFFER_BYTES = 64 * 1024;

    /**
     * Starts a write of an artifact announced by its digest and size. Feed the bytes to the returned upload, then
     * {@link ArtifactUpload#commit() commit}; closing it without a commit discards everything written.
     *
     * @throws IllegalArgumentException when {@code sha256} is not a hex SHA-256 or {@code sizeBytes} is negative
     */
    ArtifactUpload begin(String sha256, long sizeBytes) throws IOException;

    /**
     * Stores the content of {@code in}, which must hash to {@code sha256} and be exactly {@code sizeBytes} long.
     * Idempotent: storing content that is already present only verifies the stream (and refreshes its last upload
     * time).
     *
     * @throws DigestMismatchException when the stream differs from the announced digest or size (nothing is stored)
     */
    default StoredArtifact put(InputStream in, String sha256, long sizeBytes) throws IOException {
        try (ArtifactUpload upload = begin(sha256, sizeBytes)) {
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            int n;
            while ((n = in.read(buffer)) > 0) {
                upload.write(buffer, 0, n);
            }
            return upload.commit();
        }
    }

    /** True when an artifact with this digest is stored (false for malformed digests). */
    boolean exists(String sha256);

    /** Size of the stored artifact, empty when there is none (or the digest is malformed). */
    OptionalLong size(String sha256) throws IOException;

    /** Size and last upload time of a stored artifact, empty when there is none (or the digest is malformed). */
    Optional<StoredBlob> describe(String sha256) throws IOException;

    /**
     * Every stored blob, lazily, in no particular order; memory use does not depend on the number of blobs. The
     * caller closes the stream. Blobs stored or deleted while the stream is consumed may or may not appear; a blob
     * deleted between being found and being read is skipped.
     *
     * @throws java.io.UncheckedIOException from the stream's operations when the store cannot be read
     */
    Stream<StoredBlob> list() throws IOException;

    /**
     * Opens a stored artifact for reading, positioned at {@code offset}.
     *
     * @throws NoSuchArtifactException when it is not stored
     * @throws IllegalArgumentException when {@code offset} is negative or beyond the size, or the digest is malformed
     */
    SeekableByteChannel open(String sha256, long offset) throws IOException;

    /**
     * Removes a stored artifact. Callers make sure nothing references it any more (see the registry's garbage
     * collection); readers that already opened it may finish.
     *
     * @return true when it was stored and is now gone, false when it was not stored
     * @throws IllegalArgumentException when the digest is malformed
     */
    boolean delete(String sha256) throws IOException;
}
