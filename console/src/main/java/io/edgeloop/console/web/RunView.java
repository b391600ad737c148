package io.edgeloop.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.console.clients.TrainingViews.ClassMetrics;
import io.edgeloop.console.clients.TrainingViews.Epoch;
import io.edgeloop.console.clients.TrainingViews.Metrics;
import io.edgeloop.console.clients.TrainingViews.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A training run's page: status, figures on the validation and test splits, the last epoch, the learning curve (loss
 * and validation accuracy per epoch, updated live while the run is queued or running), the hyperparameters,
 * per-class metrics and the test confusion matrix (rows: true class, columns: predicted class; each cell shaded by its
 * share of its row).
 *
 * @param labels class labels in the matrix's order
 * @param matrix one row per true class
 * @param chart validation and test figures side by side
 * @param curve the learning curve as JSON for the page's script ({@code {"attempt": n, "epochs": [...]}})
 * @param curveSummary the curve in words ("4 epochs of attempt 1, lowest validation loss at epoch 3"), or why none
 * @param live whether the page follows the run's epochs as they are trained (queued or running)
 * @param hyperparameters the spec trained with (the requested one while the run has not started), one row a field
 */
public record RunView(
        RunRow run,
        String validation,
        String test,
        String lastEpoch,
        List<ClassRow> perClass,
        List<String> labels,
        List<MatrixRow> matrix,
        Chart chart,
        String curve,
        String curveSummary,
        boolean live,
        List<Param> hyperparameters) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A run in a list. */
    public record RunRow(
            String id,
            String dataset,
            String status,
            String failure,
            String epochs,
            String accuracy,
            String model,
            String architecture,
            String queued,
            String seconds) {}

    /** Precision, recall, F1 and support of a class. */
    public record ClassRow(String label, String precision, String recall, String f1, long support) {}

    /** A cell: count and shade (0-100, its share of the row). */
    public record Cell(long count, int shade, boolean diagonal) {}

    /** A row of the confusion matrix. */
    public record MatrixRow(String label, List<Cell> cells) {}

    /** A hyperparameter and its value. */
    public record Param(String name, String value) {}

    /** A run as a list row. */
    public static RunRow row(Run r) {
        return new RunRow(
                r.id(),
                r.datasetName() + "@v" + r.datasetVersion(),
                r.status(),
                r.failureReason() == null ? "" : r.failureReason(),
                (r.epochs() == null ? "0" : r.epochs()) + " / " + r.maxEpochs(),
                Fmt.percent(r.test() == null ? null : r.test().accuracy()),
                r.modelName() == null || r.modelVersion() == null ? "-" : r.modelName() + " v" + r.modelVersion(),
                r.architecture() == null ? "-" : r.architecture(),
                Fmt.time(r.queuedAt()),
                Fmt.number(r.trainingSeconds(), 1));
    }

    /** Builds the page of one run without its learning curve. */
    public static RunView of(Run r) {
        return of(r, List.of());
    }

    /** Builds the page of one run with the epochs of its learning curve. */
    public static RunView of(Run r, List<Epoch> epochs) {
        Metrics test = r.test();
        List<String> labels = new ArrayList<>();
        List<ClassRow> perClass = new ArrayList<>();
        if (test != null && test.perClass() != null) {
            for (ClassMetrics c : test.perClass()) {
                labels.add(c.label());
                perClass.add(new ClassRow(
                        c.label(),
                        Fmt.percent(c.precision()),
                        Fmt.percent(c.recall()),
                        Fmt.percent(c.f1()),
                        c.support()));
            }
        }
        List<MatrixRow> matrix = matrix(test == null ? null : test.confusionMatrix(), labels);
        String last = r.progress() == null
                ? "-"
                : String.format(
                        Locale.ROOT,
                        "epoch %d of %d: train loss %s, validation loss %s, validation accuracy %s",
                        r.progress().epoch(),
                        r.progress().maxEpochs(),
                        Fmt.number(r.progress().trainLoss(), 4),
                        Fmt.number(r.progress().validationLoss(), 4),
                        Fmt.percent(r.progress().validationAccuracy()));
        boolean live = "QUEUED".equals(r.status()) || "RUNNING".equals(r.status());
        return new RunView(
                row(r),
                figures(r.validation()),
                figures(test),
                last,
                perClass,
                labels,
                matrix,
                chart(r),
                curve(epochs),
                curveSummary(epochs, live),
                live,
                hyperparameters(r.spec() != null ? r.spec() : r.requestedSpec()));
    }

    /** The curve for the page's script: the latest attempt's epochs (an earlier attempt's would mix two trainings). */
    static String curve(List<Epoch> epochs) {
        int attempt = epochs.stream().mapToInt(Epoch::attempt).max().orElse(0);
        List<Epoch> shown = epochs.stream().filter(e -> e.attempt() == attempt).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attempt", attempt);
        out.put("epochs", shown);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("curve not serializable", e);
        }
    }

    static String curveSummary(List<Epoch> epochs, boolean live) {
        if (epochs.isEmpty()) {
            return live ? "no epoch finished yet" : "no epochs recorded for this run";
        }
        int attempt = epochs.stream().mapToInt(Epoch::attempt).max().orElse(0);
        List<Epoch> shown = epochs.stream().filter(e -> e.attempt() == attempt).toList();
        Epoch best = null;
        for (Epoch e : shown) {
            if (e.validationLoss() != null && (best == null || e.validationLoss() < best.validationLoss())) {
                best = e;
            }
        }
        return String.format(
                Locale.ROOT,
                "%d epoch%s of attempt %d%s",
                shown.size(),
                shown.size() == 1 ? "" : "s",
                attempt,
                best == null
                        ? ""
                        : ", lowest validation loss " + Fmt.number(best.validationLoss(), 4) + " at "
                                + (best.phase() == null ? "" : best.phase() + " ") + "epoch " + best.epoch());
    }

    /** One row per field of the spec, in its order; nested objects as {@code key=value} lists. */
    static List<Param> hyperparameters(Map<String, Object> spec) {
        List<Param> out = new ArrayList<>();
        if (spec != null) {
            spec.forEach((k, v) -> out.add(new Param(k, value(v))));
        }
        return out;
    }

    private static String value(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream()
                    .map(e -> e.getKey() + "=" + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(RunView::value).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(v);
    }

    /** The matrix with shades; labels missing from the per-class list are named by index. */
    static List<MatrixRow> matrix(long[][] m, List<String> labels) {
        List<MatrixRow> rows = new ArrayList<>();
        if (m == null) {
            return rows;
        }
        for (int i = 0; i < m.length; i++) {
            long total = 0;
            for (long c : m[i]) {
                total += c;
            }
            List<Cell> cells = new ArrayList<>();
            for (int j = 0; j < m[i].length; j++) {
                int shade = total == 0 ? 0 : (int) Math.round(100.0 * m[i][j] / total);
                cells.add(new Cell(m[i][j], shade, i == j));
            }
            while (labels.size() <= i) {
                labels.add("class " + labels.size());
            }
            rows.add(new MatrixRow(labels.get(i), cells));
        }
        return rows;
    }

    private static String figures(Metrics m) {
        if (m == null) {
            return "-";
        }
        return String.format(
                Locale.ROOT,
                "accuracy %s, macro F1 %s, loss %s on %d samples",
                Fmt.percent(m.accuracy()),
                Fmt.percent(m.macroF1()),
                Fmt.number(m.loss(), 4),
                m.sampleCount());
    }

    /** Accuracy and macro F1 on the validation and test splits (the API keeps no per-epoch history). */
    static Chart chart(Run r) {
        List<Double> validation = new ArrayList<>();
        List<Double> test = new ArrayList<>();
        Metrics v = r.validation();
        Metrics t = r.test();
        validation.add(v == null ? null : pct(v.accuracy()));
        validation.add(v == null ? null : pct(v.macroF1()));
        test.add(t == null ? null : pct(t.accuracy()));
        test.add(t == null ? null : pct(t.macroF1()));
        return Chart.bars(
                "validation and test (%)",
                List.of("accuracy", "macro F1"),
                List.of(new Chart.Series("validation", validation), new Chart.Series("test", test)));
    }

    private static double pct(double fraction) {
        return Math.round(fraction * 1000) / 10.0;
    }
}
