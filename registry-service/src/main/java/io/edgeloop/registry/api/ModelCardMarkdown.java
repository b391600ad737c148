package io.edgeloop.registry.api;

import io.edgeloop.registry.domain.ModelCard;
import java.util.Locale;
import java.util.Map;

/** A {@link ModelCard} as Markdown, the form model cards are usually read and published in. */
final class ModelCardMarkdown {
    private ModelCardMarkdown() {}

    static String render(ModelCard c) {
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ")
                .append(c.modelName())
                .append(" v")
                .append(c.version())
                .append("\n\n");
        ModelCard.Overview o = c.overview();
        md.append("## Model\n\n");
        line(md, "Architecture", o.architecture());
        line(md, "Inputs", o.featureCount() + " values");
        line(md, "Classes", String.join(", ", o.classLabels()));
        line(md, "Parameters", o.parameterCount() == null ? null : String.valueOf(o.parameterCount()));
        line(md, "Aliases", o.aliases().isEmpty() ? null : String.join(", ", o.aliases()));
        if (!o.hyperparameters().isEmpty()) {
            md.append("- Hyperparameters: ");
            md.append(String.join(
                    ", ",
                    o.hyperparameters().entrySet().stream()
                            .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                            .toList()));
            md.append('\n');
        }
        md.append("\n## Intended use\n\n")
                .append(c.intendedUse() == null ? "_Not stated._" : c.intendedUse())
                .append("\n\n## Training data\n\n");
        ModelCard.TrainingData d = c.trainingData();
        line(md, "Dataset", d.datasetName() == null ? null : d.datasetName() + " v" + d.datasetVersion());
        line(md, "Snapshot", d.snapshotId());
        line(md, "Training run", d.trainingRunId());
        line(md, "Parent version", d.parentVersion() > 0 ? "v" + d.parentVersion() : null);
        line(
                md,
                "Test / validation samples",
                d.testSamples() == null ? null : d.testSamples() + " / " + d.validationSamples());
        if (!d.testClassBalance().isEmpty()) {
            line(md, "Test split per class (stratified)", format(d.testClassBalance()));
        }
        md.append("\n## Metrics\n\n");
        c.metrics()
                .forEach((k, v) ->
                        md.append("- ").append(k).append(": ").append(num(v)).append('\n'));
        if (!c.perClass().isEmpty()) {
            md.append("\n| class | precision | recall | F1 | test samples |\n| --- | --- | --- | --- | --- |\n");
            for (ModelCard.ClassFigures f : c.perClass()) {
                md.append("| ")
                        .append(f.label())
                        .append(" | ")
                        .append(num(f.precision()))
                        .append(" | ")
                        .append(num(f.recall()))
                        .append(" | ")
                        .append(num(f.f1()))
                        .append(" | ")
                        .append(f.support() == null ? "" : f.support())
                        .append(" |\n");
            }
        }
        if (!c.variants().isEmpty()) {
            md.append(
                            "\n## Variants\n\n| target | format | size (bytes) | accuracy | accuracy cost | p50 latency (us) |\n")
                    .append("| --- | --- | --- | --- | --- | --- |\n");
            for (ModelCard.VariantFigures v : c.variants()) {
                md.append("| ")
                        .append(v.target())
                        .append(" | ")
                        .append(v.format())
                        .append(" | ")
                        .append(v.sizeBytes())
                        .append(" | ")
                        .append(num(v.accuracy()))
                        .append(" | ")
                        .append(num(v.accuracyCost()))
                        .append(" | ")
                        .append(num(v.latencyP50Us()))
                        .append(" |\n");
            }
        }
        md.append("\n## Limitations\n\n");
        if (c.limitations().isEmpty()) {
            md.append("_None stated or derived._\n");
        }
        c.limitations().forEach(l -> md.append("- ").append(l).append('\n'));
        ModelCard.Provenance p = c.provenance();
        md.append("\n## Provenance\n\n");
        line(md, "Registered", (p.registeredBy() == null ? "unknown" : p.registeredBy()) + " at " + p.registeredAt());
        for (ModelCard.Promotion x : p.promotions()) {
            md.append("- Alias `")
                    .append(x.alias())
                    .append("` ")
                    .append(x.action())
                    .append(" by ")
                    .append(x.actor())
                    .append(" at ")
                    .append(x.at())
                    .append(x.reason() == null || x.reason().isBlank() ? "" : " (" + x.reason() + ")")
                    .append('\n');
        }
        for (ModelCard.Rollout r : p.rollouts()) {
            md.append("- Rollout ")
                    .append(r.rolloutId())
                    .append(" ")
                    .append(r.phase())
                    .append(" at ")
                    .append(r.at());
            if (r.devicesTargeted() != null) {
                md.append(", active on ")
                        .append(r.devicesActive())
                        .append('/')
                        .append(r.devicesTargeted())
                        .append(" devices");
            }
            md.append('\n');
        }
        md.append("\n## Live performance\n\n").append(c.livePerformance()).append('\n');
        return md.toString();
    }

    private static void line(StringBuilder md, String name, String value) {
        if (value != null && !value.isBlank()) {
            md.append("- ").append(name).append(": ").append(value).append('\n');
        }
    }

    private static String format(Map<String, Long> counts) {
        return String.join(
                ", ",
                counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .toList());
    }

    private static String num(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
