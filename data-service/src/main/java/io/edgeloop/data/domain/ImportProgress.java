package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.ImportProgressStore;
import io.edgeloop.data.persistence.ImportProgressStore.Row;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Progress of the streamed imports (CSV samples, recordings): each import gets an id (the caller's {@code importId} or
 * a UUID) and reports bytes and rows read, stored, already stored and rejected while it runs, then its state
 * ({@code running}, {@code stored}: committed, {@code rejected}: refused as a whole, nothing stored, {@code failed}: an
 * unexpected error, nothing stored). Kept in PostgreSQL ({@code import_progress}), written by the instance that runs
 * the import after every stored chunk and, while the body is read, about once per {@code imports.flush-every}, so any
 * replica answers for it; a running import that reported nothing for {@code imports.stalled-after} (its instance may
 * have died) reads as {@code stalled}. Finished ones are kept up to {@code imports.retention}; the durable record of a
 * finished import is its ingest log row ({@link IngestLog}).
 */
@ApplicationScoped
public class ImportProgress {
    /** What an import id may look like. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    @Inject
    ImportProgressStore store;

    /**
     * An import's progress.
     *
     * @param state {@code running}, {@code stalled} (running, but nothing reported for {@code imports.stalled-after}),
     *     {@code stored}, {@code rejected} or {@code failed}
     * @param bytesRead body bytes read so far
     * @param rowsRead data rows (CSV) or windows (recordings) read so far (a recording's windows once it was read)
     * @param accepted samples stored so far (in the import's transaction until the state is {@code stored})
     * @param duplicates valid rows that were stored already
     * @param rejected invalid rows
     * @param status the HTTP status the import was answered with (null while running)
     * @param detail why it was refused or failed (null otherwise)
     */
    public record View(
            String id,
            String datasetName,
            String format,
            String subject,
            String state,
            long bytesRead,
            long rowsRead,
            long accepted,
            long duplicates,
            long rejected,
            Instant startedAt,
            Instant updatedAt,
            Instant finishedAt,
            Integer status,
            String detail) {}

    /** Counts of one running import, updated by the import as it goes and written through to the store. */
    public final class Tracker implements SampleIngestor.ProgressSink {
        private final String id;
        private final String dataset;
        private final String format;
        private final String subject;
        private final Instant startedAt;
        private long bytes;
        private long rows;
        private long accepted;
        private long duplicates;
        private long rejected;
        private Instant updatedAt;
        private Instant flushedAt;
        private String state = "running";
        private Instant finishedAt;
        private Integer status;
        private String detail;

        private Tracker(String id, String dataset, String format, String subject) {
            this.id = id;
            this.dataset = dataset;
            this.format = format;
            this.subject = subject;
            this.startedAt = now();
            this.updatedAt = startedAt;
            this.flushedAt = startedAt;
        }

        /** The import's id. */
        public String id() {
            return id;
        }

