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
        if (v.isNull()) {
            return;
        }
        if (!v.isObject()) {
            errors.add(new Problem.FieldError(field, "must be an object"));
            return;
        }
        String p = field + ".";
        ImpulseSpec.Builder i = ImpulseSpec.newBuilder();
        var names = v.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode x = v.get(name);
            switch (name) {
                case "block" -> {
                    if (x.isTextual()) {
                        i.setBlock(x.asText());
                    } else {
                        errors.add(new Problem.FieldError(p + name, "must be a string"));
                    }
                }
                case "sampleRateHz" -> RequestFields.number(x, p + name, errors, i::setSampleRateHz);
                case "lowFrequencyHz" -> RequestFields.number(x, p + name, errors, i::setLowFrequencyHz);
                case "highFrequencyHz" -> RequestFields.number(x, p + name, errors, i::setHighFrequencyHz);
                case "frameLength" -> RequestFields.integer(x, p + name, errors, i::setFrameLength);
                case "frameStride" -> RequestFields.integer(x, p + name, errors, i::setFrameStride);
                case "fftLength" -> RequestFields.integer(x, p + name, errors, i::setFftLength);
                case "bands" -> RequestFields.integer(x, p + name, errors, i::setBands);
                case "melFilters" -> RequestFields.integer(x, p + name, errors, i::setMelFilters);
                case "coefficients" -> RequestFields.integer(x, p + name, errors, i::setCoefficients);
                case "noWindow" -> {
                    if (x.isBoolean()) {
                        i.setNoWindow(x.asBoolean());
                    } else {
                        errors.add(new Problem.FieldError(p + name, "must be a boolean"));
                    }
                }
                default -> errors.add(new Problem.FieldError(p + name, "unknown field"));
            }
        }
        b.setImpulse(i);
    }
}
