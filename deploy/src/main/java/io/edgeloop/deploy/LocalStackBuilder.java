package io.edgeloop.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Optional settings of a {@link LocalStack}: {@code LocalStack.builder()...build()}. */
public final class LocalStackBuilder {

    Path home = Path.of(".");
    Path workDir;
    int agents = 2;
    boolean zipkin;
    boolean fixedPorts;
    boolean simulator = true;
    boolean console;
    java.util.function.IntFunction<Map<String, String>> agentLabels = i -> Map.of();
    java.util.function.IntFunction<Map<String, String>> agentOwnProperties = i -> Map.of();
    final Map<String, String> agentProperties = new LinkedHashMap<>();
    final Map<Integer, Path> agentBundles = new LinkedHashMap<>();
    Consumer<String> log = System.out::println;
    final Map<String, String> serviceProperties = new LinkedHashMap<>();
    final Map<String, Integer> replicas = new LinkedHashMap<>();
    final Map<String, String> heaps = new LinkedHashMap<>();

    /** Repository root (where the service modules were built). */
    public LocalStackBuilder home(Path home) {
        this.home = home;
        return this;
    }

    /** Where data and logs go; by default a temporary directory removed on close. */
    public LocalStackBuilder workDir(Path workDir) {
        this.workDir = workDir;
        return this;
    }

    /** Number of simulated edge devices (agent JVMs). */
    public LocalStackBuilder agents(int agents) {
        this.agents = agents;
        return this;
    }

    /** Run a Zipkin server (UI on 9411 with fixed ports) instead of the in-process span sink. */
    public LocalStackBuilder zipkin(boolean zipkin) {
        this.zipkin = zipkin;
        return this;
    }

    /** Use the documented ports (8081-8086, 9081-9086, 8090+, Kafka 9092, PostgreSQL 5432) instead of free ones. */
    public LocalStackBuilder fixedPorts(boolean fixedPorts) {
        this.fixedPorts = fixedPorts;
        return this;
    }

    /**
     * Whether the agents run their built-in sensor simulator (the demo's stand-in for sensors; default true).
     * Agents ship with it off.
     */
    public LocalStackBuilder simulator(boolean simulator) {
        this.simulator = simulator;
        return this;
    }

    /** Also run the web console (module {@code console}) against the services; off by default. */
    public LocalStackBuilder console(boolean console) {
        this.console = console;
        return this;
    }

    /** A system property every agent gets (e.g. {@code edgeloop.agent.telemetry.capture-inputs=all}). */
    public LocalStackBuilder agentProperty(String key, String value) {
        agentProperties.put(key, value);
        return this;
    }

    /**
     * System properties of agent {@code i} (1-based) on top of those every agent gets (e.g. one small device's
     * {@code edgeloop.agent.memory-budget-mb}); none by default.
     */
    public LocalStackBuilder agentProperties(java.util.function.IntFunction<Map<String, String>> perAgent) {
        this.agentOwnProperties = perAgent;
        return this;
    }

    /**
     * Runs agent {@code index} (1-based) from an unpacked device bundle ({@code edgeloop-agent-*.tar.gz}, its own
     * Java runtime and start script) with a clean environment: no JAVA_HOME, no java on its PATH, only a few shell
     * tools; the others run from {@code edge-agent/target/quarkus-app} on this JVM's java.
     */
    public LocalStackBuilder agentBundle(int index, Path unpackedBundle) {
        if (index < 1) {
            throw new IllegalArgumentException("agentBundle: agents are numbered from 1, was " + index);
        }
        agentBundles.put(index, unpackedBundle);
        return this;
    }

    /** Labels of agent {@code i} (1-based), sent when it registers; none by default. */
    public LocalStackBuilder agentLabels(java.util.function.IntFunction<Map<String, String>> agentLabels) {
        this.agentLabels = agentLabels;
        return this;
    }

    /**
     * Instances per service (default 1), e.g. {@code training-service=2}: replicas share the service's database
     * and consumer group; agents spread over the deployment-service replicas.
     *
     * @throws IllegalArgumentException for an unknown service or a count below 1
     */
    public LocalStackBuilder replicas(Map<String, Integer> replicas) {
        replicas.forEach((service, n) -> {
            if (!LocalStack.SERVICES.contains(service) || n == null || n < 1) {
                throw new IllegalArgumentException(
                        "replicas: '" + service + "=" + n + "' (services: " + LocalStack.SERVICES + ", at least 1)");
            }
            this.replicas.put(service, n);
        });
        return this;
    }

    /**
     * The maximum heap of every instance of {@code service} ({@code -Xmx}, e.g. {@code 512m}) instead of the
     * stack's default for it.
     *
     * @throws IllegalArgumentException for an unknown service or a size that is not digits and k, m or g
     */
    public LocalStackBuilder heap(String service, String heap) {
        if (!LocalStack.SERVICES.contains(service) || heap == null || !heap.matches("[1-9][0-9]*[kKmMgG]")) {
            throw new IllegalArgumentException("heap: '" + service + "=" + heap + "' (services: " + LocalStack.SERVICES
                    + "; a size such as 512m)");
        }
        heaps.put(service, heap);
        return this;
    }

    /** A system property every service gets (e.g. a short job lease for chaos tests). */
    public LocalStackBuilder serviceProperty(String key, String value) {
        serviceProperties.put(key, value);
        return this;
    }

    /** Where progress lines go. */
    public LocalStackBuilder log(Consumer<String> log) {
        this.log = log;
        return this;
    }

    public LocalStack build() {
        return new LocalStack(this);
    }
}
