package io.edgeloop.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** SASL/SCRAM and ACL settings of a secured {@link EmbeddedKafka}. */
final class KafkaSecurity {
    /** The broker's super user. */
    static final String ADMIN = "admin";

    private static final String SCRAM = "SCRAM-SHA-256";
    private static final int ITERATIONS = 8192;

    private KafkaSecurity() {}

    /** The admin password: kept next to a persistent log directory, random for a temporary one. */
    static String adminPassword(Path logDir, boolean temporary, boolean formatted) throws IOException {
        Path file = logDir.resolveSibling(logDir.getFileName() + ".admin-password");
        if (!temporary && formatted && Files.exists(file)) {
            return Files.readString(file).strip();
        }
        if (!temporary && formatted) {
            throw new IllegalStateException(logDir + " was formatted without authentication; remove it to start over");
        }
        String password = Secrets.password();
        if (!temporary) {
            Secrets.writeOwnerOnly(file, password);
        }
        return password;
    }

    /** Listeners, SASL and the ACL authorizer: nothing is allowed without an ACL, except to the super user. */
    static void brokerProperties(Properties p, int port, int controllerPort, String adminPassword) {
        p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        p.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", scramJaas(ADMIN, adminPassword));
        // SCRAM credentials live in the metadata the controller serves, so the controller listener uses PLAIN
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN);
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("auto.create.topics.enable", "false");
    }

    /** The {@code --add-scram} argument that creates {@code user} when the log directory is formatted. */
    static String scramArgument(String user, String password) {
        return SCRAM + "=[name=" + user + ",password=" + password + "]";
    }

    /** Client settings for {@code user}. */
    static Map<String, String> clientProperties(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SCRAM,
                "sasl.jaas.config",
                scramJaas(user, password));
    }

    static String createUser(Admin admin, String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("user names are [A-Za-z0-9._-]+: " + name);
        }
        String password = Secrets.password();
        try {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, ITERATIONS), password)))
                    .all()
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create Kafka user " + name, e);
        }
        return password;
    }

    static void grant(Admin admin, String user, Collection<String> produce, Collection<String> consume, String group) {
        String principal = "User:" + user;
        List<AclBinding> acls = new ArrayList<>();
        for (String t : produce) {
            acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, principal, AclOperation.WRITE));
        }
        for (String t : consume) {
            acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, principal, AclOperation.READ));
        }
        Set<String> all = new LinkedHashSet<>(produce);
        all.addAll(consume);
        for (String t : all) {
            acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, principal, AclOperation.DESCRIBE));
        }
        if (group != null && !consume.isEmpty()) {
            acls.add(allow(ResourceType.GROUP, group, PatternType.PREFIXED, principal, AclOperation.READ));
        }
        try {
            admin.createAcls(acls).all().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot grant " + user + " its topics", e);
        }
    }

    private static AclBinding allow(
            ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
