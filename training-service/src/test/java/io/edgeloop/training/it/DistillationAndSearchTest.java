package io.edgeloop.training.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.training.domain.TrainingPipeline;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Knowledge distillation and architecture search: {@code /distillations} reports the teacher and both students,
 * {@code /searches} finds the best candidate that fits a target profile; a training run with a distillation
 * temperature ships the distilled student (REST with three phases of progress, or a {@code DataReady} spec with given
 * student units and the default alpha) and a target profile searches the student's units; invalid distillation fields
 * are refused over REST and fail an event run.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DistillationAndSearchTest extends TrainingServiceTestBase {
    @Test
    void distillationReportsTeacherAndBothStudents() {
        String dataset = "vibration-distill";
        datasets.define(dataset, 1);
        postJson(
                        "/distillations",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"temperature\":-1,\"alpha\":2,"
                                + "\"teacher\":{\"hiddenUnits\":[0]},\"student\":{\"optimizer\":\"x\",\"color\":1}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.field",
                        containsInAnyOrder("temperature", "alpha", "teacher.hiddenUnits[0]", "student.color"));
        postJson("/distillations", "{\"datasetName\":\"nope\",\"datasetVersion\":1}")
                .statusCode(404);
        String id = postJson(
                        "/distillations",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"temperature\":3,\"alpha\":0.5,"
                                + "\"teacher\":{\"hiddenUnits\":[32,32],\"maxEpochs\":5},"
                                + "\"student\":{\"hiddenUnits\":[4],\"maxEpochs\":5}}")
                .statusCode(202)
                .header("Location", containsString("/distillations/"))
                .body("kind", equalTo("DISTILLATION"))
                .body("requestedBy", equalTo(TestAuth.ADMIN_SUBJECT))
                .extract()
                .path("id");
        JsonPath done = awaitExperiment("/distillations/" + id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        long teacher = done.getLong("result.teacher.parameterCount");
        long distilled = done.getLong("result.distilledStudent.parameterCount");
        // teacher 8-32-32-4, student 8-4-4
        assertEquals(8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4, teacher);
        assertEquals(8 * 4 + 4 + 4 * 4 + 4, distilled);
        assertEquals(distilled, done.getLong("result.baselineStudent.parameterCount"));
        assertTrue(done.getLong("result.distilledStudent.onnxBytes") < done.getLong("result.teacher.onnxBytes"));
        assertEquals(3.0, done.getDouble("result.temperature"), 0);
        double gain = done.getDouble("result.distilledStudent.test.accuracy")
                - done.getDouble("result.baselineStudent.test.accuracy");
        assertEquals(gain, done.getDouble("result.accuracyGain"), 1e-6);
        assertTrue(done.getDouble("result.teacher.test.accuracy") > 0.8, done.prettify());
        assertEquals(4, done.getList("result.distilledStudent.test.perClass").size());
        assertTrue(done.getInt("epochsDone") >= 3);
        given().get("/distillations/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/searches/" + id).then().statusCode(404); // not a search
    }

    @Test
    void searchFindsTheBestCandidateThatFitsTheProfile() {
        String dataset = "vibration-search";
        datasets.define(dataset, 1);
        postJson("/searches", "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"targetProfile\":\"watch\"}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("targetProfile"));
        postJson("/searches", "{\"datasetVersion\":1}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetName", "targetProfile"));
        String id = postJson(
                        "/searches",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"targetProfile\":\"mcu\","
                                + "\"spec\":{\"maxEpochs\":4}}")
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath done = awaitExperiment("/searches/" + id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals("mlp", done.getString("result.architecture"));
        assertEquals(65536L, done.getLong("result.ramLimitBytes"));
        List<Map<String, Object>> candidates = done.getList("result.candidates");
        assertEquals(4, candidates.size());
        int best = done.getInt("result.bestIndex");
        assertTrue(done.getBoolean("result.best.estimate.fits"));
        assertTrue(done.getLong("result.best.estimate.ramBytes") <= 65536);
        for (int i = 0; i < candidates.size(); i++) {
            String c = "result.candidates[" + i + "]";
            assertTrue(done.getLong(c + ".model.parameterCount") > 0);
            assertTrue(done.getLong(c + ".estimate.flashBytes") >= done.getLong(c + ".model.parameterBytes"));
            assertEquals(done.getLong(c + ".model.macs"), done.getLong(c + ".estimate.macs"));
            assertTrue(done.getDouble(c + ".hostLatencyMicros") > 0);
            if (done.getBoolean(c + ".estimate.fits")) {
                assertTrue(done.getDouble(c + ".model.validation.accuracy")
                        <= done.getDouble("result.candidates[" + best + "].model.validation.accuracy"));
            }
        }
    }

    @Test
    void restRunWithDistillationTemperatureShipsTheDistilledStudent() throws Exception {
        String dataset = "vibration-kd";
        RunEvents kd = runWithProgress(
                dataset,
                "{\"hiddenUnits\":[32,32],\"maxEpochs\":4,\"patience\":4,\"distillationTemperature\":3,"
                        + "\"distillationAlpha\":0.5}");
        String runId = kd.runId();
        List<JsonNode> events = kd.events();

        // progress covers the three trainings, each tagged with its phase: 4 epochs each (patience 4)
        List<String> phases = events.stream()
                .filter(e -> e.get("type").asText().equals("epoch"))
                .map(e -> e.get("phase").asText() + e.get("epoch").get("epoch").asInt())
                .toList();
        List<String> expected = java.util.stream.Stream.of("teacher", "student-alone", "student")
                .flatMap(p -> java.util.stream.IntStream.rangeClosed(1, 4).mapToObj(e -> p + e))
                .toList();
        assertEquals(expected, phases);
        assertEquals("succeeded", events.get(events.size() - 1).get("type").asText());
        // the stored curve has the same twelve epochs, one sequence across the phases, each timed
        JsonPath curve = given().get("/training-runs/" + runId + "/epochs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < curve.getList("$").size(); i++) {
            stored.add(curve.getString("[" + i + "].phase") + curve.getInt("[" + i + "].epoch"));
            assertEquals(i + 1, curve.getInt("[" + i + "].seq"));
            assertTrue(curve.getDouble("[" + i + "].durationSeconds") > 0);
        }
        assertEquals(expected, stored);

        // the run is the distilled student: 8-8-8-4 (the teacher's widths / 4)
        long teacherParams = 8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4;
        long studentParams = 8 * 8 + 8 + 8 * 8 + 8 + 8 * 4 + 4;
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals(studentParams, run.getLong("parameterCount"));
        assertEquals(List.of(8, 8), run.getList("spec.hiddenUnits"));
        assertTrue(run.getString("architecture").startsWith("mlp(8-8-relu-8-relu-4)"), run.getString("architecture"));
        assertEquals("student", run.getString("progress.phase"));
        assertEquals(4, run.getInt("progress.epoch"));
        assertEquals(0.5, run.getDouble("requestedSpec.distillationAlpha"), 0);
        assertEquals(3.0, run.getDouble("distillation.temperature"), 0);
        assertEquals(0.5, run.getDouble("distillation.alpha"), 0);
        assertEquals(teacherParams, run.getLong("distillation.teacher.parameterCount"));
        assertEquals(List.of(32, 32), run.getList("distillation.teacher.spec.hiddenUnits"));
        assertTrue(run.getDouble("distillation.teacher.test.accuracy") > 0.8, run.prettify());
        assertEquals(studentParams, run.getLong("distillation.studentAlone.parameterCount"));
        assertEquals(List.of(8, 8), run.getList("distillation.studentAlone.spec.hiddenUnits"));
        assertEquals(100, run.getInt("distillation.studentAlone.test.sampleCount"));
        assertEquals(4, run.getList("distillation.studentAlone.test.perClass").size());
        assertEquals(
                run.getDouble("test.accuracy") - run.getDouble("distillation.studentAlone.test.accuracy"),
                run.getDouble("distillation.accuracyGain"),
                1e-6);
        assertEquals(
                (double) studentParams / teacherParams,
                run.getDouble("distillation.studentToTeacherParameterRatio"),
                1e-6);

        // ModelTrained announces the student, with the teacher and the student alone alongside
        ModelTrained event = enqueued(runId).get(0);
        assertEquals(studentParams, event.getParameterCount());
        assertEquals(List.of(8, 8), event.getSpec().getHiddenUnitsList());
        assertEquals(run.getDouble("test.accuracy"), event.getTestMetrics().getAccuracy(), 1e-6);
        assertTrue(event.hasDistillation());
        var d = event.getDistillation();
        assertEquals(3.0, d.getTemperature(), 0);
        assertEquals(0.5, d.getAlpha(), 0);
        assertEquals(teacherParams, d.getTeacherParameterCount());
        assertEquals(List.of(32, 32), d.getTeacherHiddenUnitsList());
        assertTrue(d.getTeacherArchitecture().startsWith("mlp(8-32-relu-32-relu-4)"), d.getTeacherArchitecture());
        assertEquals(
                run.getDouble("distillation.teacher.test.accuracy"),
                d.getTeacherTestMetrics().getAccuracy(),
                1e-6);
        assertEquals(100, d.getStudentAloneTestMetrics().getSampleCount());
        assertEquals(4, d.getStudentAloneTestMetrics().getPerClassCount());
        assertEquals(16, d.getTeacherTestMetrics().getConfusionMatrixCount());

        // the registered version is the student; the registry metrics name the teacher and the student alone
        List<RegisterVersionRequest> calls = registry.requestsForRun(runId);
        assertEquals(1, calls.size());
        Map<String, Double> metrics = calls.get(0).getMetricsMap();
        assertEquals(studentParams, metrics.get("parameter_count"), 0);
        assertTrue(metrics.get("parameter_count") < metrics.get("teacher_parameter_count"), metrics.toString());
        assertEquals(d.getTeacherTestMetrics().getAccuracy(), metrics.get("teacher_test_accuracy"), 0);
        assertEquals(d.getStudentAloneTestMetrics().getAccuracy(), metrics.get("student_alone_test_accuracy"), 0);
        assertEquals(3.0, metrics.get("distillation_temperature"), 0);
        assertEquals(0.5, metrics.get("distillation_alpha"), 0);
        byte[] onnx = artifacts.bytes(event.getArtifactSha256());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx)) {
            assertEquals(
                    Long.toString(studentParams),
                    session.getMetadata().getCustomMetadata().get("parameter_count"));
        }
    }

    @Test
    void dataReadyDistillationTakesTheRequestedStudentAndDefaultAlpha() {
        String dataset = "vibration-kd-event";
        datasets.define(dataset, 1);
        DataReady event = dataReady(dataset, 1, FakeDatasetService.contentHash(dataset, 1)).toBuilder()
                .setTrainingSpec(TrainingSpec.newBuilder()
                        .addHiddenUnits(16)
                        .setMaxEpochs(3)
                        .setDistillationTemperature(2)
                        .addStudentHiddenUnits(4)
                        // given student units: no search, even with a target profile
                        .setTargetProfile("mcu"))
                .build();
        produce(dataset, event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        ModelTrained t = published(runId);
        assertEquals(List.of(4), t.getSpec().getHiddenUnitsList());
        assertEquals(8 * 4 + 4 + 4 * 4 + 4, t.getParameterCount());
        assertEquals(0.7, t.getDistillation().getAlpha(), 0);
        assertEquals(2.0, t.getDistillation().getTemperature(), 0);
        assertEquals(List.of(16), t.getDistillation().getTeacherHiddenUnitsList());
        assertEquals(8 * 16 + 16 + 16 * 4 + 4, t.getDistillation().getTeacherParameterCount());
        given().get("/training-runs/" + runId)
                .then()
                .statusCode(200)
                .body("trigger", equalTo("event"))
                .body("requestedSpec.studentHiddenUnits", equalTo(List.of(4)))
                .body("distillation.alpha", equalTo(0.7f))
                .body("distillation.teacher.spec.hiddenUnits", equalTo(List.of(16)))
                .body("progress.phase", equalTo("student"));
    }

    @Test
    void targetProfileSearchPicksTheStudentAndTheTeacherKeepsItsUnits() {
        String dataset = "vibration-kd-search";
        datasets.define(dataset, 1);
        String runId = postJson(
                        "/training-runs",
                        "{\"datasetName\":\"" + dataset + "\",\"datasetVersion\":1,\"spec\":{\"hiddenUnits\":[512,512],"
                                + "\"maxEpochs\":3,\"distillationTemperature\":2,\"targetProfile\":\"mcu\"}}")
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath run = awaitRun(runId, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertEquals("SUCCEEDED", run.getString("status"), run.prettify());
        assertEquals(List.of(512, 512), run.getList("distillation.teacher.spec.hiddenUnits"));
        // one of the search's MLP candidates, not the teacher's / 4 ([128, 128])
        List<List<Integer>> candidates = List.of(List.of(8), List.of(16), List.of(32, 32), List.of(64, 64));
        List<Integer> student = run.getList("spec.hiddenUnits", Integer.class);
        assertTrue(candidates.contains(student), student.toString());
        assertEquals(student, run.getList("distillation.studentAlone.spec.hiddenUnits", Integer.class));
        assertTrue(run.getLong("parameterCount") < run.getLong("distillation.teacher.parameterCount"));
    }

    @Test
    void invalidDistillationSpecsAreRejected() {
        datasets.define("vibration-kd-bad", 1);
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":101,\"distillationAlpha\":1.5,\"studentHiddenUnits\":[0,2000]}}")
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.field",
                        containsInAnyOrder(
                                "spec.distillationTemperature",
                                "spec.distillationAlpha",
                                "spec.studentHiddenUnits[0]",
                                "spec.studentHiddenUnits[1]"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,"
                                + "\"spec\":{\"studentHiddenUnits\":[4],\"distillationAlpha\":0.5}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.studentHiddenUnits", "spec.distillationAlpha"))
                .body("errors.message", everyItem(equalTo("only used with distillationTemperature > 0")));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":2,\"studentHiddenUnits\":[1,1,1,1,1,1,1],"
                                + "\"distillationAlpha\":\"high\"}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.distillationAlpha"));
        postJson(
                        "/training-runs",
                        "{\"datasetName\":\"vibration-kd-bad\",\"datasetVersion\":1,\"spec\":{"
                                + "\"distillationTemperature\":2,\"studentHiddenUnits\":[1,1,1,1,1,1,1]}}")
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("spec.studentHiddenUnits"))
                .body("errors.message", contains("at most 6 layers"));
        // the same rules hold for a spec in an event: the run fails and nothing is emitted
        DataReady event =
                dataReady("vibration-kd-bad", 1, FakeDatasetService.contentHash("vibration-kd-bad", 1)).toBuilder()
                        .setTrainingSpec(TrainingSpec.newBuilder().addStudentHiddenUnits(4))
                        .build();
        produce("vibration-kd-bad", event.toByteArray());
        String runId = TrainingPipeline.runIdFor(event.getMeta().getEventId());
        JsonPath run = awaitRun(runId, s -> s.equals("FAILED") || s.equals("SUCCEEDED"));
        assertEquals("FAILED", run.getString("status"), run.prettify());
        assertTrue(
                run.getString("failureReason")
                        .contains("studentHiddenUnits only used with distillationTemperature > 0"),
                run.getString("failureReason"));
        assertEquals(0, registry.requestsForRun(runId).size());
    }
}
