package io.edgeloop.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's argument parsing, requests and output against stand-in services (no stack). */
class CliCommandsTest {
    private static final String DATASETS = "[{\"name\":\"motion\",\"featureNames\":[\"a\",\"b\"],\"labels\":[\"up\","
            + "\"down\"],\"sampleCount\":120,\"latestVersion\":2,\"dataKind\":\"timeseries\",\"sampleShape\":[2]}]";

    @Test
    void listsDataSetsAsTextAndAsTheServicesJson() throws Exception {
        try (FakeService data = new FakeService().on("GET", "/datasets", 200, DATASETS)) {
            Cli.Result text = Cli.run("datasets", "list", "--url-data", data.url(), "--token", "t0");
            assertEquals(0, text.code(), text.err());
            String[] lines = text.out().split("\n");
            assertTrue(lines[0].startsWith("NAME    KIND        SAMPLES"), text.out());
            assertTrue(lines[1].matches("motion +timeseries +120 +2 +up, down +v2"), lines[1]);
            assertEquals("Bearer t0", data.last().authorization());

            Cli.Result json = Cli.run("datasets", "list", "--url-data", data.url(), "--token", "t0", "-o", "json");
            assertEquals(0, json.code(), json.err());
            assertEquals(Json.MAPPER.readTree(DATASETS), Json.MAPPER.readTree(json.out()));
        }
    }

    @Test
    void showsADataSetWithItsSnapshotsAsOneJson() throws Exception {
        try (FakeService data = new FakeService()
                .on("GET", "/datasets/motion", 200, DATASETS.substring(1, DATASETS.length() - 1))
                .on(
                        "GET",
                        "/datasets/motion/snapshots",
                        200,
                        "[{\"version\":1,\"trainCount\":80,\"validationCount\":"
                                + "20,\"testCount\":20,\"trigger\":\"manual\",\"contentHash\":\"abcdef0123456789abcdef\"}]")) {
            Cli.Result json = Cli.run("datasets", "show", "motion", "--url-data", data.url(), "--output", "json");
            JsonNode both = Json.MAPPER.readTree(json.out());
            assertEquals("motion", both.path("dataset").path("name").asText());
            assertEquals(1, both.path("snapshots").get(0).path("version").asInt());
            Cli.Result text = Cli.run("datasets", "show", "motion", "--url-data", data.url());
            assertTrue(text.out().contains("v1        80     20          20    manual"), text.out());
            assertTrue(text.out().contains("labels        up, down"), text.out());
        }
    }

    @Test
    void aServiceProblemGoesToStderrWithExitCode1() throws Exception {
        try (FakeService data = new FakeService()
                .on(
                        "GET",
                        "/datasets/nope",
                        404,
                        "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                                + "\"detail\":\"no dataset 'nope'\"}")
                .on(
                        "PUT",
                        "/datasets/x",
                        422,
                        "{\"title\":\"Unprocessable Entity\",\"status\":422,\"detail\":"
                                + "\"invalid schema\",\"errors\":[{\"field\":\"labels\",\"message\":\"is required\"}]}")) {
            Cli.Result r = Cli.run("datasets", "show", "nope", "--url-data", data.url());
            assertEquals(1, r.code());
            assertEquals("", r.out());
            assertEquals(
                    "error: Not Found: no dataset 'nope' (HTTP 404)", r.err().strip());
        }
        CliError e = Api.problem(
                422,
                Json.MAPPER.readTree("{\"title\":\"Unprocessable Entity\",\"detail\":\"invalid schema\","
                        + "\"errors\":[{\"field\":\"labels\",\"message\":\"is required\"}]}"));
        assertEquals(
                java.util.List.of("error: Unprocessable Entity: invalid schema (HTTP 422)", "  labels: is required"),
                e.lines());
        assertEquals(
                "error: HTTP 502: bad gateway",
                Api.problem(502, Json.MAPPER.getNodeFactory().textNode("bad gateway"))
                        .lines()
                        .get(0));
    }

    @Test
    void aServerThatDoesNotAnswerIsExitCode1() {
        Cli.Result r = Cli.run("devices", "list", "--url-deployment", "http://127.0.0.1:1");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: cannot reach deployment-service at http://127.0.0.1:1"), r.err());
    }

