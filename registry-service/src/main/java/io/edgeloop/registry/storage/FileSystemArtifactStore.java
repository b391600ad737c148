package io.edgeloop.registry.storage;

import io.edgeloop.common.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@link ArtifactStore} on a local filesystem. Blobs live at {@code <root>/sha256/<ab>/<digest>} ({@code ab} = the
 * first two hex digits); uploads stream into {@code <root>/tmp/<digest>.<uuid>.part} on the same filesystem, are
 * hashed while they are written, forced to disk and renamed into place atomically once verified. Concurrent uploads
 * of the same content are safe: each writes its own temporary file and the rename replaces identical content.
 */
public final class FileSystemArtifactStore implements ArtifactStore {
    private static final Logger LOG = Logger.getLogger(FileSystemArtifactStore.class);
    private static final String PART_SUFFIX = ".part";

    private final Path root;
    private final Path blobs;
    private final Path tmp;

    /** Opens (and creates when missing) a store rooted at {@code root}. */
    public FileSystemArtifactStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.blobs = this.root.resolve("sha256");
        this.tmp = this.root.resolve("tmp");
        Files.createDirectories(blobs);
        Files.createDirectories(tmp);
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    /** Directory of uploads in progress. */
    public Path tempDir() {
        return tmp;
    }

    /**
     * Deletes partial uploads last modified before {@code maxAge} ago (left behind by a crashed process).
     *
     * @return how many were deleted
     */
    public int deleteStaleUploads(Duration maxAge) throws IOException {
        Instant cutoff = Instant.now().minus(maxAge);
        int deleted = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "*" + PART_SUFFIX)) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toInstant().isBefore(cutoff) && Files.deleteIfExists(part)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Path of the blob with this (valid) digest, whether or not it exists. */
    Path blobPath(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    @Override
    public ArtifactUpload begin(String sha256, long sizeBytes) throws IOException {
        requireDigest(sha256);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + sizeBytes);
        }
        if (exists(sha256)) {
            return new Upload(sha256, sizeBytes, null, null);
        }
        Path part = tmp.resolve(sha256 + "." + UUID.randomUUID() + PART_SUFFIX);
        FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new Upload(sha256, sizeBytes, part, channel);
    }

    @Override
    public boolean exists(String sha256) {
        return Hashing.isSha256Hex(sha256) && Files.isRegularFile(blobPath(sha256));
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        if (!Hashing.isSha256Hex(sha256)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Files.size(blobPath(sha256)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public SeekableByteChannel open(String sha256, long offset) throws IOException {
        requireDigest(sha256);
        FileChannel channel;
        try {
            channel = FileChannel.open(blobPath(sha256), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchArtifactException(sha256);
        }
        try {
            long size = channel.size();
            if (offset < 0 || offset > size) {
                throw new IllegalArgumentException(
                        "offset " + offset + " is outside the artifact (" + size + " bytes)");
            }
            return channel.position(offset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        requireDigest(sha256);
        boolean deleted = Files.deleteIfExists(blobPath(sha256));
        if (deleted) {
            LOG.infof("deleted artifact %s", sha256);
        }
        return deleted;
    }

    private static void requireDigest(String sha256) {
        if (!Hashing.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256 digest: '" + sha256 + "'");
        }
    }

    /** One write; {@code part == null} when the blob exists already and the bytes are only verified. */
    private final class Upload implements ArtifactUpload {
        private final String sha256;
        private final long expectedSize;
        private final Path part;
        private final FileChannel channel;
        private final MessageDigest digest = Hashing.sha256();
        private long received;
        private boolean finished;

        Upload(String sha256, long expectedSize, Path part, FileChannel channel) {
            this.sha256 = sha256;
            this.expectedSize = expectedSize;
            this.part = part;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            if (finished) {
                throw new IllegalStateException("upload of " + sha256 + " is already finished");
            }
            int length = data.remaining();
            if (received + length > expectedSize) {
                close();
                throw new DigestMismatchException("received more than the announced " + expectedSize + " bytes");
            }
            try {
                digest.update(data.duplicate());
                if (channel != null) {
                    while (data.hasRemaining()) {
                        channel.write(data);
                    }
                } else {
                    data.position(data.limit());
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            received += length;
        }

        @Override
        public long received() {
            return received;
        }

        @Override
        public StoredArtifact commit() throws IOException {
            if (finished) {
                throw new IllegalStateException("upload of " + sha256 + " is already finished");
            }
            try {
                if (received != expectedSize) {
                    throw new DigestMismatchException(
                            "received " + received + " bytes, the header announced " + expectedSize);
                }
                String actual = Hashing.hex(digest);
                if (!actual.equals(sha256)) {
                    throw new DigestMismatchException(
                            "content has sha256 " + actual + ", the header announced " + sha256);
                }
                if (channel == null) {
                    finished = true;
                    return new StoredArtifact(sha256, received, false);
                }
                channel.force(true);
                channel.close();
                Path target = blobPath(sha256);
                Files.createDirectories(target.getParent());
                moveIntoPlace(target);
                finished = true;
                return new StoredArtifact(sha256, received, true);
            } finally {
                close();
            }
        }

        private void moveIntoPlace(Path target) throws IOException {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // a concurrent upload of the same content won: identical bytes are already in place
                Files.deleteIfExists(part);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("storage directory " + root + " does not support atomic renames", e);
            }
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            if (channel == null) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf(e, "closing %s", part);
            }
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                LOG.warnf(e, "could not delete partial upload %s", part);
            }
        }
    }
}
