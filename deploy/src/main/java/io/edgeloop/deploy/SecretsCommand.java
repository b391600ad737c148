package io.edgeloop.deploy;

import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.Jwks;
import io.edgeloop.common.auth.TokenMinter;
import io.edgeloop.embedded.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgeloop secrets init}: every secret the container deployments (deploy/compose, deploy/k8s) need, as files
 * (mode 0600) in one directory, laid out by who gets them. Existing files are kept, so running it again only adds
 * what is missing (a new device, say); {@code --renew} mints new tokens and keeps keys and passwords.
 *
 * <pre>
 * DIR/auth/                    the stack's keys, admin token, ledger and revocation list ({@link StackAuth}; the
 *                              private token-signing key never leaves this directory)
 * DIR/auth/verify-keys.jwks    the public JWK set every service and agent verifies tokens with
 * DIR/services/S/service.token S's own token (subject service:S, roles of {@link StackAuth#SERVICE_ROLES})
 * DIR/services/deployment-service/device-issuer.key  the device issuer's private key: deployment-service only
 * DIR/services/S/grant.key     the download-grant key (HS256): deployment-service (signs) and registry-service
 *                              (verifies) only, each its own copy
 * DIR/services/S/application.properties  S's database password and Kafka JAAS line, read by Quarkus as
 *                              /app/config/application.properties
 * DIR/services/console/application.properties  the console's Kafka JAAS line (it reads the event topics)
 * DIR/agents/D/device.token    device D's first credential (subject D, role device, signed by the device issuer)
 * DIR/postgres/superuser       PostgreSQL's superuser password (the postgres container only)
 * DIR/postgres/edgeloop_X      the password of role edgeloop_X, the owner of database edgeloop_X
 * DIR/kafka/users/U.password   the SCRAM password of Kafka user U (each service, the console, and admin, the super
 *                              user)
 * DIR/kafka/server.properties  the broker's listener JAAS settings (mounted into /mnt/shared/config)
 * DIR/kafka/kafka_server_jaas.conf, DIR/kafka/admin-client.properties  the broker's JAAS file, the admin's client
 * </pre>
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = "Create the secrets of a container deployment (deploy/compose, deploy/k8s) as files.",
        subcommands = {SecretsCommand.Init.class})
final class SecretsCommand implements Callable<Integer> {
    /** The Kafka super user (the broker itself, topic and ACL set-up). */
    static final String KAFKA_ADMIN = "admin";
    /** The SASL mechanism of every Kafka login (as the embedded broker the launcher tests with). */
    static final String SCRAM = "SCRAM-SHA-256";
    /** The services that hold the download-grant key: the deployment service signs grants, the registry checks them. */
    static final Set<String> GRANT_KEY_HOLDERS = Set.of("deployment-service", "registry-service");

    @Override
    public Integer call() {
        picocli.CommandLine.usage(this, System.out);
        return 0;
    }

    /** Database (and login role) of {@code service}: {@code edgeloop_data} for data-service. */
    static String database(String service) {
        return "edgeloop_" + service.replaceFirst("-service$", "");
    }

