package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.DeviceProfile;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.ModelSpec;
import io.edgeloop.training.impulse.ImpulseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Hand validation of the JSON request fields shared by the training, distillation and search endpoints. */
final class RequestFields {
    /** Dataset names data-service accepts. */
    static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private RequestFields() {}

    /** The body as an object; 400 when missing or not an object. */
    static JsonNode object(JsonNode body, String example) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiException.badRequest("request body required: " + example);
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        return body;
    }

    /**
     * Reports every top-level field of {@code body} not in {@code known} as "unknown field", as {@link #spec} does
     * inside a spec: a misspelt option is an error at every level of a request, never silently ignored.
     */
    static void onlyKnownFields(JsonNode body, java.util.Set<String> known, List<Problem.FieldError> errors) {
        var names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
                errors.add(new Problem.FieldError(shown, "unknown field"));
            }
        }
    }

    static String datasetName(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode name = body.get("datasetName");
        if (name == null || name.isNull()) {
            errors.add(new Problem.FieldError("datasetName", "is required"));
            return null;
        }
        if (!name.isTextual() || !DATASET_NAME.matcher(name.asText()).matches()) {
            errors.add(new Problem.FieldError(
                    "datasetName", "must be 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit"));
            return null;
        }
        return name.asText();
    }

    static int datasetVersion(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode version = body.get("datasetVersion");
        if (version == null || version.isNull()) {
            errors.add(new Problem.FieldError("datasetVersion", "is required"));
            return -1;
        }
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 0) {
            errors.add(new Problem.FieldError("datasetVersion", "must be an integer >= 0 (0 = latest)"));
            return -1;
        }
        return version.asInt();
    }

    /** Optional {@code dataKind}; null when absent. */
    static String dataKind(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode kind = body.get("dataKind");
        if (kind == null || kind.isNull()) {
            return null;
        }
        try {
            if (!kind.isTextual()) {
                throw new IllegalArgumentException("must be features, timeseries or image");
            }
            return DataKind.parse(kind.asText()).wireName();
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("dataKind", e.getMessage()));
            return null;
        }
    }

    /** Optional {@code sampleShape} (positive integers); null when absent. */
    static List<Integer> sampleShape(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode shape = body.get("sampleShape");
        if (shape == null || shape.isNull()) {
            return null;
        }
        if (!shape.isArray() || shape.isEmpty() || shape.size() > 4) {
            errors.add(new Problem.FieldError("sampleShape", "must be an array of 1-4 positive integers"));
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < shape.size(); i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1) {
                errors.add(new Problem.FieldError("sampleShape[" + i + "]", "must be a positive integer"));
                return null;
            }
            out.add(d.asInt());
        }
        return out;
    }

    /**
     * Optional training spec object at {@code field} (fields of {@code events.v1.TrainingSpec} in camelCase); null
     * when absent.
     */
    static TrainingSpec spec(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode spec = body.get(field);
        if (spec == null || spec.isNull()) {
            return null;
        }
        if (!spec.isObject()) {
            errors.add(new Problem.FieldError(field, "must be an object"));
            return null;
        }
        String p = field + ".";
        int before = errors.size();
        TrainingSpec.Builder b = TrainingSpec.newBuilder();
        var names = spec.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode v = spec.get(name);
            switch (name) {
                case "architecture" -> text(v, p + name, errors, b::setArchitecture);
                case "optimizer" -> text(v, p + name, errors, b::setOptimizer);
                case "targetProfile" -> text(v, p + name, errors, b::setTargetProfile);
                case "normalization" -> text(v, p + name, errors, b::setNormalization);
                case "classWeights" -> classWeights(v, p + name, errors, b);
                case "maxEpochs" -> integer(v, p + name, errors, b::setMaxEpochs);
                case "batchSize" -> integer(v, p + name, errors, b::setBatchSize);
                case "patience" -> integer(v, p + name, errors, b::setPatience);
                case "seed" -> {
                    if (v.isIntegralNumber() && v.canConvertToLong()) {
                        b.setSeed(v.asLong());
                    } else {
                        errors.add(new Problem.FieldError(p + name, "must be an integer"));
                    }
                }
                case "learningRate" -> number(v, p + name, errors, b::setLearningRate);
                case "distillationTemperature" -> number(v, p + name, errors, b::setDistillationTemperature);
                case "distillationAlpha" -> number(v, p + name, errors, b::setDistillationAlpha);
                case "hiddenUnits" -> integers(v, p + name, errors, b::addHiddenUnits);
                case "studentHiddenUnits" -> integers(v, p + name, errors, b::addStudentHiddenUnits);
                case "impulse" -> ImpulseFields.read(v, p + name, errors, b);
                case "augmentation" -> AugmentationFields.read(v, p + name, errors, b);
                default -> errors.add(new Problem.FieldError(p + name, "unknown field"));
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return checked(b.build(), field, errors);
    }

    /**
     * {@code built} when its values are valid (see {@link ModelSpec#problems}), else null with the problems added to
     * {@code errors} under {@code field}.
     */
    static TrainingSpec checked(TrainingSpec built, String field, List<Problem.FieldError> errors) {
        String p = field + ".";
        // an impulse without a rate takes the snapshot's, unknown yet: checked with a stand-in (the largest accepted)
        // here, and again with the real one when the run is submitted (TrainingPipeline.submit)
        List<FieldProblem> problems =
                new ArrayList<>(ModelSpec.problems(ImpulseConfig.withRateIfMissing(built, 1e6), p));
        if (!built.getTargetProfile().isBlank()) {
            try {
                DeviceProfile.parse(built.getTargetProfile());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem(p + "targetProfile", e.getMessage()));
            }
        }
        problems.forEach(fp -> errors.add(new Problem.FieldError(fp.field(), fp.message())));
        return problems.isEmpty() ? built : null;
    }

    /** {@code "balanced"} / {@code "none"}, or an object of weights by class label. */
    private static void classWeights(
            JsonNode v, String field, List<Problem.FieldError> errors, TrainingSpec.Builder b) {
        if (v.isTextual()) {
            b.setClassWeighting(v.asText());
            return;
        }
        if (!v.isObject()) {
            errors.add(
                    new Problem.FieldError(field, "must be \"balanced\", \"none\" or an object of weights by label"));
            return;
        }
        var labels = v.fieldNames();
        while (labels.hasNext()) {
            String label = labels.next();
            if (!v.get(label).isNumber()) {
                String shown = label.length() > 64 ? label.substring(0, 64) + "..." : label;
                errors.add(new Problem.FieldError(field + "." + shown, "must be a number"));
                return;
            }
            b.putClassWeights(label, v.get(label).asDouble());
        }
    }

    static void text(
            JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.Consumer<String> set) {
        if (v.isTextual()) {
            set.accept(v.asText());
        } else {
            errors.add(new Problem.FieldError(field, "must be a string"));
        }
    }

    static void integer(JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.IntConsumer set) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            set.accept(v.asInt());
        } else {
            errors.add(new Problem.FieldError(field, "must be an integer"));
        }
    }

    private static void integers(
            JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.IntConsumer add) {
        if (!v.isArray()) {
            errors.add(new Problem.FieldError(field, "must be an array of positive integers"));
            return;
        }
        // the first entry that is not an integer is reported, not every one of a huge array
        for (int i = 0; i < v.size(); i++) {
            int before = errors.size();
            integer(v.get(i), field + "[" + i + "]", errors, add);
            if (errors.size() > before) {
                return;
            }
        }
    }

    static void number(
            JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.DoubleConsumer set) {
        if (v.isNumber()) {
            set.accept(v.asDouble());
        } else {
            errors.add(new Problem.FieldError(field, "must be a number"));
        }
    }

    static void bool(
            JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.Consumer<Boolean> set) {
        if (v.isBoolean()) {
            set.accept(v.asBoolean());
        } else {
            errors.add(new Problem.FieldError(field, "must be a boolean"));
        }
    }

    /** Reads one field of a nested object: its name, its path in errors ({@code spec.impulse.bands}), its value. */
    interface FieldReader {
        void read(String name, String path, JsonNode value);
    }

    /**
     * Reads the fields of the nested object {@code v} at {@code field} one by one; null is nothing to read, anything
     * but an object is one field error.
     *
     * @return whether {@code v} was an object (its fields were read)
     */
    static boolean eachField(JsonNode v, String field, List<Problem.FieldError> errors, FieldReader each) {
        if (v.isNull()) {
            return false;
        }
        if (!v.isObject()) {
            errors.add(new Problem.FieldError(field, "must be an object"));
            return false;
        }
        var names = v.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            each.read(name, field + "." + name, v.get(name));
        }
        return true;
    }
}
