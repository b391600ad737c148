package io.edgeloop.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client (2.17.2) against the registry's Tracking API subset: experiments, runs, params,
 * metrics (history and current values), tags, run search with filters, ordering and pages, and MLflow's errors.
 */
@QuarkusTest
class MlflowClientTrackingTest {
    @TestHTTPResource("/")
    URL root;

    private MlflowClient client(String subject, String... roles) {
        String host = root.toString().replaceAll("/+$", "");
        return new MlflowClient(
                new BasicMlflowHostCreds(host, TestAuth.token(subject, roles).value()));
    }

    @Test
    void experimentsAndRunsThroughTheOfficialClient() {
        MlflowClient ml = client("trainer-bot", Roles.ML);
        String name = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        String experimentId = ml.createExperiment(name);
        assertEquals(name, ml.getExperiment(experimentId).getName());
        assertEquals(experimentId, ml.getExperimentByName(name).orElseThrow().getExperimentId());
        assertTrue(ml.getExperimentByName(name + "-none").isEmpty());
        List<Experiment> found =
                ml.searchExperiments("name LIKE '" + name + "%'").getItems();
        assertEquals(
                List.of(experimentId),
                found.stream().map(Experiment::getExperimentId).toList());
        ml.setExperimentTag(experimentId, "team", "vision");
        assertEquals("vision", ml.getExperiment(experimentId).getTags(0).getValue());
        assertMlflowError(() -> ml.createExperiment(name), 400, "RESOURCE_ALREADY_EXISTS");

        String fast = run(ml, experimentId, "fast", "0.1", new double[] {0.5, 0.7, 0.8});
        String slow = run(ml, experimentId, "slow", "0.01", new double[] {0.3, 0.6, 0.9, 0.95});
        ml.setTerminated(fast, RunStatus.FINISHED, 2_000L);

        Run got = ml.getRun(slow);
        assertEquals("slow", got.getInfo().getRunName());
        assertEquals("trainer-bot", got.getInfo().getUserId(), "user_id is the caller's subject");
        assertEquals(RunStatus.RUNNING, got.getInfo().getStatus());
        assertEquals(Map.of("lr", "0.01", "optimizer", "adam"), params(got));
        assertEquals(0.95, metric(got, "accuracy"), 1e-9, "current value = highest step");
        assertEquals(1.5, metric(got, "loss"), 1e-9);
        assertEquals(
                "edge",
                got.getData().getTagsList().stream()
                        .filter(t -> t.getKey().equals("target"))
                        .findFirst()
                        .orElseThrow()
                        .getValue());
        assertEquals(RunStatus.FINISHED, ml.getRun(fast).getInfo().getStatus());
        assertEquals(2_000L, ml.getRun(fast).getInfo().getEndTime());

        List<Metric> history = ml.getMetricHistory(slow, "accuracy");
        assertEquals(
                List.of(0.3, 0.6, 0.9, 0.95),
                history.stream().map(Metric::getValue).toList());
        assertEquals(
                List.of(0L, 1L, 2L, 3L), history.stream().map(Metric::getStep).toList());

        List<RunInfo> good = ml.searchRuns(List.of(experimentId), "metrics.accuracy > 0.85 and params.lr = '0.01'");
        assertEquals(List.of(slow), good.stream().map(RunInfo::getRunId).toList());
        assertEquals(
                List.of(fast),
                ml.searchRuns(List.of(experimentId), "attributes.status = 'FINISHED'").stream()
                        .map(RunInfo::getRunId)
                        .toList());
        RunsPage page =
                ml.searchRuns(List.of(experimentId), "", ViewType.ACTIVE_ONLY, 1, List.of("metrics.accuracy DESC"));
        assertEquals(
                List.of(slow),
                page.getItems().stream().map(r -> r.getInfo().getRunId()).toList());
        assertTrue(page.hasNextPage());
        RunsPage next = (RunsPage) page.getNextPage();
        assertEquals(
                List.of(fast),
                next.getItems().stream().map(r -> r.getInfo().getRunId()).toList());
        assertFalse(next.hasNextPage());
    }

    @Test
    void trackingErrorsAreMlflowErrors() {
        MlflowClient ml = client("trainer-bot", Roles.ML);
        String experimentId =
                ml.createExperiment("exp-err-" + UUID.randomUUID().toString().substring(0, 8));
        String runId = ml.createRun(experimentId).getRunId();
        ml.logParam(runId, "lr", "0.1");
        ml.logParam(runId, "lr", "0.1"); // the same value again is fine
        assertMlflowError(() -> ml.logParam(runId, "lr", "0.2"), 400, "INVALID_PARAMETER_VALUE");
        assertMlflowError(() -> ml.getRun("no-such-run"), 404, "RESOURCE_DOES_NOT_EXIST");
        assertMlflowError(() -> ml.getExperiment("987654321"), 404, "RESOURCE_DOES_NOT_EXIST");
        assertMlflowError(
                () -> ml.searchRuns(List.of(experimentId), "metrics.acc ~ 3"), 400, "INVALID_PARAMETER_VALUE");
        MlflowClient viewer = client("someone", Roles.VIEWER);
        assertMlflowError(() -> viewer.logMetric(runId, "acc", 0.5), 403, "PERMISSION_DENIED");
        assertEquals(runId, viewer.getRun(runId).getInfo().getRunId());
    }

    private static String run(MlflowClient ml, String experimentId, String name, String lr, double[] accuracy) {
        RunInfo info = ml.createRun(CreateRun.newBuilder()
                .setExperimentId(experimentId)
                .setRunName(name)
                .setStartTime(1_000L)
                .addTags(RunTag.newBuilder().setKey("target").setValue("edge"))
                .build());
        ml.logParam(info.getRunId(), "lr", lr);
        for (int step = 0; step < accuracy.length; step++) {
            ml.logMetric(info.getRunId(), "accuracy", accuracy[step], 1_000L + step, step);
        }
        ml.logBatch(
                info.getRunId(),
                List.of(Metric.newBuilder()
                        .setKey("loss")
                        .setValue(1.5)
                        .setTimestamp(5_000L)
                        .setStep(0)
                        .build()),
                List.of(Param.newBuilder().setKey("optimizer").setValue("adam").build()),
                List.of());
        return info.getRunId();
    }

    static Map<String, String> params(Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
    }

    static double metric(Run run, String key) {
        return run.getData().getMetricsList().stream()
                .filter(m -> m.getKey().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + key + " in " + run.getData()))
                .getValue();
    }

    static void assertMlflowError(Runnable call, int status, String errorCode) {
        MlflowHttpException e = assertThrows(MlflowHttpException.class, call::run);
        assertEquals(status, e.getStatusCode(), e.getBodyMessage());
        assertTrue(e.getBodyMessage().contains("\"error_code\":\"" + errorCode + "\""), e.getBodyMessage());
    }
}
