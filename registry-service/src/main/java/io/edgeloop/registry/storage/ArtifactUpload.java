package io.edgeloop.registry.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A write in progress, obtained from {@link ArtifactStore#begin}. Not thread-safe: one writer feeds it in order.
 * {@link #close()} without a successful {@link #commit()} discards it.
 */
public interface ArtifactUpload extends AutoCloseable {
    /**
     * Appends the remaining bytes of {@code data}.
     *
     * @throws DigestMismatchException when more bytes arrive than were announced (the upload is discarded)
     */
    void write(ByteBuffer data) throws IOException;

    /** Appends {@code length} bytes of {@code data} from {@code offset}. */
    default void write(byte[] data, int offset, int length) throws IOException {
        write(ByteBuffer.wrap(data, offset, length));
    }

    /** Bytes received so far. */
    long received();

    /**
     * Verifies the size and SHA-256 of everything written and makes the artifact visible under its digest
     * (atomically). Succeeds without writing when the artifact was already stored.
     *
     * @throws DigestMismatchException when the content does not match what was announced (nothing is stored)
     */
    StoredArtifact commit() throws IOException;

    /** Discards the upload unless it was committed. Never throws. */
    @Override
    void close();
}