    @Test
    void usageErrorsAreExitCode2() throws Exception {
        assertEquals(2, Cli.run("datasets", "show").code());
        assertEquals(2, Cli.run("datasets", "list", "--output", "yaml").code());
        assertEquals(
                2,
                Cli.run("models", "promote", "m", "two", "--alias", "production")
                        .code());
        assertEquals(2, Cli.run("models", "promote", "m", "2").code());
        assertEquals(2, Cli.run("runs", "follow").code());
        Cli.Result help = Cli.run("datasets", "import", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--on-invalid"), help.out());
        assertEquals(0, Cli.run("rollouts", "--help").code());
        Path f = Files.createTempFile("samples", ".json");
        try {
            Cli.Result r = Cli.run("datasets", "import", "m", "--file", f.toString(), "--delimiter", ";");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("the column mapping options apply to CSV only"), r.err());
            assertEquals(
                    2,
                    Cli.run("datasets", "import", "m", "--file", f + ".missing").code());
            assertEquals(
                    2,
                    Cli.run("datasets", "import", "m", "--file", f.toString(), "--format", "xml")
                            .code());
        } finally {
            Files.delete(f);
        }
        // a mistake found while running (no such work directory) is one line on stderr, not a stack trace
        Cli.Result noStack =
                Cli.run("token", "mint", "--work-dir", f + ".nowhere", "--subject", "a", "--role", "viewer");
        assertEquals(2, noStack.code());
        assertEquals(
                "edgeloop: no stack work directory at " + f + ".nowhere",
                noStack.err().strip());
    }

