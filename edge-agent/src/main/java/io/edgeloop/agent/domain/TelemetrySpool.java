package io.edgeloop.agent.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.jboss.logging.Logger;

/**
 * Closed telemetry windows waiting for delivery, in an append-only file queue that survives restarts.
 *
 * <p>Layout in {@code dir}: {@code segment-<generation>.log} holds records {@code [int length][int crc32][TelemetryWindow
 * bytes]} appended in order (forced to disk on each append); {@code head} holds {@code "<generation> <offset>"}, the
 * position of the oldest unacknowledged record, replaced atomically. {@link #acknowledge} moves the head past the
 * oldest record only after the server acknowledged it, so a crash at any point re-sends at most the one window whose
 * ack was not recorded (with the same {@code window_id}, which the server dedupes) and loses none. When everything is
 * acknowledged, or the acknowledged prefix grows large, the remaining records are copied into a new generation and
 * the head moved to it. A torn record at the end of the segment (a crash mid-append) is cut off when opening.
 *
 * <p>Only the record positions are held in memory; the windows are read back from the file when sent. The queue is
 * bounded: beyond {@code maxWindows} the oldest windows are dropped (and counted). Thread-safe.
 */
public final class TelemetrySpool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TelemetrySpool.class);
    private static final String HEAD = "head";
    private static final int RECORD_HEADER = 8;
    /** Longest record accepted when reading (a corrupt length beyond it ends the readable part). */
    private static final int MAX_RECORD = 16 * 1024 * 1024;
    /** Acknowledged bytes at the front of a segment that trigger a copy into a new generation. */
    private static final long COMPACT_BYTES = 1024 * 1024;

    /** Position of one queued record. */
    private record Entry(long offset, int length) {
        long end() {
            return offset + RECORD_HEADER + length;
        }
    }

    private final Path dir;
    private final int maxWindows;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long generation;
    private FileChannel segment;
    private long dropped;

    /**
     * Opens (or creates) the spool in {@code dir}, recovering what a previous process left.
     *
     * @param maxWindows windows kept; the oldest are dropped beyond
     */
    public TelemetrySpool(Path dir, int maxWindows) throws IOException {
        if (maxWindows < 1) {
            throw new IllegalArgumentException("maxWindows must be >= 1");
        }
        this.dir = Files.createDirectories(dir);
        this.maxWindows = maxWindows;
        long headOffset = 0;
        Path headFile = dir.resolve(HEAD);
        if (Files.isRegularFile(headFile)) {
            String[] parts =
                    Files.readString(headFile, StandardCharsets.US_ASCII).trim().split(" ");
            try {
                generation = Long.parseLong(parts[0]);
                headOffset = Long.parseLong(parts[1]);
            } catch (RuntimeException e) {
                throw new IOException("corrupt telemetry spool head " + headFile + ": " + e.getMessage(), e);
            }
        }
        deleteOtherSegments();
        segment = FileChannel.open(
                segmentFile(generation), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        recover(headOffset);
    }

    private Path segmentFile(long gen) {
        return dir.resolve("segment-" + gen + ".log");
    }

    /** Segments other than the head's are leftovers of an interrupted copy (newer) or of a finished one (older). */
    private void deleteOtherSegments() throws IOException {
        String keep = segmentFile(generation).getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "segment-*.log")) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(keep)) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Indexes the records from {@code headOffset} on and cuts off a torn or corrupt tail. */
    private void recover(long headOffset) throws IOException {
        long size = segment.size();
        if (headOffset > size) {
            LOG.warnf(
                    "telemetry spool head %d is beyond the segment end %d; starting from the segment start",
                    headOffset, size);
            headOffset = 0;
        }
        long pos = headOffset;
        while (true) {
            Optional<Entry> e = readEntry(pos, size);
            if (e.isEmpty()) {
                break;
            }
            entries.addLast(e.get());
            pos = e.get().end();
        }
        if (pos < size) {
            LOG.warnf(
                    "telemetry spool: cutting %d unreadable bytes at the end of %s",
                    size - pos, segmentFile(generation));
            segment.truncate(pos);
            segment.force(true);
        }
        if (headOffset > 0 && entries.isEmpty()) {
            compact();
        }
        trim();
        if (!entries.isEmpty()) {
            LOG.infof("telemetry spool: %d windows from a previous run waiting for delivery", entries.size());
        }
    }

    private Optional<Entry> readEntry(long pos, long size) throws IOException {
        if (pos + RECORD_HEADER > size) {
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        readFully(header, pos);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length < 0 || length > MAX_RECORD || pos + RECORD_HEADER + length > size) {
            return Optional.empty();
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(body, pos + RECORD_HEADER);
        if (crc(body.array()) != crc) {
            return Optional.empty();
        }
        return Optional.of(new Entry(pos, length));
    }

    private void readFully(ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = segment.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of " + segmentFile(generation));
            }
        }
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Appends a closed window (durably) at the end of the queue; drops the oldest beyond the bound. */
    public synchronized void append(TelemetryWindow window) throws IOException {
        byte[] bytes = window.toByteArray();
        long offset = segment.size();
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + bytes.length);
        record.putInt(bytes.length).putInt(crc(bytes)).put(bytes).flip();
        while (record.hasRemaining()) {
            segment.write(record, offset + record.position());
        }
        segment.force(false);
        entries.addLast(new Entry(offset, bytes.length));
        trim();
    }

    /** The oldest window not yet acknowledged. */
    public synchronized Optional<TelemetryWindow> peek() throws IOException {
        Entry e = entries.peekFirst();
        return e == null ? Optional.empty() : Optional.of(read(e));
    }

    /** The oldest {@code max} windows not yet acknowledged, oldest first. */
    public synchronized List<TelemetryWindow> peek(int max) throws IOException {
        List<TelemetryWindow> out = new ArrayList<>(Math.min(max, entries.size()));
        for (Entry e : entries) {
            if (out.size() >= max) {
                break;
            }
            out.add(read(e));
        }
        return out;
    }

    private TelemetryWindow read(Entry e) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(e.length());
        readFully(body, e.offset() + RECORD_HEADER);
        try {
            return TelemetryWindow.parseFrom(body.array());
        } catch (InvalidProtocolBufferException ex) {
            throw new IOException("corrupt telemetry window at " + e.offset() + " in " + segmentFile(generation), ex);
        }
    }

    /**
     * Removes the oldest window after the server acknowledged it.
     *
     * @param windowId the acknowledged window, which must be the oldest (checked so that a stale ack removes
     *     nothing)
     * @return whether it was the oldest and is now removed
     */
    public synchronized boolean acknowledge(String windowId) throws IOException {
        Optional<TelemetryWindow> oldest = peek();
        if (oldest.isEmpty() || !oldest.get().getWindowId().equals(windowId)) {
            return false;
        }
        removeOldest();
        return true;
    }

    /** Windows waiting for delivery. */
    public synchronized int size() {
        return entries.size();
    }

    /** Windows dropped because the spool was full, since it was opened. */
    public synchronized long droppedWindows() {
        return dropped;
    }

    private void trim() throws IOException {
        while (entries.size() > maxWindows) {
            Entry gone = entries.peekFirst();
            removeOldest();
            dropped++;
            LOG.warnf(
                    "telemetry spool full (%d windows): dropped the oldest window at offset %d",
                    maxWindows, gone.offset());
        }
    }

    private void removeOldest() throws IOException {
        Entry gone = entries.removeFirst();
        Entry next = entries.peekFirst();
        if (next == null || gone.end() >= COMPACT_BYTES) {
            compact();
        } else {
            writeHead(generation, next.offset());
        }
    }

    /** Copies the queued records into a new generation, moves the head to it, deletes the old segment. */
    private void compact() throws IOException {
        long nextGen = generation + 1;
        Path nextFile = segmentFile(nextGen);
        Deque<Entry> moved = new ArrayDeque<>();
        FileChannel next = FileChannel.open(
                nextFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long pos = 0;
            for (Entry e : entries) {
                long copied = 0;
                long total = RECORD_HEADER + (long) e.length();
                while (copied < total) {
                    copied += segment.transferTo(e.offset() + copied, total - copied, next.position(pos + copied));
                }
                moved.addLast(new Entry(pos, e.length()));
                pos += total;
            }
            next.force(true);
            writeHead(nextGen, 0);
        } catch (IOException e) {
            next.close();
            Files.deleteIfExists(nextFile);
            throw e;
        }
        Path oldFile = segmentFile(generation);
        segment.close();
        Files.deleteIfExists(oldFile);
        segment = next;
        generation = nextGen;
        entries.clear();
        entries.addAll(moved);
    }

    private void writeHead(long gen, long offset) throws IOException {
        Path tmp = dir.resolve(HEAD + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap((gen + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(HEAD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(HEAD), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        segment.close();
    }
}
