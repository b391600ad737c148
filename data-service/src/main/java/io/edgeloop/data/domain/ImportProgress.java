package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Progress of the streamed imports (CSV samples, recordings) this instance runs or ran: each import gets an id (the
 * caller's {@code importId} or a UUID) and reports rows read, stored, already stored and rejected while it runs, then
 * its state ({@code running}, {@code stored}: committed, {@code rejected}: refused as a whole, nothing stored, {@code
 * failed}: an unexpected error, nothing stored). Kept in memory: running imports always, finished ones the newest
 * {@code imports.retention}; the durable record of a finished import is its ingest log row ({@link IngestLog}).
 */
@ApplicationScoped
public class ImportProgress {
    /** What an import id may look like. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    private final Map<String, Tracker> imports = new LinkedHashMap<>();

    /**
     * An import's progress.
     *
     * @param state {@code running}, {@code stored}, {@code rejected} or {@code failed}
     * @param rowsRead data rows (CSV) or windows (recordings) read so far
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
            long rowsRead,
            long accepted,
            long duplicates,
            long rejected,
            Instant startedAt,
            Instant updatedAt,
            Instant finishedAt,
            Integer status,
            String detail) {}

    /** Counts of one running import, updated by the import as it goes. */
    public final class Tracker implements SampleIngestor.ProgressSink {
        private final String id;
        private final String dataset;
        private final String format;
        private final String subject;
        private final Instant startedAt;
        private long rows;
        private long accepted;
        private long duplicates;
        private long rejected;
        private Instant updatedAt;
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
        }

        /** The import's id. */
        public String id() {
            return id;
        }

        @Override
        public synchronized void progress(long rowsRead, long stored, long alreadyStored, long invalid) {
            rows = rowsRead;
            accepted = stored;
            duplicates = alreadyStored;
            rejected = invalid;
            updatedAt = now();
        }

        /** The import was committed with these final counts. */
        public void stored(int httpStatus, long rowsRead, long stored, long alreadyStored, long invalid) {
            synchronized (this) {
                progress(rowsRead, stored, alreadyStored, invalid);
                finish("stored", httpStatus, null);
            }
            evict();
        }

        /** The import ended without storing anything: refused ({@code rejected}, a 4xx) or {@code failed}. */
        public void ended(int httpStatus, String why) {
            synchronized (this) {
                accepted = 0;
                duplicates = 0;
                finish(httpStatus < 500 ? "rejected" : "failed", httpStatus, why);
            }
            evict();
        }

        private void finish(String outcome, int httpStatus, String why) {
            state = outcome;
            status = httpStatus;
            detail = IngestLog.clean(why, 1000);
            finishedAt = now();
            updatedAt = finishedAt;
        }

        synchronized View view() {
            return new View(
                    id,
                    dataset,
                    format,
                    subject,
                    state,
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

        synchronized boolean running() {
            return finishedAt == null;
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
     * @throws ApiException 422 {@code importId} malformed, 409 an import of that id is known
     */
    public Tracker start(String dataset, String format, String subject, String requestedId) {
        if (requestedId != null && !ID.matcher(requestedId).matches()) {
            throw ApiException.invalid(
                    "invalid query",
                    List.of(new FieldError("importId", "1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'")));
        }
        String id = requestedId != null ? requestedId : UUID.randomUUID().toString();
        synchronized (imports) {
            String key = key(dataset, id);
            if (imports.containsKey(key)) {
                throw new ApiException(
                        409, "Conflict", "an import '" + id + "' of data set '" + dataset + "' is known", List.of());
            }
            Tracker t = new Tracker(id, dataset, format, subject);
            imports.put(key, t);
            return t;
        }
    }

    /** The import {@code id} of {@code dataset}, if this instance knows it. */
    public Optional<View> get(String dataset, String id) {
        Tracker t;
        synchronized (imports) {
            t = imports.get(key(dataset, id));
        }
        return Optional.ofNullable(t).map(Tracker::view);
    }

    /** The imports of {@code dataset} this instance knows, newest first. */
    public List<View> list(String dataset) {
        List<Tracker> found = new ArrayList<>();
        synchronized (imports) {
            imports.values().stream().filter(t -> t.dataset.equals(dataset)).forEach(found::add);
        }
        List<View> out = new ArrayList<>(found.size());
        for (int i = found.size() - 1; i >= 0; i--) {
            out.add(found.get(i).view());
        }
        return out;
    }

    /** Drops the oldest finished imports beyond the retention. */
    private void evict() {
        synchronized (imports) {
            long finished = imports.values().stream().filter(t -> !t.running()).count();
            Iterator<Tracker> it = imports.values().iterator();
            while (finished > config.imports().retention() && it.hasNext()) {
                if (!it.next().running()) {
                    it.remove();
                    finished--;
                }
            }
        }
    }

    private static String key(String dataset, String id) {
        return dataset + "\u0000" + id;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
