package io.edgeloop.registry.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.registry.tracking.TrainingRunRecorder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records every {@code ModelTrained} event as a finished MLflow run (experiment = the model, params = the training
 * spec and data set, metrics = the final test / validation metrics; {@link TrainingRunRecorder}), once per event id
 * (in the transaction that marks it in the inbox). A record that breaks the ModelTrained contract is poison and goes
 * to the dead-letter topic.
 */
@ApplicationScoped
public class ModelTrainedConsumer implements EventHandler<ModelTrained> {
    @Inject
    EventConsumer consumer;

    @Inject
    TrainingRunRecorder recorder;

    /** Handles one record of {@link Topics#MODEL_TRAINED}. */
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
        recorder.record(event, System.currentTimeMillis());
    }
}