        /** {@code body}, counting the bytes read into this import's progress. */
        public InputStream counting(InputStream body) {
            return new FilterInputStream(body) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytesRead(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        bytesRead(n);
                    }
                    return n;
                }
            };
        }

        private void bytesRead(int n) {
            Row due;
            synchronized (this) {
                bytes += n;
                Instant now = now();
                if (Duration.between(flushedAt, now).compareTo(config.imports().flushEvery()) < 0) {
                    return;
                }
                updatedAt = now;
                due = markFlushed();
            }
            store.update(due);
        }

        @Override
        public void progress(long rowsRead, long stored, long alreadyStored, long invalid) {
            Row due;
            synchronized (this) {
                rows = rowsRead;
                accepted = stored;
                duplicates = alreadyStored;
                rejected = invalid;
                updatedAt = now();
                due = markFlushed();
            }
            store.update(due);
        }

        /** The import was committed with these final counts. */
        public void stored(int httpStatus, long rowsRead, long stored, long alreadyStored, long invalid) {
            Row done;
            synchronized (this) {
                rows = rowsRead;
                accepted = stored;
                duplicates = alreadyStored;
                rejected = invalid;
                done = finish("stored", httpStatus, null);
            }
            store.update(done);
            store.trim(config.imports().retention());
        }

        /** The import ended without storing anything: refused ({@code rejected}, a 4xx) or {@code failed}. */
        public void ended(int httpStatus, String why) {
            Row done;
            synchronized (this) {
                accepted = 0;
                duplicates = 0;
                done = finish(httpStatus < 500 ? "rejected" : "failed", httpStatus, why);
            }
            store.update(done);
            store.trim(config.imports().retention());
        }

        private Row finish(String outcome, int httpStatus, String why) {
            state = outcome;
            status = httpStatus;
            detail = IngestLog.clean(why, 1000);
            finishedAt = now();
            updatedAt = finishedAt;
            return markFlushed();
        }

        private Row markFlushed() {
            flushedAt = updatedAt;
            return new Row(
                    dataset,
                    id,
                    format,
                    subject,
                    state,
                    bytes,
                    rows,
                    accepted,
                    duplicates,
                    rejected,
                    startedAt,
                    updatedAt,
                    finishedAt,
                    status,
                    detail);
        }
    }

    /** An import's final counts and HTTP status. */
    public record Done(int status, long rowsRead, long accepted, long duplicates, long rejected) {}

    /** An import run under a {@link Tracker}. */
    @FunctionalInterface
    public interface Work<T> {
        /** Reads and stores; throws {@link ApiException} to refuse the import. */
        T run() throws java.io.IOException;
    }

    /**
     * Runs {@code work} (which commits the import) and ends {@code tracker} with its outcome: {@code stored} with
     * {@code done}'s counts, {@code rejected} on an {@link ApiException} below 500, {@code failed} otherwise.
     */
    public static <T> T tracked(Tracker tracker, Work<T> work, java.util.function.Function<T, Done> done)
            throws java.io.IOException {
        T result;
        try {
            result = work.run();
        } catch (ApiException e) {
            tracker.ended(e.status(), e.getMessage());
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            tracker.ended(400, "malformed body");
            throw e;
        } catch (java.io.IOException | RuntimeException | Error e) {
            tracker.ended(500, "the import failed: " + e.getClass().getSimpleName());
            throw e;
        }
        Done d = done.apply(result);
        tracker.stored(d.status(), d.rowsRead(), d.accepted(), d.duplicates(), d.rejected());
        return result;
    }

    /**
     * Starts tracking an import into {@code dataset}; {@code requestedId} (may be null: a UUID) names it.
     *
     * @throws ApiException 400 invalid data set name, 422 {@code importId} malformed, 409 an import of that id is
     *     known
     */
    public Tracker start(String dataset, String format, String subject, String requestedId) {
        DatasetNames.require(dataset);
        if (requestedId != null && !ID.matcher(requestedId).matches()) {
            throw ApiException.invalid(
                    "invalid query",
                    List.of(new FieldError("importId", "1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'")));
        }
        String id = requestedId != null ? requestedId : UUID.randomUUID().toString();
        Tracker t = new Tracker(id, dataset, format, IngestLog.clean(subject, 255));
        Row first;
        synchronized (t) {
            first = t.markFlushed();
        }
        if (!store.insert(first)) {
            throw new ApiException(
                    409, "Conflict", "an import '" + id + "' of data set '" + dataset + "' is known", List.of());
        }
        return t;
    }

    /** The import {@code id} of {@code dataset}. */
    public Optional<View> get(String dataset, String id) {
        return store.find(dataset, id).map(this::view);
    }

    /** The known imports of {@code dataset}, newest first. */
    public List<View> list(String dataset) {
        return store.list(dataset).stream().map(this::view).toList();
    }

    private View view(Row r) {
        boolean stalled = "running".equals(r.state())
                && Duration.between(r.updatedAt(), now())
                                .compareTo(config.imports().stalledAfter())
                        > 0;
        return new View(
                r.importId(),
                r.datasetName(),
                r.format(),
                r.subject(),
                stalled ? "stalled" : r.state(),
                r.bytesRead(),
                r.rowsRead(),
                r.accepted(),
                r.duplicates(),
                r.rejected(),
                r.startedAt(),
                r.updatedAt(),
                r.finishedAt(),
                r.status(),
                r.detail());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
