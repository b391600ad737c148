package io.edgeloop.registry.storage;

import io.edgeloop.common.Hashing;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;

/**
 * {@link ArtifactStore} on a local filesystem. Blobs live at {@code <root>/sha256/<ab>/<digest>} ({@code ab} = the
 * first two hex digits); uploads stream into {@code <root>/tmp/<digest>.<uuid>.part} on the same filesystem, are
 * hashed while they are written, forced to disk and renamed into place atomically once verified. Concurrent uploads
 * of the same content are safe: each writes its own temporary file and the rename replaces identical content.
 *
 * <p>A blob's last upload time is its file's modification time: set when it is written, and set to the current time
 * again when the same content is uploaded once more (at the start and at the verified end of that upload).
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
        if (exists(sha256) && touch(sha256)) {
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
    public Optional<StoredBlob> describe(String sha256) throws IOException {
        if (!Hashing.isSha256Hex(sha256)) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(blobPath(sha256), sha256));
    }

    @Override
    public Stream<StoredBlob> list() throws IOException {
        BlobIterator blobIterator = new BlobIterator(Files.newDirectoryStream(blobs));
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(blobIterator, Spliterator.NONNULL | Spliterator.DISTINCT),
                        false)
                .onClose(blobIterator::close);
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

    /** Sets the blob's last upload time to now; false when it does not exist (any more). */
    private boolean touch(String sha256) throws IOException {
        try {
            Files.setLastModifiedTime(blobPath(sha256), FileTime.from(Instant.now()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The blob at {@code path}, null when it is gone or not a regular file. */
    private static StoredBlob read(Path path, String sha256) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return new StoredBlob(
                    sha256, attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean isPrefixDir(String name) {
        return name.length() == 2 && name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
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
                    // the bytes were only verified: this upload counts as the blob's latest one
                    if (!touch(sha256)) {
                        throw new NoSuchArtifactException(sha256);
                    }
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

    /**
     * Walks {@code sha256/<ab>/<digest>} one directory entry at a time (two directory streams open at most), skipping
     * stray files and blobs deleted while the walk runs.
     */
    private static final class BlobIterator implements Iterator<StoredBlob>, Closeable {
        private final DirectoryStream<Path> prefixes;
        private final Iterator<Path> prefixIterator;
        private DirectoryStream<Path> current;
        private Iterator<Path> currentIterator;
        private String currentPrefix;
        private StoredBlob next;

        BlobIterator(DirectoryStream<Path> prefixes) {
            this.prefixes = prefixes;
            this.prefixIterator = prefixes.iterator();
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (currentIterator != null && currentIterator.hasNext()) {
                        Path path = currentIterator.next();
                        String name = path.getFileName().toString();
                        if (Hashing.isSha256Hex(name) && name.startsWith(currentPrefix)) {
                            next = read(path, name);
                        }
                        continue;
                    }
                    closeCurrent();
                    if (!prefixIterator.hasNext()) {
                        return false;
                    }
                    Path dir = prefixIterator.next();
                    String prefix = dir.getFileName().toString();
                    if (!isPrefixDir(prefix)) {
                        continue;
                    }
                    try {
                        current = Files.newDirectoryStream(dir);
                    } catch (NoSuchFileException | NotDirectoryException e) {
                        continue;
                    }
                    currentIterator = current.iterator();
                    currentPrefix = prefix;
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the artifact store", e);
            } catch (DirectoryIteratorException e) {
                throw new UncheckedIOException("cannot list the artifact store", e.getCause());
            }
        }

        @Override
        public StoredBlob next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredBlob blob = next;
            next = null;
            return blob;
        }

        private void closeCurrent() throws IOException {
            if (current != null) {
                DirectoryStream<Path> closing = current;
                current = null;
                currentIterator = null;
                closing.close();
            }
        }

        @Override
        public void close() {
            try {
                closeCurrent();
            } catch (IOException e) {
                LOG.debug("closing a directory of the artifact store", e);
            }
            try {
                prefixes.close();
            } catch (IOException e) {
                LOG.debug("closing the artifact store's blob directory", e);
            }
        }
    }
}
