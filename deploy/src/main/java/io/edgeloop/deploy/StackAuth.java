package io.edgeloop.deploy;

import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.Jwks;
import io.edgeloop.common.auth.RevocationList;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.common.auth.TokenMinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local stack's identities, kept under {@code <work dir>/auth}: the token-signing key pair and the device issuer's
 * (created at first start; the JWK set of both is what services verify with), the revocation list every service reads, a ledger of issued tokens, the admin token, and one token file
 * per service and device (all token and key files mode 0600).
 */
public final class StackAuth {
    /** Roles of each service's own identity: what its outgoing gRPC calls need. */
    static final Map<String, String[]> SERVICE_ROLES = Map.of(
            "data-service", new String[] {Roles.VIEWER},
            "training-service", new String[] {Roles.ML},
            "compiler-service", new String[] {Roles.ML},
            "registry-service", new String[] {Roles.VIEWER},
            "deployment-service", new String[] {Roles.VIEWER},
            "monitoring-service", new String[] {Roles.VIEWER});

    /** Subject of the stack's first administrator. */
    public static final String ADMIN_SUBJECT = "admin";

    private final Path dir;
    private final AuthKeys keys;
    private final AuthKeys deviceIssuer;
    private final GrantKey grantKey;

    private StackAuth(Path dir) {
        this.dir = dir;
        this.keys = AuthKeys.loadOrCreate(dir);
        this.deviceIssuer = AuthKeys.loadOrCreate(dir, AuthKeys.DEVICE_ISSUER);
        this.grantKey = GrantKey.loadOrCreate(dir);
        Jwks.write(dir.resolve(Jwks.FILE), keys, deviceIssuer);
    }

    /** Opens (and on first use creates) the identities of the stack whose work directory is {@code workDir}. */
    public static StackAuth open(Path workDir) {
        return new StackAuth(workDir.resolve("auth"));
    }

    public Path dir() {
        return dir;
    }

    /** The stack's own public key (PEM). */
    public Path publicKeyFile() {
        return keys.publicKeyFile();
    }

    /**
     * The JWK set every service verifies tokens with ({@code edgeloop.auth.public-key}): the stack's key and the
     * device issuer's.
     */
    public Path verificationKeysFile() {
        return dir.resolve(Jwks.FILE);
    }

    /** The device issuer's private key, given to the deployment service only. */
    public Path deviceIssuerKeyFile() {
        return deviceIssuer.privateKeyFile();
    }

    /** The download-grant key, given to the deployment service (signs grants) and the registry (verifies them). */
    public Path grantKeyFile() {
        return grantKey.file();
    }

    public Path revocationFile() {
        return dir.resolve("revoked-tokens");
    }

    /** The ledger of issued tokens: one line per token, {@code id subject roles expiry}. */
    public Path ledger() {
        return dir.resolve("issued-tokens.tsv");
    }

    /** The admin token file, minted at first start and kept. */
    public Path adminTokenFile() {
        Path f = dir.resolve("admin.token");
        // tokens minted before key ids existed name no key: such an admin token is replaced
        if (!Files.exists(f) || !keys.keyId().equals(Jwks.keyIdOf(read(f)))) {
            writeToken(f, mint(ADMIN_SUBJECT, Duration.ofDays(365), Roles.ADMIN));
        }
        return f;
    }

    /** The admin token's value. */
    public String adminToken() {
        return read(adminTokenFile());
    }

    /**
     * The token file {@code tokens/<name>.token} of a service or device, minted anew at each start for {@code subject}
     * (old ones expire after 30 days).
     */
    public Path identityFile(String name, String subject, String... roles) {
        if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("token file names are [a-z0-9.-]: " + name);
        }
        Path f = dir.resolve("tokens").resolve(name + ".token");
        writeToken(f, mint(subject, Duration.ofDays(30), roles));
        return f;
    }

    /** The token file of service {@code name}, with its roles from {@link #SERVICE_ROLES}. */
    public Path serviceTokenFile(String name) {
        String[] roles = SERVICE_ROLES.get(name);
        if (roles == null) {
            throw new IllegalArgumentException("unknown service " + name);
        }
        return identityFile(name, "service:" + name, roles);
    }

    /** Mints a token and records it in the ledger. */
    public TokenMinter.Token mint(String subject, Duration ttl, String... roles) {
        TokenMinter.Token t =
                keys.minter().subject(subject).roles(roles).ttl(ttl).mint();
        String line = String.join(
                        "\t",
                        t.id(),
                        subject,
                        String.join(",", roles),
                        Instant.ofEpochSecond(t.expiresAtEpochSecond()).toString())
                + "\n";
        try {
            Files.writeString(
                    ledger(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** Revokes every token with id {@code idOrSubject}, or every token issued to subject {@code idOrSubject}. */
    public List<String> revoke(String idOrSubject) {
        RevocationList list = new RevocationList(revocationFile());
        List<String> revoked = new ArrayList<>();
        for (String[] row : issued()) {
            if (row[0].equals(idOrSubject) || row[1].equals(idOrSubject)) {
                list.revoke(row[0]);
                revoked.add(row[0]);
            }
        }
        return revoked;
    }

    /** The ledger's rows: id, subject, roles, expiry. */
    public List<String[]> issued() {
        if (!Files.exists(ledger())) {
            return List.of();
        }
        try {
            List<String[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(ledger(), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether token {@code id} is on the revocation list. */
    public boolean isRevoked(String id) {
        return new RevocationList(revocationFile()).isRevoked(id);
    }

    private static void writeToken(Path file, TokenMinter.Token t) {
        try {
            Files.createDirectories(file.getParent());
            AuthKeys.writeSecret(file, t.value() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
