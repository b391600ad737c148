package io.edgeloop.data.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.IngestLogStore;
import io.edgeloop.data.persistence.IngestLogStore.IngestRow;
import io.edgeloop.data.persistence.IngestLogStore.Rejection;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The ingest log: every ingest request (JSON batch, CSV import, recording, image) leaves one row with who sent it,
 * the format, rows received, stored, refused and already stored, and the first reasons for refused rows. A request
 * that stores anything (or nothing new) is logged in the transaction that stores its samples, so the log never
 * claims samples that are not there; a request refused as a whole (400, 413, 415, 422: nothing stored) is logged in
 * a transaction of its own once the ingest's has rolled back. Unknown data sets (404) are not logged. The newest
 * {@code ingest-log.retention} rows per data set are kept.
 */
@ApplicationScoped
public class IngestLog {
    private static final Logger LOG = Logger.getLogger(IngestLog.class);

    private static final Pattern ROW = Pattern.compile("^(?:samples\\[(\\d+)]|line (\\d+))");

    @Inject
    IngestLogStore store;

    @Inject
    SampleStore samples;

    @Inject
    DataConfig config;

    /**
     * Who sends what.
     *
     * @param subject the caller's principal name
     * @param format {@code json}, {@code csv}, {@code recording-json}, {@code recording-csv}, {@code recording-wav},
     *     {@code image}
     * @param source the source the request names, null when its rows carry their own
     */
    public record Request(String dataset, String subject, String format, String source) {}

    /**
     * What a request did.
     *
     * @param status the HTTP status it is answered with
     * @param errors reasons for refused rows (the first ones are logged)
     * @param source the sources its rows named (logged when the request named none), may be null
     */
    public record Outcome(
            int status,
            long rows,
            long accepted,
            long duplicates,
            long rejected,
            List<FieldError> errors,
            String source) {}

    /** An ingest, run inside the log's transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** Reads and stores; throws {@link ApiException} to refuse the request. */
        T run() throws IOException;
    }

    /**
     * Runs {@code work} in a new transaction and logs its {@code outcome} in the same one; when {@code work} refuses
     * the request (400, 413, 415, 422), logs the refusal in a transaction of its own and rethrows.
     */
    public <T> T logged(Request request, Work<T> work, Function<T, Outcome> outcome) throws IOException {
        Instant received = now();
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                T result = work.run();
                write(request, received, "stored", outcome.apply(result), null);
                return result;
            });
        } catch (QuarkusTransactionException e) {
            if (e.getCause() instanceof IOException io) {
                refused(request, received, io);
                throw io;
            }
            throw e;
        } catch (ApiException e) {
            refused(request, received, e);
            throw e;
        }
    }

    /** The newest {@code limit} logged requests of a live data set, newest first (404 unknown). */
    @Transactional
    public List<IngestRow> newest(String dataset, int limit) {
        DatasetNames.require(dataset);
        samples.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        return store.newest(dataset, limit);
    }

    private void refused(Request request, Instant received, Exception failure) {
        int status;
        Outcome outcome;
        String detail;
        if (failure instanceof ApiException e) {
            status = e.status();
            if (status != 400 && status != 413 && status != 415 && status != 422) {
                return; // 404 unknown data set, 409, 5xx: not an ingest refused for its content
            }
            long rows = e instanceof IngestRejected r ? r.rows() : 0;
            long invalid = e instanceof IngestRejected r ? r.invalid() : 0;
            outcome = new Outcome(status, rows, 0, 0, invalid, e.toProblem().errors(), null);
            detail = e.getMessage();
        } else if (failure instanceof JsonProcessingException) {
            status = 400;
            outcome = new Outcome(status, 0, 0, 0, 0, List.of(), null);
            detail = "malformed JSON";
        } else {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (samples.liveDataset(request.dataset()).isPresent()) {
                    write(request, received, "rejected", outcome, detail);
                }
            });
        } catch (RuntimeException e) {
            // the caller still gets the refusal; a lost log row must not turn it into a 500
            LOG.warnf("ingest log of a refused request to %s not written: %s", request.dataset(), e.toString());
        }
    }

    private void write(Request request, Instant received, String outcomeName, Outcome o, String detail) {
        int max = config.ingestLog().maxReasons();
        List<Rejection> reasons = new ArrayList<>();
        for (FieldError e : o.errors() == null ? List.<FieldError>of() : o.errors()) {
            if (reasons.size() == max) {
                break;
            }
            reasons.add(new Rejection(row(e.field()), clean(e.field(), 200), clean(e.message(), 500)));
        }
        store.insert(
                new IngestRow(
                        0,
                        request.dataset(),
                        received,
                        now(),
                        clean(request.subject(), 255),
                        request.format(),
                        clean(request.source() != null ? request.source() : o.source(), 200),
                        outcomeName,
                        o.status(),
                        o.rows(),
                        o.accepted(),
                        o.rejected(),
                        o.duplicates(),
                        clean(detail, 1000),
                        reasons),
                config.ingestLog().retention());
    }

    /** The row a field names: {@code samples[i]...} is row i, {@code line N} row N; null otherwise. */
    static Long row(String field) {
        if (field == null) {
            return null;
        }
        Matcher m = ROW.matcher(field);
        if (!m.find()) {
            return null;
        }
        return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** {@code text} cut to {@code max} characters, control characters and lone surrogates replaced (null stays). */
    static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        String cut = text.length() > max ? text.substring(0, max - 1) + "\u2026" : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1));
            if (pair) {
                out.append(c).append(cut.charAt(++i));
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
