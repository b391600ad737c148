package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Host;
import io.edgeloop.deploy.StackModel.Workload;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

    private static StackModel stack;

    @BeforeAll
    static void read() {
        stack = new StackModel(home());
    }

    private static Path home() {
        Path start = Path.of(System.getProperty("edgeloop.home", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(StackModel.COMPOSE))) {
                return d;
            }
        }
        throw new IllegalStateException("no " + StackModel.COMPOSE + " in or above " + start);
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
                if (app != null && !app.ports().equals(host.ports())) {
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
                    }
                }
            }
        }
        assertNone(problems, "gRPC clients");
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
                if (SECRETISH.matcher(name).find()) {
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
                if (SECRETISH.matcher(name).find() && !env.value().matches("\\$\\{\\w+(:?\\?[^}]*)?}")) {
                    problems.add(w.label() + ": " + name + "=" + env.value()
                            + " must be a required variable (${VAR:?message}), with no literal or default");
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
            boolean claims = list(at(w.spec(), "spec", "template", "spec", "volumes")).stream()
                    .anyMatch(v -> at(v, "persistentVolumeClaim") != null);
            boolean single = app != null && app.module().equals("training-service");
            if (w.kind().equals("Deployment") && (claims || single)) {
                if (!"1".equals(str(at(w.spec(), "spec", "replicas")))) {
                    problems.add(w.label() + ": replicas must be 1"
                            + (claims ? " (a ReadWriteOnce volume)" : " (one training at a time)"));
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
            long headroom = (app != null ? 384L : 256L) << 20;
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
        for (String var : List.of("JAVA_OPTS", "KAFKA_HEAP_OPTS")) {
            Env env = w.env().get(var);
            Matcher m = env == null || env.value() == null ? null : XMX.matcher(env.value());
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

    /**
     * Where kubectl is installed (it embeds kustomize), renders the base as {@code kubectl apply -k} would, with a
     * throw-away db.env, and checks the result: generated names are substituted and every image has its tag.
     */
    @Test
    void kustomizeRendersTheBase(@TempDir Path tmp) throws IOException, InterruptedException {
        Optional<Path> kubectl = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(p -> !p.isBlank())
                .map(p -> Path.of(p, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(kubectl.isPresent(), "kubectl is not installed: the rendering is not checked");
        Path base = stack.home.resolve(StackModel.K8S_BASE);
        Path copy = tmp.resolve("base");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(base.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().equals("db.env")) {
                    Files.copy(f, to);
                }
            }
        }
        Files.writeString(copy.resolve("db.env"), "EDGELOOP_DB_PASSWORD=rendering-test-only\n");
        Path out = tmp.resolve("rendered.yaml");
        Process p = new ProcessBuilder(kubectl.get().toString(), "kustomize", copy.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish in 60 s");
        String rendered = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "kubectl kustomize " + StackModel.K8S_BASE + " failed:\n" + rendered);
        List<String> problems = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            docs.add(map(doc));
            names.add(map(doc).get("kind") + "/" + at(doc, "metadata", "name"));
            if (!"Namespace".equals(map(doc).get("kind")) && !"edgeloop".equals(at(doc, "metadata", "namespace"))) {
                problems.add(
                        map(doc).get("kind") + "/" + at(doc, "metadata", "name") + " is not in namespace edgeloop");
            }
        }
        for (Map<String, Object> doc : docs) {
            for (Object c : list(at(doc, "spec", "template", "spec", "containers"))) {
                String image = str(map(c).get("image"));
                if (image.startsWith("edgeloop/") && !image.matches("edgeloop/[\\w-]+:[\\w.-]+")) {
                    problems.add(doc.get("kind") + "/" + at(doc, "metadata", "name") + ": image " + image
                            + " has no tag from kustomization images:");
                }
                for (Object e : list(map(c).get("env"))) {
                    Object ref = at(e, "valueFrom", "secretKeyRef", "name");
                    if (ref != null && !names.contains("Secret/" + ref)) {
                        problems.add(doc.get("kind") + "/" + at(doc, "metadata", "name") + ": Secret " + ref
                                + " is not in the rendered output");
                    }
                }
            }
        }
        assertTrue(names.contains("StatefulSet/edge"), "rendered: " + names);
        assertNone(problems, "rendered base");
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

    private static boolean gitignored(String file) {
        Path ignore = stack.home.resolve(".gitignore");
        if (!Files.exists(ignore)) {
            return false;
        }
        String name = file.substring(file.lastIndexOf('/') + 1);
        return StackModel.read(ignore)
                .lines()
                .map(String::trim)
                .anyMatch(l -> l.replaceFirst("^/", "").equals(file) || l.equals(name));
    }

    private static void assertNone(List<String> problems, String what) {
        assertTrue(
                problems.isEmpty(),
                () -> problems.size() + " " + what + " mismatch(es):\n  " + String.join("\n  ", problems));
    }
}
