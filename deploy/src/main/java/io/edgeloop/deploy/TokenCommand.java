package io.edgeloop.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edgeloop token mint|revoke|list}: the stack's bearer tokens, signed with the key under the work directory. */
@Command(
        name = "token",
        description = "Mint, revoke and list bearer tokens of a stack (keys under <work dir>/auth).",
        subcommands = {
            TokenCommand.Mint.class,
            TokenCommand.Revoke.class,
            TokenCommand.ListTokens.class,
            TokenCommand.Enroll.class,
            TokenCommand.RevokeDevice.class
        })
final class TokenCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        picocli.CommandLine.usage(this, System.out);
        return 0;
    }

    /** Options every token subcommand needs. */
    static class Where {
        @Option(
                names = "--work-dir",
                required = true,
                description = "The stack's work directory (as given to 'edgeloop up --work-dir').")
        Path workDir;

        StackAuth auth() {
            if (!Files.isDirectory(workDir)) {
                throw new IllegalArgumentException("no stack work directory at " + workDir);
            }
            return StackAuth.open(workDir);
        }
    }

    /** Mints a token and prints it (and only it) on standard output. */
    @Command(name = "mint", description = "Mint a token for a user or automation and print it.")
    static final class Mint implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @Option(names = "--subject", required = true, description = "Who the token speaks for, e.g. alice.")
        String subject;

        @Option(
                names = "--role",
                required = true,
                split = ",",
                description = "Roles: viewer, data, ml, release, admin, device (repeat or comma-separate).")
        List<String> roles;

        @Option(names = "--ttl", defaultValue = "P30D", description = "Lifetime, ISO-8601 (default ${DEFAULT-VALUE}).")
        Duration ttl;

        @Override
        public Integer call() {
            var t = where.auth().mint(subject, ttl, roles.toArray(String[]::new));
            System.err.println("token " + t.id() + " for " + subject + " " + roles + ", expires in " + ttl);
            System.out.println(t.value());
            return 0;
        }
    }

    /** Revokes tokens by id or by subject; services refuse them from their next request on. */
    @Command(name = "revoke", description = "Revoke a token by id, or every token of a subject.")
    static final class Revoke implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @Parameters(paramLabel = "ID_OR_SUBJECT")
        String idOrSubject;

        @Override
        public Integer call() {
            List<String> ids = where.auth().revoke(idOrSubject);
            if (ids.isEmpty()) {
                System.err.println("no issued token has id or subject '" + idOrSubject + "'");
                return 1;
            }
            ids.forEach(id -> System.out.println("revoked " + id));
            return 0;
        }
    }

    /** Lists issued tokens with their state. */
    @Command(name = "list", description = "List issued tokens (id, subject, roles, expiry, state).")
    static final class ListTokens implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @Override
        public Integer call() {
            StackAuth auth = where.auth();
            for (String[] row : auth.issued()) {
                System.out.printf(
                        "%s  %-28s %-22s %s  %s%n",
                        row[0], row[1], row[2], row[3], auth.isRevoked(row[0]) ? "revoked" : "active");
            }
            return 0;
        }
    }

    /** Options of the subcommands that call a running stack's deployment service as its administrator. */
    static class Fleet {
        @picocli.CommandLine.Mixin
        Where where;

        @Option(
                names = "--url",
                defaultValue = "http://127.0.0.1:8085",
                description = "The deployment service (default: ${DEFAULT-VALUE}, the local stack's).")
        String url;

        String base() {
            Json.authorize(where.auth().adminToken());
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }

    /** Issues a one-time enrollment token for a device and prints it (and only it) on standard output. */
    @Command(
            name = "enroll",
            description = "Issue a one-time enrollment token for a device (the agent trades it for its credential).")
    static final class Enroll implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Fleet fleet;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Option(names = "--ttl", defaultValue = "PT24H", description = "Lifetime, ISO-8601 (default ${DEFAULT-VALUE}).")
        Duration ttl;

        @Override
        public Integer call() {
            Json.Reply r = Json.post(
                    fleet.base() + "/enrollments", java.util.Map.of("deviceId", deviceId, "ttl", ttl.toString()));
            if (r.status() != 201) {
                System.err.println("cannot issue an enrollment token (HTTP " + r.status() + "): " + r.body());
                return 1;
            }
            System.err.println("enrollment token " + r.body().path("id").asText() + " for " + deviceId + ", expires "
                    + r.body().path("expiresAt").asText()
                    + "; give it to the agent as edgeloop.agent.enrollment-token(-file)");
            System.out.println(r.body().path("token").asText());
            return 0;
        }
    }

    /** Revokes a device: its stream is cut and every credential it holds is refused by every service. */
    @Command(
            name = "revoke-device",
            description = "Revoke a device everywhere (DELETE /devices/{id}: stream cut, credentials revoked).")
    static final class RevokeDevice implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Fleet fleet;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Override
        public Integer call() {
            Json.Reply r = Json.delete(fleet.base() + "/devices/"
                    + java.net.URLEncoder.encode(deviceId, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20"));
            if (r.status() != 204) {
                System.err.println("cannot revoke " + deviceId + " (HTTP " + r.status() + "): " + r.body());
                return 1;
            }
            System.out.println("revoked device " + deviceId);
            return 0;
        }
    }
}
