package io.edgeloop.registry.domain;

import static io.edgeloop.registry.domain.ModelRegistry.ALIAS;
import static io.edgeloop.registry.domain.ModelRegistry.MODEL_NAME;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks of {@link ModelRegistry}'s requests: each adds the problems it finds, naming the field, to a list that the
 * caller turns into one {@link RegistryException#invalid} (every problem at once).
 */
final class RegistryRequests {
    private static final Pattern RESERVED_ALIAS = Pattern.compile("latest|v[0-9]+", Pattern.CASE_INSENSITIVE);
    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TAG_KEY = 250;
    private static final int MAX_TAG_VALUE = 5000;
    static final int MAX_TAGS = 100;
    private static final int MAX_TEXT = 200;
    private static final int MAX_SETTING_VALUE = 2000;

    private RegistryRequests() {}

    static void validate(RegisterVersionRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName("model_name", r.getModelName(), errors);
        checkDigest("artifact_sha256", r.getArtifactSha256(), errors);
        if (r.getFeatureCount() < 0) {
            errors.add("feature_count: must not be negative, got " + r.getFeatureCount());
        }
        checkLength("architecture", r.getArchitecture(), MAX_TEXT, errors);
        checkLength("idempotency_key", r.getIdempotencyKey(), MAX_TEXT, errors);
        for (int i = 0; i < r.getClassLabelsCount(); i++) {
            String label = r.getClassLabels(i);
            if (label.isBlank()) {
                errors.add("class_labels[" + i + "]: must not be blank");
            }
            checkLength("class_labels[" + i + "]", label, MAX_TEXT, errors);
        }
        checkMetrics("metrics", r.getMetricsMap(), errors);
        checkTags(r.getTagsMap(), errors);
        Lineage l = r.getLineage();
        checkLength("lineage.dataset_name", l.getDatasetName(), 128, errors);
        checkLength("lineage.snapshot_id", l.getSnapshotId(), 128, errors);
        checkLength("lineage.training_run_id", l.getTrainingRunId(), 128, errors);
        checkLength("lineage.correlation_id", l.getCorrelationId(), 128, errors);
        if (l.getDatasetVersion() < 0) {
            errors.add("lineage.dataset_version: must not be negative, got " + l.getDatasetVersion());
        }
        if (l.getParentVersion() < 0) {
            errors.add("lineage.parent_version: must not be negative, got " + l.getParentVersion());
        }
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }

    static void validate(AddVariantRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName("model_name", r.getModelName(), errors);
        if (r.getModelVersion() < 1) {
            errors.add("model_version: must be positive, got " + r.getModelVersion());
        }
        if (!TARGET.matcher(r.getTarget()).matches()) {
            errors.add("target: must be 1-64 of [A-Za-z0-9._-] starting with a letter or digit, got '" + r.getTarget()
                    + "'");
        }
        if (r.getFormat().isBlank()) {
            errors.add("format: must not be blank");
        }
        checkLength("format", r.getFormat(), 64, errors);
        checkDigest("artifact_sha256", r.getArtifactSha256(), errors);
        checkMetrics("metrics", r.getMetricsMap(), errors);
        r.getSettingsMap().forEach((k, v) -> {
            if (k.isBlank()) {
                errors.add("settings: keys must not be blank");
            }
            checkLength("settings key", k, MAX_TEXT, errors);
            checkLength("settings[" + k + "]", v, MAX_SETTING_VALUE, errors);
        });
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }

    static void checkModelName(String field, String name, List<String> errors) {
        if (!MODEL_NAME.matcher(name).matches()) {
            errors.add(field + ": must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + name + "'");
        }
    }

    static void checkAlias(String alias, List<String> errors) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            errors.add("alias: must be 1-64 of [A-Za-z0-9_-] starting with a letter, got '" + alias + "'");
        } else if (RESERVED_ALIAS.matcher(alias).matches()) {
            errors.add("alias: '" + alias + "' is reserved (latest, v<number>)");
        }
    }

    static void checkTags(Map<String, String> tags, List<String> errors) {
        if (tags.size() > MAX_TAGS) {
            errors.add("tags: at most " + MAX_TAGS + ", got " + tags.size());
        }
        tags.forEach((k, v) -> checkTag(k, v, errors));
    }

    static void checkTag(String key, String value, List<String> errors) {
        if (key == null || key.isBlank()) {
            errors.add("tags: keys must not be blank");
        } else {
            checkLength("tags key", key, MAX_TAG_KEY, errors);
        }
        if (value == null) {
            errors.add("tags[" + key + "]: value must not be null");
        } else {
            checkLength("tags[" + key + "]", value, MAX_TAG_VALUE, errors);
        }
    }

    static void checkDigest(String field, String sha256, List<String> errors) {
        if (!Hashing.isSha256Hex(sha256)) {
            errors.add(field + ": must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
    }

    static void checkLength(String field, String value, int max, List<String> errors) {
        if (value.length() > max) {
            errors.add(field + ": at most " + max + " characters, got " + value.length());
        }
    }

    static void checkMetrics(String field, Map<String, Double> metrics, List<String> errors) {
        metrics.forEach((k, v) -> {
            if (k.isBlank()) {
                errors.add(field + ": names must not be blank");
            }
            checkLength(field + " name", k, MAX_TEXT, errors);
            if (!Double.isFinite(v)) {
                errors.add(field + "[" + k + "]: must be a finite number, got " + v);
            }
        });
    }
}
