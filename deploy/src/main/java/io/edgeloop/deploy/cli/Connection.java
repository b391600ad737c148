package io.edgeloop.deploy.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * Options every CLI command shares: which servers to call, with which bearer token, and how to print.
 *
 * <p>A service's base URL is, first found: {@code --url-<service>} (e.g. {@code --url-data}), the environment
 * variable {@code EDGELOOP_URL_<SERVICE>} (e.g. {@code EDGELOOP_URL_DATA}), the {@code endpoints.properties} that
 * {@code edgeloop up} wrote under {@code --work-dir}, the local stack's fixed port on 127.0.0.1. The token: {@code
 * --token}, {@code EDGELOOP_TOKEN}, the admin token of the stack under {@code --work-dir}; without any, requests go
 * unauthenticated (and the services answer 401).
 */
public final class Connection {
    /** The services a command may call, by short name, with the local stack's fixed ports. */
    static final Map<String, Integer> PORTS = Map.of(
            "data", 8081, "training", 8082, "compiler", 8083, "registry", 8084, "deployment", 8085, "monitoring", 8086);

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Work directory of a local stack ('edgeloop up --work-dir'): its endpoints and admin token.")
    Path workDir;

    @Option(names = "--url-data", paramLabel = "URL", description = "data-service (env EDGELOOP_URL_DATA).")
    String urlData;

    @Option(names = "--url-training", paramLabel = "URL", description = "training-service (env EDGELOOP_URL_TRAINING).")
    String urlTraining;

    @Option(names = "--url-registry", paramLabel = "URL", description = "registry-service (env EDGELOOP_URL_REGISTRY).")
    String urlRegistry;

    @Option(
            names = "--url-deployment",
            paramLabel = "URL",
            description = "deployment-service (env EDGELOOP_URL_DEPLOYMENT).")
    String urlDeployment;

    @Option(
            names = "--url-monitoring",
            paramLabel = "URL",
            description = "monitoring-service (env EDGELOOP_URL_MONITORING).")
    String urlMonitoring;

    @Option(
            names = "--token",
            paramLabel = "JWT",
            description = "Bearer token (default: env EDGELOOP_TOKEN, else the admin token of --work-dir).")
    String token;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "text",
            paramLabel = "FORMAT",
            description = "text or json (default: ${DEFAULT-VALUE}; valid: ${COMPLETION-CANDIDATES}).")
    Output output = Output.text;

    /** Environment lookup; tests replace it. */
    UnaryOperator<String> env = System::getenv;

    private Map<String, String> endpoints;

    /** The base URL of a service ({@code data}, {@code training}, ...), without a trailing slash. */
    String url(String service) {
        String url = flag(service);
        if (blank(url)) {
            url = env.apply("EDGELOOP_URL_" + service.toUpperCase(Locale.ROOT));
        }
        if (blank(url) && workDir != null) {
            url = endpoints().get(service + "-service");
        }
        if (blank(url)) {
            Integer port = PORTS.get(service);
            if (port == null) {
                throw new IllegalArgumentException("unknown service " + service);
            }
            url = "http://127.0.0.1:" + port;
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The bearer token to send, or null for none. */
    String token() {
        if (!blank(token)) {
            return token.trim();
        }
        String fromEnv = env.apply("EDGELOOP_TOKEN");
        if (!blank(fromEnv)) {
            return fromEnv.trim();
        }
        if (workDir == null) {
            return null;
        }
        Path file = workDir.resolve("auth").resolve("admin.token");
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CliError("cannot read the admin token " + file + ": " + e.getMessage());
        }
    }

    boolean json() {
        return output == Output.json;
    }

    private String flag(String service) {
        return switch (service) {
            case "data" -> urlData;
            case "training" -> urlTraining;
            case "registry" -> urlRegistry;
            case "deployment" -> urlDeployment;
            case "monitoring" -> urlMonitoring;
            default -> null;
        };
    }

    private Map<String, String> endpoints() {
        if (endpoints == null) {
            Path file = workDir.resolve("endpoints.properties");
            if (!Files.isRegularFile(file)) {
                throw new CliError("no endpoints.properties under " + workDir + ": is a stack running there?");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new CliError("cannot read " + file + ": " + e.getMessage());
            }
            endpoints = new LinkedHashMap<>();
            p.forEach((k, v) -> endpoints.put((String) k, (String) v));
        }
        return endpoints;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
