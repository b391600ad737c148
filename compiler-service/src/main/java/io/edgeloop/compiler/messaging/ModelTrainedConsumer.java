package io.edgeloop.compiler.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.compiler.domain.CompilationService;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns every newly trained model version into a durable {@code compile} job, keyed by model and version (one set of
 * variants per version, however often the event or its version is announced), in the transaction that marks the
 * event processed. A job worker (any replica) compiles it; a crash mid-compilation is retried. Unusable records go to
 * the dead-letter topic.
 */
@ApplicationScoped
public class ModelTrainedConsumer implements EventHandler<ModelTrained> {
    private static final Logger LOG = Logger.getLogger(ModelTrainedConsumer.class);

    @Inject
    EventConsumer consumer;

    @Inject
    Jobs jobs;

    @Incoming(Topics.MODEL_TRAINED)
    @Blocking(ordered = true)
    public void onModelTrained(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<ModelTrained> contract() {
        return EventContracts.MODEL_TRAINED;
    }

    @Override
    public void apply(ModelTrained event) {
        String key = jobKey(event.getModelName(), event.getModelVersion());
        if (!jobs.enqueue(CompilationService.JOB_KIND, key, event.toByteArray())) {
            LOG.infof("ModelTrained %s: %s is compiled already", event.getMeta().getEventId(), key);
        }
    }

    /** The compile job's key: one compilation per model version. */
    public static String jobKey(String modelName, int version) {
        return modelName + "@v" + version;
    }
}
