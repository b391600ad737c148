package io.edgeloop.compiler.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Events.PoisonEventException;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.compiler.domain.CompilationService;
import io.edgeloop.compiler.domain.CompileJob;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Compiles every newly trained model version. Records that are not a usable ModelTrained go to the dead-letter topic;
 * redelivered events are skipped through the inbox; a peer that stays unavailable makes the record fail (dead-letter
 * topic, with the reason in its headers) so that it can be replayed.
 */
@ApplicationScoped
public class ModelTrainedConsumer {
    private static final Logger LOG = Logger.getLogger(ModelTrainedConsumer.class);

    @Inject
    CompilationService compilations;

    @Incoming(Topics.MODEL_TRAINED)
    @Blocking(ordered = true)
    public void onModelTrained(byte[] value) {
        ModelTrained event = Events.parse(value, ModelTrained.parser(), ModelTrained::getMeta);
        List<String> problems = problems(event);
        if (!problems.isEmpty()) {
            throw new PoisonEventException(
                    "ModelTrained " + event.getMeta().getEventId() + " is unusable: " + String.join("; ", problems));
        }
        CompileJob job = CompileJob.fromEvent(event);
        if (compilations.alreadyProcessed(job)) {
            LOG.debugf("ModelTrained %s already processed", event.getMeta().getEventId());
            return;
        }
        compilations.compile(job);
    }

    /** What makes an event impossible to compile. */
    static List<String> problems(ModelTrained e) {
        List<String> p = new ArrayList<>();
        if (e.getModelName().isBlank()) {
            p.add("model_name is blank");
        }
        if (e.getModelVersion() < 1) {
            p.add("model_version must be >= 1");
        }
        if (!Hashing.isSha256Hex(e.getArtifactSha256())) {
            p.add("artifact_sha256 is not a sha256 hex digest");
        }
        if (e.getDatasetName().isBlank()) {
            p.add("dataset_name is blank");
        }
        if (e.getDatasetVersion() < 1) {
            p.add("dataset_version must be >= 1");
        }
        return p;
    }
}
