package io.edgeloop.agent.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.edgeloop.common.Hashing;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The model cache on disk: {@code <sha256>.onnx|.ort} verified artifacts, {@code <sha256>.part} partial downloads
 * and {@code active.json}, the record of the active model (written atomically).
 */
public final class ModelStore {
    private static final Logger LOG = Logger.getLogger(ModelStore.class);
    private static final String ACTIVE = "active.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path dir;

    public ModelStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Where the verified artifact of {@code sha256} lives (the extension tells ONNX Runtime the format). */
    public Path modelFile(String sha256, String format) {
        return dir.resolve(sha256 + ("ort".equalsIgnoreCase(format) ? ".ort" : ".onnx"));
    }

    /** Where a partial download of {@code sha256} lives. */
    public Path partialFile(String sha256) {
        return dir.resolve(sha256 + ".part");
    }

    /** Whether the verified artifact exists and still has its digest. */
    public boolean hasVerified(String sha256, String format) throws IOException {
        Path file = modelFile(sha256, format);
        return Files.isRegularFile(file) && Hashing.sha256Hex(file).equals(sha256);
    }

    /** The record of the last activated model, if any (an unreadable record is ignored with a warning). */
    public Optional<ModelDescriptor> readActive() {
        Path file = dir.resolve(ACTIVE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ModelDescriptor.class));
        } catch (IOException e) {
            LOG.warnf("ignoring unreadable %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Records {@code model} as the active model: written to a temporary file, then moved over the record. */
    public void writeActive(ModelDescriptor model) throws IOException {
        Path tmp = dir.resolve(ACTIVE + ".tmp");
        JSON.writeValue(tmp.toFile(), model);
        try {
            Files.move(tmp, dir.resolve(ACTIVE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(ACTIVE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forgets the active model: deletes its record, so a restart loads nothing (the artifact stays cached).
     *
     * @return whether there was a record
     */
    public boolean clearActive() throws IOException {
        return Files.deleteIfExists(dir.resolve(ACTIVE));
    }

    /** Deletes artifacts and partial downloads whose digest is not in {@code keep}. */
    public void prune(Set<String> keep) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{onnx,ort,part}")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String sha = name.substring(0, name.lastIndexOf('.'));
                if (!keep.contains(sha)) {
                    Files.deleteIfExists(f);
                    LOG.debugf("pruned %s", f);
                }
            }
        } catch (IOException e) {
            LOG.warnf("pruning %s failed: %s", dir, e.getMessage());
        }
    }
}
