package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.console.config.ConsoleConfig;
import io.edgeloop.kit.api.ApiException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is looking, and the bearer credential the console presents on their behalf: their own token (the default, so
 * the services apply the user's role) or the console's configured token. Also the session's CSRF token: an HMAC of
 * the session's token under a key drawn when the console starts, so it is bound to the login, needs no storage and
 * is worthless to anyone who cannot read the page (the cookie itself is HttpOnly and SameSite=Strict).
 */
@ApplicationScoped
public class ConsoleSession {
    private final SecurityIdentity identity;
    private final ConsoleConfig config;
    private final byte[] csrfKey = new byte[32];
    private volatile String ownToken;

    ConsoleSession(SecurityIdentity identity, ConsoleConfig config) {
        this.identity = identity;
        this.config = config;
        new SecureRandom().nextBytes(csrfKey);
    }

    /** The user, their CSRF token and whether they may control rollouts, for the templates. */
    public Viewer viewer() {
        return new Viewer(user(), csrf(), identity.hasRole(Roles.RELEASE));
    }

    /** The session's CSRF token; empty without a token. */
    public String csrf() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getRawToken() != null) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
                byte[] tag = mac.doFinal(jwt.getRawToken().getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
        return "";
    }

    /**
     * Checks the CSRF token a form sent, for a request that came with the session cookie (a script sending {@code
     * Authorization: Bearer} carries no ambient credential and needs none; a browser cannot add that header to a
     * cross-site form).
     *
     * @throws ApiException 403 when it is missing or wrong
     */
    public void checkCsrf(String submitted, String authorization) {
        boolean bearerHeader = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        if (bearerHeader || identity.isAnonymous()) {
            return;
        }
        String expected = csrf();
        if (submitted == null
                || expected.isEmpty()
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(
                    403,
                    "Forbidden",
                    "the form's CSRF token is missing or stale: reload the page and try again",
                    List.of());
        }
    }

    /** When the caller's token expires; empty without one (or without an expiry). */
    public Optional<Instant> expiresAt() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            return Optional.of(Instant.ofEpochSecond(jwt.getExpirationTime()));
        }
        return Optional.empty();
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
