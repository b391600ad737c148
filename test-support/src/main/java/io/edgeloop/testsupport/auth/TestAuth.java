package io.edgeloop.testsupport.auth;

import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.Jwks;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.common.auth.TokenMinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The signing keys of one test JVM, in a directory named after the process id (so the test code and the app under
 * test, in different class loaders, read the same pair), removed when the JVM exits.
 */
public final class TestAuth {
    /** Subject of the default token tests send. */
    public static final String ADMIN_SUBJECT = "test-admin";

    /** The value tests send as {@code Authorization} to call as nobody (not a bearer token: unauthenticated). */
    public static final String ANONYMOUS = "Anonymous";

    private static volatile AuthKeys keys;
    private static volatile AuthKeys deviceIssuer;
    private static volatile String admin;

    private TestAuth() {}

    /** The JVM's key pair, created on first use. */
    public static AuthKeys keys() {
        AuthKeys k = keys;
        if (k == null) {
            synchronized (TestAuth.class) {
                if (keys == null) {
                    Path dir = Path.of(
                            System.getProperty("java.io.tmpdir"),
                            "edgeloop-test-auth-" + ProcessHandle.current().pid());
                    keys = AuthKeys.loadOrCreate(dir);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                }
                k = keys;
            }
        }
        return k;
    }

    /** The JVM's device issuer pair (the deployment service's key in a stack), next to {@link #keys()}. */
    public static AuthKeys deviceIssuer() {
        AuthKeys k = deviceIssuer;
        if (k == null) {
            synchronized (TestAuth.class) {
                if (deviceIssuer == null) {
                    deviceIssuer = AuthKeys.loadOrCreate(keys().dir(), AuthKeys.DEVICE_ISSUER);
                }
                k = deviceIssuer;
            }
        }
        return k;
    }

    /** The JVM's download-grant key (deployment signs grants, registries verify them), next to {@link #keys()}. */
    public static GrantKey grantKey() {
        synchronized (TestAuth.class) {
            return GrantKey.loadOrCreate(keys().dir());
        }
    }

    /** The JWK set of both pairs, what apps under test verify tokens with. */
    public static Path verificationKeys() {
        Path f = keys().dir().resolve(Jwks.FILE);
        synchronized (TestAuth.class) {
            if (!Files.exists(f)) {
                Jwks.write(f, keys(), deviceIssuer());
            }
        }
        return f;
    }

    /** {@code Bearer <credential>} of device {@code deviceId}, signed by the device issuer as enrollment would. */
    public static String deviceBearer(String deviceId) {
        return new DeviceTokens(deviceIssuer(), Clock.systemUTC())
                .credential(deviceId, Duration.ofHours(1))
                .bearer();
    }

    /** A token for {@code subject} with {@code roles}, signed by the JVM's key. */
    public static TokenMinter.Token token(String subject, String... roles) {
        return keys().minter().subject(subject).roles(roles).mint();
    }

    /** {@code Bearer <token>} for {@code subject} with {@code roles}. */
    public static String bearer(String subject, String... roles) {
        return token(subject, roles).bearer();
    }

    /** The compact admin token every test sends by default (one per JVM). */
    public static String adminToken() {
        String a = admin;
        if (a == null) {
            synchronized (TestAuth.class) {
                if (admin == null) {
                    admin = token(ADMIN_SUBJECT, Roles.ADMIN).value();
                }
                a = admin;
            }
        }
        return a;
    }

    /** Removes the key directory; quietly, since each class loader that loaded this class registers a hook. */
    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // already removed by another class loader's hook
        }
    }
}
