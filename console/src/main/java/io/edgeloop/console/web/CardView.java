package io.edgeloop.console.web;

import io.edgeloop.console.clients.CardViews.Card;
import io.edgeloop.console.clients.CardViews.ClassFigures;
import io.edgeloop.console.clients.CardViews.Overview;
import io.edgeloop.console.clients.CardViews.Promotion;
import io.edgeloop.console.clients.CardViews.RolloutPhase;
import io.edgeloop.console.clients.CardViews.TrainingData;
import io.edgeloop.console.clients.CardViews.VariantFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The model card page of one version (registry's {@code GET /models/{name}/versions/{v}/card}): what the model is,
 * its intended use, training data and class balance, metrics overall and per class, live figures per segment of the
 * fleet, variants and their accuracy cost, limitations, and who registered and promoted it.
 *
 * @param facts name-value lines about the model (architecture, inputs, classes, ...)
 * @param intendedUse as stated, or empty when nobody stated it
 * @param data name-value lines about the training data
 * @param live its live figures (monitoring)
 */
public record CardView(
        String model,
        int version,
        List<Fact> facts,
        String intendedUse,
        List<Fact> data,
        String datasetName,
        String trainingRunId,
        List<Share> balance,
        List<Fact> metrics,
        List<ClassRow> perClass,
        List<VariantRow> variants,
        List<String> limitations,
        List<Fact> provenance,
        String livePerformance,
        LiveView live,
        List<Chart> charts) {

    /** A named figure or fact. */
    public record Fact(String name, String value) {}

    /** One class's samples in the test split and its share. */
    public record Share(String label, long count, String share) {}

    /** Test figures of one class. */
    public record ClassRow(String label, String precision, String recall, String f1, String support) {}

    /** A variant: accuracy and its cost in points against the float model (positive = it loses accuracy). */
    public record VariantRow(
            String target,
            String format,
            String size,
            String accuracy,
            String cost,
            String latencyP50,
            String settings) {}

    /** Builds the page. */
    public static CardView of(Card c, LiveView live) {
        TrainingData d = c.trainingData();
        List<Share> balance = balance(d == null ? null : d.testClassBalance());
        List<ClassRow> perClass = list(c.perClass()).stream()
                .map(f -> new ClassRow(
                        f.label(),
                        Fmt.percent(f.precision()),
                        Fmt.percent(f.recall()),
                        Fmt.number(f.f1(), 3),
                        f.support() == null ? "-" : String.valueOf(f.support())))
                .toList();
        List<Fact> metrics = new ArrayList<>();
        new TreeMap<>(c.metrics() == null ? Map.<String, Double>of() : c.metrics())
                .forEach((k, v) -> metrics.add(new Fact(k, Fmt.number(v, 4))));
        return new CardView(
                c.modelName(),
                c.version(),
                facts(c.overview()),
                c.intendedUse() == null ? "" : c.intendedUse(),
                data(d),
                d == null ? null : d.datasetName(),
                d == null ? null : d.trainingRunId(),
                balance,
                metrics,
                perClass,
                list(c.variants()).stream().map(CardView::variant).toList(),
                list(c.limitations()),
                provenance(c),
                c.livePerformance() == null ? "" : c.livePerformance(),
                live,
                charts(balance, list(c.perClass())));
    }

    static List<Fact> facts(Overview o) {
        List<Fact> out = new ArrayList<>();
        if (o == null) {
            return out;
        }
        out.add(new Fact("architecture", o.architecture()));
        out.add(new Fact("inputs", o.featureCount() + " values"));
        out.add(new Fact("classes", String.join(", ", list(o.classLabels()))));
        out.add(new Fact("parameters", o.parameterCount() == null ? "-" : String.valueOf(o.parameterCount())));
        out.add(new Fact("aliases", list(o.aliases()).isEmpty() ? "-" : String.join(", ", o.aliases())));
        if (o.hyperparameters() != null && !o.hyperparameters().isEmpty()) {
            out.add(new Fact("hyperparameters", Fmt.labels(o.hyperparameters())));
        }
        return out;
    }

    static List<Fact> data(TrainingData d) {
        List<Fact> out = new ArrayList<>();
        if (d == null) {
            return out;
        }
        out.add(new Fact("data set", d.datasetName() == null ? "-" : d.datasetName() + " v" + d.datasetVersion()));
        out.add(new Fact("snapshot", d.snapshotId() == null ? "-" : d.snapshotId()));
        out.add(new Fact("parent version", d.parentVersion() > 0 ? "v" + d.parentVersion() : "-"));
        out.add(new Fact(
                "test / validation samples",
                d.testSamples() == null ? "-" : d.testSamples() + " / " + d.validationSamples()));
        return out;
    }

    static List<Share> balance(Map<String, Long> counts) {
        if (counts == null || counts.isEmpty()) {
            return List.of();
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return counts.entrySet().stream()
                .map(e -> new Share(
                        e.getKey(), e.getValue(), Fmt.percent(total == 0 ? null : e.getValue() / (double) total)))
                .toList();
    }

    static VariantRow variant(VariantFigures v) {
        String cost = v.accuracyCost() == null ? "-" : String.format(Locale.ROOT, "%+.1f pt", v.accuracyCost() * 100);
        String settings = v.settings() == null || v.settings().isEmpty() ? "-" : Fmt.labels(v.settings());
        return new VariantRow(
                v.target(),
                v.format(),
                Fmt.bytes(v.sizeBytes()),
                Fmt.percent(v.accuracy()),
                cost,
                Fmt.micros(v.latencyP50Us()),
                settings);
    }

    static List<Fact> provenance(Card c) {
        List<Fact> out = new ArrayList<>();
        if (c.provenance() == null) {
            return out;
        }
        var p = c.provenance();
        out.add(new Fact(
                "registered",
                (p.registeredBy() == null ? "unknown" : p.registeredBy()) + " at " + Fmt.time(p.registeredAt())));
        for (Promotion x : list(p.promotions())) {
            out.add(new Fact(
                    "alias " + x.alias() + " " + x.action(),
                    "by " + x.actor() + " at " + Fmt.time(x.at())
                            + (x.reason() == null || x.reason().isBlank() ? "" : " (" + x.reason() + ")")));
        }
        for (RolloutPhase r : list(p.rollouts())) {
            String devices = r.devicesTargeted() == null
                    ? ""
                    : ", active on " + r.devicesActive() + " / " + r.devicesTargeted() + " devices";
            out.add(new Fact("rollout " + r.rolloutId(), r.phase() + " at " + Fmt.time(r.at()) + devices));
        }
        return out;
    }

    static List<Chart> charts(List<Share> balance, List<ClassFigures> perClass) {
        List<Chart> out = new ArrayList<>();
        if (!balance.isEmpty()) {
            out.add(Chart.bars(
                    "test samples per class",
                    balance.stream().map(Share::label).toList(),
                    List.of(new Chart.Series(
                            "samples",
                            balance.stream().map(s -> (double) s.count()).collect(Collectors.toList())))));
        }
        if (!perClass.isEmpty()) {
            out.add(Chart.bars(
                    "test precision, recall and F1 per class",
                    perClass.stream().map(ClassFigures::label).toList(),
                    List.of(
                            new Chart.Series(
                                    "precision",
                                    perClass.stream()
                                            .map(ClassFigures::precision)
                                            .toList()),
                            new Chart.Series(
                                    "recall",
                                    perClass.stream().map(ClassFigures::recall).toList()),
                            new Chart.Series(
                                    "F1",
                                    perClass.stream().map(ClassFigures::f1).toList()))));
        }
        return out;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
