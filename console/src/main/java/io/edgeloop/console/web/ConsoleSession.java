package io.edgeloop.console.web;

import io.edgeloop.console.config.ConsoleConfig;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is looking, and the bearer credential the console presents on their behalf: their own token (the default, so
 * the services apply the user's role) or the console's configured token.
 */
@ApplicationScoped
public class ConsoleSession {
    private final SecurityIdentity identity;
    private final ConsoleConfig config;
    private volatile String ownToken;

    ConsoleSession(SecurityIdentity identity, ConsoleConfig config) {
        this.identity = identity;
        this.config = config;
    }

    /** The logged-in user's subject. */
    public String user() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    /** {@code Bearer <token>} for the services. */
    public String bearer() {
        if (config.forwardUserToken()) {
            if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getRawToken() != null) {
                return "Bearer " + jwt.getRawToken();
            }
            throw new UnauthorizedException();
        }
        return "Bearer " + ownToken();
    }

    private String ownToken() {
        String t = ownToken;
        if (t == null) {
            var file = config.tokenFile()
                    .orElseThrow(() -> new IllegalStateException(
                            "edgeloop.console.token-file is required when forward-user-token is false"));
            try {
                t = Files.readString(file).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the console token file", e);
            }
            ownToken = t;
        }
        return t;
    }
}
