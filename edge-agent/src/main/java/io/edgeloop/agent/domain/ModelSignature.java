package io.edgeloop.agent.domain;

import java.util.List;

/**
 * What a loaded model looks like from outside: identity and tensor signature (float input {@code [batch, features]},
 * float output {@code [batch, classes]}; {@code batch} is -1 when the model accepts any batch size).
 */
public record ModelSignature(
        ModelDescriptor descriptor,
        String inputName,
        String outputName,
        long batch,
        int featureCount,
        int classes,
        List<String> labels) {}
