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
        AugmentationSpec.Builder a = AugmentationSpec.newBuilder();
        boolean object = RequestFields.eachField(v, field, errors, (name, path, x) -> {
            switch (name) {
                case "noiseStd" -> RequestFields.number(x, path, errors, a::setNoiseStd);
                case "timeShiftMax" -> RequestFields.integer(x, path, errors, a::setTimeShiftMax);
                case "timeShiftMode" -> RequestFields.text(x, path, errors, a::setTimeShiftMode);
                case "gainMin" -> RequestFields.number(x, path, errors, a::setGainMin);
                case "gainMax" -> RequestFields.number(x, path, errors, a::setGainMax);
                case "horizontalFlip" -> RequestFields.bool(x, path, errors, a::setHorizontalFlip);
                case "shiftPixels" -> RequestFields.integer(x, path, errors, a::setShiftPixels);
                case "brightness" -> RequestFields.number(x, path, errors, a::setBrightness);
                case "rotationDegrees" -> RequestFields.number(x, path, errors, a::setRotationDegrees);
                case "cropScaleMin" -> RequestFields.number(x, path, errors, a::setCropScaleMin);
                case "mixupAlpha" -> RequestFields.number(x, path, errors, a::setMixupAlpha);
                case "timeMasks" -> RequestFields.integer(x, path, errors, a::setTimeMasks);
                case "timeMaskMax" -> RequestFields.integer(x, path, errors, a::setTimeMaskMax);
                case "frequencyMasks" -> RequestFields.integer(x, path, errors, a::setFrequencyMasks);
                case "frequencyMaskMax" -> RequestFields.integer(x, path, errors, a::setFrequencyMaskMax);
                default -> errors.add(new Problem.FieldError(path, "unknown field"));
            }
        });
        if (object) {
            b.setAugmentation(a);
        }
    }
}
