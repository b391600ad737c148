package io.edgeloop.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** {@code edgeloop.console.*}: the services the console reads and the token it reads them with. */
@ConfigMapping(prefix = "edgeloop.console")
public interface ConsoleConfig {
    /**
     * Base URL of each service by name ({@code registry-service}, ...); the REST clients' URLs are taken from it and
     * the overview checks each one's {@code /q/health/ready}.
     */
    Map<String, String> services();

    /**
     * Whether the console calls the services with the logged-in user's own token (default), so a user sees exactly
     * what their role allows; otherwise with the console's own token ({@link #tokenFile()}).
     */
    @WithDefault("true")
    boolean forwardUserToken();

    /**
     * File holding the console's own viewer token (never committed: the launcher mints it as
     * {@code <work dir>/auth/tokens/console.token}); used when {@link #forwardUserToken()} is off.
     */
    Optional<Path> tokenFile();
}
