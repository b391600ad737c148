package io.edgeloop.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What {@link DeploymentManifestsTest} compares: the apps' own configuration (application.properties, gRPC services,
 * loopback defaults), the JVM image (Dockerfile.jvm), the init SQL, and the workloads, addresses and ports that the
 * compose file and the Kubernetes base declare, read into one shape ({@link Workload}, {@link Host}).
 */
final class StackModel {
    static final Pattern LOOPBACK = Pattern.compile("localhost|127\\.0\\.0\\.1");
    static final String COMPOSE = "deploy/compose/docker-compose.yml";
    static final String K8S_BASE = "deploy/k8s/base";
    static final String DOCKERFILE = "deploy/docker/Dockerfile.jvm";
    static final String INIT_SQL = K8S_BASE + "/init-databases.sql";

    /** gRPC client name (quarkus.grpc.clients.NAME) -> the module that serves it (docs/development.md). */
    static final Map<String, String> GRPC_CLIENT_TARGETS = Map.of(
            "dataset", "data-service",
            "registry", "registry-service",
            "devices", "deployment-service",
            "telemetry", "monitoring-service");

    /** Ports the third-party images serve as the compose file configures them (compose declares no ports). */
    static final Map<String, Set<Integer>> INFRA_PORTS =
            Map.of("apache/kafka", Set.of(9092), "postgres", Set.of(5432), "openzipkin/zipkin", Set.of(9411));

    /**
     * One Quarkus app module, as its own configuration describes it in the prod profile.
     *
     * @param grpcPort the gRPC server port, or null when the module serves no gRPC (no {@code @GrpcService})
     * @param database the database of its %prod JDBC URL, or null
     * @param grpcClients the names of the gRPC clients it configures
     * @param loopbackProperties prod properties (and {@code @ConfigMapping} defaults) that name the loopback address
     */
    record App(
            String module,
            int httpPort,
            Integer grpcPort,
            String database,
            Set<String> grpcClients,
            Map<String, String> loopbackProperties) {
        String image() {
            return "edgeloop/" + module;
        }

        Set<Integer> ports() {
            Set<Integer> p = new TreeSet<>(Set.of(httpPort));
            if (grpcPort != null) {
                p.add(grpcPort);
            }
            return p;
        }
    }

    /** A value of an environment variable: a literal, or a reference to a Secret key or a pod field. */
    record Env(String value, String secretRef, String fieldRef) {
        static Env of(String value) {
            return new Env(value, null, null);
        }

        boolean isLiteral() {
            return value != null;
        }
    }

    /**
     * One container of a compose service or a Kubernetes workload.
     *
     * @param source the file it is declared in (for messages)
     * @param name compose service name, or Kubernetes kind/name
     * @param kind {@code compose}, {@code Deployment} or {@code StatefulSet}
     * @param image the image without tag (and {@code fullImage} with it)
     * @param env the container's environment (the app image's ENV under it for EdgeLoop images)
     * @param ports the container ports (compose: the container side of published ports)
     * @param spec the raw compose service or Kubernetes workload
     * @param container the raw container (compose: the service)
     */
    record Workload(
            String source,
            String name,
            String kind,
            String image,
            String fullImage,
            Map<String, Env> env,
            Set<Integer> ports,
            Map<String, Object> spec,
            Map<String, Object> container) {
        String label() {
            return source + ": " + name;
        }
    }

    /**
     * An address other containers use: a compose service name or a Kubernetes Service, with the ports it serves.
     *
     * @param everyReplica whether its DNS name answers every replica's address (compose service names, headless
     *     Services), which client-side balancing needs, or one virtual IP (a ClusterIP Service)
     */
    record Host(String source, String name, Set<Integer> ports, List<Workload> backends, boolean everyReplica) {}

    final Path home;
    final Map<String, App> apps = new LinkedHashMap<>();
    final Map<String, String> imageEnv = new LinkedHashMap<>();
    final String imageUser;
    final Set<String> initDatabases = new LinkedHashSet<>();

    final Map<String, Object> compose;
    final List<Workload> composeWorkloads = new ArrayList<>();
    final Map<String, Host> composeHosts = new LinkedHashMap<>();

