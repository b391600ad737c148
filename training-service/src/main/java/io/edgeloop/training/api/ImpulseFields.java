package io.edgeloop.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
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
                default -> errors.add(new Problem.FieldError(path, "unknown field"));
            }
        });
        if (object) {
            b.setImpulse(i);
        }
    }
}
