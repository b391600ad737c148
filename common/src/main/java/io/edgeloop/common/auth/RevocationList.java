package io.edgeloop.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;

/**
 * Revoked token ids ({@code jti}) and revoked devices, one per line in a file that the token CLI and the deployment
 * service append to and every service reads: a line is a token id, or {@value #DEVICE_PREFIX} and a device id (every
 * device credential of that device, whoever issued it). The file is re-read when its modification time or size
 * changes, so a revocation takes effect on the next request. A missing file revokes nothing.
 */
public final class RevocationList {
    /** Prefix of a line that revokes a device rather than one token. */
    public static final String DEVICE_PREFIX = "device:";

    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(null, -1, Set.of());

    public RevocationList(Path file) {
        this.file = file;
    }

    /** Whether the token with id {@code jti} has been revoked. */
    public boolean isRevoked(String jti) {
        return jti != null && current().ids().contains(jti);
    }

    /** Whether device {@code deviceId} has been revoked (then none of its device credentials is valid). */
    public boolean isDeviceRevoked(String deviceId) {
        return deviceId != null && current().ids().contains(DEVICE_PREFIX + deviceId);
    }

    /** Revokes every device credential of {@code deviceId} (idempotent). */
    public void revokeDevice(String deviceId) {
        if (deviceId == null || deviceId.isBlank() || deviceId.contains("\n") || deviceId.contains("\r")) {
            throw new IllegalArgumentException("not a device id: '" + deviceId + "'");
        }
        revoke(DEVICE_PREFIX + deviceId);
    }

    /** Adds {@code jti} to the file (idempotent). */
    public synchronized void revoke(String jti) {
        if (jti == null || jti.isBlank() || jti.contains("\n") || jti.contains("\r")) {
            throw new IllegalArgumentException("not a token id: '" + jti + "'");
        }
        if (isRevoked(jti)) {
            return;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(
                    file, jti + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private Snapshot current() {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return snapshot = new Snapshot(null, -1, Set.of());
        } catch (IOException e) {
            // unreadable: keep what was read before rather than forgetting revocations
            return snapshot;
        }
        Snapshot s = snapshot;
        if (modified.equals(s.modified()) && size == s.size()) {
            return s;
        }
        try {
            Set<String> ids = new HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.strip());
                }
            }
            return snapshot = new Snapshot(modified, size, Set.copyOf(ids));
        } catch (IOException e) {
            return s;
        }
    }

    private record Snapshot(FileTime modified, long size, Set<String> ids) {}
}