    /** Creates what is missing; prints what it wrote and how to use it. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Create (keeping what exists) every key, token and password, mode 0600.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Where to write them (created if missing).")
        Path dir;

        @Option(
                names = "--agents",
                defaultValue = "2",
                description = "Device credentials for edge-001..edge-N (default ${DEFAULT-VALUE}).")
        int agents;

        @Option(
                names = "--device-id",
                description = "Device ids instead of edge-001..N (repeat), e.g. edge-0 edge-1 for the Kubernetes pods.")
        List<String> deviceIds;

        @Option(
                names = "--token-ttl",
                defaultValue = "P365D",
                description = "Lifetime of the services' tokens (default ${DEFAULT-VALUE}).")
        Duration tokenTtl;

        @Option(
                names = "--device-ttl",
                defaultValue = "P30D",
                description = "Lifetime of a device's first credential; agents renew it after half (default"
                        + " ${DEFAULT-VALUE}).")
        Duration deviceTtl;

        @Option(names = "--renew", description = "Mint new service and device tokens even where token files exist.")
        boolean renew;

        @Override
        public Integer call() {
            if (agents < 0
                    || tokenTtl.isNegative()
                    || tokenTtl.isZero()
                    || deviceTtl.isNegative()
                    || deviceTtl.isZero()) {
                System.err.println("--agents must be >= 0 and the lifetimes positive");
                return 2;
            }
            List<String> devices = deviceIds != null ? deviceIds : defaultDevices(agents);
            for (String d : devices) {
                if (!d.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
                    System.err.println("device ids are [a-z0-9][a-z0-9.-]*: " + d);
                    return 2;
                }
            }
            Result r;
            try {
                r = new Writer(dir, tokenTtl, deviceTtl, renew).write(devices);
            } catch (UncheckedIOException e) {
                // e.g. files given to the containers' users (secrets-owners.sh): run again as root
                System.err.println(e.getMessage() + ": " + e.getCause());
                return 1;
            }
            Path root = dir.toAbsolutePath().normalize();
            r.written()
                    .forEach(f -> System.out.println(
                            "wrote " + root.relativize(f.toAbsolutePath().normalize())));
            System.out.println(
                    r.kept() + " existing file(s) kept" + (r.written().isEmpty() ? "; nothing to do" : ""));
            System.out.println(usage(root));
            return 0;
        }

        private static List<String> defaultDevices(int n) {
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                ids.add(String.format("edge-%03d", i));
            }
            return ids;
        }

        private static String usage(Path root) {
            return String.join(
                    "\n",
                    "",
                    "Every file is readable by its owner only. Docker Compose mounts file secrets with their owner and"
                            + " mode, so hand each to its container's user first (deploy/README.md, 'Secrets'):",
                    "  deploy/compose/secrets-owners.sh " + root,
                    "Docker Compose:  docker compose -f deploy/compose/docker-compose.yml up"
                            + "   (with --dir deploy/compose/secrets)",
                    "Kubernetes:      kubectl apply -k deploy/k8s/base"
                            + "   (with --dir deploy/k8s/base/secrets --device-id edge-0 --device-id edge-1)",
                    "Admin token:     " + root.resolve("auth/admin.token")
                            + "   (curl -H \"Authorization: Bearer $(cat ...)\")",
                    "Revoke a token:  edgeloop token revoke --work-dir " + root + " ID_OR_SUBJECT, then append "
                            + root.resolve("auth/revoked-tokens") + " to the shared revocation volume (README)");
        }
    }

    /** What {@link Writer#write} did: the files it created or replaced, and how many it left as they were. */
    record Result(List<Path> written, int kept) {}

    /** Writes the layout of the class comment. */
    static final class Writer {
        private final Path dir;
        private final Duration tokenTtl;
        private final Duration deviceTtl;
        private final boolean renew;
        private final List<Path> written = new ArrayList<>();
        private int kept;

        Writer(Path dir, Duration tokenTtl, Duration deviceTtl, boolean renew) {
            this.dir = dir;
            this.tokenTtl = tokenTtl;
            this.deviceTtl = deviceTtl;
            this.renew = renew;
        }

        /** Creates what is missing for the six services and {@code devices}. */
        Result write(List<String> devices) {
            try {
                Files.createDirectories(dir);
                StackAuth auth = track(
                        List.of(
                                dir.resolve("auth/" + AuthKeys.PRIVATE_FILE),
                                dir.resolve("auth/" + AuthKeys.DEVICE_ISSUER + ".key"),
                                dir.resolve("auth/" + GrantKey.FILE),
                                dir.resolve("auth/admin.token"),
                                // public, rewritten (same keys, same content) by every StackAuth.open
                                dir.resolve("auth/" + Jwks.FILE)),
                        () -> {
                            StackAuth a = StackAuth.open(dir);
                            a.adminTokenFile();
                            return a;
                        });
                if (!Files.exists(auth.revocationFile())) {
                    secret(auth.revocationFile(), "");
                }
                String adminPassword = password(dir.resolve("kafka/users/" + KAFKA_ADMIN + ".password"));
                for (String service : LocalStack.SERVICES) {
                    service(auth, service);
                }
                console();
                password(dir.resolve("postgres/superuser"));
                AuthKeys issuer = AuthKeys.loadOrCreate(auth.dir(), AuthKeys.DEVICE_ISSUER);
                for (String device : devices) {
                    device(auth, issuer, device);
                }
                kafkaBroker(adminPassword);
                return new Result(List.copyOf(written), kept);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the secrets in " + dir, e);
            }
        }

