package io.edgeloop.registry.domain;

import io.edgeloop.registry.tracking.Run;
import io.edgeloop.registry.tracking.TrackingStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds {@link ModelCard}s: the version as registered, its training run (hyperparameters and per-class test
 * figures, when the registry recorded the run from {@code ModelTrained}), its variants and its history; and derives
 * the limitations the figures show (a weak class, a thin test split, a variant that costs accuracy, no stated use).
 */
@ApplicationScoped
public class ModelCards {
    /** A class below this test recall is named as a limitation. */
    static final double WEAK_RECALL = 0.8;
    /** A class with fewer test samples than this is named: its figures are noisy. */
    static final long THIN_SUPPORT = 30;
    /** A variant losing more test accuracy than this is named. */
    static final double VARIANT_COST = 0.01;

    /** Tag that states the intended use. */
    public static final String INTENDED_USE = "intended_use";
    /** Tag that states known limitations, one per line. */
    public static final String LIMITATIONS = "limitations";

    @Inject
    ModelRegistry registry;

    @Inject
    History history;

    @Inject
    TrackingStore tracking;

    /**
     * The card of {@code modelName} {@code version} (0 = latest).
     *
     * @throws RegistryException not found, as {@link ModelRegistry#version}
     */
    public ModelCard card(String modelName, int version) {
        VersionView v = registry.version(modelName, version);
        Optional<Run> run = run(v);
        List<ModelCard.ClassFigures> perClass = perClass(v, run);
        List<ModelCard.VariantFigures> variants = variants(v);
        String intended = blankToNull(v.tags().get(INTENDED_USE));
        ModelCard.TrainingData data = trainingData(v, run, perClass);
        return new ModelCard(
                v.modelName(),
                v.version(),
                overview(v, run),
                intended,
                data,
                v.metrics(),
                perClass,
                variants,
                limitations(v, intended, data, perClass, variants),
                provenance(v),
                "monitoring-service GET /models/" + v.modelName() + "/performance?version=" + v.version()
                        + " (accuracy, macro F1, per-class recall and calibration per device and time window)");
    }

