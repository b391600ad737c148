package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.List;

/**
 * Reads {@code spec.augmentation} of a request ({@code events.v1.AugmentationSpec} in camelCase): type errors here,
 * value ranges in {@link io.edgeloop.training.augment.AugmentationConfig#problems}, the fit to the data set's kind
 * and shape at submission ({@link io.edgeloop.training.augment.Augmenter#fitProblems}).
 */
final class AugmentationFields {
    private AugmentationFields() {}

    /** Sets {@code b.augmentation} from the object {@code v}, or adds the field errors. */
    static void read(JsonNode v, String field, List<Problem.FieldError> errors, TrainingSpec.Builder b) {
        if (v.isNull()) {
            return;
        }
        if (!v.isObject()) {
            errors.add(new Problem.FieldError(field, "must be an object"));
            return;
        }
        String p = field + ".";
        AugmentationSpec.Builder a = AugmentationSpec.newBuilder();
        var names = v.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode x = v.get(name);
            switch (name) {
                case "noiseStd" -> RequestFields.number(x, p + name, errors, a::setNoiseStd);
                case "timeShiftMax" -> RequestFields.integer(x, p + name, errors, a::setTimeShiftMax);
                case "timeShiftMode" -> RequestFields.text(x, p + name, errors, a::setTimeShiftMode);
                case "gainMin" -> RequestFields.number(x, p + name, errors, a::setGainMin);
                case "gainMax" -> RequestFields.number(x, p + name, errors, a::setGainMax);
                case "horizontalFlip" -> {
                    if (x.isBoolean()) {
                        a.setHorizontalFlip(x.asBoolean());
                    } else {
                        errors.add(new Problem.FieldError(p + name, "must be a boolean"));
                    }
                }
                case "shiftPixels" -> RequestFields.integer(x, p + name, errors, a::setShiftPixels);
                case "brightness" -> RequestFields.number(x, p + name, errors, a::setBrightness);
                default -> errors.add(new Problem.FieldError(p + name, "unknown field"));
            }
        }
        b.setAugmentation(a);
    }
}
