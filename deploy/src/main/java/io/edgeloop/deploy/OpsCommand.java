package io.edgeloop.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeloop ops}: an administrator's view of the stack's event plumbing: durable jobs (list, retry parked or
 * failed ones), outbox rows the broker kept refusing (list, replay) and dead-lettered records (list, replay through
 * the consumer, applied at most once), over each service's {@code /ops} API with the stack's admin token.
 */
@Command(
        name = "ops",
        description = "List and retry parked jobs, outbox rows and dead letters of a running stack.",
        subcommands = {
            OpsCommand.ListJobs.class,
            OpsCommand.RetryJob.class,
            OpsCommand.Parked.class,
            OpsCommand.Replay.class,
            OpsCommand.DeadLetters.class,
            OpsCommand.ReplayDeadLetter.class
        })
final class OpsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        picocli.CommandLine.usage(this, System.out);
        return 0;
    }

    /** Options every ops subcommand needs. */
    static class Where {
        @Option(names = "--work-dir", required = true, description = "The stack's work directory.")
        Path workDir;

        @Option(names = "--service", description = "Only this service, e.g. training-service.")
        String service;

        Map<String, String> services() {
            Json.authorize(StackAuth.open(workDir).adminToken());
            Map<String, String> all = StackEndpoints.read(workDir);
            if (service == null) {
                return all;
            }
            String url = all.get(service);
            if (url == null) {
                throw new IllegalArgumentException("unknown service '" + service + "'; known: " + all.keySet());
            }
            return Map.of(service, url);
        }

        String one() {
            if (service == null) {
                throw new IllegalArgumentException("--service is required");
            }
            return services().get(service);
        }
    }

    /** Lists jobs. */
    @Command(name = "jobs", description = "List durable jobs (default: parked and failed ones).")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        Where where;

        @Option(
                names = "--status",
                description = "QUEUED, RUNNING, DONE, FAILED or PARKED (default: PARKED and FAILED).")
        String status;

        @Override
        public Integer call() {
            for (var e : where.services().entrySet()) {
                for (String s : status == null ? new String[] {"PARKED", "FAILED"} : new String[] {status}) {
                    JsonNode jobs = Json.get(e.getValue() + "/ops/jobs?status=" + s)
                            .expect(200)
                            .body();
                    for (JsonNode j : jobs) {
                        System.out.printf(
                                "%-20s job %-6s %-18s %-40s %-7s attempts %d/%d  %s%n",
                                e.getKey(),
                                j.path("id").asText(),
                                j.path("kind").asText(),
                                j.path("key").asText(),
                                j.path("status").asText(),
                                j.path("attempts").asInt(),
                                j.path("maxAttempts").asInt(),
                                j.path("lastError").asText(""));
                    }
                }
            }
            return 0;
        }
    }

    /** Retries one job. */
    @Command(name = "retry-job", description = "Queue a parked or failed job again (needs --service).")
    static final class RetryJob implements Callable<Integer> {
        @Mixin
        Where where;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            Json.Reply r = Json.post(where.one() + "/ops/jobs/" + id + "/retry", Map.of());
            System.out.println(r.body());
            return r.status() == 200 ? 0 : 1;
        }
    }

    /** Lists parked outbox rows. */
    @Command(name = "outbox", description = "List outbox rows parked after the broker kept refusing them.")
    static final class Parked implements Callable<Integer> {
        @Mixin
        Where where;

        @Override
        public Integer call() {
            for (var e : where.services().entrySet()) {
                for (JsonNode o : Json.get(e.getValue() + "/ops/outbox/parked")
                        .expect(200)
                        .body()) {
                    System.out.printf(
                            "%-20s outbox %-6s %-16s %-36s attempts %d  %s%n",
                            e.getKey(),
                            o.path("id").asText(),
                            o.path("topic").asText(),
                            o.path("eventId").asText(),
                            o.path("attempts").asInt(),
                            o.path("lastError").asText(""));
                }
            }
            return 0;
        }
    }

    /** Replays one parked outbox row. */
    @Command(name = "replay-outbox", description = "Publish a parked outbox row again (needs --service).")
    static final class Replay implements Callable<Integer> {
        @Mixin
        Where where;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            Json.Reply r = Json.post(where.one() + "/ops/outbox/" + id + "/replay", Map.of());
            System.out.println(r.body());
            return r.status() == 200 ? 0 : 1;
        }
    }

    /** Lists dead-lettered records. */
    @Command(
            name = "dead-letters",
            description = "List the records each service's consumers dead-lettered, newest first.")
    static final class DeadLetters implements Callable<Integer> {
        @Mixin
        Where where;

        @Option(names = "--all", description = "Also records the service has processed since (e.g. after a replay).")
        boolean all;

        @Override
        public Integer call() {
            for (var e : where.services().entrySet()) {
                for (JsonNode d : deadLetters(e.getValue())) {
                    if (!all && d.path("processed").asBoolean()) {
                        continue;
                    }
                    System.out.printf(
                            "%-20s %s/%s/%s  %-36s %-10s %s  %s%n",
                            e.getKey(),
                            d.path("topic").asText(),
                            d.path("partition").asText(),
                            d.path("offset").asText(),
                            d.path("eventId").asText("-").isEmpty()
                                    ? "-"
                                    : d.path("eventId").asText(),
                            d.path("replayable").asBoolean() ? "transient" : "poison",
                            d.path("processed").asBoolean() ? "processed" : "pending",
                            d.path("reason").asText(""));
                }
            }
            return 0;
        }
    }

    /**
     * A service's dead letters; a 503 (its broker did not answer in time, e.g. right after a restart) is asked again
     * up to 3 times, 2 s apart.
     */
    static JsonNode deadLetters(String serviceUrl) {
        for (int attempt = 1; ; attempt++) {
            Json.Reply r = Json.get(serviceUrl + "/ops/dead-letters");
            if (r.status() != 503 || attempt == 4) {
                return r.expect(200).body();
            }
            try {
                Thread.sleep(2000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r.expect(200).body();
            }
        }
    }

    /** Replays one dead-lettered record through its consumer. */
    @Command(
            name = "replay-dead-letter",
            description = "Apply a dead-lettered record through the service's consumer (needs --service); "
                    + "an event already processed is skipped.")
    static final class ReplayDeadLetter implements Callable<Integer> {
        @Mixin
        Where where;

        @Parameters(paramLabel = "TOPIC/PARTITION/OFFSET", description = "As listed by 'ops dead-letters'.")
        String record;

        @Override
        public Integer call() {
            String[] parts = record.split("/");
            if (parts.length != 3 || !parts[1].matches("\\d{1,9}") || !parts[2].matches("\\d{1,18}")) {
                throw new IllegalArgumentException("expected TOPIC/PARTITION/OFFSET, got '" + record + "'");
            }
            Json.Reply r = Json.post(
                    where.one() + "/ops/dead-letters/" + parts[0] + "/" + parts[1] + "/" + parts[2] + "/replay",
                    Map.of());
            System.out.println(r.body());
            return r.status() == 200 ? 0 : 1;
        }
    }
}
