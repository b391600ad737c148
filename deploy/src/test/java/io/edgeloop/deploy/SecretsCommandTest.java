package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.Jwks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecretsCommandTest {
    @TempDir
    Path dir;

    @Test
    void initWritesEverySecretOwnerOnlyAndTokensVerifyAgainstTheJwkSet(@TempDir Path other) throws Exception {
        Run r = run("secrets", "init", "--dir", dir.toString(), "--agents", "2");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("wrote services/data-service/service.token"), r.out);

        List<Path> files = files();
        for (Path f : files) {
            String name = f.getFileName().toString();
            boolean isPublic = name.equals(Jwks.FILE) || name.endsWith(".pub") || name.equals("issued-tokens.tsv");
            if (!isPublic) {
                assertEquals("rw-------", perms(f), dir.relativize(f) + " must be readable by its owner only");
            }
        }
        String jwks = Files.readString(dir.resolve("auth/" + Jwks.FILE));
        for (String service : LocalStack.SERVICES) {
            JwtClaims c = verify(jwks, read("services/" + service + "/service.token"));
            assertEquals("service:" + service, c.getSubject());
            assertEquals(List.of(StackAuth.SERVICE_ROLES.get(service)), c.getStringListClaimValue("groups"));
        }
        for (String device : List.of("edge-001", "edge-002")) {
            String token = read("agents/" + device + "/device.token");
            JwtClaims c = verify(jwks, token);
            assertEquals(device, c.getSubject());
            assertEquals(List.of("device"), c.getStringListClaimValue("groups"));
            assertTrue(
                    Jwks.keyIdOf(token).startsWith(AuthKeys.DEVICE_ISSUER + "-"),
                    "a device credential is signed by the device issuer, as deployment-service's");
        }
        assertEquals("admin", verify(jwks, read("auth/admin.token")).getSubject());
        assertFalse(Files.exists(dir.resolve("agents/edge-003")));

        // a foreign key does not verify
        new SecretsCommand.Writer(other, java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), false)
                .write(List.of());
        assertThrows(
                InvalidJwtException.class,
                () -> verify(Files.readString(other.resolve("auth/" + Jwks.FILE)), read("auth/admin.token")));
    }

    @Test
    void passwordsAreDistinctAndTheDerivedFilesCarryThem() throws Exception {
        assertEquals(0, run("secrets", "init", "--dir", dir.toString(), "--agents", "0").code);
        Map<String, String> passwords = new TreeMap<>();
        for (String service : LocalStack.SERVICES) {
            String db = SecretsCommand.database(service);
            passwords.put("db " + db, read("postgres/" + db));
            passwords.put("kafka " + service, read("kafka/users/" + service + ".password"));
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve("services/" + service + "/application.properties"))) {
                p.load(in);
            }
            assertEquals(read("postgres/" + db), p.getProperty("%prod.quarkus.datasource.password"));
            assertEquals(read("postgres/" + db), p.getProperty("quarkus.datasource.password"));
            assertEquals(
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + service
                            + "\" password=\"" + read("kafka/users/" + service + ".password") + "\";",
                    p.getProperty("kafka.sasl.jaas.config"));
        }
        // the console: its Kafka login only (the overview's live event stream), no database password
        Properties console = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("services/console/application.properties"))) {
            console.load(in);
        }
        passwords.put("kafka console", read("kafka/users/console.password"));
        assertEquals(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"console\" password=\""
                        + read("kafka/users/console.password") + "\";",
                console.getProperty("kafka.sasl.jaas.config"));
        assertEquals(Set.of("kafka.sasl.jaas.config"), console.stringPropertyNames());
        passwords.put("postgres superuser", read("postgres/superuser"));
        passwords.put("kafka admin", read("kafka/users/admin.password"));
        passwords.values().forEach(p -> assertTrue(p.matches("[0-9a-f]{32}"), p));
        assertEquals(
                passwords.size(), distinct(passwords.values()), "every password is its own: " + passwords.keySet());
        String admin = read("kafka/users/admin.password");
        assertTrue(read("kafka/server.properties").contains("user_admin=\"" + admin + "\""));
        assertTrue(read("kafka/admin-client.properties").contains("password=\"" + admin + "\""));
        assertTrue(read("kafka/kafka_server_jaas.conf").contains("password=\"" + admin + "\""));
        String issuerKey = AuthKeys.DEVICE_ISSUER + ".key";
        assertEquals(read("auth/" + issuerKey), read("services/deployment-service/" + issuerKey));
        assertEquals(read("auth/" + GrantKey.FILE), read("services/deployment-service/" + GrantKey.FILE));
        assertEquals(read("auth/" + GrantKey.FILE), read("services/registry-service/" + GrantKey.FILE));
        for (String service : LocalStack.SERVICES) {
            assertEquals(
                    service.equals("deployment-service"),
                    Files.exists(dir.resolve("services/" + service + "/" + issuerKey)),
                    "only deployment-service gets the device issuer's key: " + service);
            assertEquals(
                    SecretsCommand.GRANT_KEY_HOLDERS.contains(service),
                    Files.exists(dir.resolve("services/" + service + "/" + GrantKey.FILE)),
                    "only deployment-service and registry-service get the grant key: " + service);
        }
    }

    @Test
    void initIsIdempotentAndAddsOnlyWhatIsMissing() throws Exception {
        assertEquals(0, run("secrets", "init", "--dir", dir.toString(), "--agents", "1").code);
        Map<Path, String> before = contents();
        Map<Path, FileTime> times = new TreeMap<>();
        for (Path f : before.keySet()) {
            times.put(f, Files.getLastModifiedTime(f));
        }

        Run again = run("secrets", "init", "--dir", dir.toString(), "--agents", "2");
        assertEquals(0, again.code, again.err);
        Map<Path, String> after = contents();
        for (Path f : before.keySet()) {
            if (!f.getFileName().toString().equals("issued-tokens.tsv")) {
                assertEquals(before.get(f), after.get(f), dir.relativize(f) + " was changed");
            }
        }
        assertTrue(after.containsKey(dir.resolve("agents/edge-002/device.token")), "the new device was added");
        assertEquals(
                List.of("agents/edge-002/device.token"),
                again.out
                        .lines()
                        .filter(l -> l.startsWith("wrote "))
                        .map(l -> l.substring(6))
                        .toList());
        assertEquals(
                times.get(dir.resolve("postgres/superuser")),
                Files.getLastModifiedTime(dir.resolve("postgres/superuser")));

        Run renew = run("secrets", "init", "--dir", dir.toString(), "--agents", "2", "--renew");
        assertEquals(0, renew.code, renew.err);
        assertNotEquals(
                before.get(dir.resolve("services/data-service/service.token")),
                read("services/data-service/service.token"),
                "--renew mints new tokens");
        assertEquals(before.get(dir.resolve("postgres/superuser")), read("postgres/superuser") + "\n");
        assertEquals(before.get(dir.resolve("auth/" + Jwks.FILE)), Files.readString(dir.resolve("auth/" + Jwks.FILE)));
    }

    @Test
    void deviceIdsCanBeNamedAndBadInputIsRefused() throws Exception {
        Run r = run("secrets", "init", "--dir", dir.toString(), "--device-id", "edge-0", "--device-id", "edge-1");
        assertEquals(0, r.code, r.err);
        assertTrue(Files.exists(dir.resolve("agents/edge-0/device.token")));
        assertTrue(Files.exists(dir.resolve("agents/edge-1/device.token")));
        assertFalse(Files.exists(dir.resolve("agents/edge-001")));
        assertTrue(
                StackAuth.open(dir).issued().stream().anyMatch(row -> row[1].equals("edge-0")),
                "device tokens are in the ledger, so 'token revoke' finds them");

        assertNotEquals(0, run("secrets", "init", "--dir", dir.toString(), "--device-id", "../x").code);
        assertNotEquals(0, run("secrets", "init", "--dir", dir.toString(), "--agents", "-1").code);
        assertNotEquals(0, run("secrets", "init").code, "--dir is required");
    }

    private static JwtClaims verify(String jwks, String token) throws Exception {
        JsonWebKeySet set = new JsonWebKeySet(jwks);
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver((JsonWebSignature jws, List<org.jose4j.jwx.JsonWebStructure> nested) -> {
                    try {
                        return new VerificationJwkSelector()
                                .select(jws, set.getJsonWebKeys())
                                .getKey();
                    } catch (org.jose4j.lang.JoseException e) {
                        throw new org.jose4j.lang.UnresolvableKeyException(e.getMessage(), e);
                    }
                })
                .setExpectedIssuer("edgeloop")
                .setRequireExpirationTime()
                .build()
                .processToClaims(token);
    }

    private static int distinct(java.util.Collection<String> values) {
        return new java.util.HashSet<>(values).size();
    }

    private String read(String file) throws Exception {
        return Files.readString(dir.resolve(file), StandardCharsets.US_ASCII).strip();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private Map<Path, String> contents() throws Exception {
        Map<Path, String> m = new TreeMap<>();
        for (Path f : files()) {
            m.put(f, Files.readString(f));
        }
        return m;
    }

    private static String perms(Path f) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
