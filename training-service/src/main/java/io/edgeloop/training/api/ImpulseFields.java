package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.impulse.ImageSettings;
import java.util.List;

/**
 * Reads {@code spec.impulse} of a request ({@code events.v1.ImpulseSpec} in camelCase): type errors here, value
 * ranges in {@link io.edgeloop.training.impulse.ImpulseConfig#problems}.
 */
final class ImpulseFields {
    private ImpulseFields() {}

    /** Sets {@code b.impulse} from the object {@code v}, or adds the field errors. */
    static void read(JsonNode v, String field, List<Problem.FieldError> errors, TrainingSpec.Builder b) {
        ImpulseSpec.Builder i = ImpulseSpec.newBuilder();
        boolean object = RequestFields.eachField(v, field, errors, (name, path, x) -> {
            switch (name) {
                case "block" -> RequestFields.text(x, path, errors, i::setBlock);
                case "sampleRateHz" -> RequestFields.number(x, path, errors, i::setSampleRateHz);
                case "lowFrequencyHz" -> RequestFields.number(x, path, errors, i::setLowFrequencyHz);
                case "highFrequencyHz" -> RequestFields.number(x, path, errors, i::setHighFrequencyHz);
                case "frameLength" -> RequestFields.integer(x, path, errors, i::setFrameLength);
                case "frameStride" -> RequestFields.integer(x, path, errors, i::setFrameStride);
                case "fftLength" -> RequestFields.integer(x, path, errors, i::setFftLength);
                case "bands" -> RequestFields.integer(x, path, errors, i::setBands);
                case "melFilters" -> RequestFields.integer(x, path, errors, i::setMelFilters);
                case "coefficients" -> RequestFields.integer(x, path, errors, i::setCoefficients);
                case "noWindow" -> RequestFields.bool(x, path, errors, i::setNoWindow);
                case "imageHeight" -> RequestFields.integer(x, path, errors, i::setImageHeight);
                case "imageWidth" -> RequestFields.integer(x, path, errors, i::setImageWidth);
                case "cropHeight" -> RequestFields.integer(x, path, errors, i::setCropHeight);
                case "cropWidth" -> RequestFields.integer(x, path, errors, i::setCropWidth);
                case "grayscale" -> RequestFields.bool(x, path, errors, i::setGrayscale);
                case "channelMean" -> numbers(x, path, errors, i::addChannelMean);
                case "channelStd" -> numbers(x, path, errors, i::addChannelStd);
                default -> errors.add(new Problem.FieldError(path, "unknown field"));
            }
        });
        if (object) {
            b.setImpulse(i);
        }
    }

    /** An array of numbers (at most {@link ImageSettings#MAX_CHANNELS}); the first bad entry is named. */
    private static void numbers(
            JsonNode v, String field, List<Problem.FieldError> errors, java.util.function.DoubleConsumer add) {
        if (!v.isArray()) {
            errors.add(new Problem.FieldError(field, "must be an array of numbers"));
            return;
        }
        if (v.size() > ImageSettings.MAX_CHANNELS) {
            errors.add(new Problem.FieldError(field, "at most " + ImageSettings.MAX_CHANNELS + " values"));
            return;
        }
        for (int k = 0; k < v.size(); k++) {
            if (!v.get(k).isNumber()) {
                errors.add(new Problem.FieldError(field + "[" + k + "]", "must be a number"));
                return;
            }
            add.accept(v.get(k).asDouble());
        }
    }
}
