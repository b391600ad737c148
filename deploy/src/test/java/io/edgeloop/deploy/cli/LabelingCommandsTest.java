package io.edgeloop.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import org.junit.jupiter.api.Test;

/** {@code datasets queue} and {@code datasets confirm} against a stand-in data-service. */
class LabelingCommandsTest {
    private static final String ID1 = "a".repeat(64);
    private static final String ID2 = "b".repeat(64);
    private static final String ID3 = "c".repeat(64);
    private static final String QUEUE = "{\"samples\":["
            + "{\"id\":\"" + ID1 + "\",\"source\":\"capture:vib/1/edge-001/i-1\",\"suggestedLabel\":\"normal\","
            + "\"confidence\":0.41,\"modelName\":\"vib\",\"modelVersion\":1,\"deviceId\":\"edge-001\","
            + "\"scoredByVersion\":2,\"rescoredAt\":\"2026-12-08T00:00:00Z\"},"
            + "{\"id\":\"" + ID2 + "\",\"source\":\"capture:vib/2/edge-002/i-9\",\"suggestedLabel\":\"bearing\","
            + "\"confidence\":0.55,\"modelName\":\"vib\",\"modelVersion\":2,\"deviceId\":\"edge-002\","
            + "\"scoredByVersion\":2,\"rescoredAt\":null},"
            + "{\"id\":\"" + ID3 + "\",\"source\":\"manual\",\"suggestedLabel\":null,\"confidence\":null,"
            + "\"modelName\":null}],\"next\":\"" + ID3 + "\"}";

    @Test
    void theQueueShowsSuggestionsWithTheVersionThatScoredThem() throws Exception {
        try (FakeService data = new FakeService().on("GET", "/datasets/vib/queue", 200, QUEUE)) {
            Cli.Result r = Cli.run("datasets", "queue", "vib", "--limit", "3", "--url-data", data.url());
            assertEquals(0, r.code(), r.err());
            assertEquals("/datasets/vib/queue?limit=3", data.last().uri());
            String[] lines = r.out().split("\n");
            assertTrue(lines[0].matches("SAMPLE +SUGGESTED +CONFIDENCE +BY +CAPTURED +DEVICE +SOURCE"), lines[0]);
            assertTrue(lines[1].matches("a{16}\\.\\.\\. +normal +0\\.410 +v2\\* +vib v1 +edge-001 .*"), lines[1]);
            assertTrue(lines[2].matches("b{16}\\.\\.\\. +bearing +0\\.550 +v2 +vib v2 +edge-002 .*"), lines[2]);
            assertTrue(lines[3].matches("c{16}\\.\\.\\. +- +- +- +- +- +manual"), lines[3]);
            assertTrue(r.out().contains("more: --after " + ID3), r.out());

            Cli.Result json =
                    Cli.run("datasets", "queue", "vib", "--limit", "3", "--url-data", data.url(), "-o", "json");
            assertEquals(Json.MAPPER.readTree(QUEUE), Json.MAPPER.readTree(json.out()));
        }
    }

    @Test
    void confirmAcceptsSuggestionsAndLabelsOthersInOneRequest() throws Exception {
        try (FakeService data = new FakeService()
                .on(
                        "POST",
                        "/datasets/vib/labels/confirm",
                        200,
                        "{\"accepted\":1,\"overridden\":1,\"alreadyLabelled\":[\"" + ID3 + "\"]}")) {
            Cli.Result r = Cli.run(
                    "datasets", "confirm", "vib", ID1, ID3, "--label", ID2 + "=bearing", "--url-data", data.url());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("1 suggestions accepted, 1 labelled otherwise"), r.out());
            assertTrue(r.out().contains("already labelled (left as they are): " + ID3), r.out());
            JsonNode sent = Json.MAPPER.readTree(data.last().body());
            assertEquals(
                    Json.MAPPER.readTree("{\"samples\":[{\"id\":\"" + ID1 + "\"},{\"id\":\"" + ID3 + "\"},{\"id\":\""
                            + ID2 + "\",\"label\":\"bearing\"}]}"),
                    sent);
        }
        Cli.Result nothing = Cli.run("datasets", "confirm", "vib", "--url-data", "http://127.0.0.1:9");
        assertEquals(2, nothing.code(), "a usage error: " + nothing.err());
        assertTrue(nothing.err().contains("name at least one sample"), nothing.err());
    }
}
