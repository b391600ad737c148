package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Host;
import io.edgeloop.deploy.StackModel.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps deploy/compose/docker-compose.yml and the Kubernetes base (deploy/k8s/base) in line with the services' own
 * configuration, without Docker or a cluster: images, container and Service ports, gRPC client addresses, Prometheus
 * targets, every loopback default overridden, URLs, Kafka and JDBC addresses, databases and health probes. Each test
 * lists every mismatch with its file.
 */
class DeploymentManifestsTest extends ManifestTestBase {
    @Test
    void theAppsAreReadFromTheirOwnConfig() {
        assertTrue(
                stack.apps
                        .keySet()
                        .containsAll(List.of(
                                "data-service",
                                "training-service",
                                "compiler-service",
                                "registry-service",
                                "deployment-service",
                                "monitoring-service",
                                "edge-agent")),
                "apps found: " + stack.apps.keySet());
        App data = stack.apps.get("data-service");
        assertEquals(Set.of(8081, 9081), data.ports());
        assertEquals("edgeloop_data", data.database());
        // compiler-service configures a gRPC port but serves no gRPC service: nothing to expose
        assertEquals(Set.of(8083), stack.apps.get("compiler-service").ports());
        // health gates read monitoring's telemetry over gRPC
        assertEquals(
                Set.of("registry", "telemetry"),
                stack.apps.get("deployment-service").grpcClients());
        assertEquals(
                Set.of("devices", "registry", "telemetry"),
                stack.apps.get("edge-agent").grpcClients());
        assertEquals("185", stack.imageUser);
    }

    @Test
    void everyAppRunsFromItsImage() {
        List<String> problems = new ArrayList<>();
        Set<String> kustomizeImages = new LinkedHashSet<>();
        list(stack.kustomization.get("images")).forEach(i -> kustomizeImages.add(str(map(i).get("name"))));
        for (App app : stack.apps.values()) {
            if (workloads(stack.composeWorkloads, app).isEmpty()) {
                problems.add(StackModel.COMPOSE + ": no service runs image " + app.image() + " (module " + app.module()
                        + ")");
            }
            if (workloads(stack.k8sWorkloads, app).isEmpty()) {
                problems.add(StackModel.K8S_BASE + ": no Deployment/StatefulSet runs image " + app.image() + " (module "
                        + app.module() + ")");
            }
            if (!kustomizeImages.contains(app.image())) {
                problems.add(StackModel.K8S_BASE + "/kustomization.yaml: images: has no entry for " + app.image());
            }
        }
        for (Workload w : all()) {
            if (w.image() != null && w.image().startsWith("edgeloop/") && stack.appOf(w.image()) == null) {
                problems.add(w.label() + ": image " + w.image() + " is not the image of any app module");
            }
        }
        assertNone(problems, "images");
    }

