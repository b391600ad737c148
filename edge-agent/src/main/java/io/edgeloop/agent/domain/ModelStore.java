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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The model cache on disk: {@code <sha256>.onnx|.ort} verified artifacts, {@code <sha256>.part} partial downloads
 * and {@code active/<model>.json}, one record per active model (written atomically). A legacy single-model
 * {@code active.json} is moved there at start.
 */
public final class ModelStore {
    private static final Logger LOG = Logger.getLogger(ModelStore.class);
    private static final String LEGACY_ACTIVE = "active.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path dir;
    private final Path activeDir;

    /** Opens (creates) the store and migrates a legacy {@code active.json}. */
    public ModelStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.activeDir = Files.createDirectories(dir.resolve("active"));
        migrateLegacy();
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

    /** The record of the active model {@code modelName}, if any (an unreadable record is ignored, logged). */
    public Optional<ModelDescriptor> readActive(String modelName) {
        return read(recordFile(modelName));
    }

    /** The records of every active model, by model name. */
    public List<ModelDescriptor> readAll() {
        List<ModelDescriptor> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(activeDir, "*.json")) {
            for (Path f : files) {
                read(f).ifPresent(all::add);
            }
        } catch (IOException e) {
            LOG.warnf("cannot list %s: %s", activeDir, e.getMessage());
        }
        all.sort(Comparator.comparing(ModelDescriptor::modelName));
        return all;
    }

    private Optional<ModelDescriptor> read(Path file) {
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

    /** Records {@code model} as the active model of its name: written to a temporary file, then moved over. */
    public void writeActive(ModelDescriptor model) throws IOException {
        Path target = recordFile(model.modelName());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), model);
        move(tmp, target);
    }

    /**
     * Forgets the active model {@code modelName}: deletes its record, so a restart does not load it (the artifact
     * stays cached).
     *
     * @return whether there was a record
     */
    public boolean clearActive(String modelName) throws IOException {
        return Files.deleteIfExists(recordFile(modelName));
    }

    /** Forgets every active model. */
    public void clearAll() throws IOException {
        for (ModelDescriptor d : readAll()) {
            clearActive(d.modelName());
        }
    }

    /** The record file of {@code modelName} (characters other than letters, digits, '.', '_', '-' become '_'). */
    public Path recordFile(String modelName) {
        return activeDir.resolve(modelName.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Moves a single-model agent's {@code active.json} to {@code active/<model>.json}. */
    private void migrateLegacy() throws IOException {
        Path legacy = dir.resolve(LEGACY_ACTIVE);
        if (!Files.isRegularFile(legacy)) {
            return;
        }
        Optional<ModelDescriptor> d = read(legacy);
        if (d.isPresent() && !Files.exists(recordFile(d.get().modelName()))) {
            move(legacy, recordFile(d.get().modelName()));
            LOG.infof("migrated %s to %s", legacy, recordFile(d.get().modelName()));
        } else {
            Files.delete(legacy);
        }
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
