package io.edgeloop.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.registry.TestArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemArtifactStoreTest {
    @TempDir
    Path root;

    FileSystemArtifactStore store;

    @BeforeEach
    void open() throws IOException {
        store = new FileSystemArtifactStore(root);
    }

    @Test
    void storesUnderItsDigestAndReadsFromAnOffset() throws IOException {
        byte[] data = TestArtifacts.randomBytes(200_000, 1);
        String sha = Hashing.sha256Hex(data);

        StoredArtifact stored = store.put(new ByteArrayInputStream(data), sha, data.length);

        assertEquals(new StoredArtifact(sha, data.length, true), stored);
        Path blob = root.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
        assertArrayEquals(data, Files.readAllBytes(blob));
        assertTrue(store.exists(sha));
        assertEquals(data.length, store.size(sha).getAsLong());
        try (SeekableByteChannel ch = store.open(sha, 150_000);
                InputStream in = Channels.newInputStream(ch)) {
            assertArrayEquals(Arrays.copyOfRange(data, 150_000, data.length), in.readAllBytes());
        }
        assertTempEmpty();
    }

    @Test
    void wrongDigestStoresNothing() throws IOException {
        byte[] data = TestArtifacts.randomBytes(10_000, 2);
        String otherSha = Hashing.sha256Hex(TestArtifacts.randomBytes(10_000, 3));

        var e = assertThrows(
                DigestMismatchException.class, () -> store.put(new ByteArrayInputStream(data), otherSha, data.length));

        assertTrue(e.getMessage().contains(Hashing.sha256Hex(data)), e.getMessage());
        assertFalse(store.exists(otherSha));
        assertFalse(store.exists(Hashing.sha256Hex(data)));
        assertTempEmpty();
    }

    @Test
    void shortOrLongStreamsAreRejected() throws IOException {
        byte[] data = TestArtifacts.randomBytes(5_000, 4);
        String sha = Hashing.sha256Hex(data);

        assertThrows(
                DigestMismatchException.class, () -> store.put(new ByteArrayInputStream(data), sha, data.length + 1));
        assertThrows(
                DigestMismatchException.class, () -> store.put(new ByteArrayInputStream(data), sha, data.length - 1));

        assertFalse(store.exists(sha));
        assertTempEmpty();
    }

    @Test
    void storingExistingContentIsAVerifiedNoOp() throws IOException {
        byte[] data = TestArtifacts.randomBytes(70_000, 5);
        String sha = Hashing.sha256Hex(data);
        store.put(new ByteArrayInputStream(data), sha, data.length);

        StoredArtifact again = store.put(new ByteArrayInputStream(data), sha, data.length);
        assertFalse(again.created());
        assertEquals(data.length, again.sizeBytes());

        byte[] lie = data.clone();
        lie[0] ^= 1;
        assertThrows(DigestMismatchException.class, () -> store.put(new ByteArrayInputStream(lie), sha, lie.length));
        assertTrue(store.exists(sha));
        assertTempEmpty();
    }

    @Test
    void closingWithoutCommitDiscardsTheUpload() throws IOException {
        byte[] data = TestArtifacts.randomBytes(1_000, 6);
        String sha = Hashing.sha256Hex(data);
        try (ArtifactUpload upload = store.begin(sha, data.length)) {
            upload.write(data, 0, 500);
            assertEquals(500, upload.received());
            try (Stream<Path> parts = Files.list(store.tempDir())) {
                assertEquals(1, parts.count());
            }
        }
        assertFalse(store.exists(sha));
        assertTempEmpty();
    }

    @Test
    void rejectsMalformedDigestsAndOffsets() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> store.begin("ABC", 1));
        assertThrows(IllegalArgumentException.class, () -> store.begin("a".repeat(64), -1));
        assertFalse(store.exists("../../etc/passwd"));
        assertTrue(store.size("nope").isEmpty());
        assertThrows(NoSuchArtifactException.class, () -> store.open("b".repeat(64), 0));

        byte[] data = TestArtifacts.randomBytes(10, 7);
        String sha = Hashing.sha256Hex(data);
        store.put(new ByteArrayInputStream(data), sha, data.length);
        assertThrows(IllegalArgumentException.class, () -> store.open(sha, 11));
        try (SeekableByteChannel atEnd = store.open(sha, 10)) {
            assertEquals(10, atEnd.position());
        }
    }

    @Test
    void deletesOnlyStaleUploads() throws IOException {
        Path stale = Files.writeString(store.tempDir().resolve("x.stale.part"), "old");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.writeString(store.tempDir().resolve("x.fresh.part"), "new");

        assertEquals(1, store.deleteStaleUploads(Duration.ofHours(1)));

        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void listsEveryBlobWithItsSizeAndLastUploadTime() throws IOException {
        Map<String, Integer> sizes = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = TestArtifacts.randomBytes(1_000 + i, 100 + i);
            String sha = Hashing.sha256Hex(data);
            store.put(new ByteArrayInputStream(data), sha, data.length);
            sizes.put(sha, data.length);
        }
        byte[] empty = new byte[0];
        store.put(new ByteArrayInputStream(empty), Hashing.sha256Hex(empty), 0);
        sizes.put(Hashing.sha256Hex(empty), 0);
        String old = sizes.keySet().iterator().next();
        Instant then = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        Files.setLastModifiedTime(blob(old), FileTime.from(then));
        // neither stray files, nor other directories, nor uploads in progress are blobs
        Files.writeString(blob(old).resolveSibling("notes.txt"), "x");
        Files.createDirectories(root.resolve("sha256").resolve("zz"));
        Files.writeString(root.resolve("sha256").resolve("zz").resolve("a".repeat(64)), "x");
        Files.writeString(root.resolve("sha256").resolve("README"), "x");
        try (ArtifactUpload inProgress = store.begin("c".repeat(64), 10)) {
            inProgress.write(new byte[5], 0, 5);

            List<StoredBlob> listed;
            try (Stream<StoredBlob> blobs = store.list()) {
                listed = blobs.toList();
            }

            assertEquals(sizes, listed.stream().collect(Collectors.toMap(StoredBlob::sha256, b ->
                    (int) b.sizeBytes())));
            Instant now = Instant.now();
            for (StoredBlob b : listed) {
                if (b.sha256().equals(old)) {
                    assertEquals(then, b.lastUploadedAt());
                } else {
                    assertTrue(
                            Duration.between(b.lastUploadedAt(), now).abs().compareTo(Duration.ofMinutes(1)) < 0,
                            b.toString());
                }
                assertEquals(b, store.describe(b.sha256()).orElseThrow());
            }
        }
        assertTrue(store.describe("d".repeat(64)).isEmpty());
        assertTrue(store.describe("nope").isEmpty());

        store.delete(old);
        try (Stream<StoredBlob> blobs = store.list()) {
            assertEquals(sizes.size() - 1, blobs.count());
        }
    }

    @Test
    void listingSkipsBlobsDeletedWhileItRuns() throws IOException {
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = TestArtifacts.randomBytes(10, 200 + i);
            shas.add(store.put(new ByteArrayInputStream(data), Hashing.sha256Hex(data), data.length)
                    .sha256());
        }
        try (Stream<StoredBlob> blobs = store.list()) {
            var it = blobs.iterator();
            String first = it.next().sha256();
            shas.stream().filter(s -> !s.equals(first)).forEach(s -> {
                try {
                    store.delete(s);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertFalse(it.hasNext(), "deleted blobs are not listed");
        }
    }

    @Test
    void uploadingStoredContentAgainRefreshesItsLastUploadTime() throws IOException {
        byte[] data = TestArtifacts.randomBytes(70_000, 8);
        String sha = Hashing.sha256Hex(data);
        store.put(new ByteArrayInputStream(data), sha, data.length);
        Instant longAgo = Instant.now().minus(Duration.ofDays(30));
        Files.setLastModifiedTime(blob(sha), FileTime.from(longAgo));
        assertTrue(store.describe(sha)
                .orElseThrow()
                .lastUploadedAt()
                .isBefore(Instant.now().minus(Duration.ofDays(29))));

        Instant before = Instant.now().minusSeconds(2); // file times may be coarser than Instant.now()
        StoredArtifact again = store.put(new ByteArrayInputStream(data), sha, data.length);

        assertFalse(again.created());
        StoredBlob blob = store.describe(sha).orElseThrow();
        assertFalse(blob.lastUploadedAt().isBefore(before), blob.toString());
        assertEquals(data.length, blob.sizeBytes());
        assertTempEmpty();
    }

    @Test
    void verifyingUploadOfABlobDeletedMeanwhileFails() throws IOException {
        byte[] data = TestArtifacts.randomBytes(1_000, 9);
        String sha = Hashing.sha256Hex(data);
        store.put(new ByteArrayInputStream(data), sha, data.length);
        try (ArtifactUpload upload = store.begin(sha, data.length)) { // stored: only verifies
            upload.write(data, 0, data.length);
            assertTrue(store.delete(sha)); // orphan GC wins the race
            assertThrows(NoSuchArtifactException.class, upload::commit);
        }
        assertFalse(store.exists(sha));
        assertTempEmpty();
    }

    private Path blob(String sha) {
        return root.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
    }

    private void assertTempEmpty() throws IOException {
        try (Stream<Path> parts = Files.list(store.tempDir())) {
            assertEquals(0, parts.count(), "partial uploads left behind");
        }
    }
}
