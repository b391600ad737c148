package io.edgeloop.kit.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start an app that could not verify a single token: {@code edgeloop.auth.public-key} must name a
 * readable public key file (the stack's {@code token-signing.pub}). Security cannot be left off by accident.
 */
@Singleton
public class AuthStartupCheck {
    void check(
            @Observes StartupEvent event, @ConfigProperty(name = "mp.jwt.verify.publickey.location") String location) {
        Path file = Path.of(location.startsWith("file:") ? location.substring(5) : location);
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("edgeloop.auth.public-key: the token verification key '" + location
                    + "' is not a readable file; set EDGELOOP_AUTH_PUBLIC_KEY to the stack's token-signing.pub"
                    + " (the launcher writes it under <work dir>/auth)");
        }
    }
}