    final Map<String, Object> kustomization;
    /** Every document of every resource file listed in kustomization.yaml, with its file. */
    final List<Map.Entry<String, Map<String, Object>>> k8sDocs = new ArrayList<>();

    final List<Workload> k8sWorkloads = new ArrayList<>();
    final Map<String, Host> k8sHosts = new LinkedHashMap<>();

    /** The repository root: the first directory in or above {@code edgeloop.home} (or the working directory) holding the compose file. */
    static Path home() {
        Path start = Path.of(System.getProperty("edgeloop.home", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(StackModel.COMPOSE))) {
                return d;
            }
        }
        throw new IllegalStateException("no " + StackModel.COMPOSE + " in or above " + start);
    }

    StackModel(Path home) {
        this.home = home;
        for (String module : modules()) {
            Path props = home.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.exists(props) && read(props).contains("quarkus.http.port")) {
                apps.put(module, app(module, props));
            }
        }
        this.imageUser = dockerfile();
        Matcher m = Pattern.compile("(?i)CREATE\\s+DATABASE\\s+\"?(\\w+)").matcher(read(home.resolve(INIT_SQL)));
        while (m.find()) {
            initDatabases.add(m.group(1));
        }
        this.compose = map(loadAll(COMPOSE).get(0));
        readCompose();
        this.kustomization = map(loadAll(K8S_BASE + "/kustomization.yaml").get(0));
        for (Object r : list(kustomization.get("resources"))) {
            String file = K8S_BASE + "/" + r;
            if (Files.isRegularFile(home.resolve(file))) {
                for (Object doc : loadAll(file)) {
                    k8sDocs.add(Map.entry(file, map(doc)));
                }
            }
        }
        readK8s();
    }

    // ---- the apps' own configuration

    private List<String> modules() {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(home.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    private App app(String module, Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> prod = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (!key.startsWith("%")) {
                prod.putIfAbsent(key, p.getProperty(key));
            } else if (key.startsWith("%prod.")) {
                prod.put(key.substring("%prod.".length()), p.getProperty(key));
            }
        }
        int http = Integer.parseInt(Objects.requireNonNull(
                prod.get("quarkus.http.port"), module + ": no quarkus.http.port in application.properties"));
        String grpc = prod.get("quarkus.grpc.server.port");
        Integer grpcPort = grpc != null && servesGrpc(module) ? Integer.valueOf(grpc) : null;
        String jdbc = prod.get("quarkus.datasource.jdbc.url");
        Set<String> clients = new TreeSet<>();
        Map<String, String> loopback = new LinkedHashMap<>();
        Pattern client = Pattern.compile("quarkus\\.grpc\\.clients\\.([^.]+)\\.host");
        prod.forEach((key, value) -> {
            Matcher cm = client.matcher(key);
            if (cm.matches()) {
                clients.add(cm.group(1));
            }
            if (LOOPBACK.matcher(value).find()) {
                loopback.put(key, value);
            }
        });
        configMappingLoopbackDefaults(module).forEach(loopback::putIfAbsent);
        return new App(module, http, grpcPort, jdbc == null ? null : database(jdbc), clients, loopback);
    }

    private boolean servesGrpc(String module) {
        try (Stream<Path> files = Files.walk(home.resolve(module).resolve("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> read(f).contains("@GrpcService"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code @WithDefault} values naming the loopback address on the top-level methods of a module's
     * {@code @ConfigMapping} interfaces (e.g. deployment-service's monitoring URL): containers must override them too.
     */
    private Map<String, String> configMappingLoopbackDefaults(String module) {
        Map<String, String> found = new LinkedHashMap<>();
        Pattern prefixP = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"");
        Pattern defaultP = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)\\s*[\\w.<>?, ]+?\\s+(\\w+)\\(\\)");
        try (Stream<Path> files = Files.walk(home.resolve(module).resolve("src/main/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                String src = read(f);
                Matcher pm = prefixP.matcher(src);
                if (!pm.find()) {
                    continue;
                }
                Matcher dm = defaultP.matcher(src);
                while (dm.find()) {
                    if (LOOPBACK.matcher(dm.group(1)).find() && braceDepth(src, dm.start()) == 1) {
                        found.put(pm.group(1) + "." + kebab(dm.group(2)), dm.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static int braceDepth(String src, int end) {
        int depth = 0;
        for (int i = 0; i < end; i++) {
            char c = src.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        }
        return depth;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static String database(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]*/", "");
        return rest.replaceFirst("[?;].*$", "");
    }

    /** Reads ENV (as the base of every EdgeLoop container's environment) and returns USER. */
    private String dockerfile() {
        String text = read(home.resolve(DOCKERFILE)).replaceAll("\\\\\\r?\\n", " ");
        String user = null;
        Pattern pair = Pattern.compile("(\\w+)=(\"([^\"]*)\"|(\\S+))");
        for (String line : text.split("\\r?\\n")) {
            String l = line.trim();
            if (l.startsWith("ENV ")) {
                Matcher m = pair.matcher(l.substring(4));
                while (m.find()) {
                    imageEnv.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
                }
            } else if (l.startsWith("USER ")) {
                user = l.substring(5).trim();
            }
        }
        return user;
    }

    /** Property name -> the environment variable Quarkus reads for it. */
    static String envName(String property) {
        return property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    /** The app whose image this is, or null. */
    App appOf(String image) {
        return apps.values().stream()
                .filter(a -> a.image().equals(image))
                .findFirst()
                .orElse(null);
    }

    // ---- compose

    private void readCompose() {
        Map<String, Object> services = map(compose.get("services"));
        services.forEach((name, raw) -> {
            Map<String, Object> svc = map(raw);
            String fullImage = composeDefault(str(svc.get("image")));
            String image = stripTag(fullImage);
            Map<String, Env> env = new LinkedHashMap<>();
            if (appOf(image) != null) {
                imageEnv.forEach((k, v) -> env.put(k, Env.of(v)));
            }
            Object environment = svc.get("environment");
            if (environment instanceof Map<?, ?> m) {
                m.forEach((k, v) -> env.put(String.valueOf(k), Env.of(v == null ? "" : String.valueOf(v))));
            } else {
                for (Object e : list(environment)) {
                    String[] kv = String.valueOf(e).split("=", 2);
                    env.put(kv[0], Env.of(kv.length > 1 ? kv[1] : ""));
                }
            }
            Set<Integer> ports = new TreeSet<>();
            for (Object p : list(svc.get("ports"))) {
                if (p instanceof Map<?, ?> long_) {
                    ports.add(Integer.valueOf(String.valueOf(long_.get("target"))));
                } else {
                    String[] parts =
                            String.valueOf(p).replaceFirst("/\\w+$", "").split(":");
                    ports.add(Integer.valueOf(parts[parts.length - 1]));
                }
            }
            Workload w = new Workload(COMPOSE, name, "compose", image, fullImage, env, ports, svc, svc);
            composeWorkloads.add(w);
            App app = appOf(image);
            Set<Integer> served = app != null ? app.ports() : INFRA_PORTS.getOrDefault(image, ports);
            composeHosts.put(name, new Host(COMPOSE, name, served, List.of(w), true));
        });
    }

    // ---- Kubernetes

    /** Documents of the given kind. */
    List<Map.Entry<String, Map<String, Object>>> k8s(String kind) {
        return k8sDocs.stream()
                .filter(d -> kind.equals(d.getValue().get("kind")))
                .toList();
    }

    private void readK8s() {
        Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
        for (var d : k8s("ConfigMap")) {
            configMaps.put(
                    str(at(d.getValue(), "metadata", "name")), map(d.getValue().get("data")));
        }
        for (var d : k8sDocs) {
            Map<String, Object> doc = d.getValue();
            String kind = str(doc.get("kind"));
            if (!"Deployment".equals(kind) && !"StatefulSet".equals(kind)) {
                continue;
            }
            for (Object c : list(at(doc, "spec", "template", "spec", "containers"))) {
                Map<String, Object> container = map(c);
                String fullImage = str(container.get("image"));
                String image = stripTag(fullImage);
                Map<String, Env> env = new LinkedHashMap<>();
                if (appOf(image) != null) {
                    imageEnv.forEach((k, v) -> env.put(k, Env.of(v)));
                }
                for (Object from : list(container.get("envFrom"))) {
                    String cm = str(at(from, "configMapRef", "name"));
                    if (cm != null) {
                        map(configMaps.get(cm)).forEach((k, v) -> env.put(k, Env.of(String.valueOf(v))));
                    }
                    String secret = str(at(from, "secretRef", "name"));
                    if (secret != null) {
                        env.put("*" + secret, new Env(null, secret + "/*", null));
                    }
                }
                for (Object e : list(container.get("env"))) {
                    Map<String, Object> entry = map(e);
                    String name = str(entry.get("name"));
                    if (entry.containsKey("value")) {
                        env.put(name, Env.of(str(entry.get("value"))));
                    } else if (at(entry, "valueFrom", "secretKeyRef") != null) {
                        env.put(
                                name,
                                new Env(
                                        null,
                                        str(at(entry, "valueFrom", "secretKeyRef", "name")) + "/"
                                                + str(at(entry, "valueFrom", "secretKeyRef", "key")),
                                        null));
                    } else if (at(entry, "valueFrom", "fieldRef") != null) {
                        env.put(name, new Env(null, null, str(at(entry, "valueFrom", "fieldRef", "fieldPath"))));
                    } else if (at(entry, "valueFrom", "configMapKeyRef") != null) {
                        Object v = map(configMaps.get(str(at(entry, "valueFrom", "configMapKeyRef", "name"))))
                                .get(str(at(entry, "valueFrom", "configMapKeyRef", "key")));
                        env.put(name, Env.of(v == null ? null : String.valueOf(v)));
                    }
                }
                Set<Integer> ports = new TreeSet<>();
                for (Object p : list(container.get("ports"))) {
                    ports.add(Integer.valueOf(String.valueOf(map(p).get("containerPort"))));
                }
                k8sWorkloads.add(new Workload(
                        d.getKey(),
                        kind + "/" + str(at(doc, "metadata", "name")),
                        kind,
                        image,
                        fullImage,
                        env,
                        ports,
                        doc,
                        container));
            }
        }
        for (var d : k8s("Service")) {
            Map<String, Object> svc = d.getValue();
            Map<String, Object> selector = map(at(svc, "spec", "selector"));
            List<Workload> backends = k8sWorkloads.stream()
                    .filter(w -> !selector.isEmpty()
                            && map(at(w.spec(), "spec", "template", "metadata", "labels"))
                                    .entrySet()
                                    .containsAll(selector.entrySet()))
                    .toList();
            Set<Integer> ports = new TreeSet<>();
            for (Object p : list(at(svc, "spec", "ports"))) {
                ports.add(Integer.valueOf(String.valueOf(map(p).get("port"))));
            }
            String name = str(at(svc, "metadata", "name"));
            boolean headless = "None".equals(String.valueOf(at(svc, "spec", "clusterIP")));
            k8sHosts.put(name, new Host(d.getKey(), "Service/" + name, ports, backends, headless));
        }
    }

    /** The container port a Service or probe port (number or name) refers to, or null. */
    static Integer containerPort(Map<String, Object> container, Object port) {
        for (Object p : list(container.get("ports"))) {
            Map<String, Object> cp = map(p);
            if (String.valueOf(port).equals(String.valueOf(cp.get("name")))
                    || String.valueOf(port).equals(String.valueOf(cp.get("containerPort")))) {
                return Integer.valueOf(String.valueOf(cp.get("containerPort")));
            }
        }
        return null;
    }

    // ---- YAML and file helpers

    List<Object> loadAll(String file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Object> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(home.resolve(file))) {
            for (Object doc : yaml.loadAll(r)) {
                if (doc != null) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A compose value as Compose reads it with no variable set: {@code ${VAR:-default}} (how the compose file names
     * the third-party images, which {@code deploy/compose/local-images.env} replaces with the local ones) is its
     * default.
     */
    static String composeDefault(String value) {
        return value == null ? null : value.replaceAll("\\$\\{\\w+:?-([^}]*)}", "$1");
    }

    static String stripTag(String image) {
        if (image == null) {
            return null;
        }
        String noDigest = image.replaceFirst("@.*$", "");
        int slash = noDigest.lastIndexOf('/');
        int colon = noDigest.lastIndexOf(':');
        return colon > slash ? noDigest.substring(0, colon) : noDigest;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** The value at a path of map keys, or null. */
    static Object at(Object root, String... keys) {
        Object o = root;
        for (String k : keys) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(k);
        }
        return o;
    }
}
