package io.edgeloop.deployment.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.proto.deployment.v1.Assignment;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHubTest {
    private static Assignment a(String model, long revision) {
        return Assignment.newBuilder()
                .setModelName(model)
                .setDeploymentId(model + "-" + revision)
                .setRevision(revision)
                .build();
    }

    @Test
    void deduplicationIsPerModel() {
        List<Assignment> sent = new ArrayList<>();
        WatchHub.LiveStream stream = new WatchHub.LiveStream("d", new StreamObserver<>() {
            @Override
            public void onNext(Assignment value) {
                sent.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        stream.send(a("a", 5), 5);
        stream.send(a("b", 3), 3); // older than a's revision, but for another model: sent
        stream.send(a("a", 4), 4); // a stale read of model a: dropped
        stream.send(a("a", 5), 5); // the same again: dropped
        stream.send(a("b", 6), 6);
        stream.send(a("a", 7), 7);
        assertEquals(false, stream.isNewer("a", 7), "a's revision 7 was sent");
        assertEquals(true, stream.isNewer("a", 8));
        assertEquals(true, stream.isNewer("c", 0), "nothing sent for model c yet");
        assertEquals(
                List.of("a-5", "b-3", "b-6", "a-7"),
                sent.stream().map(Assignment::getDeploymentId).toList());
    }
}
