package io.edgeloop.agent.domain;

import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import java.util.Iterator;
import java.util.Optional;

/** Where model artifacts come from (the registry's ArtifactService.Download and GetArtifact). */
@FunctionalInterface
public interface ArtifactSource {
    /**
     * Streams the artifact {@code sha256} from byte {@code offset} on; the first chunk carries the registry's
     * signature.
     */
    Iterator<DownloadChunk> download(String sha256, long offset);

    /**
     * The registry's record of artifact {@code sha256} (size, signature), used when the artifact is already cached
     * and no download brings its signature. A source that keeps no such records returns empty.
     *
     * @throws RuntimeException (e.g. a gRPC status) when the registry cannot answer
     */
    default Optional<ArtifactRef> describe(String sha256) {
        return Optional.empty();
    }
}
