package io.edgeloop.registry.storage;

import java.io.IOException;

/** The bytes written do not match the announced SHA-256 or size; nothing was stored. */
public class DigestMismatchException extends IOException {
    public DigestMismatchException(String message) {
        super(message);
    }
}