    @Test
    void importsCsvWithItsMappingAndListsSkippedRows(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "x;y;cls\n1;2;up\n");
        try (FakeService data = new FakeService()
                .on(
                        "POST",
                        "/datasets/motion/samples/csv",
                        201,
                        "{\"accepted\":1,\"duplicates\":0,\"rows\":2,"
                                + "\"rejected\":1,\"errors\":[{\"field\":\"line 3\",\"message\":\"cls: unknown label\"}]}")) {
            Cli.Result r = Cli.run(
                    "datasets",
                    "import",
                    "motion",
                    "--file",
                    csv.toString(),
                    "--url-data",
                    data.url(),
                    "--delimiter",
                    ";",
                    "--feature",
                    "x",
                    "--feature",
                    "y",
                    "--label-column",
                    "cls",
                    "--on-invalid",
                    "skip");
            assertEquals(0, r.code(), r.err());
            FakeService.Request req = data.last();
            assertEquals(
                    "/datasets/motion/samples/csv?delimiter=%3B&feature=x&feature=y&label=cls&onInvalid=skip",
                    req.uri());
            assertTrue(req.contentType().startsWith("text/csv"), req.contentType());
            assertEquals("x;y;cls\n1;2;up\n", req.body());
            assertTrue(
                    r.out().startsWith("imported s.csv -> motion: 1 accepted, 0 duplicates, 2 rows read, 1 rejected"));
            assertTrue(r.out().contains("  line 3: cls: unknown label"), r.out());
        }
    }

    @Test
    void importsJsonAndWrapsABareArray(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("batch.json");
        Files.writeString(json, " [{\"features\":[1,2],\"label\":\"up\"}]");
        try (FakeService data =
                new FakeService().on("POST", "/datasets/motion/samples", 201, "{\"accepted\":1,\"duplicates\":0}")) {
            Cli.Result r = Cli.run("datasets", "import", "motion", "--file", json.toString(), "--url-data", data.url());
            assertEquals(0, r.code(), r.err());
            assertEquals("application/json", data.last().contentType());
            assertEquals(
                    Json.MAPPER.readTree("{\"samples\":[{\"features\":[1,2],\"label\":\"up\"}]}"),
                    Json.MAPPER.readTree(data.last().body()));
            assertEquals(
                    "imported batch.json -> motion: 1 accepted, 0 duplicates",
                    r.out().strip());
        }
    }

    @Test
    void snapshotSaysWhetherItIsNew() throws Exception {
        String view = "{\"datasetName\":\"motion\",\"version\":3,\"snapshotId\":\"motion@v3\",\"trainCount\":8,"
                + "\"validationCount\":1,\"testCount\":1,\"featureCount\":2,\"labels\":[\"up\"],\"warnings\":[]}";
        try (FakeService data = new FakeService().on("POST", "/datasets/motion/snapshots", 200, view)) {
            Cli.Result r = Cli.run(
                    "datasets", "snapshot", "motion", "--url-data", data.url(), "--training-spec", "{\"epochs\":3}");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("snapshot motion v3 (unchanged, the latest)"), r.out());
            assertEquals(
                    Json.MAPPER.readTree("{\"trainingSpec\":{\"epochs\":3}}"),
                    Json.MAPPER.readTree(data.last().body()));
            assertEquals(
                    2,
                    Cli.run("datasets", "snapshot", "motion", "--url-data", data.url(), "--training-spec", "{x")
                            .code());
        }
    }

    @Test
    void promoteMovesTheAlias() throws Exception {
        try (FakeService registry = new FakeService()
                .on(
                        "PUT",
                        "/models/motion/aliases/production",
                        200,
                        "{\"modelName\":\"motion\",\"version\":2," + "\"aliases\":[\"production\"]}")) {
            Cli.Result r = Cli.run(
                    "models",
                    "promote",
                    "motion",
                    "2",
                    "--alias",
                    "production",
                    "--reason",
                    "better",
                    "--url-registry",
                    registry.url());
            assertEquals(0, r.code(), r.err());
            assertEquals("PUT", registry.last().method());
            assertEquals(
                    Json.MAPPER.readTree("{\"version\":2,\"reason\":\"better\"}"),
                    Json.MAPPER.readTree(registry.last().body()));
            assertEquals(
                    "motion@production -> v2 (aliases of v2: production)",
                    r.out().strip());
        }
    }

    @Test
    void rolloutControlsPostTheAction() throws Exception {
        try (FakeService deployment = new FakeService()
                .on(
                        "POST",
                        "/rollouts/r1/pause",
                        200,
                        "{\"id\":\"r1\",\"modelName\":\"m\",\"modelVersion\":1," + "\"status\":\"PAUSED\"}")
                .on(
                        "POST",
                        "/rollouts/r1/rollback",
                        409,
                        "{\"title\":\"Conflict\",\"detail\":\"rollout r1 is" + " COMPLETED\"}")) {
            Cli.Result r = Cli.run("rollouts", "pause", "r1", "--url-deployment", deployment.url());
            assertEquals("pause: rollout r1 of m v1 is now PAUSED", r.out().strip());
            Cli.Result refused = Cli.run("rollouts", "rollback", "r1", "--url-deployment", deployment.url());
            assertEquals(1, refused.code());
            assertEquals(
                    "error: Conflict: rollout r1 is COMPLETED (HTTP 409)",
                    refused.err().strip());
        }
    }

    @Test
    void watchPrintsEachChangeOfARolloutUntilItEnds() throws Exception {
        try (FakeService deployment = new FakeService()
                .on("GET", "/rollouts/r2", 200, rollout("ROLLING_OUT", 1, 0, null))
                .on("GET", "/rollouts/r2", 200, rollout("ROLLING_OUT", 1, 0, null))
                .on("GET", "/rollouts/r2", 200, rollout("ROLLING_OUT", 1, 1, null))
                .on("GET", "/rollouts/r2", 200, rollout("ROLLING_OUT", 2, 3, null))
                .on("GET", "/rollouts/r2", 200, rollout("COMPLETED", 2, 3, null))) {
            Cli.Result r =
                    Cli.run("rollouts", "watch", "r2", "--interval", "PT0.01S", "--url-deployment", deployment.url());
            assertEquals(0, r.code(), r.err());
            assertEquals(
                    String.join(
                            "\n",
                            "rollout r2 of m v2 ROLLING_OUT, wave 1/2, 0/3 active",
                            "rollout r2 of m v2 ROLLING_OUT, wave 1/2, 1/3 active",
                            "rollout r2 of m v2 ROLLING_OUT, wave 2/2, 3/3 active",
                            "rollout r2 of m v2 COMPLETED, wave 2/2, 3/3 active"),
                    r.out().strip());
        }
        try (FakeService deployment = new FakeService()
                .on("GET", "/rollouts/r2", 200, rollout("ROLLED_BACK", 1, 0, "wave 1 failed its gate"))) {
            Cli.Result r = Cli.run("rollouts", "watch", "r2", "--url-deployment", deployment.url(), "-o", "json");
            assertEquals(1, r.code());
            JsonNode line = Json.MAPPER.readTree(r.out().strip());
            assertEquals("rollout", line.path("type").asText());
            assertEquals("ROLLED_BACK", line.path("status").asText());
            assertEquals(
                    "error: rollout r2 ended ROLLED_BACK: wave 1 failed its gate",
                    r.err().strip());
        }
    }

    private static String rollout(String status, int wave, int active, String reason) {
        return "{\"id\":\"r2\",\"modelName\":\"m\",\"modelVersion\":2,\"status\":\"" + status
                + "\",\"currentWave\":" + wave + ",\"wavesTotal\":2,\"devicesActive\":" + active
                + ",\"devicesTargeted\":3" + (reason == null ? "" : ",\"statusReason\":\"" + reason + "\"") + "}";
    }

    @Test
    void followPrintsEachEpochAndStatusUntilTheRunEnds() throws Exception {
        String e1 = "{\"attempt\":1,\"seq\":1,\"epoch\":1,\"maxEpochs\":2,\"trainLoss\":0.9,\"validationLoss\":0.8,"
                + "\"validationAccuracy\":0.5}";
        String e2 = e1.replace("\"seq\":1,\"epoch\":1", "\"seq\":2,\"epoch\":2").replace("0.5", "0.75");
        try (FakeService training = new FakeService()
                .on("GET", "/training-runs/r9", 200, run("QUEUED", null))
                .on("GET", "/training-runs/r9", 200, run("RUNNING", 1))
                .on("GET", "/training-runs/r9", 200, run("RUNNING", 2))
                .on("GET", "/training-runs/r9", 200, run("SUCCEEDED", 2))
                .on("GET", "/training-runs/r9/epochs", 200, "[]")
                .on("GET", "/training-runs/r9/epochs", 200, "[" + e1 + "]")
                .on("GET", "/training-runs/r9/epochs", 200, "[" + e1 + "," + e2 + "]")) {
            Cli.Result r = Cli.run("runs", "follow", "r9", "--interval", "PT0.01S", "--url-training", training.url());
            assertEquals(0, r.code(), r.err());
            assertEquals(
                    String.join(
                            "\n",
                            "run r9 QUEUED (motion v1)",
                            "run r9 RUNNING (motion v1, attempt 1)",
                            "epoch 1/2  train loss 0.9000  val loss 0.8000  val acc 0.5000",
                            "epoch 2/2  train loss 0.9000  val loss 0.8000  val acc 0.7500",
                            "run r9 SUCCEEDED (motion v1, attempt 1): test accuracy 0.9100, model motion v1"),
                    r.out().strip());
        }
        try (FakeService training = new FakeService()
                .on("GET", "/training-runs/r9", 200, run("FAILED", null))
                .on("GET", "/training-runs/r9/epochs", 200, "[]")) {
            Cli.Result r = Cli.run("runs", "follow", "r9", "--url-training", training.url(), "-o", "json");
            assertEquals(1, r.code());
            JsonNode line = Json.MAPPER.readTree(r.out().strip());
            assertEquals("status", line.path("type").asText());
            assertEquals("FAILED", line.path("status").asText());
            assertEquals("error: run r9 failed: out of memory", r.err().strip());
        }
    }

    @Test
    void onATerminalTheEpochsRedrawOneProgressBar() throws Exception {
        String e1 = "{\"attempt\":1,\"seq\":1,\"epoch\":1,\"maxEpochs\":2,\"trainLoss\":0.9}";
        String e2 = "{\"attempt\":1,\"seq\":2,\"epoch\":2,\"maxEpochs\":2,\"trainLoss\":0.5}";
        try (FakeService training = new FakeService()
                .on("GET", "/training-runs/r9", 200, run("SUCCEEDED", 2))
                .on("GET", "/training-runs/r9/epochs", 200, "[" + e1 + "," + e2 + "]")) {
            Connection c = new Connection();
            c.env = k -> null;
            c.urlTraining = training.url();
            java.io.StringWriter w = new java.io.StringWriter();
            int code = new RunsCommand.Progress(
                            new Api(c),
                            new java.io.PrintWriter(w),
                            false,
                            true,
                            java.time.Duration.ofMillis(1),
                            java.time.Duration.ofSeconds(5))
                    .follow("r9");
            assertEquals(0, code);
            assertEquals(
                    "\r[###############...............] epoch 1/2  train loss 0.9000  val loss -  val acc -   "
                            + "\r[##############################] epoch 2/2  train loss 0.5000  val loss -  val acc -   "
                            + "\nrun r9 SUCCEEDED (motion v1, attempt 1): test accuracy 0.9100, model motion v1\n",
                    w.toString());
        }
    }

    private static String run(String status, Integer epoch) {
        return "{\"id\":\"r9\",\"datasetName\":\"motion\",\"datasetVersion\":1,\"status\":\"" + status + "\","
                + "\"maxEpochs\":2" + (epoch == null ? "" : ",\"attempt\":1,\"progress\":{\"epoch\":" + epoch + "}")
                + (status.equals("SUCCEEDED")
                        ? ",\"test\":{\"accuracy\":0.91},\"modelName\":\"motion\",\"modelVersion\":1"
                        : "")
                + (status.equals("FAILED") ? ",\"failureReason\":\"out of memory\"" : "") + "}";
    }

    @Test
    void theWorkDirGivesEndpointsAndTokenUnlessFlagsOrEnvironmentSayOtherwise(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("endpoints.properties"), "data-service=http\\://127.0.0.1\\:18081/\n");
        Files.createDirectories(dir.resolve("auth"));
        Files.writeString(dir.resolve("auth/admin.token"), "admin-jwt\n");
        Connection c = new Connection();
        c.env = k -> null;
        c.workDir = dir;
        assertEquals("http://127.0.0.1:18081", c.url("data"));
        assertEquals("http://127.0.0.1:8085", c.url("deployment"), "not in the file: the local stack's port");
        assertEquals("admin-jwt", c.token());
        Map<String, String> env = Map.of("EDGELOOP_URL_DATA", "http://env:1", "EDGELOOP_TOKEN", "env-jwt");
        c.env = env::get;
        assertEquals("http://env:1", c.url("data"));
        assertEquals("env-jwt", c.token());
        c.urlData = "http://flag:2/";
        c.token = "flag-jwt";
        assertEquals("http://flag:2", c.url("data"));
        assertEquals("flag-jwt", c.token());
        Connection none = new Connection();
        none.env = k -> null;
        assertNull(none.token());
        none.workDir = dir.resolve("missing");
        try {
            none.url("data");
        } catch (CliError e) {
            assertTrue(e.getMessage().startsWith("no endpoints.properties under"), e.getMessage());
        }
    }

    @Test
    void theCommandsUseTheWorkDirsTokenEndToEnd(@TempDir Path dir) throws Exception {
        try (FakeService deployment = new FakeService()
                .on(
                        "GET",
                        "/devices",
                        200,
                        "[{\"id\":\"edge-001\",\"labels\":{\"zone\":\"a\"},\"connected\":true,"
                                + "\"inSync\":true,\"lastSeenAt\":\"2026-12-07T06:00:00Z\",\"models\":[{\"modelName\":"
                                + "\"motion\",\"desiredState\":\"ASSIGNED\",\"reported\":{\"state\":\"ACTIVE\","
                                + "\"modelVersion\":2}}]}]")) {
            Files.writeString(
                    dir.resolve("endpoints.properties"),
                    "deployment-service=" + deployment.url().replace(":", "\\:") + "\n");
            Files.createDirectories(dir.resolve("auth"));
            Files.writeString(dir.resolve("auth/admin.token"), "admin-jwt");
            Cli.Result r = Cli.run("devices", "list", "--work-dir", dir.toString(), "--token", "given");
            assertEquals(0, r.code(), r.err());
            assertEquals("Bearer given", deployment.last().authorization());
            assertTrue(
                    r.out()
                            .lines()
                            .skip(1)
                            .findFirst()
                            .orElseThrow()
                            .matches("edge-001 +yes +yes +2026-12-07T06:00:00Z +zone=a +motion v2 ACTIVE"),
                    r.out());
        }
    }

    @Test
    void textHelpers() {
        assertEquals("[###.......]", Text.bar(3, 10, 10));
        assertEquals("[##########]", Text.bar(12, 10, 10));
        assertEquals("[..........]", Text.bar(0, 0, 10));
        java.io.StringWriter w = new java.io.StringWriter();
        new Text.Table("A", "BB", "C").row("xxx", null, 1).print(new java.io.PrintWriter(w, true));
        assertEquals("A    BB  C\nxxx  -   1\n", w.toString());
        assertEquals(
                "a, b (+1 more)",
                Text.list(Json.MAPPER.createArrayNode().add("a").add("b").add("c"), 2));
        assertEquals("1.5 KiB", Text.bytes(Json.MAPPER.getNodeFactory().numberNode(1536)));
    }

    @Test
    void generatesShellCompletionForEveryGroup() {
        Cli.Result r = Cli.run("generate-completion");
        assertEquals(0, r.code(), r.err());
        for (String group : new String[] {"datasets", "runs", "models", "rollouts", "devices", "drift", "ops"}) {
            assertTrue(r.out().contains(group), "completion names " + group);
        }
        assertTrue(r.out().contains("--output"), "completion knows the options");
    }
}
