package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.proto.events.v1.Deployed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Issue 15 on the real stack: a device with a model memory budget of 1 MiB ({@code edgeloop.agent.memory-budget-mb},
 * sent at registration). The compiler estimates every variant's RAM (ONNX Runtime's profiles count 8-16 MiB of runtime
 * overhead; the int8 microcontroller profile counts only the activations, its weights stay in flash), and
 * deployment-service chooses for each device a variant whose estimate fits what its other models leave of the budget:
 *
 * <ol>
 *   <li>v1, a small classifier: its recommended variant (cpu-fp32-ortopt, ~16 MiB) does not fit, so the device gets
 *       the variant that does ({@code mcu-int8}) and serves it;
 *   <li>v2, the same function through a wide intermediate tensor (320,000 activations: above the microcontroller
 *       profile's 256 KiB, which the compiler then rejects), has no variant within 1 MiB: the rollout finds the device
 *       incompatible before assigning anything, the device's twin ({@code GET /devices/{id}}, what the console and CLI
 *       read) names the rollout and the memory budget, and the device keeps serving v1 with nothing downloaded.
 * </ol>
 *
 * The refusal happens in deployment-service: the agent's own check (assignment {@code ram_bytes}, else artifact size,
 * against the same budget) is not reached on this stack, because every compiled variant carries a RAM estimate; it is
 * covered against gRPC doubles (edge-agent {@code FleetSyncTest}, {@code MultiModelTest}).
 */
final class MemoryBudgetCheck {
    /** The small device's labels: only this check's policy selects it. */
    static final Map<String, String> LABELS = Map.of("fleet", "small");

    /** The small device's own setting: a model memory budget of 1 MiB, sent at registration. */
    static final Map<String, String> PROPERTIES = Map.of("edgeloop.agent.memory-budget-mb", "1");

    private static final String MODEL = "small-sensor";
    private static final Duration STAGE = Duration.ofMinutes(4);

    private MemoryBudgetCheck() {}

    /** Runs the check on {@code device} (served at {@code agent}), which must carry {@link #LABELS}. */
    static void run(LocalStack stack, EventWatcher events, String device, String agent) throws Exception {
        long t0 = System.nanoTime();
        String deployment = stack.url("deployment-service");
        policy(deployment);
        Path models = stack.workDir().resolve("agents/" + device + "/models");

        // v1 fits only as its int8 microcontroller variant
        upload(stack, FleetModels.classifier(8, 4, 17));
        Deployed v1 = events.await(
                Deployed.class,
                e -> e.getModelName().equals(MODEL) && e.getPhase().equals("completed"),
                STAGE,
                "completed rollout of " + MODEL + " v1");
        assertEquals(List.of(device), v1.getDeviceIdsList(), "only the small device is selected");
        JsonNode target = Json.get(deployment + "/rollouts/" + v1.getRolloutId())
                .expect(200)
                .body()
                .path("targets")
                .path(0);
        assertEquals("mcu-int8", target.path("variantTarget").asText(), "the variant that fits 1 MiB: " + target);
        JsonNode served = servedModel(agent);
        assertEquals(target.path("variantId").asText(), served.path("variantId").asText(), served.toString());
        assertEquals("1", infer(agent).path("model_version").asText());
        List<String> files = artifacts(models);

        // v2: no variant within the budget; nothing is sent, the twin says why, v1 keeps serving
        upload(stack, FleetModels.wideClassifier(8, 4, 40_000, 17));
        org.awaitility.Awaitility.await("the twin of " + device + " names v2 of " + MODEL + " as incompatible")
                .atMost(STAGE)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> twinModel(deployment, device)
                                .path("incompatible")
                                .path("modelVersion")
                                .asInt()
                        == 2);
        JsonNode twin = twinModel(deployment, device);
        String reason = twin.path("incompatible").path("reason").asText();
        assertTrue(reason.contains("no variant fits"), twin.toString());
        assertTrue(reason.contains("the device's model memory budget of 1 MiB"), twin.toString());
        assertEquals(1, twin.path("desired").path("modelVersion").asInt(), twin.toString());
        assertEquals("ACTIVE", twin.path("reported").path("state").asText(), twin.toString());
        assertEquals(1, twin.path("reported").path("modelVersion").asInt(), twin.toString());
        JsonNode rollout = Json.get(deployment + "/rollouts/"
                        + twin.path("incompatible").path("deploymentId").asText())
                .expect(200)
                .body();
        assertEquals(1, rollout.path("targets").size(), rollout.toString());
        assertEquals(
                "INCOMPATIBLE", rollout.path("targets").path(0).path("state").asText(), rollout.toString());
        assertTrue(rollout.path("targets").path(0).path("assignedAt").isNull(), "never assigned: " + rollout);

