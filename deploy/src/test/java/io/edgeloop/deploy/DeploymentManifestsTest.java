package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Host;
import io.edgeloop.deploy.StackModel.Workload;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps deploy/compose/docker-compose.yml and the Kubernetes base (deploy/k8s/base) in line with the services' own
 * configuration, without Docker or a cluster: images, container and Service ports, gRPC client addresses, every
 * loopback default overridden, URLs, Kafka and JDBC addresses, databases, health probes, secrets, the kustomization's
 * file list, volumes, replicas, memory limits and the security context. Each test lists every mismatch with its file.
 */
class DeploymentManifestsTest {
    private static final Pattern SECRETISH = Pattern.compile("(?i)PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL");
    private static final Pattern HTTP_URL = Pattern.compile("^https?://([^/:]+):(\\d+)(/.*)?$");
    private static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^/:]+):(\\d+)/([^?;]+).*$");
    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");
    private static final Pattern META = Pattern.compile("-XX:MaxMetaspaceSize=(\\d+)([kKmMgG]?)");

    private static StackModel stack;

    @BeforeAll
    static void read() {
        stack = new StackModel(StackModel.home());
    }

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

    private static void checkAddress(
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

    private static void probe(List<String> problems, Workload w, App app, String probe, String path, boolean required) {
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

    @Test
    void noPasswordIsCommitted() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> generated = new LinkedHashSet<>();
        for (Object g : list(stack.kustomization.get("secretGenerator"))) {
            Map<String, Object> gen = map(g);
            generated.add(str(gen.get("name")));
            if (gen.containsKey("literals")) {
                problems.add(StackModel.K8S_BASE + "/kustomization.yaml: secretGenerator " + gen.get("name")
                        + " has literals (commit no secret values)");
            }
            for (Object f : concat(gen.get("envs"), gen.get("files"))) {
                String file = StackModel.K8S_BASE + "/" + String.valueOf(f).replaceFirst("^[^=]*=", "");
                if (!gitignored(file)) {
                    problems.add(".gitignore: does not ignore " + file + " (secretGenerator " + gen.get("name") + ")");
                }
            }
        }
        try (Stream<Path> files = Files.walk(stack.home.resolve("deploy/k8s"))) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).toList()) {
                String file = stack.home.relativize(f).toString().replace(File.separatorChar, '/');
                for (Object doc : stack.loadAll(file)) {
                    if ("Secret".equals(map(doc).get("kind"))) {
                        problems.add(file + ": declares Secret " + at(doc, "metadata", "name")
                                + " (use the secretGenerator reading an uncommitted file)");
                    }
                    if ("ConfigMap".equals(map(doc).get("kind"))) {
                        for (String key : map(map(doc).get("data")).keySet()) {
                            if (SECRETISH.matcher(key).find()) {
                                problems.add(file + ": ConfigMap " + at(doc, "metadata", "name") + " holds " + key);
                            }
                        }
                    }
                }
            }
        }
        for (Workload w : stack.k8sWorkloads) {
            w.env().forEach((name, env) -> {
                if (SECRETISH.matcher(name).find() && !namesAFile(w, env)) {
                    if (env.secretRef() == null) {
                        problems.add(w.label() + ": " + name + " must come from a Secret (secretKeyRef)");
                    } else if (!generated.contains(env.secretRef().split("/")[0])) {
                        problems.add(w.label() + ": " + name + " refers to Secret " + env.secretRef()
                                + ", which no secretGenerator makes");
                    }
                }
            });
        }
        for (Workload w : stack.composeWorkloads) {
            w.env().forEach((name, env) -> {
                if (SECRETISH.matcher(name).find()
                        && !namesAFile(w, env)
                        && !env.value().matches("\\$\\{\\w+(:?\\?[^}]*)?}")) {
                    problems.add(w.label() + ": " + name + "=" + env.value()
                            + " must name a file mounted from a secret, or be a required variable (${VAR:?message}),"
                            + " with no literal or default");
                }
            });
        }
        if (!gitignored("deploy/compose/.env")) {
            problems.add(".gitignore: does not ignore deploy/compose/.env (compose's variables)");
        }
        assertNone(problems, "secrets");
    }

    @Test
    void theKustomizationListsEveryManifestAndEveryReferenceResolves() throws IOException {
        List<String> problems = new ArrayList<>();
        Path base = stack.home.resolve(StackModel.K8S_BASE);
        Set<String> listed = new LinkedHashSet<>();
        list(stack.kustomization.get("resources")).forEach(r -> listed.add(String.valueOf(r)));
        for (String r : listed) {
            if (!Files.isRegularFile(base.resolve(r))) {
                problems.add(StackModel.K8S_BASE + "/kustomization.yaml: resource " + r + " does not exist");
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).toList()) {
                String rel = base.relativize(f).toString().replace(File.separatorChar, '/');
                if (!rel.equals("kustomization.yaml") && !listed.contains(rel)) {
                    problems.add(StackModel.K8S_BASE + "/" + rel + ": not listed in kustomization.yaml resources");
                }
            }
        }
        Set<String> configMaps = new LinkedHashSet<>();
        Set<String> secrets = new LinkedHashSet<>();
        for (Object g : list(stack.kustomization.get("configMapGenerator"))) {
            configMaps.add(str(map(g).get("name")));
            for (Object f : list(map(g).get("files"))) {
                String file = String.valueOf(f).replaceFirst("^[^=]*=", "");
                if (!Files.isRegularFile(base.resolve(file))) {
                    problems.add(StackModel.K8S_BASE + "/kustomization.yaml: configMapGenerator " + map(g).get("name")
                            + " reads " + file + ", which does not exist");
                }
            }
        }
        list(stack.kustomization.get("secretGenerator")).forEach(g -> secrets.add(str(map(g).get("name"))));
        stack.k8s("ConfigMap").forEach(d -> configMaps.add(str(at(d.getValue(), "metadata", "name"))));
        for (Workload w : stack.k8sWorkloads) {
            for (Object from : list(w.container().get("envFrom"))) {
                refers(problems, w, "ConfigMap", str(at(from, "configMapRef", "name")), configMaps);
                refers(problems, w, "Secret", str(at(from, "secretRef", "name")), secrets);
            }
            for (Env env : w.env().values()) {
                if (env.secretRef() != null) {
                    refers(problems, w, "Secret", env.secretRef().split("/")[0], secrets);
                }
            }
            for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
                refers(problems, w, "ConfigMap", str(at(v, "configMap", "name")), configMaps);
            }
            String serviceName = str(at(w.spec(), "spec", "serviceName"));
            if (serviceName != null && !stack.k8sHosts.containsKey(serviceName)) {
                problems.add(w.label() + ": serviceName " + serviceName + " is no Service");
            }
        }
        List<String> namespaces = stack.k8s("Namespace").stream()
                .map(d -> str(at(d.getValue(), "metadata", "name")))
                .toList();
        if (!namespaces.equals(List.of(String.valueOf(stack.kustomization.get("namespace"))))) {
            problems.add(StackModel.K8S_BASE + "/kustomization.yaml: namespace " + stack.kustomization.get("namespace")
                    + " but the Namespace resources are " + namespaces);
        }
        assertNone(problems, "kustomization");
    }

    private static void refers(List<String> problems, Workload w, String kind, String name, Set<String> known) {
        if (name != null && !known.contains(name)) {
            problems.add(
                    w.label() + ": refers to " + kind + " " + name + ", which is neither a resource nor generated");
        }
    }

    @Test
    void fileStoresLiveOnVolumesAndStatefulAppsRunOnce() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            if (app == null) {
                continue;
            }
            for (String property : dirProperties(app)) {
                String var = StackModel.envName(property);
                Env env = w.env().get(var);
                String dir = env == null ? null : env.value();
                if (dir == null || !dir.startsWith("/")) {
                    problems.add(w.label() + ": " + var + " must be an absolute path (the image's working directory"
                            + " is not writable), found " + dir);
                } else if (w.kind().equals("compose")) {
                    if (app.module().equals("registry-service") && !onComposeVolume(w, dir)) {
                        problems.add(w.label() + ": " + var + "=" + dir + " is on no named volume");
                    }
                } else if (!onPersistentVolume(w, dir)) {
                    problems.add(w.label() + ": " + var + "=" + dir
                            + " is on no PersistentVolumeClaim / volumeClaimTemplate (ReadWriteOnce)");
                }
            }
        }
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            // a ReadWriteMany claim (the shared revocation list) may be mounted by two pods at once
            boolean claims = list(at(w.spec(), "spec", "template", "spec", "volumes")).stream()
                    .map(v -> str(at(v, "persistentVolumeClaim", "claimName")))
                    .anyMatch(c -> c != null && !claimModes(c).contains("ReadWriteMany"));
            if (w.kind().equals("Deployment") && claims) {
                if (!"1".equals(str(at(w.spec(), "spec", "replicas")))) {
                    problems.add(w.label() + ": replicas must be 1 (a ReadWriteOnce volume)");
                }
                if (!"Recreate".equals(str(at(w.spec(), "spec", "strategy", "type")))) {
                    problems.add(w.label() + ": strategy must be Recreate (a rolling update would run two pods)");
                }
            }
            if (app != null && app.module().equals("edge-agent")) {
                Env id = w.env().get("EDGELOOP_AGENT_DEVICE_ID");
                if (!w.kind().equals("StatefulSet") || id == null || !"metadata.name".equals(id.fieldRef())) {
                    problems.add(w.label() + ": agents must be a StatefulSet whose EDGELOOP_AGENT_DEVICE_ID is the pod"
                            + " name (fieldRef metadata.name)");
                }
            }
        }
        assertNone(problems, "volumes and replicas");
    }

    /** Directory properties with relative defaults (registry storage dir, agent model dir). */
    private static List<String> dirProperties(App app) {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(
                stack.home.resolve(app.module()).resolve("src/main/resources/application.properties"))) {
            props.load(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props.stringPropertyNames().stream()
                .filter(k -> !k.startsWith("%")
                        && k.endsWith("-dir")
                        && !props.getProperty(k).startsWith("/"))
                .sorted()
                .toList();
    }

    private static boolean onComposeVolume(Workload w, String dir) {
        Set<String> named = map(stack.compose.get("volumes")).keySet();
        for (Object v : list(w.spec().get("volumes"))) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2 && named.contains(parts[0]) && under(dir, parts[1])) {
                return true;
            }
        }
        return false;
    }

    private static boolean onPersistentVolume(Workload w, String dir) {
        Set<String> persistent = new LinkedHashSet<>();
        for (Object t : list(at(w.spec(), "spec", "volumeClaimTemplates"))) {
            if (list(at(t, "spec", "accessModes")).contains("ReadWriteOnce")) {
                persistent.add(str(at(t, "metadata", "name")));
            }
        }
        for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
            String claim = str(at(v, "persistentVolumeClaim", "claimName"));
            boolean rwo = stack.k8s("PersistentVolumeClaim").stream()
                    .anyMatch(d -> claim != null
                            && claim.equals(str(at(d.getValue(), "metadata", "name")))
                            && list(at(d.getValue(), "spec", "accessModes")).contains("ReadWriteOnce"));
            if (rwo) {
                persistent.add(str(at(v, "name")));
            }
        }
        return list(w.container().get("volumeMounts")).stream()
                .anyMatch(m -> persistent.contains(str(at(m, "name"))) && under(dir, str(at(m, "mountPath"))));
    }

    /** The access modes of PersistentVolumeClaim {@code name} of the base. */
    static List<Object> claimModes(String name) {
        return stack.k8s("PersistentVolumeClaim").stream()
                .filter(d -> name.equals(str(at(d.getValue(), "metadata", "name"))))
                .flatMap(d -> list(at(d.getValue(), "spec", "accessModes")).stream())
                .toList();
    }

    private static boolean under(String dir, String mount) {
        String m = mount.endsWith("/") ? mount : mount + "/";
        return dir.equals(mount) || dir.startsWith(m);
    }

    @Test
    void heapsMatchComposeAndFitTheMemoryLimits() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            Map<String, Object> res = map(w.container().get("resources"));
            Long limit = bytes(str(at(res, "limits", "memory")));
            Long request = bytes(str(at(res, "requests", "memory")));
            if (limit == null || request == null || at(res, "requests", "cpu") == null) {
                problems.add(w.label() + ": needs resources.requests (cpu, memory) and limits.memory");
                continue;
            }
            if (request > limit) {
                problems.add(w.label() + ": memory request " + request + " is above the limit " + limit);
            }
            Optional<Long> heap = heap(w);
            if (app != null && heap.isEmpty()) {
                problems.add(w.label() + ": JAVA_OPTS sets no -Xmx");
                continue;
            }
            // beside the heap: the metaspace cap where JAVA_OPTS sets one, plus 128 MiB of native memory (ONNX
            // Runtime, code cache, stacks); else 384 MiB for an app, 256 MiB for Kafka/PostgreSQL/Zipkin
            Optional<Long> metaspace = option(w, META);
            long headroom = app != null && metaspace.isPresent()
                    ? metaspace.get() + (128L << 20)
                    : (app != null ? 384L : 256L) << 20;
            if (heap.isPresent() && limit < heap.get() + headroom) {
                problems.add(w.label() + ": memory limit " + (limit >> 20) + " MiB leaves less than " + (headroom >> 20)
                        + " MiB beside the " + (heap.get() >> 20) + " MiB heap");
            }
            if (app != null) {
                for (Workload c : workloads(stack.composeWorkloads, app)) {
                    Optional<Long> composeHeap = heap(c);
                    if (!composeHeap.equals(heap)) {
                        problems.add(w.label() + ": heap "
                                + heap.map(h -> (h >> 20) + " MiB").orElse("unset") + ", but " + c.label() + " uses "
                                + composeHeap.map(h -> (h >> 20) + " MiB").orElse("unset"));
                    }
                }
            }
        }
        assertNone(problems, "memory");
    }

    private static Optional<Long> heap(Workload w) {
        return option(w, XMX);
    }

    /** The size an option of {@code JAVA_OPTS} (or {@code KAFKA_HEAP_OPTS}) sets, e.g. {@link #XMX}. */
    private static Optional<Long> option(Workload w, Pattern option) {
        for (String var : List.of("JAVA_OPTS", "KAFKA_HEAP_OPTS")) {
            Env env = w.env().get(var);
            Matcher m = env == null || env.value() == null ? null : option.matcher(env.value());
            if (m != null && m.find()) {
                return Optional.of(Long.parseLong(m.group(1)) << shift(m.group(2)));
            }
        }
        return Optional.empty();
    }

    private static int shift(String unit) {
        return switch (unit.toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
    }

    /** A Kubernetes memory quantity in bytes (Ki/Mi/Gi, k/M/G or plain), or null. */
    static Long bytes(String quantity) {
        if (quantity == null) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }

    @Test
    void podsRunAsNonRootAndThirdPartyImagesMatchCompose() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.k8sWorkloads) {
            Map<String, Object> pod = map(at(w.spec(), "spec", "template", "spec", "securityContext"));
            Map<String, Object> ctr = map(w.container().get("securityContext"));
            Object nonRoot = ctr.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot"));
            Object user = ctr.getOrDefault("runAsUser", pod.get("runAsUser"));
            if (!Boolean.TRUE.equals(nonRoot)) {
                problems.add(w.label() + ": securityContext.runAsNonRoot must be true");
            }
            if (user == null || "0".equals(str(user))) {
                problems.add(w.label() + ": securityContext.runAsUser must be a non-root uid (images with a named"
                        + " USER cannot be verified otherwise)");
            } else if (stack.appOf(w.image()) != null && !str(user).equals(stack.imageUser)) {
                problems.add(w.label() + ": runAsUser " + user + ", but " + StackModel.DOCKERFILE + " runs as USER "
                        + stack.imageUser);
            }
            if (!Boolean.FALSE.equals(ctr.get("allowPrivilegeEscalation"))) {
                problems.add(w.label() + ": securityContext.allowPrivilegeEscalation must be false");
            }
            if (stack.appOf(w.image()) == null) {
                List<String> compose = stack.composeWorkloads.stream()
                        .filter(c -> w.image().equals(c.image()))
                        .map(Workload::fullImage)
                        .toList();
                if (!compose.contains(w.fullImage())) {
                    problems.add(w.label() + ": image " + w.fullImage() + ", but compose runs " + compose);
                }
            }
        }
        assertNone(problems, "pods");
    }

    // ---- auth and secrets (EdgeLoop issue 9: the apps refuse to start without their auth settings)

    @Test
    void everyAppHasItsAuthSettingsAndOnlyItsOwnSecrets() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            if (app == null) {
                continue;
            }
            boolean agent = app.module().equals("edge-agent");
            List<Mounted> mounted = secretFiles(w);
            expectFile(problems, w, mounted, "EDGELOOP_AUTH_PUBLIC_KEY", "auth/verify-keys.jwks");
            String revocation = value(w, "EDGELOOP_AUTH_REVOCATION_FILE");
            boolean writer = app.module().equals("deployment-service");
            if (revocation == null || !revocation.startsWith("/")) {
                problems.add(w.label() + ": EDGELOOP_AUTH_REVOCATION_FILE must name the shared revocation list");
            } else if (!onRevocationVolume(w, revocation, writer)) {
                problems.add(
                        w.label() + ": EDGELOOP_AUTH_REVOCATION_FILE=" + revocation + " must be on the volume every"
                                + " app shares (compose: named volume revocations; Kubernetes: claim edgeloop-revocations)"
                                + (writer ? ", writable: deployment-service appends revoked devices" : ""));
            }
            if (agent) {
                agentCredential(problems, w, mounted);
            } else if (app.module().equals("console")) {
                // no identity or database of its own (it forwards each user's token to the services); given a broker,
                // its Kafka login for the live event stream
                if (value(w, "EDGELOOP_AUTH_TOKEN_FILE") != null) {
                    problems.add(w.label() + ": the console has no token of its own (users log in with theirs)");
                }
                if (value(w, "KAFKA_BOOTSTRAP_SERVERS") == null) {
                    problems.add(w.label() + ": KAFKA_BOOTSTRAP_SERVERS is not set: the overview's live event stream"
                            + " would be off");
                } else if (find(mounted, "/app/config/application.properties")
                        .filter(m -> "services/console/application.properties".equals(m.file()))
                        .isEmpty()) {
                    problems.add(w.label() + ": reads events, so /app/config/application.properties (its Kafka login)"
                            + " must be its own secrets/services/console/application.properties");
                }
            } else {
                expectFile(
                        problems,
                        w,
                        mounted,
                        "EDGELOOP_AUTH_TOKEN_FILE",
                        "services/" + app.module() + "/service.token");
                if (find(mounted, "/app/config/application.properties")
                        .filter(m -> ("services/" + app.module() + "/application.properties").equals(m.file()))
                        .isEmpty()) {
                    problems.add(w.label() + ": /app/config/application.properties (its database password and Kafka"
                            + " login) must be its own secrets/services/" + app.module() + "/application.properties");
                }
            }
            for (Mounted m : mounted) {
                if (!ownSecret(w, app, m)) {
                    problems.add(w.label() + ": gets " + m.path() + " (" + (m.file() == null ? m.secret() : m.file())
                            + "), which is not its own secret");
                }
            }
        }
        assertNone(problems, "auth settings");
    }

    private static void agentCredential(List<String> problems, Workload w, List<Mounted> mounted) {
        String token = value(w, "EDGELOOP_AUTH_TOKEN_FILE");
        if (token == null || !onVolume(w, token, true)) {
            problems.add(w.label() + ": EDGELOOP_AUTH_TOKEN_FILE=" + token + " must be on a writable volume (the agent"
                    + " renews its credential there and keeps it across restarts)");
        }
        Env id = w.env().get("EDGELOOP_AGENT_DEVICE_ID");
        String seed = value(w, "DEVICE_CREDENTIAL_SEED");
        List<Mounted> seeds = seed == null
                ? List.of()
                : mounted.stream().filter(m -> matchesPath(seed, m.path())).toList();
        boolean own = !seeds.isEmpty()
                && seeds.stream()
                        .allMatch(m -> m.file() != null
                                && m.file().matches("agents/[^/]+/device\\.token")
                                && (id == null
                                        || !id.isLiteral()
                                        || m.file().equals("agents/" + id.value() + "/device.token")));
        if (!own) {
            problems.add(w.label() + ": DEVICE_CREDENTIAL_SEED=" + seed + " must name the mounted credential of its"
                    + " own device (secrets/agents/<device id>/device.token)");
        }
    }

    /** What an app may get: the JWK set, its own service secrets, an agent a device credential. */
    private static boolean ownSecret(Workload w, App app, Mounted m) {
        if (m.file() == null) {
            return false;
        }
        if (m.file().equals("auth/verify-keys.jwks")) {
            return true;
        }
        if (app.module().equals("edge-agent")) {
            Env id = w.env().get("EDGELOOP_AGENT_DEVICE_ID");
            return id != null && id.isLiteral()
                    ? m.file().equals("agents/" + id.value() + "/device.token")
                    : m.file().matches("agents/[^/]+/device\\.token"); // one pod template for every device
        }
        return m.file().startsWith("services/" + app.module() + "/");
    }

    @Test
    void onlyDeploymentServiceGetsTheDeviceIssuerKey() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            boolean deployment = app != null && app.module().equals("deployment-service");
            List<Mounted> issuer = secretFiles(w).stream()
                    .filter(m -> m.file() != null && m.file().endsWith("device-issuer.key"))
                    .toList();
            String env = value(w, "EDGELOOP_AUTH_DEVICE_ISSUER_KEY");
            if (deployment) {
                if (issuer.isEmpty()
                        || env == null
                        || issuer.stream().noneMatch(m -> m.path().equals(env))) {
                    problems.add(
                            w.label() + ": EDGELOOP_AUTH_DEVICE_ISSUER_KEY must name the mounted device issuer key");
                }
            } else if (!issuer.isEmpty() || env != null) {
                problems.add(w.label() + ": gets the device issuer's private key; only deployment-service may");
            }
        }
        // every pod template of the base (Jobs and init containers included) and every compose service
        Set<String> issuerSecrets = new LinkedHashSet<>();
        generatedSecrets().forEach((name, keys) -> {
            if (keys.values().stream().anyMatch(f -> f != null && f.endsWith("device-issuer.key"))) {
                issuerSecrets.add(name);
            }
        });
        for (var d : stack.k8sDocs) {
            for (Object v : list(at(d.getValue(), "spec", "template", "spec", "volumes"))) {
                String secret = str(at(v, "secret", "secretName"));
                String name = d.getValue().get("kind") + "/" + at(d.getValue(), "metadata", "name");
                if (issuerSecrets.contains(secret) && !name.equals("Deployment/deployment-service")) {
                    problems.add(d.getKey() + ": " + name + " mounts Secret " + secret + " (the device issuer key)");
                }
            }
        }
        assertTrue(!issuerSecrets.isEmpty(), "no secretGenerator holds device-issuer.key");
        assertNone(problems, "device issuer key");
    }

    @Test
    void deploymentAndRegistryShareTheGrantKeyAndNoOneElseHasIt() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            boolean holder = app != null && SecretsCommand.GRANT_KEY_HOLDERS.contains(app.module());
            List<Mounted> key = secretFiles(w).stream()
                    .filter(m -> m.file() != null && m.file().endsWith("/" + GrantKey.FILE))
                    .toList();
            String env = value(w, "EDGELOOP_AUTH_GRANT_KEY");
            if (holder) {
                if (env == null || key.stream().noneMatch(m -> m.path().equals(env))) {
                    problems.add(w.label() + ": EDGELOOP_AUTH_GRANT_KEY must name the mounted grant key");
                }
            } else if (!key.isEmpty() || env != null) {
                problems.add(
                        w.label() + ": gets the download-grant key; only " + SecretsCommand.GRANT_KEY_HOLDERS + " may");
            }
        }
        assertNone(problems, "grant key");
    }

    @Test
    void kafkaClientsLogInWithSaslAndTheBrokerAllowsOnlyTheirGrants() {
        List<String> problems = new ArrayList<>();
        Set<String> mechanisms = new LinkedHashSet<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            // an app that needs Kafka, or any workload given a broker (the console reads events only when it is)
            if (app == null || !(usesKafka(app) || value(w, "KAFKA_BOOTSTRAP_SERVERS") != null)) {
                continue;
            }
            String protocol = value(w, "KAFKA_SECURITY_PROTOCOL");
            String mechanism = value(w, "KAFKA_SASL_MECHANISM");
            if (protocol == null || !protocol.matches("SASL_(PLAINTEXT|SSL)")) {
                problems.add(
                        w.label() + ": KAFKA_SECURITY_PROTOCOL=" + protocol + ", expected SASL_PLAINTEXT/SASL_SSL");
            }
            if (mechanism == null || !mechanism.matches("SCRAM-SHA-(256|512)")) {
                problems.add(w.label() + ": KAFKA_SASL_MECHANISM=" + mechanism + ", expected SCRAM-SHA-256/512");
            } else {
                mechanisms.add(mechanism);
            }
            if (w.env().containsKey("KAFKA_SASL_JAAS_CONFIG")) {
                problems.add(w.label() + ": KAFKA_SASL_JAAS_CONFIG holds a password: use the mounted"
                        + " /app/config/application.properties (kafka.sasl.jaas.config)");
            }
        }
        for (Workload w : all()) {
            if (!"apache/kafka".equals(w.image()) || value(w, "KAFKA_PROCESS_ROLES") == null) {
                continue;
            }
            broker(problems, w, mechanisms);
        }
        problems.addAll(kafkaInitGrants());
        assertNone(problems, "Kafka security");
    }

    private static void broker(List<String> problems, Workload w, Set<String> mechanisms) {
        String map = String.valueOf(value(w, "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
        for (String entry : map.split(",")) {
            if (!entry.replaceFirst("^[^:]*:", "").startsWith("SASL_")) {
                problems.add(w.label() + ": listener " + entry + " does not authenticate (KAFKA_LISTENER_SECURITY_"
                        + "PROTOCOL_MAP)");
            }
        }
        Map<String, String> expected = Map.of(
                "KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false",
                "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false",
                "KAFKA_SUPER_USERS", "User:" + SecretsCommand.KAFKA_ADMIN);
        expected.forEach((k, v) -> {
            if (!v.equals(value(w, k))) {
                problems.add(w.label() + ": " + k + "=" + value(w, k) + ", expected " + v);
            }
        });
        String enabled = String.valueOf(value(w, "KAFKA_SASL_ENABLED_MECHANISMS"));
        for (String m : mechanisms) {
            if (!List.of(enabled.split(",")).contains(m)) {
                problems.add(w.label() + ": KAFKA_SASL_ENABLED_MECHANISMS=" + enabled + " lacks the clients' " + m);
            }
        }
        if (find(secretFiles(w), "/mnt/shared/config/server.properties")
                .filter(m -> "kafka/server.properties".equals(m.file()))
                .isEmpty()) {
            problems.add(w.label() + ": the listener logins must be the mounted secrets/kafka/server.properties at"
                    + " /mnt/shared/config/server.properties");
        }
    }

    /** kafka-init.sh's topics and grants against the launcher's tested ACL matrix ({@link KafkaAccess}). */
    private static List<String> kafkaInitGrants() {
        List<String> problems = new ArrayList<>();
        String file = StackModel.K8S_BASE + "/kafka-init.sh";
        String script = StackModel.read(stack.home.resolve(file));
        Map<String, KafkaAccess.Grant> found = new TreeMap<>();
        Matcher m =
                Pattern.compile("(?m)^grant (\\S+) \"([^\"]*)\" \"([^\"]*)\"$").matcher(script);
        while (m.find()) {
            found.put(m.group(1), new KafkaAccess.Grant(words(m.group(2)), words(m.group(3))));
        }
        Map<String, KafkaAccess.Grant> expected = new TreeMap<>(KafkaAccess.SERVICES);
        expected.putAll(KafkaAccess.READERS);
        for (var e : expected.entrySet()) {
            KafkaAccess.Grant g = found.get(e.getKey());
            if (g == null
                    || !Set.copyOf(g.produces()).equals(Set.copyOf(e.getValue().produces()))
                    || !Set.copyOf(g.consumes()).equals(Set.copyOf(e.getValue().consumes()))) {
                problems.add(file + ": grant " + e.getKey() + " " + g + ", but KafkaAccess grants " + e.getValue());
            }
        }
        found.keySet().stream()
                .filter(u -> !expected.containsKey(u))
                .forEach(u -> problems.add(file + ": grants user " + u + ", which KafkaAccess does not know"));
        Matcher topics = Pattern.compile("for topic in ([^;]+);").matcher(script);
        String created = topics.find() ? topics.group(1) : "";
        if (!Set.copyOf(words(created)).equals(Set.copyOf(io.edgeloop.common.Topics.ALL))) {
            problems.add(file + ": creates topics '" + created + "', expected " + io.edgeloop.common.Topics.ALL
                    + " (and their -dlq)");
        }
        return problems;
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    private static boolean usesKafka(App app) {
        // a property set (the services' %prod broker), not a comment mentioning one
        return Pattern.compile("(?m)^[^#\\n]*kafka\\.bootstrap\\.servers\\s*=")
                .matcher(StackModel.read(
                        stack.home.resolve(app.module()).resolve("src/main/resources/application.properties")))
                .find();
    }

    @Test
    void servicesConnectToPostgresAsTheirOwnRoleNeverTheSuperuser() {
        List<String> problems = new ArrayList<>();
        for (var deployment : deployments()) {
            List<Workload> postgres = deployment.workloads().stream()
                    .filter(w -> "postgres".equals(w.image()))
                    .toList();
            Set<String> superusers = new LinkedHashSet<>(List.of("postgres"));
            for (Workload p : postgres) {
                Optional.ofNullable(value(p, "POSTGRES_USER")).ifPresent(superusers::add);
                postgresServer(problems, p);
            }
            for (Workload w : deployment.workloads()) {
                App app = stack.appOf(w.image());
                if (app == null || app.database() == null) {
                    continue;
                }
                String user = value(w, "QUARKUS_DATASOURCE_USERNAME");
                if (user == null || superusers.contains(user)) {
                    problems.add(w.label() + ": QUARKUS_DATASOURCE_USERNAME=" + user + " is the PostgreSQL superuser"
                            + " (or unset); use its own role " + app.database());
                } else if (!user.equals(app.database())) {
                    problems.add(w.label() + ": QUARKUS_DATASOURCE_USERNAME=" + user + ", but the role owning "
                            + app.database() + " is " + app.database());
                }
            }
        }
        String sql = StackModel.read(stack.home.resolve(StackModel.INIT_SQL));
        for (String db : stack.initDatabases) {
            String role = "CREATE ROLE " + db + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE";
            for (String expected : List.of(
                    "\\set pw `cat /run/secrets/edgeloop-db/" + db + "`",
                    role,
                    "CREATE DATABASE " + db + " OWNER " + db + ";",
                    "REVOKE ALL ON DATABASE " + db + " FROM PUBLIC;")) {
                if (!sql.contains(expected)) {
                    problems.add(StackModel.INIT_SQL + ": lacks '" + expected + "'");
                }
            }
        }
        assertNone(problems, "database roles");
    }

    private static void postgresServer(List<String> problems, Workload p) {
        if (p.env().containsKey("POSTGRES_PASSWORD")) {
            problems.add(p.label() + ": POSTGRES_PASSWORD: use POSTGRES_PASSWORD_FILE (a mounted secret)");
        }
        expectFile(problems, p, secretFiles(p), "POSTGRES_PASSWORD_FILE", "postgres/superuser");
        if (!"scram-sha-256".equals(value(p, "POSTGRES_HOST_AUTH_METHOD"))) {
            problems.add(p.label() + ": POSTGRES_HOST_AUTH_METHOD must be scram-sha-256");
        }
        for (String db : stack.initDatabases) {
            if (find(secretFiles(p), "/run/secrets/edgeloop-db/" + db)
                    .filter(m -> ("postgres/" + db).equals(m.file()))
                    .isEmpty()) {
                problems.add(p.label() + ": init-databases.sql reads /run/secrets/edgeloop-db/" + db
                        + ", which is not the mounted secrets/postgres/" + db);
            }
        }
    }

    @Test
    void noSecretValueIsWrittenInTheDeploymentFiles() throws IOException {
        Map<String, Pattern> literal = Map.of(
                "a token (JWT)", Pattern.compile("eyJ[\\w-]{8,}\\.[\\w-]{8,}"),
                "a private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
                "a JAAS password", Pattern.compile("password\\s*=\\s*\\\\?\"(?!\\$)[^\"\\\\]+"),
                "an SQL password", Pattern.compile("(?i)PASSWORD\\s+'[^']*'"),
                "a SCRAM password", Pattern.compile("[\\[,]password=(?![$\"\\\\])[^\\],\\s]+"),
                "a generated password", Pattern.compile("\\b[0-9a-f]{32}\\b"));
        List<String> problems = new ArrayList<>();
        for (String root : List.of("deploy/compose", "deploy/k8s", "deploy/docker")) {
            try (Stream<Path> files = Files.walk(stack.home.resolve(root))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String file = stack.home.relativize(f).toString().replace(File.separatorChar, '/');
                    if (gitignored(file)) {
                        continue;
                    }
                    String text = StackModel.read(f);
                    literal.forEach((what, pattern) -> {
                        Matcher m = pattern.matcher(text);
                        if (m.find()) {
                            problems.add(file + ": holds " + what + ": " + m.group());
                        }
                    });
                }
            }
        }
        for (Object def : map(stack.compose.get("secrets")).values()) {
            String file = str(at(def, "file"));
            if (file == null || !gitignored("deploy/compose/" + file.replaceFirst("^\\./", ""))) {
                problems.add(StackModel.COMPOSE + ": secret " + def + " must be a git-ignored file (secrets init)");
            }
        }
        assertNone(problems, "literal secrets");
    }

    @Test
    void secretsInitWritesEveryFileTheManifestsRead(@TempDir Path tmp) {
        Set<String> devices = new TreeSet<>();
        for (Workload w : stack.composeWorkloads) {
            Env id = w.env().get("EDGELOOP_AGENT_DEVICE_ID");
            if (id != null && id.isLiteral()) {
                devices.add(id.value());
            }
        }
        generatedSecrets()
                .getOrDefault("edgeloop-devices", Map.of())
                .keySet()
                .forEach(k -> devices.add(k.replaceFirst("\\.token$", "")));
        new SecretsCommand.Writer(tmp, java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), false)
                .write(List.copyOf(devices));
        List<String> problems = new ArrayList<>();
        map(stack.compose.get("secrets")).forEach((name, def) -> {
            String file = String.valueOf(at(def, "file")).replaceFirst("^\\./secrets/", "");
            if (!Files.isRegularFile(tmp.resolve(file))) {
                problems.add(StackModel.COMPOSE + ": secret " + name + " reads " + file
                        + ", which secrets init does not" + " write");
            }
        });
        generatedSecrets()
                .forEach((name, keys) -> keys.forEach((key, file) -> {
                    if (file == null || !Files.isRegularFile(tmp.resolve(file))) {
                        problems.add(StackModel.K8S_BASE + "/kustomization.yaml: Secret " + name + " key " + key
                                + " reads " + file + ", which secrets init does not write");
                    }
                }));
        for (Workload w : stack.k8sWorkloads) {
            if ("edgeloop/edge-agent".equals(w.image())) {
                int replicas = Integer.parseInt(String.valueOf(at(w.spec(), "spec", "replicas")));
                for (int i = 0; i < replicas; i++) {
                    String pod = at(w.spec(), "metadata", "name") + "-" + i;
                    if (!generatedSecrets()
                            .getOrDefault("edgeloop-devices", Map.of())
                            .containsKey(pod + ".token")) {
                        problems.add(w.label() + ": pod " + pod + " has no seed credential in Secret edgeloop-devices");
                    }
                }
            }
        }
        assertNone(problems, "secret files");
    }

    /** A file a container gets from a secret: where it sees it, the secret, and the file of `secrets init` it is. */
    record Mounted(String path, String secret, String file) {}

    /** The secret files mounted into {@code w}'s container (compose {@code secrets:}, Kubernetes Secret volumes). */
    static List<Mounted> secretFiles(Workload w) {
        List<Mounted> out = new ArrayList<>();
        if (w.kind().equals("compose")) {
            Map<String, Object> defs = map(stack.compose.get("secrets"));
            for (Object s : list(w.spec().get("secrets"))) {
                String source = s instanceof Map<?, ?> m ? str(m.get("source")) : str(s);
                String target = str(at(s, "target"));
                String path = target == null
                        ? "/run/secrets/" + source
                        : target.startsWith("/") ? target : "/run/secrets/" + target;
                String file = str(at(defs.get(source), "file"));
                out.add(new Mounted(path, source, file == null ? null : file.replaceFirst("^\\./secrets/", "")));
            }
            return out;
        }
        Map<String, Object> volumes = new LinkedHashMap<>();
        list(at(w.spec(), "spec", "template", "spec", "volumes")).forEach(v -> volumes.put(str(at(v, "name")), v));
        for (Object mount : list(w.container().get("volumeMounts"))) {
            Object v = volumes.get(str(at(mount, "name")));
            String secret = str(at(v, "secret", "secretName"));
            if (secret == null) {
                continue;
            }
            Map<String, String> keys = generatedSecrets().getOrDefault(secret, Map.of());
            Map<String, String> shown = new LinkedHashMap<>(); // key -> path inside the volume
            List<Object> items = list(at(v, "secret", "items"));
            if (items.isEmpty()) {
                keys.keySet().forEach(k -> shown.put(k, k));
            } else {
                items.forEach(i -> shown.put(str(at(i, "key")), str(at(i, "path"))));
            }
            String path = str(at(mount, "mountPath"));
            String subPath = str(at(mount, "subPath"));
            shown.forEach((key, inVolume) -> {
                if (subPath == null) {
                    out.add(new Mounted(path + "/" + inVolume, secret, keys.get(key)));
                } else if (subPath.equals(inVolume)) {
                    out.add(new Mounted(path, secret, keys.get(key)));
                }
            });
        }
        return out;
    }

    /** The base's secretGenerator: Secret name -> key -> file under {@code secrets/} (as secrets init lays it out). */
    static Map<String, Map<String, String>> generatedSecrets() {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (Object g : list(stack.kustomization.get("secretGenerator"))) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (Object f : list(map(g).get("files"))) {
                String spec = String.valueOf(f);
                String file = spec.replaceFirst("^[^=]*=", "");
                String key = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : file.replaceFirst(".*/", "");
                keys.put(key, file.startsWith("secrets/") ? file.substring("secrets/".length()) : null);
            }
            all.put(str(map(g).get("name")), keys);
        }
        return all;
    }

    private static Optional<Mounted> find(List<Mounted> mounted, String path) {
        return mounted.stream().filter(m -> m.path().equals(path)).findFirst();
    }

    /** Checks that variable {@code var} names a mounted secret file, {@code file} of secrets init when not null. */
    private static void expectFile(List<String> problems, Workload w, List<Mounted> mounted, String var, String file) {
        String v = value(w, var);
        Optional<Mounted> m = v == null ? Optional.empty() : find(mounted, v);
        if (m.isEmpty()) {
            problems.add(w.label() + ": " + var + "=" + v + " must name a file mounted from a secret");
        } else if (file != null && !file.equals(m.get().file())) {
            problems.add(w.label() + ": " + var + "=" + v + " is " + m.get().file() + ", expected secrets/" + file);
        }
    }

    /** Whether {@code env} is a path naming a secret file or directory mounted into {@code w}, or its own credential. */
    private static boolean namesAFile(Workload w, Env env) {
        String v = env.value();
        if (v == null || !v.startsWith("/")) {
            return false;
        }
        if (secretFiles(w).stream()
                .anyMatch(m -> matchesPath(v, m.path()) || m.path().startsWith(v + "/"))) {
            return true;
        }
        // an agent's own credential: on its writable volume, first copied from its mounted seed
        return v.equals(value(w, "EDGELOOP_AUTH_TOKEN_FILE"))
                && value(w, "DEVICE_CREDENTIAL_SEED") != null
                && onVolume(w, v, true);
    }

    /** {@code value} with Kubernetes' {@code $(VAR)} references read as any one path segment, against {@code path}. */
    private static boolean matchesPath(String value, String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : value.split("\\$\\([A-Z0-9_]+\\)", -1)) {
            if (regex.length() > 0) {
                regex.append("[^/]+");
            }
            regex.append(Pattern.quote(part));
        }
        return path.matches(regex.toString());
    }

    private static boolean onRevocationVolume(Workload w, String file, boolean writable) {
        if (w.kind().equals("compose")) {
            return volumeMounts(w).stream()
                    .anyMatch(v -> v[0].equals("revocations") && under(file, v[1]) && (!writable || v[2] == null));
        }
        return volumeMounts(w).stream()
                .anyMatch(v ->
                        "claim:edgeloop-revocations".equals(v[0]) && under(file, v[1]) && (!writable || v[2] == null));
    }

    /** Whether {@code file} is on a named volume (compose) or persistent claim (Kubernetes), writable if asked. */
    private static boolean onVolume(Workload w, String file, boolean writable) {
        return volumeMounts(w).stream()
                .anyMatch(v -> v[0] != null
                        && under(file, v[1])
                        && (!writable || v[2] == null)
                        && (w.kind().equals("compose") || v[0].startsWith("claim:")));
    }

    /** {@code [volume, mount path, "ro" or null]} of {@code w}; Kubernetes claims as {@code claim:<name>}. */
    private static List<String[]> volumeMounts(Workload w) {
        List<String[]> out = new ArrayList<>();
        if (w.kind().equals("compose")) {
            Set<String> named = map(stack.compose.get("volumes")).keySet();
            for (Object v : list(w.spec().get("volumes"))) {
                String[] parts = String.valueOf(v).split(":");
                if (parts.length >= 2 && named.contains(parts[0])) {
                    out.add(new String[] {parts[0], parts[1], parts.length > 2 && parts[2].contains("ro") ? "ro" : null
                    });
                }
            }
            return out;
        }
        Map<String, String> claims = new LinkedHashMap<>();
        for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
            String claim = str(at(v, "persistentVolumeClaim", "claimName"));
            if (claim != null) {
                claims.put(str(at(v, "name")), "claim:" + claim);
            }
        }
        for (Object t : list(at(w.spec(), "spec", "volumeClaimTemplates"))) {
            String name = str(at(t, "metadata", "name"));
            claims.put(name, "claim:" + name);
        }
        for (Object m : list(w.container().get("volumeMounts"))) {
            String claim = claims.get(str(at(m, "name")));
            if (claim != null) {
                out.add(new String[] {
                    claim, str(at(m, "mountPath")), Boolean.TRUE.equals(at(m, "readOnly")) ? "ro" : null
                });
            }
        }
        return out;
    }

    private static String value(Workload w, String var) {
        Env e = w.env().get(var);
        return e == null ? null : e.value();
    }

    // ---- helpers

    /** One way of running the stack: its workloads and the host names they reach each other by. */
    private record Deployment(String what, List<Workload> workloads, Map<String, Host> hosts) {}

    private static List<Deployment> deployments() {
        return List.of(
                new Deployment("compose service", stack.composeWorkloads, stack.composeHosts),
                new Deployment("Kubernetes Service", stack.k8sWorkloads, stack.k8sHosts));
    }

    private static List<Workload> all() {
        List<Workload> all = new ArrayList<>(stack.composeWorkloads);
        all.addAll(stack.k8sWorkloads);
        return all;
    }

    private static List<Workload> workloads(List<Workload> from, App app) {
        return from.stream().filter(w -> app.image().equals(w.image())).toList();
    }

    private static List<Object> concat(Object a, Object b) {
        List<Object> all = new ArrayList<>(list(a));
        all.addAll(list(b));
        return all;
    }

    /**
     * Whether a .gitignore (the repository's, or one in a directory above the file) names {@code file}, its name, or a
     * directory ({@code dir/}) it lies in. Enough for the patterns this repository uses; not git's full syntax.
     */
    static boolean gitignored(String file) {
        String[] parts = file.split("/");
        String dir = "";
        for (int i = 0; i < parts.length; i++) {
            Path ignore = stack.home.resolve(dir + ".gitignore");
            if (Files.exists(ignore) && ignores(StackModel.read(ignore), file.substring(dir.length()))) {
                return true;
            }
            dir = dir + parts[i] + "/";
        }
        return false;
    }

    private static boolean ignores(String gitignore, String relative) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        return gitignore
                .lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .anyMatch(l -> {
                    String pattern = l.replaceFirst("^/", "");
                    if (pattern.endsWith("/")) {
                        return relative.startsWith(pattern) || !l.startsWith("/") && relative.contains("/" + pattern);
                    }
                    return pattern.equals(relative) || l.equals(name);
                });
    }

    private static void assertNone(List<String> problems, String what) {
        assertTrue(
                problems.isEmpty(),
                () -> problems.size() + " " + what + " mismatch(es):\n  " + String.join("\n  ", problems));
    }
}
