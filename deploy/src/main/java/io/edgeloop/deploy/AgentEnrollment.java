package io.edgeloop.deploy;

import io.edgeloop.common.auth.AuthKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How a local stack brings an edge agent into the fleet: its one-time enrollment token, then waiting until it watches. */
final class AgentEnrollment {
    private AgentEnrollment() {}

    /**
     * Issues a one-time enrollment token for {@code deviceId} (POST /enrollments on the deployment service at
     * {@code deploymentUrl}, as the stack's admin) and writes it, owner-only, to the device's directory.
     */
    static Path tokenFile(String deploymentUrl, String deviceId, Path deviceDir) throws IOException {
        Json.Reply r = Json.post(deploymentUrl + "/enrollments", Map.of("deviceId", deviceId, "ttl", "PT1H"));
        if (r.status() != 201) {
            throw new IllegalStateException("cannot issue an enrollment token for " + deviceId + ": " + r);
        }
        Files.createDirectories(deviceDir);
        Path f = deviceDir.resolve("enrollment.token");
        AuthKeys.writeSecret(f, r.body().path("token").asText() + "\n");
        return f;
    }

    /**
     * Waits until agent {@code deviceId} is enrolled, registered with its fleet instance and watching; on time-out the
     * message carries the end of its log and its last {@code /status} (the work directory is gone after close).
     */
    static void awaitConnected(String deviceId, String url, Path workDir) {
        try {
            org.awaitility.Awaitility.await(deviceId + " registered with the fleet")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() ->
                            Json.get(url + "/status").body().path("connected").asBoolean(false));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String status;
            try {
                status = Json.get(url + "/status").body().toString();
            } catch (RuntimeException unreachable) {
                status = "unreachable: " + unreachable.getMessage();
            }
            throw new IllegalStateException(
                    deviceId + " did not register with the deployment service within 120 s; /status " + status
                            + "; the end of its log:\n" + tail(workDir.resolve("logs/" + deviceId + ".log"), 40),
                    e);
        }
    }

    /** The last {@code n} lines of {@code file}, or why it cannot be read. */
    static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
