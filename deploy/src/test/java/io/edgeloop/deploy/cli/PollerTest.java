package io.edgeloop.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deploy.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The poll loop of {@code rollouts watch} and {@code runs follow}, on a clock that the sleeper advances. */
class PollerTest {
    /** A monotonic clock that only moves when the poller sleeps; records the sleeps. */
    private static final class FakeTime {
        long nanos = 1_000_000_000L;
        final List<Duration> sleeps = new ArrayList<>();

        Poller poller(Duration interval, Duration timeout) {
            return new Poller(interval, timeout, () -> nanos, d -> {
                sleeps.add(d);
                nanos += d.toNanos();
            });
        }
    }

    private static <T> Supplier<T> answers(List<T> answers, List<T> polled) {
        Iterator<T> it = answers.iterator();
        return () -> {
            T next = it.next();
            polled.add(next);
            return next;
        };
    }

    @Test
    void handsOnEachChangeAndReturnsTheAnswerThatEnded() {
        FakeTime time = new FakeTime();
        List<String> polled = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        String last = time.poller(Duration.ofSeconds(2), Duration.ofHours(1))
                .until(
                        answers(List.of("a1", "a2", "b1", "b2", "done"), polled),
                        s -> s.equals("done"),
                        s -> s.charAt(0), // a change: another first letter
                        (previous, now) -> changes.add(previous + "->" + now),
                        s -> new CliError("timed out at " + s));
        assertEquals("done", last);
        assertEquals(List.of("null->a1", "a2->b1", "b2->done"), changes);
        assertEquals(5, polled.size());
        assertEquals(
                List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)),
                time.sleeps,
                "one interval between two polls, none after the last");
    }

    @Test
    void givesUpWithTheCallersErrorOncePastTheDeadline() {
        FakeTime time = new FakeTime();
        List<Integer> polled = new ArrayList<>();
        CliError e = assertThrows(
                CliError.class,
                () -> time.poller(Duration.ofSeconds(2), Duration.ofSeconds(5))
                        .until(
                                answers(List.of(1, 2, 3, 4, 5, 6), polled),
                                n -> false,
                                n -> n,
                                (previous, now) -> {},
                                n -> new CliError("still going at poll " + n)));
        // polls at 0, 2, 4 and 6 s: the deadline (5 s) has passed after the fourth
        assertEquals("still going at poll 4", e.getMessage());
        assertEquals(List.of(1, 2, 3, 4), polled);
        assertEquals(3, time.sleeps.size());
    }

    @Test
    void anInterruptedWaitEndsTheLoop() {
        Poller poller = new Poller(Duration.ofSeconds(1), Duration.ofHours(1), () -> 0L, d -> {
            throw new InterruptedException();
        });
        try {
            CliError e = assertThrows(
                    CliError.class,
                    () -> poller.until(() -> "x", s -> false, s -> s, (p, n) -> {}, s -> new CliError("timeout")));
            assertEquals("interrupted", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void watchGivesUpOnARolloutThatDoesNotEndWithoutWaiting() throws Exception {
        try (FakeService deployment = new FakeService()
                .on("GET", "/rollouts/r2", 200, rollout(0))
                .on("GET", "/rollouts/r2", 200, rollout(1))
                .on("GET", "/rollouts/r2", 200, rollout(1))) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            CommandLine.ParseResult parsed =
                    cl.parseArgs("rollouts", "watch", "r2", "--url-deployment", deployment.url());
            RolloutsCommand.Watch watch = (RolloutsCommand.Watch)
                    parsed.subcommand().subcommand().commandSpec().userObject();
            FakeTime time = new FakeTime();
            CliError e = assertThrows(
                    CliError.class, () -> watch.watch(time.poller(Duration.ofMinutes(1), Duration.ofMinutes(10))));
            assertEquals("rollout r2 is still ROLLING_OUT after PT10M", e.getMessage());
            assertEquals(
                    String.join(
                            "\n",
                            "rollout r2 of m v2 ROLLING_OUT, wave 1/2, 0/3 active",
                            "rollout r2 of m v2 ROLLING_OUT, wave 1/2, 1/3 active"),
                    out.toString().strip());
            assertEquals(
                    12, deployment.requests.size(), "a poll a minute up to the deadline (minute 10), then one past it");
        }
    }

    @Test
    void followGivesUpOnARunThatDoesNotEndWithoutWaiting() throws Exception {
        try (FakeService training = new FakeService()
                .on(
                        "GET",
                        "/training-runs/r9",
                        200,
                        "{\"id\":\"r9\",\"datasetName\":\"motion\",\"datasetVersion\":1,"
                                + "\"status\":\"RUNNING\",\"maxEpochs\":2,\"attempt\":1,\"progress\":{\"epoch\":1}}")
                .on("GET", "/training-runs/r9/epochs", 200, "[]")) {
            Connection c = new Connection();
            c.env = k -> null;
            c.urlTraining = training.url();
            StringWriter out = new StringWriter();
            FakeTime time = new FakeTime();
            RunsCommand.Progress progress = new RunsCommand.Progress(
                    new Api(c),
                    new PrintWriter(out),
                    false,
                    false,
                    time.poller(Duration.ofHours(1), Duration.ofHours(6)));
            CliError e = assertThrows(CliError.class, () -> progress.follow("r9"));
            assertEquals("run r9 is still RUNNING after PT6H", e.getMessage());
            assertEquals("run r9 RUNNING (motion v1, attempt 1)", out.toString().strip());
            assertEquals(7, time.sleeps.size(), "polls at hours 0 to 7: the last one past the deadline");
            assertEquals(
                    1,
                    training.requests.stream()
                            .filter(r -> r.uri().endsWith("/epochs"))
                            .count(),
                    "the epochs are read again only when the progress changes");
        }
    }

    private static String rollout(int active) {
        return "{\"id\":\"r2\",\"modelName\":\"m\",\"modelVersion\":2,\"status\":\"ROLLING_OUT\",\"currentWave\":1,"
                + "\"wavesTotal\":2,\"devicesActive\":" + active + ",\"devicesTargeted\":3}";
    }
}
