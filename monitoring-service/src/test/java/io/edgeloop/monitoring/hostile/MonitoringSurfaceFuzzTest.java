package io.edgeloop.monitoring.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.proto.telemetry.v1.FeatureStats;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.edgeloop.testsupport.hostile.HostileVariants;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint and RPC that monitoring-service's code declares, fuzzed as an admin (see {@link Fuzzer}); then the
 * telemetry RPCs again, each hostile value put into an otherwise valid request (the generic fuzz starts from an empty
 * message, which validation refuses before any hostile field matters): never INTERNAL or UNKNOWN, never internals in
 * an answer, and nothing of a refused window stored.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MonitoringSurfaceFuzzTest {
    /**
     * Anchors the scan in the app's classes directory: a class Quarkus does not rewrite (the resources access Panache
     * entity fields, so they are transformed and loaded without a code source).
     */
    private static final Class<?> ANCHOR = MonitoringConfig.class;

    /** Internals in an answer (linear-time: no unbounded backtracking over a long echoed value). */
    private static final Pattern LEAK = Pattern.compile(
            "(?i)(insert into|select .{0,200} from|org\\.hibernate|java\\.[a-z]+\\.|io\\.edgeloop\\.|Exception\\b"
                    + "|postgres)");

    @GrpcClient("self")
    Channel channel;

    @GrpcClient("telemetry")
    TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(ANCHOR, "io.edgeloop.monitoring")
                .grpc(channel, ANCHOR, "io.edgeloop.monitoring")
                .assertNoProblems();
    }

    @Test
    void oneHostileFieldInAnOtherwiseValidRequestIsRefusedCleanly() {
        String device = "fuzz-" + UUID.randomUUID();
        Instant end = Instant.now().minusSeconds(5);
        TelemetryWindow valid = window(device, "base", end);
        assertTrue(telemetry.report(valid).getAccepted(), "the base window is valid");
        List<String> problems = new ArrayList<>();
        Set<String> accepted = new TreeSet<>(Set.of(valid.getWindowId()));
        int n = 0;
        for (Message m : HostileVariants.of(valid, 8)) {
            // a fresh window id per variant (unless the id is the hostile field), so that no variant is a duplicate
            TelemetryWindow parsed = reparse(m, TelemetryWindow::parseFrom);
            TelemetryWindow w = parsed.getWindowId().equals(valid.getWindowId())
                    ? parsed.toBuilder().setWindowId("v" + n++ + "-" + device).build()
                    : parsed;
            Status s = call(() -> telemetry.report(w));
            check(problems, "Report " + w.toString().replace('\n', ' '), s);
            if (s.isOk() && w.getDeviceId().equals(device)) {
                accepted.add(w.getWindowId());
            }
        }
        ListWindowsRequest list = ListWindowsRequest.newBuilder()
                .setDeviceId(device)
                .setModelName("fuzz")
                .setModelVersion(1)
                .setSince(ProtoTime.of(end.minusSeconds(3_600)))
                .setLimit(500)
                .build();
        for (Message m : HostileVariants.of(list, 8)) {
            ListWindowsRequest r = reparse(m, ListWindowsRequest::parseFrom);
            check(problems, "ListWindows " + r.toString().replace('\n', ' '), call(() -> telemetry.listWindows(r)));
        }
        assertEquals(List.of(), problems);
        Set<String> stored = new TreeSet<>();
        telemetry
                .listWindows(ListWindowsRequest.newBuilder()
                        .setDeviceId(device)
                        .setLimit(500)
                        .build())
                .getWindowsList()
                .forEach(w -> stored.add(w.getWindowId()));
        assertEquals(accepted, stored, "exactly the accepted windows are stored");
    }

    private static void check(List<String> problems, String what, Status s) {
        String description = String.valueOf(s.getDescription());
        if (s.getCode() == Status.Code.INTERNAL
                || s.getCode() == Status.Code.UNKNOWN
                || LEAK.matcher(description).find()) {
            String cut = what.length() > 200 ? what.substring(0, 200) + "..." : what;
            problems.add(cut + ": " + s.getCode() + " " + description);
        }
    }

    private static Status call(Runnable rpc) {
        try {
            rpc.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private static <T> T reparse(Message m, Parser<T> parser) {
        try {
            return parser.parse(m.toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** A valid window of 10 inferences with a 2-row sample of 2 features, ending at {@code end}. */
    private static TelemetryWindow window(String device, String id, Instant end) {
        FeatureStats stats = FeatureStats.newBuilder()
                .setMean(1)
                .setStd(0.5)
                .setMin(0)
                .setMax(2)
                .build();
        return TelemetryWindow.newBuilder()
                .setWindowId(id + "-" + device)
                .setDeviceId(device)
                .setModelName("fuzz")
                .setModelVersion(1)
                .setVariantId("fuzz-v1-cpu-fp32")
                .setDeploymentId("dep-fuzz")
                .setWindowStart(ProtoTime.of(end.minusSeconds(60)))
                .setWindowEnd(ProtoTime.of(end))
                .setInferenceCount(10)
                .setFeatureCount(2)
                .addFeatureStats(stats)
                .addFeatureStats(stats)
                .setSampleCount(2)
                .addInputSample(0.5f)
                .addInputSample(1.5f)
                .addInputSample(2.5f)
                .addInputSample(3.5f)
                .putPredictedClassCounts("normal", 10)
                .setLatencyP50Us(12)
                .setLatencyP99Us(30)
                .setErrorCount(1)
                .setClientErrorCount(1)
                .setSource("live")
                .build();
    }
}