        private void service(StackAuth auth, String service) throws IOException {
            Path sdir = dir.resolve("services").resolve(service);
            Path token = sdir.resolve("service.token");
            if (renew || !Files.exists(token)) {
                String[] roles = StackAuth.SERVICE_ROLES.get(service);
                secret(token, auth.mint("service:" + service, tokenTtl, roles).value() + "\n");
            } else {
                kept++;
            }
            if (service.equals("deployment-service")) {
                // its own copy: the original stays with the keys under auth/, which remain the operator's
                update(
                        sdir.resolve(AuthKeys.DEVICE_ISSUER + ".key"),
                        Files.readString(auth.deviceIssuerKeyFile(), StandardCharsets.US_ASCII));
            }
            if (GRANT_KEY_HOLDERS.contains(service)) {
                update(sdir.resolve(GrantKey.FILE), Files.readString(auth.grantKeyFile(), StandardCharsets.US_ASCII));
            }
            String db = password(dir.resolve("postgres").resolve(database(service)));
            String kafka = password(dir.resolve("kafka/users/" + service + ".password"));
            update(
                    sdir.resolve("application.properties"),
                    "# " + service + "'s own secrets, from 'edgeloop secrets init'. Mounted as"
                            + " /app/config/application.properties:\n"
                            + "# Quarkus reads $PWD/config/application.properties (ordinal 260) over the packaged one.\n"
                            + "%prod.quarkus.datasource.password=" + db + "\n"
                            + "quarkus.datasource.password=" + db + "\n"
                            + "kafka.sasl.jaas.config=" + scramJaas(service, kafka) + "\n");
        }

        /**
         * The console's Kafka login (its overview's live event stream): no token, database or grant key of its own,
         * users log in with theirs.
         */
        private void console() throws IOException {
            String user = KafkaAccess.CONSOLE;
            String kafka = password(dir.resolve("kafka/users/" + user + ".password"));
            update(
                    dir.resolve("services").resolve(user).resolve("application.properties"),
                    "# the console's own secrets, from 'edgeloop secrets init'. Mounted as"
                            + " /app/config/application.properties:\n"
                            + "# its Kafka login, with which it reads the event topics for the overview's live stream.\n"
                            + "kafka.sasl.jaas.config=" + scramJaas(user, kafka) + "\n");
        }

        private void device(StackAuth auth, AuthKeys issuer, String device) throws IOException {
            Path token = dir.resolve("agents").resolve(device).resolve("device.token");
            if (!renew && Files.exists(token)) {
                kept++;
                return;
            }
            TokenMinter.Token t = new DeviceTokens(issuer, Clock.systemUTC()).credential(device, deviceTtl);
            secret(token, t.value() + "\n");
            // in the ledger too, so that 'edgeloop token revoke --work-dir DIR <device>' finds it
            Files.writeString(
                    auth.ledger(),
                    String.join(
                                    "\t",
                                    t.id(),
                                    device,
                                    "device",
                                    Instant.ofEpochSecond(t.expiresAtEpochSecond())
                                            .toString())
                            + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }

        /**
         * The broker's own credentials, as the embedded broker sets them (embedded's KafkaSecurity): SCRAM on the
         * client and inter-broker listener as the super user, PLAIN on the controller listener.
         */
        private void kafkaBroker(String admin) throws IOException {
            update(
                    dir.resolve("kafka/server.properties"),
                    "# the broker's listener logins, from 'edgeloop secrets init'; the environment adds the rest\n"
                            + "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="
                            + scramJaas(KAFKA_ADMIN, admin)
                            + "\n"
                            + "listener.name.controller.plain.sasl.jaas.config="
                            + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                            + KAFKA_ADMIN
                            + "\" password=\"" + admin + "\" user_" + KAFKA_ADMIN + "=\"" + admin + "\";\n");
            update(
                    dir.resolve("kafka/kafka_server_jaas.conf"),
                    "KafkaServer {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n"
                            + "  username=\"" + KAFKA_ADMIN + "\" password=\"" + admin + "\";\n};\n");
            update(
                    dir.resolve("kafka/admin-client.properties"),
                    "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=" + SCRAM + "\nsasl.jaas.config="
                            + scramJaas(KAFKA_ADMIN, admin) + "\n");
        }

        /** The password in {@code file}, created (random, 32 hex characters) when missing. */
        private String password(Path file) throws IOException {
            if (Files.exists(file)) {
                kept++;
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            String p = Secrets.password();
            secret(file, p + "\n");
            return p;
        }

        /** Writes {@code content} unless the file already holds it (derived files follow their inputs). */
        private void update(Path file, String content) throws IOException {
            if (Files.exists(file)
                    && Files.readString(file, StandardCharsets.US_ASCII).equals(content)) {
                kept++;
                return;
            }
            secret(file, content);
        }

        private void secret(Path file, String content) throws IOException {
            Files.createDirectories(file.getParent());
            AuthKeys.writeSecret(file, content);
            written.add(file);
        }

        /** Runs {@code create} and records which of {@code files} it created. */
        private <T> T track(List<Path> files, java.util.function.Supplier<T> create) {
            List<Path> missing = files.stream().filter(f -> !Files.exists(f)).toList();
            T t = create.get();
            written.addAll(missing);
            kept += files.size() - missing.size();
            return t;
        }

        private static String scramJaas(String user, String password) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }
    }
}
