package io.edgeloop.console.web;

import io.edgeloop.console.clients.RegistryViews.Alias;
import io.edgeloop.console.clients.RegistryViews.Lineage;
import io.edgeloop.console.clients.RegistryViews.Model;
import io.edgeloop.console.clients.RegistryViews.Variant;
import io.edgeloop.console.clients.RegistryViews.Version;
import io.edgeloop.kit.api.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The model page: aliases, every version with its lineage, and one version's variants side by side (a table and
 * charts of size, latency and accuracy per target).
 *
 * @param name the model
 * @param aliases its aliases
 * @param versions newest first
 * @param selected the version whose variants are shown
 * @param variants that version's variants, by target
 * @param charts size, latency and accuracy per target (empty without variants)
 */
public record ModelView(
        String name,
        List<AliasRow> aliases,
        List<VersionRow> versions,
        VersionRow selected,
        List<VariantRow> variants,
        List<Chart> charts) {

    /** An alias and where it points. */
    public record AliasRow(String alias, int version, String updatedAt, String updatedBy) {}

    /**
     * A version with its lineage.
     *
     * @param source {@code dataset@vN} it was trained on
     * @param parent the previous version, 0 for the first
     */
    public record VersionRow(
            int version,
            String createdAt,
            String registeredBy,
            String architecture,
            String accuracy,
            String size,
            String source,
            String snapshotId,
            String trainingRunId,
            int parent,
            String aliases,
            int variantCount) {}

    /** One variant's figures, formatted. */
    public record VariantRow(
            String variantId,
            String target,
            String format,
            String size,
            String latencyP50,
            String latencyP99,
            String accuracy,
            String accuracyDelta) {}

    /**
     * Builds the page.
     *
     * @param version the version to show variants of; null for the newest
     * @throws ApiException 404 when that version does not exist
     */
    public static ModelView of(Model model, List<Version> versions, List<Alias> aliases, Integer version) {
        List<Version> newestFirst = versions.stream()
                .sorted(Comparator.comparingInt(Version::version).reversed())
                .toList();
        Version chosen = version == null
                ? newestFirst.stream().findFirst().orElse(null)
                : newestFirst.stream()
                        .filter(v -> v.version() == version)
                        .findFirst()
                        .orElseThrow(
                                () -> ApiException.notFound("model '" + model.name() + "' has no version " + version));
        List<Variant> variants = chosen == null || chosen.variants() == null
                ? List.of()
                : chosen.variants().stream()
                        .sorted(Comparator.comparing(Variant::target))
                        .toList();
        return new ModelView(
                model.name(),
                aliases.stream()
                        .sorted(Comparator.comparing(Alias::alias))
                        .map(a -> new AliasRow(a.alias(), a.version(), Fmt.time(a.updatedAt()), a.updatedBy()))
                        .toList(),
                newestFirst.stream().map(ModelView::row).toList(),
                chosen == null ? null : row(chosen),
                variants.stream().map(ModelView::variantRow).toList(),
                charts(variants));
    }

    static VersionRow row(Version v) {
        Lineage l = v.lineage();
        Map<String, Double> m = v.metrics() == null ? Map.of() : v.metrics();
        return new VersionRow(
                v.version(),
                Fmt.time(v.createdAt()),
                v.registeredBy() == null ? "-" : v.registeredBy(),
                v.architecture() == null ? "-" : v.architecture(),
                Fmt.percent(m.getOrDefault("test_accuracy", m.get("accuracy"))),
                Fmt.bytes(v.sizeBytes()),
                l == null || l.datasetName() == null ? "-" : l.datasetName() + "@v" + l.datasetVersion(),
                l == null || l.snapshotId() == null ? "-" : l.snapshotId(),
                l == null ? null : l.trainingRunId(),
                l == null ? 0 : l.parentVersion(),
                v.aliases() == null || v.aliases().isEmpty() ? "" : String.join(", ", v.aliases()),
                v.variants() == null ? 0 : v.variants().size());
    }

    static VariantRow variantRow(Variant v) {
        Map<String, Double> m = v.metrics() == null ? Map.of() : v.metrics();
        Double delta = m.get("accuracy_delta");
        return new VariantRow(
                v.variantId(),
                v.target(),
                v.format(),
                Fmt.bytes(v.sizeBytes()),
                Fmt.micros(m.get("latency_p50_us")),
                Fmt.micros(m.get("latency_p99_us")),
                Fmt.percent(m.get("accuracy")),
                delta == null ? "-" : (delta >= 0 ? "+" : "") + Fmt.number(delta * 100, 1) + " pt");
    }

    /** Size (KB), p50 latency (µs) and accuracy (%) per target: three bar charts. */
    static List<Chart> charts(List<Variant> variants) {
        if (variants.isEmpty()) {
            return List.of();
        }
        List<String> targets = variants.stream().map(Variant::target).toList();
        List<Double> size = new ArrayList<>();
        List<Double> latency = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        for (Variant v : variants) {
            Map<String, Double> m = v.metrics() == null ? Map.of() : v.metrics();
            size.add(Math.round(v.sizeBytes() / 102.4) / 10.0);
            latency.add(m.get("latency_p50_us"));
            Double a = m.get("accuracy");
            accuracy.add(a == null ? null : Math.round(a * 1000) / 10.0);
        }
        return List.of(
                Chart.bars("size (KB)", targets, List.of(new Chart.Series("size KB", size))),
                Chart.bars("latency p50 (µs)", targets, List.of(new Chart.Series("p50 µs", latency))),
                Chart.bars("accuracy (%)", targets, List.of(new Chart.Series("accuracy %", accuracy))));
    }
}
