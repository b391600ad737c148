package io.edgeloop.data.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Reads the optional {@code trainingSpec} of a snapshot request into {@link TrainingSpec}. Checks types, the
 * enumerations and the distillation fields (temperature at most 100, alpha in [0, 1], student fields only with a
 * temperature); {@code classWeights} as training-service's runs API takes it ({@code "balanced"}, {@code "none"} or
 * weights by label); every other field of the proto (e.g. {@code normalization}, {@code impulse})
 * is copied by its JSON name with its type checked ({@link ProtoJsonFields}); training-service judges the rest (a spec
 * it cannot train with fails that run).
 */
final class TrainingSpecs {
    private static final Set<String> ARCHITECTURES = Set.of("", "auto", "mlp", "cnn1d", "cnn2d");
    private static final Set<String> OPTIMIZERS = Set.of("", "adam", "sgd");
    private static final double MAX_TEMPERATURE = 100;
    private static final String ONLY_WITH_TEMPERATURE = "only used with distillationTemperature > 0";

    private TrainingSpecs() {}

    /**
     * The spec, or null when {@code node} is absent.
     *
     * @throws ApiException 422 listing every bad field
     */
    static TrainingSpec parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        List<FieldError> errors = new ArrayList<>();
        if (!node.isObject()) {
            throw ApiException.invalid(
                    "invalid snapshot request", List.of(new FieldError("trainingSpec", "must be an object")));
        }
        TrainingSpec.Builder b = TrainingSpec.newBuilder();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode v = node.get(name);
            String field = "trainingSpec." + name;
            switch (name) {
                case "architecture" -> {
                    if (v.isTextual() && ARCHITECTURES.contains(v.asText())) {
                        b.setArchitecture(v.asText());
                    } else {
                        errors.add(new FieldError(field, "must be one of auto, mlp, cnn1d, cnn2d"));
                    }
                }
                case "optimizer" -> {
                    if (v.isTextual() && OPTIMIZERS.contains(v.asText())) {
                        b.setOptimizer(v.asText());
                    } else {
                        errors.add(new FieldError(field, "must be adam or sgd"));
                    }
                }
                case "targetProfile" -> {
                    if (v.isTextual()) {
                        b.setTargetProfile(v.asText());
                    } else {
                        errors.add(new FieldError(field, "must be a string"));
                    }
                }
                case "hiddenUnits" -> units(v, field, errors, b::addHiddenUnits);
                case "studentHiddenUnits" -> units(v, field, errors, b::addStudentHiddenUnits);
                case "maxEpochs", "batchSize", "patience" -> {
                    if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() > 0) {
                        int n = v.asInt();
                        switch (name) {
                            case "maxEpochs" -> b.setMaxEpochs(n);
                            case "batchSize" -> b.setBatchSize(n);
                            default -> b.setPatience(n);
                        }
                    } else {
                        errors.add(new FieldError(field, "must be a positive integer"));
                    }
                }
                case "seed" -> {
                    if (v.isIntegralNumber() && v.canConvertToLong()) {
                        b.setSeed(v.asLong());
                    } else {
                        errors.add(new FieldError(field, "must be an integer"));
                    }
                }
                case "learningRate" -> {
                    if (v.isNumber() && v.asDouble() > 0 && Double.isFinite(v.asDouble())) {
                        b.setLearningRate(v.asDouble());
                    } else {
                        errors.add(new FieldError(field, "must be a positive number"));
                    }
                }
                case "distillationTemperature" -> {
                    if (v.isNumber() && v.asDouble() > 0 && v.asDouble() <= MAX_TEMPERATURE) {
                        b.setDistillationTemperature(v.asDouble());
                    } else {
                        errors.add(new FieldError(field, "must be a number in (0, 100]"));
                    }
                }
                case "distillationAlpha" -> {
                    if (v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1) {
                        b.setDistillationAlpha(v.asDouble());
                    } else {
                        errors.add(new FieldError(field, "must be a number in [0, 1] (0 = default 0.7)"));
                    }
                }
                // as training-service's runs API spells it: "balanced" / "none", or an object of weights by label
                // (the proto's JSON names classWeighting / classWeights stay accepted)
                case "classWeights" -> {
                    if (v.isTextual()) {
                        b.setClassWeighting(v.asText());
                    } else {
                        ProtoJsonFields.mergeField(name, v, b, "trainingSpec", errors);
                    }
                }
                // the other fields of the proto (normalization, class weights, impulse, ...): by their JSON names,
                // typed by the proto; training-service judges the values
                default -> ProtoJsonFields.mergeField(name, v, b, "trainingSpec", errors);
            }
        }
        // the student fields configure a distillation: without a temperature they would be silently ignored
        if (!node.has("distillationTemperature")) {
            if (b.getStudentHiddenUnitsCount() > 0) {
                errors.add(new FieldError("trainingSpec.studentHiddenUnits", ONLY_WITH_TEMPERATURE));
            }
            if (b.getDistillationAlpha() != 0) {
                errors.add(new FieldError("trainingSpec.distillationAlpha", ONLY_WITH_TEMPERATURE));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid snapshot request", errors);
        }
        return b.build();
    }

    /** Hidden widths / filters: an array of positive integers. */
    private static void units(JsonNode v, String field, List<FieldError> errors, IntConsumer add) {
        if (!v.isArray()) {
            errors.add(new FieldError(field, "must be an array of positive integers"));
            return;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode u = v.get(i);
            if (u.isIntegralNumber() && u.canConvertToInt() && u.asInt() > 0) {
                add.accept(u.asInt());
            } else {
                errors.add(new FieldError(field + "[" + i + "]", "must be a positive integer"));
            }
        }
    }
}
