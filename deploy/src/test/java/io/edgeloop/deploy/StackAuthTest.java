package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.AuthKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackAuthTest {
    @TempDir
    Path work;

    @Test
    void firstStartCreatesKeysAndAnAdminTokenOnlyTheOwnerReadsAndKeepsThem() throws Exception {
        StackAuth auth = StackAuth.open(work);
        String admin = auth.adminToken();
        assertEquals("rw-------", perms(auth.adminTokenFile()));
        assertEquals("rw-------", perms(auth.dir().resolve(AuthKeys.PRIVATE_FILE)));
        assertEquals(admin, StackAuth.open(work).adminToken(), "a restart keeps the admin token");
        JwtClaims claims = verify(auth, admin);
        assertEquals("admin", claims.getSubject());
        assertEquals(List.of("admin"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void serviceAndDeviceTokensCarryTheirIdentity() throws Exception {
        StackAuth auth = StackAuth.open(work);
        String training =
                Files.readString(auth.serviceTokenFile("training-service")).strip();
        assertEquals("service:training-service", verify(auth, training).getSubject());
        assertEquals(List.of("ml"), verify(auth, training).getStringListClaimValue("groups"));
        String device = Files.readString(auth.identityFile("edge-001", "edge-001", "device"))
                .strip();
        assertEquals("edge-001", verify(auth, device).getSubject());
    }

    @Test
    void cliMintsRevokesAndListsTokens() throws Exception {
        StackAuth.open(work).adminToken();
        Run mint = run("token", "mint", "--work-dir", work.toString(), "--subject", "alice", "--role", "ml,data");
        assertEquals(0, mint.code, mint.err);
        String token = mint.out.strip();
        JwtClaims claims = verify(StackAuth.open(work), token);
        assertEquals("alice", claims.getSubject());
        assertEquals(List.of("ml", "data"), claims.getStringListClaimValue("groups"));
        assertFalse(StackAuth.open(work).isRevoked(claims.getJwtId()));

        Run revoke = run("token", "revoke", "--work-dir", work.toString(), "alice");
        assertEquals(0, revoke.code, revoke.err);
        assertTrue(StackAuth.open(work).isRevoked(claims.getJwtId()));
        assertTrue(
                Files.readString(StackAuth.open(work).revocationFile()).contains(claims.getJwtId()),
                "services read the revocation list from this file");

        Run list = run("token", "list", "--work-dir", work.toString());
        assertTrue(list.out.contains(claims.getJwtId()) && list.out.contains("revoked"), list.out);
        assertTrue(list.out.lines().anyMatch(l -> l.contains("admin") && l.endsWith("active")), list.out);

        assertNotEquals(
                0, run("token", "mint", "--work-dir", work.toString(), "--subject", "x", "--role", "root").code);
        assertNotEquals(0, run("token", "revoke", "--work-dir", work.toString(), "nobody").code);
    }

    private static JwtClaims verify(StackAuth auth, String token) throws Exception {
        return new JwtConsumerBuilder()
                .setVerificationKey(AuthKeys.loadOrCreate(auth.dir()).publicKey())
                .setExpectedIssuer("edgeloop")
                .build()
                .processToClaims(token);
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
