package io.edgeloop.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.deployment.domain.RolloutScheduler;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.WatchAssignmentsRequest;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.quarkus.arc.Arc;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the rollout suites share: a device's gRPC stub and assignment stream, ModelOptimized into Kafka and the
 * records that come out of it.
 */
final class RolloutTestSupport {
    /** How long anything is awaited. */
    static final long WAIT_S = 30;

    private RolloutTestSupport() {}

    static DeviceServiceGrpc.DeviceServiceBlockingStub blocking(Channel channel) {
        return DeviceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** Reports that {@code device} is in state {@code s} for assignment {@code a} (accepted expected). */
    static void report(
            DeviceServiceGrpc.DeviceServiceBlockingStub stub, String device, Assignment a, DeviceModelState s) {
        assertTrue(stub.reportState(DeviceStateReport.newBuilder()
                        .setDeviceId(device)
                        .setDeploymentId(a.getDeploymentId())
                        .setState(s)
                        .setModelName(a.getModelName())
                        .setModelVersion(a.getModelVersion())
                        .setVariantId(a.getVariantId())
                        .build())
                .getAccepted());
    }

    /** Waits until {@code condition} holds (polled every 50 ms, at most {@link #WAIT_S} s). */
    static void await(String what, java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await(what)
                .atMost(WAIT_S, TimeUnit.SECONDS)
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    /**
     * Waits until {@code n} more ticks of the rollout scheduler have finished (polled; {@code n >= 2}: at least one of
     * them started after this call, so whatever a tick would do to the state before the call has been done).
     */
    static void awaitTicks(int n) {
        PeriodicJobs.Job tick = Arc.container()
                .instance(PeriodicJobs.class)
                .get()
                .job(RolloutScheduler.TICK_JOB)
                .orElseThrow();
        long target = tick.runs() + n;
        await(n + " rollout ticks", () -> tick.runs() >= target);
    }

    /** A ModelOptimized of {@code model} v{@code version} from snapshot {@code model@v<version>}, without variants. */
    static ModelOptimized.Builder optimized(String model, int version) {
        return ModelOptimized.newBuilder()
                .setMeta(Events.newMeta(
                        "compiler-service",
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString()))
                .setModelName(model)
                .setModelVersion(version)
                .setSnapshotId(model + "@v" + version);
    }

    /**
     * Publishes {@code event} keyed by its model name, as compiler-service does, a millisecond after the previous
     * one by the {@link TestClock}: rollouts are created at distinct times, so "newest first" stays well defined.
     */
    static void produce(ModelOptimized event) throws Exception {
        TestClock.CLOCK.advance(Duration.ofMillis(1));
        Properties p = new Properties();
        p.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.broker().bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_OPTIMIZED, event.getModelName(), event.toByteArray()))
                    .get(WAIT_S, TimeUnit.SECONDS);
        }
    }

    /** The first record of {@code topic} that matches, read from the beginning. */
    static ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        return KafkaTestResource.broker()
                .read(topic, read -> read.stream().anyMatch(match), Duration.ofSeconds(WAIT_S))
                .stream()
                .filter(match)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no matching record on " + topic + " within " + WAIT_S + " s"));
    }

    /** The first Deployed record that matches; its key is the model name. */
    static ConsumerRecord<String, byte[]> awaitDeployed(Predicate<Deployed> match) {
        ConsumerRecord<String, byte[]> r = awaitRecord(Topics.DEPLOYED, rec -> {
            try {
                return match.test(Deployed.parseFrom(rec.value()));
            } catch (InvalidProtocolBufferException e) {
                return false;
            }
        });
        assertEquals(deployed(r).getModelName(), r.key());
        return r;
    }

    static Deployed deployed(ConsumerRecord<String, byte[]> r) {
        try {
            return Deployed.parseFrom(r.value());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Collects a device's assignment stream and how it ended; cancellable like a device dropping its connection.
     */
    static final class Watch implements StreamObserver<Assignment> {
        private final BlockingQueue<Assignment> received = new LinkedBlockingQueue<>();
        private final CompletableFuture<Throwable> end = new CompletableFuture<>();
        private final Context.CancellableContext context = Context.current().withCancellation();
        private final String deviceId;

        private Watch(String deviceId) {
            this.deviceId = deviceId;
        }

        /** Opens {@code deviceId}'s WatchAssignments stream. */
        static Watch open(Channel channel, String deviceId) {
            Watch w = new Watch(deviceId);
            w.context.run(() -> DeviceServiceGrpc.newStub(channel)
                    .watchAssignments(
                            WatchAssignmentsRequest.newBuilder()
                                    .setDeviceId(deviceId)
                                    .build(),
                            w));
            return w;
        }

        String deviceId() {
            return deviceId;
        }

        Assignment next() throws InterruptedException {
            Assignment a = received.poll(WAIT_S, TimeUnit.SECONDS);
            if (a == null) {
                throw new AssertionError(
                        "no assignment within " + WAIT_S + " s (stream ended: " + end.getNow(null) + ")");
            }
            return a;
        }

        /** The next assignment, which must be for {@code model} (an assignment of another model fails the test). */
        Assignment nextFor(String model) throws InterruptedException {
            Assignment a = next();
            assertEquals(model, a.getModelName(), "assignment of another model: " + a);
            return a;
        }

        /** The assignments received so far and not yet taken. */
        java.util.List<Assignment> drain() {
            java.util.List<Assignment> out = new java.util.ArrayList<>();
            received.drainTo(out);
            return out;
        }

        void assertNothing(Duration d) throws InterruptedException {
            Assignment a = received.poll(d.toMillis(), TimeUnit.MILLISECONDS);
            assertNull(a, "unexpected assignment " + a);
        }

        /** The error the stream ended with (null when completed), waiting for the end. */
        Throwable ended() throws Exception {
            return end.get(WAIT_S, TimeUnit.SECONDS);
        }

        void cancel() {
            context.cancel(null);
        }

        @Override
        public void onNext(Assignment value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(t);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }
    }
}
