package io.edgeloop.registry.storage;

import java.io.IOException;

/** No artifact is stored under the requested digest. */
public class NoSuchArtifactException extends IOException {
    public NoSuchArtifactException(String sha256) {
        super("no artifact with sha256 " + sha256);
    }
}
