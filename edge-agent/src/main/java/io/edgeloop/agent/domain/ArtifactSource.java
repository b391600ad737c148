package io.edgeloop.agent.domain;

import io.edgeloop.proto.registry.v1.DownloadChunk;
import java.util.Iterator;

/** Where model artifacts come from (the registry's ArtifactService.Download). */
@FunctionalInterface
public interface ArtifactSource {
    /** Streams the artifact {@code sha256} from byte {@code offset} on. */
    Iterator<DownloadChunk> download(String sha256, long offset);
}
