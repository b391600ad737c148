package io.edgeloop.training.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * REST {@code spec.impulse} of the image block: read into the event spec, and every type or value error a 422 field
 * error naming the field.
 */
class ImpulseFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> errors(String body, List<TrainingSpec> out) throws Exception {
        List<Problem.FieldError> errors = new ArrayList<>();
        TrainingSpec spec = RequestFields.spec(JSON.readTree(body), "spec", errors);
        if (spec != null) {
            out.add(spec);
        }
        return errors.stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void anImageImpulseWithCnn2dIsRead() throws Exception {
        List<TrainingSpec> out = new ArrayList<>();
        assertEquals(List.of(), errors("""
                        {"spec": {"architecture": "cnn2d", "impulse": {"block": "image", "imageHeight": 32,
                         "imageWidth": 32, "cropHeight": 28, "cropWidth": 28, "grayscale": true,
                         "channelMean": [0.5], "channelStd": [0.25]}}}""", out));
        TrainingSpec spec = out.get(0);
        assertNotNull(spec);
        assertEquals(28, spec.getImpulse().getCropWidth());
        assertEquals(List.of(0.25), spec.getImpulse().getChannelStdList());
        assertEquals(true, spec.getImpulse().getGrayscale());
    }

    @Test
    void badImageFieldsAreNamed() throws Exception {
        List<TrainingSpec> out = new ArrayList<>();
        assertEquals(
                List.of(
                        "spec.impulse.imageHeight",
                        "spec.impulse.grayscale",
                        "spec.impulse.channelMean[1]",
                        "spec.impulse.channelStd",
                        "spec.impulse.cropSize"),
                errors("""
                        {"spec": {"impulse": {"block": "image", "imageHeight": "big", "grayscale": 1,
                         "channelMean": [0.5, "x"], "channelStd": 2, "cropSize": 4}}}""", out));
        assertEquals(List.of("spec.impulse.imageWidth"), errors("""
                        {"spec": {"impulse": {"block": "image", "imageHeight": 16}}}""", out));
        assertEquals(List.of("spec.architecture"), errors("""
                        {"spec": {"architecture": "gru", "impulse": {"block": "image", "imageHeight": 16,
                         "imageWidth": 16}}}""", out));
        assertEquals(List.of("spec.impulse.channelStd[0]"), errors("""
                        {"spec": {"impulse": {"block": "image", "channelStd": [0]}}}""", out));
        assertEquals(List.of(), out, "no spec comes out of a request with errors");
    }
}
