package io.edgeloop.agent.api;

import io.edgeloop.agent.domain.InferenceService;
import io.edgeloop.agent.domain.Prediction;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/** Local inference on the active model. */
@Path("/infer")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class InferenceResource {
    /** Request body: one input row. */
    public record InferRequest(List<Double> features) {}

    /** Response body. */
    public record InferResponse(
            String label,
            int classIndex,
            float[] probabilities,
            String modelName,
            int modelVersion,
            String variantId,
            long latencyUs) {}

    @Inject
    InferenceService inference;

    /**
     * Classifies {@code features}: 422 for a missing or wrong-length vector or non-finite values, 503 when no model
     * is loaded.
     */
    @POST
    public InferResponse infer(InferRequest request) {
        if (request == null || request.features() == null) {
            throw ApiException.invalid(
                    "request needs a features array", List.of(new Problem.FieldError("features", "is required")));
        }
        List<Double> values = request.features();
        float[] features = new float[values.size()];
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            Double v = values.get(i);
            if (v == null) {
                errors.add(new Problem.FieldError("features[" + i + "]", "must be a number, was null"));
            } else {
                features[i] = v.floatValue(); // non-finite (or beyond float range) values are rejected by the model
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid features", errors);
        }
        Prediction p = inference.infer(features);
        return new InferResponse(
                p.label(),
                p.classIndex(),
                p.probabilities(),
                p.model().modelName(),
                p.model().modelVersion(),
                p.model().variantId(),
                p.latencyUs());
    }
}
