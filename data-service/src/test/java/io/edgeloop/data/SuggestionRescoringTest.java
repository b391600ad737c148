package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.data.v1.CapturedPage;
import io.edgeloop.proto.data.v1.CapturedSample;
import io.edgeloop.proto.data.v1.ListCapturedRequest;
import io.edgeloop.proto.data.v1.RescoreRequest;
import io.edgeloop.proto.data.v1.RescoreResult;
import io.edgeloop.proto.data.v1.Rescored;
import io.edgeloop.proto.data.v1.SuggestionServiceGrpc;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Active learning's re-scoring over gRPC against real PostgreSQL and Kafka: captured inputs of a model are listed by
 * sample id in pages (only the live unlabeled ones of that model; those already scored by a version left out on
 * request), a newer version's predictions replace their suggestions (labels the data set lacks leave no suggested
 * label; labelled, unknown and other models' samples are skipped), the queue then shows the new suggestions, order
 * and who scored them; bad requests are INVALID_ARGUMENT naming the field, with nothing changed.
 */
@QuarkusTest
class SuggestionRescoringTest {
    private static final String MODEL = "rescore-model";

    @GrpcClient("self")
    SuggestionServiceGrpc.SuggestionServiceBlockingStub grpc;

    private static byte[] captured(String ds, String model, String inference, float x, String label, float p) {
        return SampleCaptured.newBuilder()
                .setMeta(Events.newMeta("monitoring-service", "c-" + inference, ""))
                .setDatasetName(ds)
                .setModelName(model)
                .setModelVersion(1)
                .setInferenceId(inference)
                .setDeviceId("edge-9")
                .addAllFeatures(List.of(x, x + 1, x + 2))
                .setPredictedLabel(label)
                .setConfidence(p)
                .build()
                .toByteArray();
    }

