package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Workload;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets in the deployment files: no password committed or written into them, every app gets its own auth settings
 * and only its own secrets, the device issuer and grant keys go only where they are used, Kafka clients log in with
 * SASL and the broker grants only what each needs, services use their own PostgreSQL role, and the secrets init writes
 * every file the manifests read. Each test lists every mismatch with its file.
 */
class DeploymentSecretsTest extends ManifestTestBase {
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

    static void agentCredential(List<String> problems, Workload w, List<Mounted> mounted) {
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
    static boolean ownSecret(Workload w, App app, Mounted m) {
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

    static void broker(List<String> problems, Workload w, Set<String> mechanisms) {
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
    static List<String> kafkaInitGrants() {
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

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    static boolean usesKafka(App app) {
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

    static void postgresServer(List<String> problems, Workload p) {
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

    /** The secret files mounted into {@code w}'s container (compose {@code secrets:}, Kubernetes Secret volumes). */
}
