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
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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

    private void assertTempEmpty() throws IOException {
        try (Stream<Path> parts = Files.list(store.tempDir())) {
            assertEquals(0, parts.count(), "partial uploads left behind");
        }
    }
}
