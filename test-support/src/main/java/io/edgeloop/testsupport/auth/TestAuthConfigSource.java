package io.edgeloop.testsupport.auth;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Configures every app under test (found through {@code META-INF/services}) to verify tokens with the test JVM's
 * JWK set (its stack key and device issuer key; the deployment service also signs with the latter), to sign and
 * verify download grants with the test grant key, and to call other services with the admin token. Ordinal 200: a test's {@code application.properties}
 * or profile may override both.
 */
public class TestAuthConfigSource implements ConfigSource {
    private volatile Map<String, String> values;

    private Map<String, String> values() {
        Map<String, String> v = values;
        if (v == null) {
            v = Map.of(
                    "edgeloop.auth.public-key", TestAuth.verificationKeys().toString(),
                    "edgeloop.auth.device-issuer-key",
                            TestAuth.deviceIssuer().privateKeyFile().toString(),
                    "edgeloop.auth.grant-key", TestAuth.grantKey().file().toString(),
                    "edgeloop.auth.token", TestAuth.adminToken());
            values = v;
        }
        return v;
    }

    @Override
    public Set<String> getPropertyNames() {
        return values().keySet();
    }

    @Override
    public String getValue(String name) {
        return values().get(name);
    }

    @Override
    public String getName() {
        return "edgeloop-test-auth";
    }

    @Override
    public int getOrdinal() {
        return 200;
    }
}
