package io.edgeloop.deploy;

import io.edgeloop.deploy.bench.FleetBenchCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the local stack: {@code up} runs the stack until Ctrl-C, {@code demo} runs the loop once. */
@Command(
        name = "edgeloop",
        mixinStandardHelpOptions = true,
        version = "EdgeLoop 0.1.0",
        description = "Runs the EdgeLoop stack on this machine with embedded Kafka and PostgreSQL.",
        subcommands = {
            Main.Up.class,
            Main.Demo.class,
            TokenCommand.class,
            SecretsCommand.class,
            OpsCommand.class,
            FleetBenchCommand.class,
            io.edgeloop.deploy.bench.IngestBenchCommand.class,
            io.edgeloop.deploy.cli.DatasetsCommand.class,
            io.edgeloop.deploy.cli.RunsCommand.class,
            io.edgeloop.deploy.cli.ModelsCommand.class,
            io.edgeloop.deploy.cli.RolloutsCommand.class,
            io.edgeloop.deploy.cli.DevicesCommand.class,
            io.edgeloop.deploy.cli.DriftCommand.class,
            picocli.AutoComplete.GenerateCompletion.class
        })
public final class Main implements Callable<Integer> {

    /** Options shared by the subcommands. */
    static class StackOptions {
        @Option(
                names = "--home",
                description = "Repository root with the built services (default: current directory or its parent).")
        Path home;

        @Option(
                names = "--agents",
                defaultValue = "2",
                description = "Simulated edge devices (default: ${DEFAULT-VALUE}).")
        int agents;

        @Option(
                names = "--no-zipkin",
                description = "Do not run the Zipkin server (UI on http://127.0.0.1:9411); check traces in-process.")
        boolean noZipkin;

        @Option(
                names = "--replicas",
                split = ",",
                paramLabel = "SERVICE=N",
                description = "Instances of a service, e.g. --replicas training=2,compiler=2,deployment=2 (short or"
                        + " full service names; replica r listens on the first one's ports + 100*(r-1)).")
        java.util.Map<String, Integer> replicas = new java.util.LinkedHashMap<>();

        @Option(
                names = "--work-dir",
                description = "Keep data and logs here instead of a temporary directory removed at exit.")
        Path workDir;

        /** Monitoring's switch for captured inputs as unlabeled samples (off by default in the service). */
        static final String ACTIVE_LEARNING = "edgeloop.monitoring.active-learning.enabled";

        LocalStackBuilder builder() {
            Path h = home != null ? home : detectHome();
            LocalStackBuilder b = LocalStack.builder()
                    .home(h)
                    .agents(agents)
                    .zipkin(!noZipkin)
                    .fixedPorts(true)
                    .console(true)
                    // active learning: the inputs the agents' models were unsure of become unlabeled samples,
                    // pre-labelled by the model, in the data set's labelling queue
                    .serviceProperty(ACTIVE_LEARNING, "true")
                    .replicas(fullNames(replicas))
                    .log(Main::say);
            if (workDir != null) {
                b.workDir(workDir);
            }
            return b;
        }

        /** {@code data=2} and {@code data-service=2} alike. */
        static java.util.Map<String, Integer> fullNames(java.util.Map<String, Integer> replicas) {
            java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
            replicas.forEach((k, v) -> out.put(k.endsWith("-service") ? k : k + "-service", v));
            return out;
        }

        private static Path detectHome() {
            Path cwd = Path.of("").toAbsolutePath();
            for (Path p = cwd; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("data-service")) && Files.isDirectory(p.resolve("deploy"))) {
                    return p;
                }
            }
            return cwd;
        }
    }

    private static final long START = System.nanoTime();

    static void say(String line) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - START) / 1e9, line);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Starts the stack and keeps it running until interrupted. */
    @Command(
            name = "up",
            description = "Start Kafka, PostgreSQL, Zipkin, the six services and the agents; Ctrl-C stops all.")
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        StackOptions options;

        @Override
        public Integer call() throws Exception {
            LocalStack stack = options.builder().build();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say("stopping...");
                stack.close();
                stopped.countDown();
            }));
            stack.start();
            say("stack is up. REST: data :8081, training :8082, compiler :8083, registry :8084, deployment :8085,"
                    + " monitoring :8086, agents :8090+ (KServe v2 gRPC :9090+)"
                    + (stack.zipkinUrl() != null ? ", Zipkin " + stack.zipkinUrl() : ""));
            sayHowToAuthenticate(stack);
            say("logs in " + stack.workDir().resolve("logs") + ". Ctrl-C to stop.");
            stopped.await();
            return 0;
        }
    }

    /** Runs the closed loop once and prints a summary. */
    @Command(name = "demo", description = "Run the whole loop: train, compile, deploy, drift, retrain, redeploy.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        StackOptions options;

        @Option(names = "--keep-running", description = "Keep the stack running after the summary until Ctrl-C.")
        boolean keepRunning;

        @Option(
                names = "--stage-timeout",
                defaultValue = "PT4M",
                description = "Longest wait for one stage (ISO-8601).")
        Duration stageTimeout;

        @Override
        public Integer call() throws Exception {
            LocalStack stack = options.builder().build();
            Thread hook = new Thread(stack::close);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stack.start();
                sayHowToAuthenticate(stack);
                LoopReport report;
                try (EventWatcher events =
                        new EventWatcher(stack.watcherKafkaConfig(), o -> say(LoopDriver.describe(o)))) {
                    report = new LoopDriver(stack, events, Main::say, stageTimeout).run();
                }
                System.out.println();
                System.out.println(Summary.render(report, stack));
                if (keepRunning) {
                    say("stack keeps running (Ctrl-C to stop); logs in "
                            + stack.workDir().resolve("logs"));
                    new CountDownLatch(1).await();
                }
                return 0;
            } catch (RuntimeException e) {
                say("DEMO FAILED: " + e.getMessage());
                say("service logs: "
                        + (stack.workDir() != null ? stack.workDir().resolve("logs") : "-"));
                return 1;
            } finally {
                stack.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
        }
    }

    /** Every API needs a bearer token: tells the user where the admin token is and how to mint others. */
    static void sayHowToAuthenticate(LocalStack stack) {
        java.nio.file.Path token = stack.auth().adminTokenFile();
        say("security is on: every API call needs a bearer token. Admin token (mode 0600): " + token);
        say("  export EDGELOOP_TOKEN=$(cat " + token + ")");
        say("  curl -H \"Authorization: Bearer $EDGELOOP_TOKEN\" http://127.0.0.1:8081/datasets");
        say("  more tokens: java -jar deploy/target/edgeloop-deploy.jar token mint --work-dir " + stack.workDir()
                + " --subject alice --role ml");
        if (stack.consoleUrl() != null) {
            say("web console: " + stack.consoleUrl() + " (log in with a token of role viewer or above, e.g. the admin"
                    + " token, or: token mint --work-dir " + stack.workDir() + " --subject alice --role viewer)");
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with a user's mistake (an {@link IllegalArgumentException}: a missing work directory, a bad
     * value) reported as one line on standard error and exit code 2 instead of a stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cl.getErr().println("edgeloop: " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }
}