        assertEquals("1", infer(agent).path("model_version").asText(), "the device still serves v1");
        assertEquals(
                404,
                Json.get(agent + "/v2/models/" + MODEL + "/versions/2/ready").status());
        assertEquals(
                target.path("variantId").asText(),
                servedModel(agent).path("variantId").asText());
        assertEquals(files, artifacts(models), "nothing downloaded for v2");
        assertAgentCounted(stack, agent);
        System.out.printf(
                "[fleet] memory budget: v1 as %s, v2 incompatible (%s), checked in %.1f s%n",
                target.path("variantId").asText(),
                reason.length() > 160 ? reason.substring(0, 160) + "..." : reason,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The device's own /q/metrics counted v1's activation and the inferences, and no refusal. */
    private static void assertAgentCounted(LocalStack stack, String agent) {
        MetricsCheck.AgentScrape m = MetricsCheck.scrapeAgent(stack, agent);
        String model = "model=\"" + MODEL + "\"";
        assertEquals(1.0, m.value("edgeloop_device_model_updates_total", model + ",outcome=\"active\""), m.text());
        assertNull(m.find("edgeloop_device_model_updates_total", model + ",outcome=\"refused\""), m.text());
        assertEquals(2.0, m.value("edgeloop_device_inferences_total", model + ",source=\"live\""), m.text());
        assertEquals(1.0, m.value("edgeloop_device_models_loaded", ""), m.text());
    }

    private static void policy(String deployment) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("selector", Map.of("fleet", "small"));
        policy.put("autoRollout", true);
        policy.put("rollout", Map.of("canaryPercent", 100, "soakTimeMs", 1000));
        policy.put("promotion", Map.of("minAccuracy", 0.0, "maxAccuracyDrop", 0.05));
        Json.put(deployment + "/policies/" + MODEL, policy).expect(200, 201);
    }

    private static void upload(LocalStack stack, byte[] onnx) {
        Json.Reply reply = Json.postBytes(
                stack.url("compiler-service") + "/models?name=" + MODEL + "&dataset=sensors&datasetVersion=1", onnx);
        assertEquals(201, reply.status(), "upload of " + MODEL + ": " + reply.body());
    }

    private static JsonNode infer(String agent) {
        List<Double> row = List.of(.5, .4, .3, .2, .1, 0.0, -.1, -.2);
        return Json.post(
                        agent + "/v2/models/" + MODEL + "/infer",
                        Map.of(
                                "inputs",
                                List.of(Map.of(
                                        "name", "features", "datatype", "FP32", "shape", List.of(1, 8), "data", row))))
                .expect(200)
                .body();
    }

    private static JsonNode servedModel(String agent) {
        for (JsonNode m : Json.get(agent + "/status").expect(200).body().path("models")) {
            if (m.path("modelName").asText().equals(MODEL)) {
                return m;
            }
        }
        throw new AssertionError(agent + " does not serve " + MODEL);
    }

    private static JsonNode twinModel(String deployment, String device) {
        for (JsonNode m :
                Json.get(deployment + "/devices/" + device).expect(200).body().path("models")) {
            if (m.path("modelName").asText().equals(MODEL)) {
                return m;
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    /** The artifacts in the device's model directory (downloaded or partial). */
    private static List<String> artifacts(Path models) throws IOException {
        try (Stream<Path> files = Files.list(models)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".onnx") || n.endsWith(".ort") || n.endsWith(".part"))
                    .sorted()
                    .toList();
            assertNotEquals(List.of(), names, "v1's artifact in " + models);
            return names;
        }
    }
}
