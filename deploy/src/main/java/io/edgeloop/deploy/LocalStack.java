package io.edgeloop.deploy;

import io.edgeloop.common.Topics;
import io.edgeloop.deploy.StackLayout.ServiceSpec;
import io.edgeloop.embedded.EmbeddedKafka;
import io.edgeloop.embedded.EmbeddedPostgresServer;
import io.edgeloop.embedded.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole EdgeLoop stack on one machine with nothing installed but a JDK: an in-process KRaft Kafka broker,
 * embedded PostgreSQL (one database per service), a trace backend (Zipkin, or an in-process Zipkin-API sink), the six
 * services and N simulated edge agents as separate JVMs with capped heaps. {@link #close()} stops everything and
 * removes what it created.
 */
public final class LocalStack implements AutoCloseable {

    /** The six services, in loop order. */
    public static final List<String> SERVICES = List.of(
            "data-service",
            "training-service",
            "compiler-service",
            "registry-service",
            "deployment-service",
            "monitoring-service");

    private final LocalStackBuilder cfg;
    private final Consumer<String> log;
    private final ProcessSupervisor processes = new ProcessSupervisor();
    private StackLayout layout;

    private final Map<String, String> deviceFleetInstance = new LinkedHashMap<>();
    private final List<String> agentUrls = new ArrayList<>();
    private final List<String> deviceIds = new ArrayList<>();
    private final List<Integer> agentGrpcPorts = new ArrayList<>();
    private final Map<String, EmbeddedPostgresServer.Credentials> dbLogins = new LinkedHashMap<>();
    private final Map<String, String> kafkaLogins = new LinkedHashMap<>();
    private EmbeddedKafka kafka;
    private EmbeddedPostgresServer postgres;
    private StackTracing tracing;
    private JvmCommands commands;
    private Path workDir;
    private StackAuth auth;
    private boolean ownsWorkDir;
    private String consoleUrl;
    private volatile boolean closed;

    LocalStack(LocalStackBuilder b) {
        this.cfg = b;
        this.log = b.log;
    }

    public static LocalStackBuilder builder() {
        return new LocalStackBuilder();
    }

    /** Starts everything and waits until every service is ready; on failure stops what was started and throws. */
    public LocalStack start() {
        try {
            doStart();
            return this;
        } catch (RuntimeException | IOException | InterruptedException e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    private void doStart() throws IOException, InterruptedException {
        Path home = cfg.home.toAbsolutePath().normalize();
        ownsWorkDir = cfg.workDir == null;
        workDir = ownsWorkDir ? Files.createTempDirectory("edgeloop-stack-") : cfg.workDir;
        Files.createDirectories(workDir.resolve("tmp"));
        auth = StackAuth.open(workDir);
        Json.authorize(auth.adminToken());
        layout = new StackLayout(cfg.fixedPorts, cfg.replicas, cfg.heaps);
        for (ServiceSpec s : layout.services()) {
            Path jar = JvmCommands.quarkusJar(home, s.name());
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: build first with ./mvnw install -DskipTests");
            }
        }
        startKafka();
        startPostgres();
        tracing = StackTracing.start(cfg.zipkin, home, cfg.fixedPorts, workDir, JvmCommands.javaBin(), processes, log);
        commands = new JvmCommands(home, workDir, layout, tracing, auth);
        startServices();
        if (cfg.console) {
            Map<String, String> urls = new LinkedHashMap<>();
            layout.services().forEach(s -> urls.put(s.name(), s.url()));
            StackConsole.Events events = new StackConsole.Events(
                    kafka.bootstrapServers(),
                    kafka.clientSecurity(KafkaAccess.CONSOLE, kafkaLogins.get(KafkaAccess.CONSOLE)));
            consoleUrl = StackConsole.start(home, workDir, cfg.fixedPorts, urls, auth, tracing, events, processes, log);
        }
        startAgents();
    }

    private void startKafka() {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.builder()
                .port(cfg.fixedPorts ? 9092 : 0)
                .logDir(workDir.resolve("kafka"))
                .secured(true)
                .build()
                .start();
        List<String> topics = new ArrayList<>(Topics.ALL);
        Topics.ALL.forEach(t -> topics.add(Topics.deadLetter(t)));
        kafka.createTopics(topics);
        for (String service : SERVICES) {
            KafkaAccess.Grant g = KafkaAccess.SERVICES.get(service);
            kafkaLogins.put(service, kafka.createUser(service));
            kafka.grant(service, g.produces(), g.consumes(), service);
        }
        kafkaLogins.put(KafkaAccess.WATCHER, kafka.createUser(KafkaAccess.WATCHER));
        kafka.grant(KafkaAccess.WATCHER, List.of(), topics, KafkaAccess.WATCHER);
        // the console reads the event topics (its overview's live stream) in groups named console-*
        KafkaAccess.READERS.forEach((user, g) -> {
            kafkaLogins.put(user, kafka.createUser(user));
            kafka.grant(user, g.produces(), g.consumes(), user);
        });
        log.accept(String.format(
                "kafka       %s (KRaft, in-process, SASL/SCRAM + ACLs) ready in %s",
                kafka.bootstrapServers(), since(t0)));
    }

    private void startPostgres() {
        long t0 = System.nanoTime();
        postgres = EmbeddedPostgresServer.builder()
                .port(cfg.fixedPorts ? 5432 : 0)
                .dataDir(workDir.resolve("postgres"))
                .build()
                .start();
        for (ServiceSpec s : layout.services()) {
            dbLogins.put(s.name(), postgres.createServiceDatabase(s.database()));
        }
        log.accept(String.format(
                "postgres    127.0.0.1:%d (embedded, %d databases) ready in %s",
                postgres.port(), layout.services().size(), since(t0)));
    }

    private void startServices() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (ServiceSpec s : layout.instances()) {
            processes.add(startService(s));
        }
        for (ServiceSpec s : layout.instances()) {
            processes.awaitHealthy(s.instance(), s.url() + "/q/health/ready", Duration.ofSeconds(240));
        }
        log.accept(String.format(
                "services    %d services ready in %s%s",
                layout.services().size(),
                since(t0),
                layout.instances().size() > layout.services().size()
                        ? " (" + layout.instances().size() + " instances: "
                                + layout.instances().stream()
                                        .map(ServiceSpec::instance)
                                        .toList() + ")"
                        : ""));
        Map<String, String> urls = new LinkedHashMap<>();
        layout.services().forEach(s -> urls.put(s.name(), s.url()));
        StackEndpoints.write(workDir, urls);
    }

    private void startAgents() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 1; i <= cfg.agents; i++) {
            String deviceId = String.format("edge-%03d", i);
            int port = cfg.fixedPorts ? 8089 + i : Ports.free();
            int grpcPort = cfg.fixedPorts ? 9089 + i : Ports.free();
            List<ServiceSpec> fleet = layout.replicasOf("deployment-service");
            ServiceSpec fleetInstance = fleet.get((i - 1) % fleet.size()); // agents spread over the replicas
            deviceFleetInstance.put(deviceId, fleetInstance.instance());
            processes.add(startAgent(deviceId, port, grpcPort, i, fleetInstance));
            agentUrls.add("http://127.0.0.1:" + port);
            agentGrpcPorts.add(grpcPort);
            deviceIds.add(deviceId);
        }
        for (int i = 0; i < agentUrls.size(); i++) {
            processes.awaitHealthy(deviceIds.get(i), agentUrls.get(i) + "/q/health/live", Duration.ofSeconds(120));
        }
        // live is not enough: a loop started before an agent registered plans its rollout without that device
        for (int i = 0; i < agentUrls.size(); i++) {
            AgentEnrollment.awaitConnected(deviceIds.get(i), agentUrls.get(i), workDir);
        }
        if (cfg.agents > 0) {
            log.accept(String.format("edge-agents %s ready in %s", deviceIds, since(t0)));
        }
    }

    private ManagedProcess startService(ServiceSpec s) throws IOException {
        Map<String, String> kafkaLogin = kafka.clientSecurity(s.name(), kafkaLogins.get(s.name()));
        EmbeddedPostgresServer.Credentials db = dbLogins.get(s.name());
        List<String> cmd = commands.service(s, kafka.bootstrapServers(), kafkaLogin, db, cfg.serviceProperties);
        // the password goes through the environment, not the command line other users can read
        return ManagedProcess.start(
                s.instance(),
                cmd,
                workDir.resolve("run/" + s.instance()),
                workDir.resolve("logs/" + s.instance() + ".log"),
                Map.of(
                        "QUARKUS_DATASOURCE_PASSWORD",
                        db.password(),
                        "EDGELOOP_DB_PASSWORD",
                        db.password(),
                        "EDGELOOP_KAFKA_JAAS",
                        kafkaLogin.get("sasl.jaas.config")));
    }

    private ManagedProcess startAgent(String deviceId, int port, int grpcPort, int index, ServiceSpec fleet)
            throws IOException {
        // the device enrolls itself: a one-time token in, its own credential (kept in its directory) out
        Path deviceDir = workDir.resolve("agents/" + deviceId);
        Path token = AgentEnrollment.tokenFile(url("deployment-service"), deviceId, deviceDir);
        Map<String, String> props = new java.util.LinkedHashMap<>(cfg.agentProperties);
        props.putAll(cfg.agentOwnProperties.apply(index));
        JvmCommands.Agent agent = new JvmCommands.Agent(
                deviceId, port, grpcPort, index, cfg.simulator, cfg.agentLabels.apply(index), props);
        Path run = workDir.resolve("run/" + deviceId);
        Path logFile = workDir.resolve("logs/" + deviceId + ".log");
        Path bundle = cfg.agentBundles.get(index);
        if (bundle != null) {
            JvmCommands.BundleAgent b = commands.bundleAgent(agent, fleet, token, bundle, ShellTools.link(run));
            log.accept(deviceId + " runs from the device bundle " + bundle + " (no java on its PATH)");
            return ManagedProcess.startClean(deviceId, b.command(), run, logFile, b.environment());
        }
        return ManagedProcess.start(deviceId, commands.agent(agent, fleet, token), run, logFile);
    }

    private static String since(long t0) {
        return String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
    }

    /** Port of a service's gRPC server on 127.0.0.1 (0 for a service without one). */
    public int grpcPort(String service) {
        ServiceSpec s = layout.find(service);
        if (s == null) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        return s.grpcPort();
    }

    /**
     * Base URL of a service's REST API, e.g. {@code url("data-service")} (its first replica that runs, the first when
     * none does), or of one instance, e.g. {@code url("training-service-2")}.
     */
    public String url(String service) {
        ServiceSpec s = layout.find(service);
        if (s == null) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        if (layout.first(service) != null) {
            s = layout.replicasOf(service).stream()
                    .filter(r -> processes.find(r.instance()).isPresent())
                    .findFirst()
                    .orElse(s);
        }
        return "http://127.0.0.1:" + s.httpPort();
    }

    public List<String> agentUrls() {
        return List.copyOf(agentUrls);
    }

    /** The agents' KServe v2 gRPC ports on 127.0.0.1, in {@link #deviceIds()} order. */
    public List<Integer> agentGrpcPorts() {
        return List.copyOf(agentGrpcPorts);
    }

    public List<String> deviceIds() {
        return List.copyOf(deviceIds);
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Kafka client settings of the read-only event watcher: bootstrap servers and its SASL credentials. */
    public Map<String, Object> watcherKafkaConfig() {
        Map<String, Object> c =
                new LinkedHashMap<>(kafka.clientSecurity(KafkaAccess.WATCHER, kafkaLogins.get(KafkaAccess.WATCHER)));
        c.put("bootstrap.servers", kafka.bootstrapServers());
        return c;
    }

    /** The web console's base URL, or null when the stack runs without it ({@link Builder#console}). */
    public String consoleUrl() {
        return consoleUrl;
    }

    /** Zipkin's UI/API base URL, or null when traces go to the in-process sink. */
    public String zipkinUrl() {
        return tracing.zipkinUrl();
    }

    public Path workDir() {
        return workDir;
    }

    /** The stack's identities (keys, tokens, revocation list) under {@code <work dir>/auth}. */
    public StackAuth auth() {
        return auth;
    }

    /** The instance names of a service, replica 1 first (e.g. training-service, training-service-2). */
    public List<String> instances(String service) {
        return layout.replicasOf(service).stream().map(ServiceSpec::instance).toList();
    }

    /** The deployment-service instance whose DeviceService {@code deviceId} talks to. */
    public String fleetInstanceOf(String deviceId) {
        return deviceFleetInstance.get(deviceId);
    }

    /** The process id of a running instance (a service's job lease owners name it). */
    public long pid(String instance) {
        return processes
                .find(instance)
                .orElseThrow(() -> new IllegalArgumentException("no running process " + instance))
                .pid();
    }

    /**
     * Kills a service instance with SIGKILL (a crash: no shutdown hooks, nothing handed back), for chaos tests.
     *
     * @throws IllegalArgumentException when it does not run
     */
    public void kill(String instance) {
        processes.kill(instance);
        log.accept(instance + " killed (SIGKILL)");
    }

    /**
     * Stops an instance or agent the way a service manager does (SIGTERM, then SIGKILL after 30 s) and returns its
     * exit code (143 for a JVM that ran its shutdown on SIGTERM).
     *
     * @throws IllegalArgumentException when it does not run
     */
    public int stop(String instance) {
        int code = processes.stop(instance, Duration.ofSeconds(30));
        log.accept(instance + " stopped (exit " + code + ")");
        return code;
    }

    /** The log file of an instance or agent (it stays until {@link #close}). */
    public Path logOf(String instance) {
        return workDir.resolve("logs/" + instance + ".log");
    }

    /** Starts a service instance again after {@link #kill} and waits until it is ready. */
    public void restart(String instance) throws IOException, InterruptedException {
        ServiceSpec s = layout.instance(instance);
        if (s == null || processes.find(instance).isPresent()) {
            throw new IllegalArgumentException(instance + " is unknown or still running");
        }
        long t0 = System.nanoTime();
        processes.add(startService(s));
        processes.awaitHealthy(instance, s.url() + "/q/health/ready", Duration.ofSeconds(240));
        log.accept(instance + " restarted, ready in " + since(t0));
    }

    /** The admin bearer token (also in {@code <work dir>/auth/admin.token}). */
    public String adminToken() {
        return auth.adminToken();
    }

    /** Names of the services that reported spans of {@code traceId} (from Zipkin or the in-process sink). */
    public Set<String> traceServices(String traceId) {
        return tracing.services(traceId);
    }

    /** Stops agents, services, trace backend, PostgreSQL and Kafka, and removes the work directory if it made it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        processes.stopAll(Duration.ofSeconds(15));
        if (tracing != null) {
            tracing.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (ownsWorkDir && workDir != null) {
            deleteTree(workDir);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
