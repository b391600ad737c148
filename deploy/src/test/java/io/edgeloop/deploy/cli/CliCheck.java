package io.edgeloop.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import io.edgeloop.deploy.LocalStack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The everyday CLI against a running stack, in this JVM: every command with {@code --output json}, parsed and checked
 * against what the stack holds, as a user of {@code --work-dir} would run it; and one usage error.
 */
public final class CliCheck {
    private CliCheck() {}

    /**
     * Runs the commands against {@code stack}, which must hold at least one data set with a snapshot, a trained and
     * registered model with variants, a training run, a rollout, registered devices and a deployed model whose drift
     * monitoring knows (FleetEndToEndIT's stack: data sets motion, strokes, hum, sensors; its five models).
     */
    public static void against(LocalStack stack) {
        String dir = stack.workDir().toString();
        JsonNode datasets = json(dir, "datasets", "list");
        assertTrue(
                names(datasets, "name").containsAll(Set.of("motion", "sensors")),
                "datasets list: " + names(datasets, "name"));

        JsonNode sensors = json(dir, "datasets", "show", "sensors");
        assertEquals("sensors", sensors.path("dataset").path("name").asText());
        int latest = sensors.path("dataset").path("latestVersion").asInt();
        assertTrue(latest >= 1 && sensors.path("snapshots").size() == latest, "datasets show sensors: " + sensors);
        // nothing changed since: the latest snapshot again (no new version, so no new training run)
        JsonNode snapshot = json(dir, "datasets", "snapshot", "sensors");
        assertEquals(latest, snapshot.path("version").asInt(), "datasets snapshot sensors: " + snapshot);

        JsonNode models = json(dir, "models", "list");
        assertTrue(
                names(models, "name").containsAll(Set.of("motion", "team-a-classifier")),
                "models list: " + names(models, "name"));
        JsonNode motion = json(dir, "models", "show", "motion");
        assertEquals("motion", motion.path("model").path("name").asText());
        JsonNode v1 = motion.path("versions").get(0);
        assertEquals(1, v1.path("version").asInt(), "models show motion: " + motion);
        assertFalse(v1.path("variants").isEmpty(), "motion v1 has variants: " + v1);
        String text = run(dir, "models", "show", "motion");
        assertTrue(
                text.contains("v1  ")
                        && text.contains(
                                v1.path("variants").get(0).path("target").asText()),
                text);

        JsonNode runs = json(dir, "runs", "list", "--dataset", "motion");
        assertFalse(runs.isEmpty(), "runs list --dataset motion");
        String runId = v1.path("lineage").path("trainingRunId").asText();
        assertTrue(names(runs, "id").contains(runId), "runs list has motion v1's run " + runId);
        JsonNode run = json(dir, "runs", "show", runId);
        assertEquals("SUCCEEDED", run.path("status").asText(), "runs show: " + run);
        assertEquals("motion", run.path("modelName").asText());
        String followed = run(dir, "runs", "follow", runId);
        assertTrue(followed.contains("run " + runId + " SUCCEEDED"), "runs follow of a finished run: " + followed);

        JsonNode rollouts = json(dir, "rollouts", "list");
        assertTrue(names(rollouts, "modelName").contains("team-a-classifier"), "rollouts list: " + rollouts);
        String rolloutId = rollouts.get(0).path("id").asText();
        assertEquals(
                rolloutId, json(dir, "rollouts", "show", rolloutId).path("id").asText());

        JsonNode devices = json(dir, "devices", "list");
        assertTrue(
                names(devices, "id").containsAll(stack.deviceIds()),
                "devices list: " + names(devices, "id") + " vs " + stack.deviceIds());

        JsonNode drift = json(dir, "drift", "show", "motion");
        assertEquals("motion", drift.path("modelName").asText(), "drift show motion: " + drift);
        assertTrue(drift.path("modelVersion").asInt() >= 1, "drift show motion: " + drift);

        importPromoteAndControl(stack, dir, rollouts);

        Cli.Result usage = Cli.run("models", "promote", "motion", "--work-dir", dir);
        assertEquals(2, usage.code(), "a missing VERSION is a usage error: " + usage);
        Cli.Result unknown = Cli.run("models", "show", "no-such-model", "--work-dir", dir);
        assertEquals(1, unknown.code(), "an unknown model: " + unknown);
        assertTrue(unknown.err().startsWith("error: ") && unknown.err().contains("404"), unknown.err());
    }