    private static JsonPath queue(String ds) {
        return given().get("/datasets/" + ds + "/queue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private List<CapturedSample> listAll(String ds, int notScoredBy) {
        List<CapturedSample> out = new ArrayList<>();
        String after = "";
        do {
            CapturedPage page = grpc.listCaptured(ListCapturedRequest.newBuilder()
                    .setDatasetName(ds)
                    .setModelName(MODEL)
                    .setNotScoredByVersion(notScoredBy)
                    .setAfterSampleId(after)
                    .setPageSize(2)
                    .build());
            assertEquals(TestSupport.LABELS, page.getClassLabelsList());
            out.addAll(page.getSamplesList());
            after = page.getNextSampleId();
        } while (!after.isEmpty());
        return out;
    }

    private static Rescored prediction(String id, String label, float p) {
        return Rescored.newBuilder()
                .setSampleId(id)
                .setPredictedLabel(label)
                .setConfidence(p)
                .build();
    }

    @Test
    void capturedInputsAreListedAndRescoredByANewerVersion() throws Exception {
        String ds = "rs-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        for (int i = 0; i < 4; i++) {
            TestSupport.produce(
                    Topics.SAMPLE_CAPTURED, ds, captured(ds, MODEL, "i-" + i, i, "bearing", 0.3f + i / 10f));
        }
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, "other-model", "o-1", 7, "normal", 0.2f));
        TestSupport.await("five captured samples", Duration.ofSeconds(30), () -> TestSupport.sampleCount(ds) == 5);

        List<CapturedSample> all = listAll(ds, 0);
        assertEquals(4, all.size(), "the other model's capture is not listed");
        List<String> ids = all.stream().map(CapturedSample::getSampleId).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "by sample id");
        all.forEach(s -> {
            assertEquals(1, s.getScoredByVersion());
            assertEquals("bearing", s.getSuggestedLabel());
            assertEquals(3, s.getFeaturesCount());
        });

        // one is labelled by a person meanwhile: no longer listed, and a re-scoring leaves it alone
        String labelled = ids.get(0);
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "imbalance"))
                .put("/datasets/" + ds + "/samples/" + labelled + "/label")
                .then()
                .statusCode(200);
        assertEquals(3, listAll(ds, 0).size());

        RescoreResult result = grpc.rescore(RescoreRequest.newBuilder()
                .setDatasetName(ds)
                .setModelName(MODEL)
                .setModelVersion(2)
                .addPredictions(prediction(ids.get(1), "normal", 0.95f))
                .addPredictions(prediction(ids.get(2), "not-a-label", 0.15f))
                .addPredictions(prediction(labelled, "normal", 0.5f))
                .addPredictions(prediction("f".repeat(64), "normal", 0.5f))
                .build());
        assertEquals(2, result.getUpdated());
        assertEquals(2, result.getSkipped());

        JsonPath q = queue(ds);
        List<Map<String, Object>> queued = new ArrayList<>(q.getList("samples"));
        assertEquals("other-model", queued.remove(1).get("modelName"), "the other model's capture (0.2) is second");
        assertEquals(
                List.of(ids.get(2), ids.get(3), ids.get(1)),
                queued.stream().map(m -> m.get("id")).toList(),
                "least confident first");
        Map<String, Object> low = queued.get(0);
        assertNull(low.get("suggestedLabel"), "a label the data set lacks is no suggestion");
        assertEquals(0.15f, ((Number) low.get("confidence")).floatValue());
        assertEquals(2, low.get("scoredByVersion"));
        assertEquals(1, low.get("modelVersion"), "the capturing version stays");
        assertNotNull(low.get("rescoredAt"));
        Map<String, Object> untouched = queued.get(1);
        assertEquals("bearing", untouched.get("suggestedLabel"));
        assertEquals(1, untouched.get("scoredByVersion"));
        assertNull(untouched.get("rescoredAt"));
        assertEquals("normal", queued.get(2).get("suggestedLabel"));

        List<String> left =
                listAll(ds, 2).stream().map(CapturedSample::getSampleId).toList();
        assertEquals(List.of(ids.get(3)), left, "only the one version 2 has not scored yet");
        // the person's label stands
        JsonPath labelledSamples = given().get("/datasets/" + ds + "/samples?labeled=true")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of(labelled), labelledSamples.getList("samples.id"));
        assertEquals(List.of("imbalance"), labelledSamples.getList("samples.label"));
    }

    @Test
    void badRequestsNameTheFieldAndChangeNothing() throws Exception {
        String ds = "rs-" + UUID.randomUUID().toString().substring(0, 8);
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.produce(Topics.SAMPLE_CAPTURED, ds, captured(ds, MODEL, "b-1", 1, "bearing", 0.4f));
        TestSupport.await("a captured sample", Duration.ofSeconds(30), () -> TestSupport.sampleCount(ds) == 1);
        String id = listAll(ds, 0).get(0).getSampleId();

        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.rescore(RescoreRequest.newBuilder()
                        .setDatasetName(ds)
                        .setModelName(MODEL)
                        .setModelVersion(2)
                        .addPredictions(prediction(id, "normal", 0.9f))
                        .addPredictions(prediction(id, "normal", Float.NaN))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("predictions[1].confidence"), e.getMessage());
        assertTrue(e.getStatus().getDescription().contains("predictions[1].sample_id"), e.getMessage());
        assertEquals(1, listAll(ds, 0).get(0).getScoredByVersion(), "nothing changed");

        e = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.rescore(RescoreRequest.newBuilder()
                        .setDatasetName(ds)
                        .setModelName(MODEL)
                        .addPredictions(prediction(id, "normal", 0.9f))
                        .build()));
        assertTrue(e.getStatus().getDescription().contains("model_version"), e.getMessage());
        e = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.listCaptured(ListCapturedRequest.newBuilder()
                        .setDatasetName(ds)
                        .setModelName(MODEL)
                        .setPageSize(-1)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("page_size"), e.getMessage());
        e = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.listCaptured(ListCapturedRequest.newBuilder()
                        .setDatasetName("no-such-" + ds)
                        .setModelName(MODEL)
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
}