    private Optional<Run> run(VersionView v) {
        String id = v.lineage() == null ? null : v.lineage().trainingRunId();
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(tracking.run(id));
        } catch (RuntimeException e) {
            return Optional.empty(); // not recorded (an uploaded model, or trained before the registry recorded runs)
        }
    }

    private static ModelCard.Overview overview(VersionView v, Optional<Run> run) {
        Map<String, String> hyper = new TreeMap<>();
        Long parameters = null;
        if (run.isPresent()) {
            run.get().params().forEach((k, val) -> {
                if (!k.startsWith("dataset.") && !k.startsWith("model.")) {
                    hyper.put(k, val);
                }
            });
            parameters = parseLong(run.get().params().get("model.parameter_count"));
        }
        return new ModelCard.Overview(
                v.architecture(), v.featureCount(), v.classLabels(), parameters, hyper, v.aliases(), v.tags());
    }

    private static List<ModelCard.ClassFigures> perClass(VersionView v, Optional<Run> run) {
        List<ModelCard.ClassFigures> out = new ArrayList<>();
        if (run.isEmpty()) {
            return out;
        }
        for (String label : v.classLabels()) {
            String key = "test_" + label.replaceAll("[^\\w\\-. ]", "_");
            Double support = run.get().metric(key + "_support");
            out.add(new ModelCard.ClassFigures(
                    label,
                    run.get().metric(key + "_precision"),
                    run.get().metric(key + "_recall"),
                    run.get().metric(key + "_f1"),
                    support == null ? null : Math.round(support)));
        }
        return out;
    }

    private static ModelCard.TrainingData trainingData(
            VersionView v, Optional<Run> run, List<ModelCard.ClassFigures> perClass) {
        Map<String, Long> balance = new LinkedHashMap<>();
        perClass.stream().filter(c -> c.support() != null).forEach(c -> balance.put(c.label(), c.support()));
        LineageView l = v.lineage();
        return new ModelCard.TrainingData(
                l == null ? null : l.datasetName(),
                l == null ? 0 : l.datasetVersion(),
                l == null ? null : l.snapshotId(),
                l == null ? null : l.trainingRunId(),
                l == null ? 0 : l.parentVersion(),
                run.map(r -> r.metric("test_sample_count")).map(Math::round).orElse(null),
                run.map(r -> r.metric("val_sample_count")).map(Math::round).orElse(null),
                balance);
    }

    private static List<ModelCard.VariantFigures> variants(VersionView v) {
        Double base = v.metrics().get("test_accuracy");
        List<ModelCard.VariantFigures> out = new ArrayList<>();
        for (VariantView x : v.variants()) {
            Double accuracy = x.metrics().get("accuracy");
            Double cost = x.metrics().containsKey("accuracy_delta")
                    ? -x.metrics().get("accuracy_delta")
                    : base != null && accuracy != null ? base - accuracy : null;
            out.add(new ModelCard.VariantFigures(
                    x.variantId(),
                    x.target(),
                    x.format(),
                    x.sizeBytes(),
                    accuracy,
                    cost,
                    x.metrics().get("latency_p50_us"),
                    x.settings()));
        }
        return out;
    }

    static List<String> limitations(
            VersionView v,
            String intended,
            ModelCard.TrainingData data,
            List<ModelCard.ClassFigures> perClass,
            List<ModelCard.VariantFigures> variants) {
        List<String> out = new ArrayList<>();
        String stated = v.tags().get(LIMITATIONS);
        if (stated != null) {
            stated.lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        if (intended == null) {
            out.add("No intended use is stated (tag '" + INTENDED_USE + "'): use outside the conditions of its"
                    + " training data is untested.");
        }
        if (perClass.isEmpty()) {
            out.add("No per-class test figures: the registry holds no training run for this version (an uploaded"
                    + " model, or one trained before runs were recorded).");
        }
        for (ModelCard.ClassFigures c : perClass) {
            if (c.recall() != null && c.recall() < WEAK_RECALL) {
                out.add(String.format(
                        Locale.ROOT,
                        "Class '%s' is recognised in only %.0f%% of its test samples (recall %.3f): expect misses.",
                        c.label(),
                        100 * c.recall(),
                        c.recall()));
            }
            if (c.support() != null && c.support() < THIN_SUPPORT) {
                out.add("Class '" + c.label() + "' has " + c.support() + " test samples: its figures are noisy.");
            }
        }
        for (ModelCard.VariantFigures x : variants) {
            if (x.accuracyCost() != null && x.accuracyCost() > VARIANT_COST) {
                out.add(String.format(
                        Locale.ROOT,
                        "Variant %s (%s) loses %.3f test accuracy against the trained model.",
                        x.target(),
                        x.format(),
                        x.accuracyCost()));
            }
        }
        if (data.datasetName() == null) {
            out.add("No lineage: the training data is unknown.");
        }
        return out;
    }

    private ModelCard.Provenance provenance(VersionView v) {
        List<ModelCard.Promotion> promotions = new ArrayList<>();
        List<ModelCard.Rollout> rollouts = new ArrayList<>();
        long after = 0;
        List<HistoryEntry> page;
        do {
            page = history.of(v.modelName(), after, 1000);
            for (HistoryEntry h : page) {
                after = h.id();
                if (h.version() != v.version()) {
                    continue;
                }
                if (History.ALIAS_SET.equals(h.kind()) || History.ALIAS_DELETED.equals(h.kind())) {
                    promotions.add(new ModelCard.Promotion(
                            h.alias(),
                            History.ALIAS_SET.equals(h.kind()) ? "set" : "removed",
                            h.actor(),
                            h.reason(),
                            h.occurredAt()));
                } else if (History.DEPLOYED.equals(h.kind()) && !"wave".equals(h.phase())) {
                    rollouts.add(new ModelCard.Rollout(
                            h.rolloutId(), h.phase(), h.devicesActive(), h.devicesTargeted(), h.occurredAt()));
                }
            }
        } while (page.size() == 1000);
        return new ModelCard.Provenance(v.registeredBy(), v.createdAt(), promotions, rollouts);
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