    /**
     * The writing commands against the live services: a CSV with its own column names and order imported into a new
     * data set with a column mapping; an alias pointed at a version and seen by {@code models show}; a pause of a
     * completed rollout refused by deployment-service (one line, exit code 1) and the rollout left as it was.
     */
    private static void importPromoteAndControl(LocalStack stack, String dir, JsonNode rollouts) {
        String data = stack.url("data-service");
        Json.put(
                        data + "/datasets/cli-import",
                        java.util.Map.of("featureNames", List.of("x1", "x2"), "labels", List.of("p", "q")))
                .expect(200, 201);
        java.nio.file.Path csv = stack.workDir().resolve("cli-import.csv");
        StringBuilder rows = new StringBuilder("note;second;kind;first\n");
        for (int i = 0; i < 40; i++) {
            rows.append("row ")
                    .append(i)
                    .append(';')
                    .append(i * 0.5)
                    .append(';')
                    .append(i % 3 == 0 ? "q" : "p")
                    .append(';')
                    .append(-i)
                    .append('\n');
        }
        try {
            java.nio.file.Files.writeString(csv, rows);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        JsonNode imported = json(
                dir,
                "datasets",
                "import",
                "cli-import",
                "--file",
                csv.toString(),
                "--delimiter",
                ";",
                "--feature",
                "first",
                "--feature",
                "second",
                "--label-column",
                "kind",
                "--unmapped",
                "ignore");
        assertEquals(40, imported.path("accepted").asInt(), "datasets import: " + imported);
        JsonNode shown = json(dir, "datasets", "show", "cli-import");
        assertEquals(40, shown.path("dataset").path("sampleCount").asInt(), "datasets show cli-import: " + shown);

        JsonNode promoted =
                json(dir, "models", "promote", "motion", "1", "--alias", "cli-check", "--reason", "the CLI check");
        assertTrue(promoted.path("aliases").toString().contains("\"cli-check\""), "models promote: " + promoted);
        JsonNode motion = json(dir, "models", "show", "motion");
        assertTrue(motion.toString().contains("\"cli-check\""), "models show lists the alias: " + motion);

        String completed = StreamSupport.stream(rollouts.spliterator(), false)
                .filter(r -> "COMPLETED".equals(r.path("status").asText()))
                .map(r -> r.path("id").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no completed rollout: " + rollouts));
        Cli.Result refused = Cli.run("rollouts", "pause", completed, "--work-dir", dir);
        assertEquals(1, refused.code(), "pausing a completed rollout: " + refused);
        assertTrue(
                refused.err().startsWith("error: ")
                        && refused.err().contains("COMPLETED")
                        && refused.err().lines().count() == 1,
                "the service's refusal in one line: " + refused.err());
        assertEquals(
                "COMPLETED",
                json(dir, "rollouts", "show", completed).path("status").asText(),
                "the refused pause changed nothing");
        Cli.Result watched = Cli.run("rollouts", "watch", completed, "--work-dir", dir);
        assertEquals(0, watched.code(), "watching a completed rollout: " + watched);
        assertTrue(
                watched.out().strip().endsWith("active") && watched.out().contains(" COMPLETED, wave "), watched.out());
    }

    /**
     * {@code datasets queue} on the live stack's data set {@code dataset}: it lists captured inputs, some of them
     * re-scored by version {@code rescoredBy} after capture (marked {@code *}).
     */
    public static void labellingQueue(LocalStack stack, String dataset, int rescoredBy) {
        String out = run(stack.workDir().toString(), "datasets", "queue", dataset, "--limit", "1000");
        assertTrue(out.startsWith("SAMPLE") && out.contains(" v" + rescoredBy + "* "), out);
    }

    private static String run(String dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--work-dir");
        all.add(dir);
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + " failed:\n" + r.err() + r.out());
        return r.out();
    }

    private static JsonNode json(String dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--output");
        all.add("json");
        String out = run(dir, all.toArray(String[]::new));
        try {
            return Json.MAPPER.readTree(out);
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", args) + " printed no JSON:\n" + out, e);
        }
    }

    private static List<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> n.path(field).asText())
                .toList();
    }
}
