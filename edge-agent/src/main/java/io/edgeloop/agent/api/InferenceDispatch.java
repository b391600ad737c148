package io.edgeloop.agent.api;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelRuntime;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a REST inference runs: inline on the HTTP event loop when the model's recent calls were fast (at most {@code
 * edgeloop.agent.inline-inference-max-us}; saves two thread hops per request, most of the serving overhead of a tiny
 * model), else on a worker thread (a slow model, or a model's first call, never blocks the event loop for long).
 */
@ApplicationScoped
public class InferenceDispatch {
    @Inject
    ModelRuntime runtime;

    @Inject
    AgentConfig config;

    /** Runs {@code work} for {@code model} (null = the default model) inline or on a worker thread. */
    public <T> Uni<T> run(String model, Supplier<T> work) {
        Optional<LoadedModel> m = model == null ? runtime.active() : runtime.get(model);
        long max = config.inlineInferenceMaxUs();
        boolean inline = max > 0 && m.map(x -> x.recentLatencyUs() <= max).orElse(true);
        Uni<T> uni = Uni.createFrom().item(work);
        return inline ? uni : uni.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