    /**
     * The third-party images are {@code ${VAR:-upstream}} in the compose file: each variable is set by
     * deploy/compose/local-images.env to an image that deploy/containers/images.sh builds, and each upstream default
     * is what the Kubernetes base runs (checked with the defaults by the tests above).
     */
    @Test
    void composeImageVariablesNameTheLocallyBuiltImages() throws IOException {
        Path home = StackModel.home();
        Properties local = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("deploy/compose/local-images.env"))) {
            local.load(in);
        }
        String script = Files.readString(home.resolve("deploy/containers/images.sh"));
        Pattern variable = Pattern.compile("^\\$\\{(\\w+):-[^}]+}$");
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        map(stack.compose.get("services")).forEach((name, svc) -> {
            String image = str(map(svc).get("image"));
            Matcher m = variable.matcher(image);
            if (image.startsWith("edgeloop/") || !m.matches()) {
                if (!image.startsWith("edgeloop/")) {
                    problems.add(StackModel.COMPOSE + ": " + name + " runs " + image
                            + ", not ${VAR:-upstream image} (no local image could replace it)");
                }
                return;
            }
            used.add(m.group(1));
            String value = local.getProperty(m.group(1));
            if (value == null || !script.contains("_IMAGE=" + value + "\n")) {
                problems.add("deploy/compose/local-images.env: " + m.group(1) + "=" + value
                        + " is not an image deploy/containers/images.sh builds (" + name + ")");
            }
        });
        assertEquals(used, new TreeSet<>(local.stringPropertyNames()), "variables of local-images.env");
        assertNone(problems, "image variables");
    }

    @Test
    void containerAndServicePortsAreTheAppsPorts() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.composeWorkloads) {
            App app = stack.appOf(w.image());
            if (app != null && !app.ports().containsAll(w.ports())) {
                problems.add(w.label() + ": publishes container ports " + w.ports() + " but " + app.module()
                        + " serves " + app.ports() + " (HTTP " + app.httpPort() + ", gRPC " + app.grpcPort() + ")");
            }
        }
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            if (app != null && !app.ports().equals(w.ports())) {
                problems.add(w.label() + ": container ports " + w.ports() + ", but " + app.module() + " serves "
                        + app.ports() + " (%prod quarkus.http.port / quarkus.grpc.server.port)");
            }
            if (app != null
                    && stack.k8sHosts.values().stream()
                            .noneMatch(h -> h.backends().contains(w))) {
                problems.add(w.label() + ": no Service selects its pods");
            }
        }
        for (var d : stack.k8s("Service")) {
            Map<String, Object> svc = d.getValue();
            Host host = stack.k8sHosts.get(str(at(svc, "metadata", "name")));
            if (host.backends().isEmpty()) {
                problems.add(d.getKey() + ": " + host.name() + " selects no pods of any workload");
            }
            for (Workload w : host.backends()) {
                App app = stack.appOf(w.image());
                // a headless <app>-grpc Service (every replica, for the gRPC clients) exposes gRPC only
                boolean fits = host.everyReplica()
                        ? app != null && app.ports().containsAll(host.ports())
                        : app != null && app.ports().equals(host.ports());
                if (app != null && !fits) {
                    problems.add(d.getKey() + ": " + host.name() + " ports " + host.ports() + ", but " + app.module()
                            + " serves " + app.ports());
                }
                for (Object p : list(at(svc, "spec", "ports"))) {
                    Object target = map(p).getOrDefault("targetPort", map(p).get("port"));
                    Integer resolved = StackModel.containerPort(w.container(), target);
                    String port = str(map(p).get("port"));
                    if (resolved == null || !String.valueOf(resolved).equals(port)) {
                        problems.add(d.getKey() + ": " + host.name() + " port " + port + " -> targetPort " + target
                                + " is " + (resolved == null ? "no container port" : "container port " + resolved)
                                + " of " + w.name());
                    }
                }
            }
        }
        assertNone(problems, "ports");
    }

    @Test
    void grpcClientsReachTheServiceThatServesThem() {
        List<String> problems = new ArrayList<>();
        Pattern hostVar = Pattern.compile("QUARKUS_GRPC_CLIENTS_([A-Z0-9]+)_HOST");
        for (var deployment : deployments()) {
            for (Workload w : deployment.workloads()) {
                App app = stack.appOf(w.image());
                if (app == null) {
                    continue;
                }
                for (String client : app.grpcClients()) {
                    String var = "QUARKUS_GRPC_CLIENTS_" + client.toUpperCase() + "_";
                    if (!w.env().containsKey(var + "HOST") || !w.env().containsKey(var + "PORT")) {
                        problems.add(w.label() + ": " + app.module() + " uses gRPC client '" + client + "' but " + var
                                + "HOST/PORT are not both set");
                    }
                }
                for (Map.Entry<String, Env> e : w.env().entrySet()) {
                    Matcher m = hostVar.matcher(e.getKey());
                    if (!m.matches()) {
                        continue;
                    }
                    String client = m.group(1).toLowerCase();
                    String target = StackModel.GRPC_CLIENT_TARGETS.get(client);
                    String hostName = e.getValue().value();
                    Env portEnv = w.env().get("QUARKUS_GRPC_CLIENTS_" + m.group(1) + "_PORT");
                    String port = portEnv == null ? null : portEnv.value();
                    if (target == null) {
                        problems.add(w.label() + ": " + e.getKey() + " is a gRPC client no service serves");
                        continue;
                    }
                    App served = stack.apps.get(target);
                    Host host = deployment.hosts().get(hostName);
                    if (host == null) {
                        problems.add(w.label() + ": " + e.getKey() + "=" + hostName + " is no " + deployment.what()
                                + " (expected the one running " + target + ")");
                    } else if (host.backends().stream()
                            .noneMatch(b -> served.image().equals(b.image()))) {
                        problems.add(w.label() + ": " + e.getKey() + "=" + hostName + " does not run " + target
                                + " (the '" + client + "' client's server)");
                    } else if (!String.valueOf(served.grpcPort()).equals(port)) {
                        problems.add(w.label() + ": QUARKUS_GRPC_CLIENTS_" + m.group(1) + "_PORT=" + port + ", but "
                                + target + " serves gRPC on " + served.grpcPort());
                    } else if (!host.ports().contains(served.grpcPort())) {
                        problems.add(w.label() + ": " + host.name() + " does not expose gRPC port " + served.grpcPort()
                                + " of " + target);
                    } else if (!host.everyReplica()) {
                        problems.add(w.label() + ": " + e.getKey() + "=" + hostName + " is one virtual IP: the '"
                                + client + "' client would keep its HTTP/2 connection on one replica of " + target
                                + " (use a headless Service)");
                    }
                    Env policy = w.env().get("QUARKUS_GRPC_CLIENTS_" + m.group(1) + "_LOAD_BALANCING_POLICY");
                    if (policy == null || !"round_robin".equals(policy.value())) {
                        problems.add(w.label() + ": QUARKUS_GRPC_CLIENTS_" + m.group(1)
                                + "_LOAD_BALANCING_POLICY is not round_robin: calls would stay on the first replica");
                    }
                }
            }
        }
        assertNone(problems, "gRPC clients");
    }

    /** deploy/prometheus/prometheus.yml scrapes every service's /q/metrics with a token, at the ports they serve. */
    @Test
    void prometheusScrapesEveryServiceWithAViewerToken() throws java.io.IOException {
        Path file = stack.home.resolve("deploy/prometheus/prometheus.yml");
        Map<String, Object> doc = new org.yaml.snakeyaml.Yaml(
                        new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()))
                .load(java.nio.file.Files.readString(file));
        List<String> problems = new ArrayList<>();
        Set<String> expected = new java.util.TreeSet<>();
        stack.apps.values().stream()
                .filter(a -> a.module().endsWith("-service"))
                .forEach(a -> expected.add("127.0.0.1:" + a.httpPort()));
        Set<String> local = new java.util.TreeSet<>();
        for (Object j : list(doc.get("scrape_configs"))) {
            Map<String, Object> job = map(j);
            if (!"/q/metrics".equals(job.get("metrics_path"))) {
                problems.add(job.get("job_name") + ": metrics_path must be /q/metrics");
            }
            if (!"Bearer".equals(str(at(job, "authorization", "type")))
                    || str(at(job, "authorization", "credentials_file")) == null) {
                problems.add(job.get("job_name") + ": needs authorization Bearer with a credentials_file");
            }
            for (Object sc : list(job.get("static_configs"))) {
                list(map(sc).get("targets")).forEach(t -> local.add(String.valueOf(t)));
            }
        }
        if (!local.equals(expected)) {
            problems.add("static targets " + local + ", the services serve HTTP on " + expected);
        }
        // pods announce their metrics for annotation-based discovery, on the port they serve HTTP on
        for (Workload w : stack.k8sWorkloads) {
            App app = w.image() == null ? null : stack.appOf(w.image());
            if (app == null || !app.module().endsWith("-service")) {
                continue;
            }
            Object annotations = at(w.spec(), "spec", "template", "metadata", "annotations");
            Map<String, Object> want = Map.of(
                    "prometheus.io/scrape", "true",
                    "prometheus.io/path", "/q/metrics",
                    "prometheus.io/port", String.valueOf(app.httpPort()));
            if (annotations == null || !map(annotations).entrySet().containsAll(want.entrySet())) {
                problems.add(w.label() + ": pod annotations " + annotations + " should include " + want);
            }
        }
        assertNone(problems, "prometheus");
    }

    @Test
    void everyLoopbackDefaultIsOverridden() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            if (app == null) {
                continue;
            }
            app.loopbackProperties().forEach((property, value) -> {
                String var = StackModel.envName(property);
                Env env = w.env().get(var);
                if (env == null) {
                    problems.add(w.label() + ": " + app.module() + "'s " + property + "=" + value
                            + " is loopback in a container; set " + var);
                } else if (env.isLiteral()
                        && StackModel.LOOPBACK.matcher(env.value()).find()) {
                    problems.add(w.label() + ": " + var + "=" + env.value() + " is loopback");
                }
            });
        }
        assertNone(problems, "loopback defaults");
    }

    @Test
    void urlsKafkaAndJdbcAddressesNameExistingHostsPortsAndDatabases() {
        List<String> problems = new ArrayList<>();
        for (App app : stack.apps.values()) {
            if (app.database() != null && !stack.initDatabases.contains(app.database())) {
                problems.add(StackModel.INIT_SQL + ": does not create " + app.database() + " (" + app.module()
                        + "'s database)");
            }
        }
        for (var deployment : deployments()) {
            for (Workload w : deployment.workloads()) {
                App app = stack.appOf(w.image());
                if (app != null) {
                    for (Map.Entry<String, Env> e : w.env().entrySet()) {
                        String v = e.getValue().value();
                        if (v == null) {
                            continue;
                        }
                        Matcher url = HTTP_URL.matcher(v);
                        if (url.matches()) {
                            checkAddress(problems, deployment, w, e.getKey(), url.group(1), url.group(2), null);
                        }
                    }
                    Env kafka = w.env().get("KAFKA_BOOTSTRAP_SERVERS");
                    if (kafka != null && kafka.value() != null) {
                        for (String server : kafka.value().split(",")) {
                            String[] hp = server.trim().split(":");
                            checkAddress(
                                    problems,
                                    deployment,
                                    w,
                                    "KAFKA_BOOTSTRAP_SERVERS",
                                    hp[0],
                                    hp.length > 1 ? hp[1] : "",
                                    "apache/kafka");
                        }
                    }
                    Env jdbc = w.env().get("QUARKUS_DATASOURCE_JDBC_URL");
                    if (jdbc != null && jdbc.value() != null) {
                        Matcher m = JDBC_URL.matcher(jdbc.value());
                        if (!m.matches()) {
                            problems.add(w.label() + ": QUARKUS_DATASOURCE_JDBC_URL=" + jdbc.value()
                                    + " is not jdbc:postgresql://host:port/database");
                        } else {
                            checkAddress(
                                    problems,
                                    deployment,
                                    w,
                                    "QUARKUS_DATASOURCE_JDBC_URL",
                                    m.group(1),
                                    m.group(2),
                                    "postgres");
                            if (!stack.initDatabases.contains(m.group(3))) {
                                problems.add(w.label() + ": QUARKUS_DATASOURCE_JDBC_URL names database " + m.group(3)
                                        + ", which " + StackModel.INIT_SQL + " does not create");
                            }
                            if (!m.group(3).equals(app.database())) {
                                problems.add(w.label() + ": QUARKUS_DATASOURCE_JDBC_URL names database " + m.group(3)
                                        + ", but " + app.module() + "'s own database is " + app.database());
                            }
                        }
                    }
                } else if ("apache/kafka".equals(w.image())) {
                    Env advertised = w.env().get("KAFKA_ADVERTISED_LISTENERS");
                    for (String listener : advertised == null
                            ? new String[0]
                            : advertised.value().split(",")) {
                        String[] hp = listener.replaceFirst("^\\w+://", "").split(":");
                        checkAddress(
                                problems,
                                deployment,
                                w,
                                "KAFKA_ADVERTISED_LISTENERS",
                                hp[0],
                                hp.length > 1 ? hp[1] : "",
                                "apache/kafka");
                    }
                }
            }
        }
        assertNone(problems, "addresses");
    }

    static void checkAddress(
            List<String> problems,
            Deployment deployment,
            Workload w,
            String var,
            String hostName,
            String port,
            String image) {
        Host host = deployment.hosts().get(hostName);
        if (host == null) {
            problems.add(w.label() + ": " + var + " names host " + hostName + ", which is no " + deployment.what());
            return;
        }
        if (!port.matches("\\d+") || !host.ports().contains(Integer.parseInt(port))) {
            problems.add(w.label() + ": " + var + " uses " + hostName + ":" + port + ", but " + host.name() + " serves "
                    + host.ports());
        }
        if (image != null && host.backends().stream().noneMatch(b -> image.equals(b.image()))) {
            problems.add(w.label() + ": " + var + " host " + hostName + " does not run " + image);
        }
    }

    @Test
    void probesUseTheHealthEndpoints() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            if (app == null) {
                continue;
            }
            probe(problems, w, app, "readinessProbe", "/q/health/ready", true);
            probe(problems, w, app, "livenessProbe", "/q/health/live", true);
            probe(problems, w, app, "startupProbe", "/q/health/started", false);
        }
        assertNone(problems, "probes");
    }

    static void probe(List<String> problems, Workload w, App app, String probe, String path, boolean required) {
        Object get = at(w.container(), probe, "httpGet");
        if (get == null) {
            if (required || w.container().containsKey(probe)) {
                problems.add(w.label() + ": " + probe + " must be an httpGet of " + path);
            }
            return;
        }
        if (!path.equals(str(at(get, "path")))) {
            problems.add(w.label() + ": " + probe + " path " + at(get, "path") + ", expected " + path);
        }
        Integer port = StackModel.containerPort(w.container(), at(get, "port"));
        if (port == null || port != app.httpPort()) {
            problems.add(
                    w.label() + ": " + probe + " port " + at(get, "port") + " is not the HTTP port " + app.httpPort());
        }
    }
}
